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
fn every_command_is_implemented_and_registered_by_the_shell() {
    let src = root().join("src-tauri/src");
    let mut shell = String::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            shell.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let main = std::fs::read_to_string(src.join("main.rs")).unwrap();
    let handler = &main[main.find("generate_handler![").expect("main.rs registers the commands")..];
    let handler = &handler[..handler.find(']').unwrap()];
    let registered: Vec<&str> = handler
        .trim_start_matches("generate_handler![")
        .split(',')
        .filter_map(|s| s.trim().rsplit("::").next())
        .filter(|s| !s.is_empty())
        .collect();
    for c in firebreak_api::bindings::COMMANDS {
        let defined = ["pub fn", "pub async fn"].iter().any(|f| shell.contains(&format!("{f} {}(", c.name)));
        assert!(defined, "src-tauri/src lacks command {}", c.name);
        assert!(registered.contains(&c.name), "src-tauri/src/main.rs does not register command {}", c.name);
    }
    for r in &registered {
        assert!(
            firebreak_api::bindings::COMMANDS.iter().any(|c| c.name == *r),
            "main.rs registers {r}, which crates/api/src/bindings.rs does not list (the window has no binding for it)"
        );
    }
}
