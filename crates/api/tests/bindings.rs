//! The one list of IPC commands (`bindings::COMMANDS`) and what follows it: the committed
//! TypeScript bindings are generated from it (and the Rust types), the desktop shell
//! defines and registers exactly its commands, and the UI tests' IPC mock answers only
//! commands in it.
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

/// The command names between `generate_handler![` and `]` in the shell's main.rs.
fn handler_names(main_rs: &str) -> Vec<String> {
    let Some(start) = main_rs.find("generate_handler![") else { return vec![] };
    let body = &main_rs[start + "generate_handler![".len()..];
    let body = &body[..body.find(']').unwrap_or(body.len())];
    body.split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit("::").next().unwrap_or(s).to_string())
        .collect()
}

/// The commands the UI tests' IPC mock answers (`case "name":`).
fn mock_names(test_ts: &str) -> Vec<String> {
    test_ts
        .split("case \"")
        .skip(1)
        .filter_map(|rest| rest.split_once("\":").map(|(name, _)| name.to_string()))
        .collect()
}

/// What differs between the one command list and the shell's handler and the UI's mock:
/// the handler registers exactly the listed commands; the mock answers only listed ones.
fn command_list_problems(listed: &[&str], handler: &[String], mock: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for c in listed.iter().filter(|c| !handler.iter().any(|h| h == *c)) {
        out.push(format!("src-tauri/src/main.rs does not register {c}"));
    }
    for h in handler.iter().filter(|h| !listed.contains(&h.as_str())) {
        out.push(format!("src-tauri/src/main.rs registers {h}, which is not in bindings::COMMANDS"));
    }
    for m in mock.iter().filter(|m| !listed.contains(&m.as_str())) {
        out.push(format!("ui/tests/app.test.ts mocks {m}, which is not in bindings::COMMANDS"));
    }
    out
}

#[test]
fn the_shells_handler_and_the_uis_mock_follow_the_one_command_list() {
    let listed: Vec<&str> = firebreak_api::bindings::COMMANDS.iter().map(|c| c.name).collect();
    let handler = handler_names(&std::fs::read_to_string(root().join("src-tauri/src/main.rs")).unwrap());
    let mock = mock_names(&std::fs::read_to_string(root().join("ui/tests/app.test.ts")).unwrap());
    assert!(handler.len() > 10 && mock.len() > 5, "parsed {handler:?} and {mock:?}");
    let problems = command_list_problems(&listed, &handler, &mock);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_command_missing_from_the_handler_or_unknown_to_the_list_fails() {
    let main_rs = "tauri::Builder::default().invoke_handler(tauri::generate_handler![\n  commands::whoami,\n  commands::old_name,\n])";
    let handler = handler_names(main_rs);
    assert_eq!(handler, vec!["whoami", "old_name"]);
    let mock = mock_names("switch (cmd) {\n case \"whoami\":\n return me;\n case \"gone\": {\n }");
    assert_eq!(mock, vec!["whoami", "gone"]);
    assert_eq!(
        command_list_problems(&["whoami", "sync_status"], &handler, &mock),
        vec![
            "src-tauri/src/main.rs does not register sync_status",
            "src-tauri/src/main.rs registers old_name, which is not in bindings::COMMANDS",
            "ui/tests/app.test.ts mocks gone, which is not in bindings::COMMANDS",
        ]
    );
}
