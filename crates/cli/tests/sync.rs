//! Two laptops (two data directories) and a real team server: an entry made on one
//! appears on the other; both edit while the server is down; after it returns they
//! converge, with nothing lost.
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn server_bin() -> PathBuf {
    let p = Path::new(env!("CARGO_BIN_EXE_firebreak")).with_file_name("firebreak-server");
    assert!(p.exists(), "{} is built by `cargo test` of the workspace (scripts/test.sh)", p.display());
    p
}

fn admin(db: &str, args: &[&str]) -> String {
    let mut all = vec!["admin"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--db", db]);
    let o = Command::new(server_bin()).args(&all).output().unwrap();
    assert!(o.status.success(), "{all:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

fn serve(db: &str, listen: &str) -> (Child, String) {
    let mut child = Command::new(server_bin())
        .args(["--db", db, "--listen", listen])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").expect("the server says where it listens").to_string();
    (child, url)
}

fn fb(dir: &Path, user: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(args)
        .env("FIREBREAK_DATA_DIR", dir)
        .env("USER", user)
        .output()
        .unwrap()
}

fn ok(dir: &Path, user: &str, args: &[&str]) -> String {
    let o = fb(dir, user, args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn show(dir: &Path, id: &str) -> Value {
    serde_json::from_str(&ok(dir, "x", &["--json", "incident", "show", id])).unwrap()
}

fn texts(v: &Value) -> Vec<String> {
    let mut t: Vec<String> =
        v["timeline"].as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap().to_string()).collect();
    t.sort();
    t
}

#[test]
fn two_laptops_converge_through_the_server_also_after_an_outage() {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("server.db").display());
    admin(&db, &["create-team", "sre"]);
    admin(&db, &["add-member", "sre", "ana"]);
    admin(&db, &["add-member", "sre", "bo"]);
    let token_a = admin(&db, &["issue-token", "sre", "ana"]);
    let token_b = admin(&db, &["issue-token", "sre", "bo"]);
    let (mut server, url) = serve(&db, "127.0.0.1:0");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&a, "ana", &["remote", "set", &url, "--team", "sre", "--token", &token_a]);
    ok(&b, "bo", &["remote", "set", &url, "--team", "sre", "--token", &token_b]);
    let shown = ok(&a, "ana", &["remote", "show"]);
    assert!(!shown.contains(&token_a), "the token is never printed");

    let id =
        ok(&a, "ana", &["incident", "declare", "--title", "Payments down", "--severity", "SEV1"]).trim().to_string();
    ok(&a, "ana", &["timeline", "add", &id, "--kind", "note", "--text", "from ana"]);
    assert!(ok(&a, "ana", &["sync"]).contains("pushed 2"));
    ok(&b, "bo", &["sync"]);
    assert_eq!(texts(&show(&b, &id)), texts(&show(&a, &id)), "an entry made on one laptop appears on the other");

    // The server goes down; both keep working.
    server.kill().unwrap();
    server.wait().unwrap();
    ok(&a, "ana", &["timeline", "add", &id, "--kind", "note", "--text", "ana while offline"]);
    ok(&b, "bo", &["timeline", "add", &id, "--kind", "decision", "--text", "bo while offline"]);
    ok(&b, "bo", &["incident", "status", &id, "investigating"]);
    let o = fb(&a, "ana", &["sync"]);
    assert!(!o.status.success(), "sync reports the outage");
    assert!(ok(&a, "ana", &["remote", "show"]).contains("1 change(s) waiting"));

    // It comes back (same database, same address); both sync and converge.
    let listen = url.trim_start_matches("http://").to_string();
    let (mut server, _) = serve(&db, &listen);
    for (dir, user) in [(&a, "ana"), (&b, "bo"), (&a, "ana")] {
        ok(dir, user, &["sync"]);
    }
    let (va, vb) = (show(&a, &id), show(&b, &id));
    assert_eq!(texts(&va), texts(&vb));
    for want in ["from ana", "ana while offline", "bo while offline"] {
        assert_eq!(texts(&va).iter().filter(|t| t.as_str() == want).count(), 1, "{want} exactly once");
    }
    assert_eq!(va["status"], "investigating");
    assert_eq!(vb["status"], "investigating");
    server.kill().unwrap();
    server.wait().unwrap();
}
