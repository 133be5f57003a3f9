//! The committed TypeScript bindings match the Rust types, and every command in the
//! list is implemented by the desktop shell.
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn committed_typescript_bindings_are_fresh() {
    let path = root().join("ui/src/ipc/bindings.ts");
    let want = firebreak_api::bindings::typescript();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/ipc/bindings.ts is stale; run: UPDATE_BINDINGS=1 cargo test -p firebreak-api --test bindings"
    );
}

#[test]
fn every_command_is_implemented_by_the_shell() {
    let shell = std::fs::read_to_string(root().join("src-tauri/src/commands.rs")).unwrap();
    for c in firebreak_api::bindings::COMMANDS {
        let defined = ["pub fn", "pub async fn"].iter().any(|f| shell.contains(&format!("{f} {}(", c.name)));
        assert!(defined, "src-tauri/src/commands.rs lacks command {}", c.name);
    }
}
