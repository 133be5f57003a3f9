//! Two laptops (two data directories) and a real team server: an entry made on one
//! appears on the other; both edit while the server is down; after it returns they
//! converge, with nothing lost.
// The real binary reads the real clock; the test computes stamps relative to it.
#![allow(clippy::disallowed_methods)]
mod common;
use common::{admin, serve};
use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn fb(dir: &Path, user: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(args)
        .env("FIREBREAK_DATA_DIR", dir)
        // The owner-only file, so the test can look where the token went (the keyring
        // case is crates/api/tests/secrets.rs).
        .env("FIREBREAK_SECRETS", "file")
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

/// Team "sre" with members ana and bo on a running server.
struct Team {
    tmp: tempfile::TempDir,
    db: String,
    token_a: String,
    token_b: String,
    server: Child,
    url: String,
}

fn team() -> Team {
    let tmp = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", tmp.path().join("server.db").display());
    admin(&db, &["create-team", "sre"]);
    admin(&db, &["add-member", "sre", "ana"]);
    admin(&db, &["add-member", "sre", "bo"]);
    let token_a = admin(&db, &["issue-token", "sre", "ana"]);
    let token_b = admin(&db, &["issue-token", "sre", "bo"]);
    let (server, url) = serve(&db, "127.0.0.1:0");
    Team { tmp, db, token_a, token_b, server, url }
}

#[test]
fn two_laptops_converge_through_the_server_also_after_an_outage() {
    let Team { tmp, db, token_a, token_b, mut server, url } = team();
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

fn json(dir: &Path, user: &str, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(dir, user, &all)).unwrap()
}

#[test]
fn remote_set_checks_the_token_adopts_the_member_and_refused_changes_stay_local() {
    let Team { tmp, db: _, token_a, token_b, mut server, url } = team();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));

    // Ana worked offline before joining the team, as the OS user "root".
    let early =
        ok(&a, "root", &["incident", "declare", "--title", "Before joining", "--severity", "SEV3"]).trim().to_string();

    // A token the server does not know is refused and nothing is saved.
    let o = fb(&a, "root", &["remote", "set", &url, "--team", "sre", "--token", "fbt_not_a_real_token"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("refused") && !err.contains("fbt_not_a_real_token"), "{err}");
    assert!(json(&a, "root", &["remote", "show"])["remote"].is_null(), "a refused remote is not saved");

    // The real token: checked, kept outside the database, and its member signs from now on.
    let out = ok(&a, "root", &["remote", "set", &url, "--team", "sre", "--token", &token_a]);
    assert!(out.contains("signed \"ana\"") && out.contains("was \"root\""), "{out}");
    assert!(!out.contains(&token_a));
    assert_eq!(json(&a, "root", &["whoami"])["name"], "ana");
    let shown = json(&a, "root", &["remote", "show"]);
    assert_eq!((shown["remote"]["member"].as_str(), shown["token_kept_in"].as_str()), (Some("ana"), Some("file")));
    assert_eq!(std::fs::read_to_string(a.join("secrets").join("sync-token")).unwrap(), token_a);
    let mut db_bytes = std::fs::read(a.join("firebreak.db")).unwrap();
    db_bytes.extend(std::fs::read(a.join("firebreak.db-wal")).unwrap_or_default());
    assert!(!db_bytes.windows(token_a.len()).any(|w| w == token_a.as_bytes()), "the token is not in the database");

    // What "root" made is refused by the server, kept here, and does not block ana's changes.
    let later =
        ok(&a, "root", &["incident", "declare", "--title", "After joining", "--severity", "SEV2"]).trim().to_string();
    let synced = json(&a, "root", &["sync"]);
    assert!(synced["refused"].as_u64().unwrap() >= 1, "{synced}");
    assert!(synced["pushed"].as_u64().unwrap() >= 1, "{synced}");
    assert_eq!(synced["pending"], 0, "the outbox is not blocked: {synced}");
    assert_eq!(synced["rejected"], synced["refused"], "{synced}");
    let text = ok(&a, "root", &["remote", "show"]);
    assert!(text.contains("refused by the server") && text.contains("\"root\""), "{text}");
    assert_eq!(show(&a, &early)["title"], "Before joining", "refused changes stay on this laptop");

    ok(&b, "bo", &["remote", "set", &url, "--team", "sre", "--token", &token_b]);
    ok(&b, "bo", &["sync"]);
    assert_eq!(show(&b, &later)["title"], "After joining", "ana's changes reach the team");
    assert!(!fb(&b, "bo", &["incident", "show", &early]).status.success(), "root's did not");

    // Bo's laptop clock runs three hours fast: his note still arrives, and is flagged.
    let fast = (chrono::Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
    let o = Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(["timeline", "add", &later, "--kind", "note", "--text", "from a fast clock"])
        .env("FIREBREAK_DATA_DIR", &b)
        .env("FIREBREAK_SECRETS", "file")
        .env("FIREBREAK_NOW", &fast)
        .env("USER", "bo")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(&b, "bo", &["sync"]);
    ok(&a, "ana", &["sync"]);
    assert!(texts(&show(&a, &later)).contains(&"from a fast clock".to_string()));
    let shown = json(&a, "ana", &["remote", "show"]);
    assert_eq!(shown["clock_drift"]["author"], "bo", "{shown}");
    let minutes = shown["clock_drift"]["ahead_minutes"].as_u64().unwrap();
    assert!((170..=180).contains(&minutes), "{minutes}");
    assert!(ok(&a, "ana", &["remote", "show"]).contains("check both clocks"));
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn sync_watch_pushes_changes_made_by_other_commands_and_says_what_it_does() {
    let Team { tmp, db: _, token_a, token_b, mut server, url } = team();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&a, "ana", &["remote", "set", &url, "--team", "sre", "--token", &token_a]);
    ok(&b, "bo", &["remote", "set", &url, "--team", "sre", "--token", &token_b]);
    let watch = Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(["sync", "--watch"])
        .env("FIREBREAK_DATA_DIR", &a)
        .env("FIREBREAK_SECRETS", "file")
        .env("USER", "ana")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // A separate command declares; the watcher notices the waiting change and pushes it.
    let id = ok(&a, "ana", &["incident", "declare", "--title", "Seen live", "--severity", "SEV2"]).trim().to_string();
    let started = std::time::Instant::now();
    let arrived = loop {
        ok(&b, "bo", &["sync"]);
        if fb(&b, "bo", &["incident", "show", &id]).status.success() {
            break started.elapsed();
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the watcher never pushed {id}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(Command::new("kill").args(["-INT", &watch.id().to_string()]).status().unwrap().success());
    let out = watch.wait_with_output().unwrap();
    assert!(out.status.success(), "Ctrl+C ends the watch cleanly: {}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("online") && said.contains("pushed 1, pulled 0"), "{said}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 change(s) waiting"));
    eprintln!("a change made by another command reached the other laptop after {arrived:?}");
    server.kill().unwrap();
    server.wait().unwrap();
}
