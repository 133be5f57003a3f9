//! A hostile (or merely newer) teammate with a valid token, through a real server.
//! Crafted ops are refused by the server one by one with reasons; the same ops stored
//! by an older server (written straight into its database) reach a laptop, which
//! quarantines them; ops of a type no version knows are relayed and kept as "from a
//! newer Firebreak". Afterwards every read command on the other laptops works, and
//! every good op arrived.
// The real binary reads the real clock; the test computes stamps relative to it.
#![allow(clippy::disallowed_methods)]
mod common;
use common::{admin, serve};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(db: &str) -> (Server, String) {
    let (child, url) = serve(db, "127.0.0.1:0");
    (Server(child), url)
}

fn fb(dir: &Path, user: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(args)
        .env("FIREBREAK_DATA_DIR", dir)
        .env("FIREBREAK_SECRETS", "file")
        .env("USER", user)
        .env("TZ", "UTC")
        .output()
        .unwrap()
}

fn ok(dir: &Path, user: &str, args: &[&str]) -> String {
    let o = fb(dir, user, args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    String::from_utf8(o.stdout).unwrap()
}

fn json_of(dir: &Path, user: &str, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(dir, user, &all)).expect("one JSON document")
}

/// POSTs a push by hand (a hostile client need not use ours); returns the JSON answer.
fn push_raw(url: &str, team: &str, token: &str, ops: &[Value]) -> Value {
    let addr = url.trim_start_matches("http://");
    let body = json!({ "ops": ops }).to_string();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /v1/teams/{team}/ops HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).unwrap()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

fn op(n: u128, author: &str, target: &str, wall_ms: i64, payload: Value) -> Value {
    json!({
        "op_id": format!("{:032x}", 0xbad0_0000u128 + n),
        "replica": format!("{:032x}", 0xbadu128),
        "hlc": {"wall_ms": wall_ms, "counter": 0},
        "author": author,
        "target": target,
        "payload": payload,
    })
}

#[test]
fn a_hostile_teammate_cannot_break_anyone_elses_laptop() {
    let tmp = tempfile::tempdir().unwrap();
    let db_path = tmp.path().join("server.db");
    let db = format!("sqlite://{}", db_path.display());
    admin(&db, &["create-team", "sre"]);
    for p in ["ana", "bo", "mallory"] {
        admin(&db, &["add-member", "sre", p]);
    }
    let (token_a, token_b, token_m) = (
        admin(&db, &["issue-token", "sre", "ana"]),
        admin(&db, &["issue-token", "sre", "bo"]),
        admin(&db, &["issue-token", "sre", "mallory"]),
    );
    let (_server, url) = start(&db);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&a, "ana", &["remote", "set", &url, "--team", "sre", "--token", &token_a]);
    ok(&b, "bo", &["remote", "set", &url, "--team", "sre", "--token", &token_b]);
    let human = ok(&a, "ana", &["incident", "declare", "--title", "Payments down", "--severity", "SEV1"]);
    let human = human.trim().to_string();
    ok(&a, "ana", &["sync"]);
    let target = json_of(&a, "ana", &["incident", "show", &human])["id"].as_str().unwrap().to_string();

    let now = now_ms();
    let other = "0190c4a4-0000-7000-8000-0000000000ee";
    let crafted = vec![
        op(
            1,
            "mallory",
            other,
            now,
            json!({"type": "declare", "human_id": "INC-X-1", "title": "t", "summary": "",
            "severity": "SEV1", "services": [], "drill": false, "detected_at": "+262142-01-01T00:00:00Z"}),
        ),
        op(
            2,
            "mallory",
            &target,
            now,
            json!({"type": "add_task", "owner": "x", "text": "y",
            "check_back_at": "+262142-12-31T23:59:59Z", "at": "2026-01-01T00:00:00Z"}),
        ),
        op(
            3,
            "mallory",
            "0190c4a4-0000-7000-8000-0000000000ef",
            now,
            json!({"type": "declare",
            "human_id": "../../../etc/cron.d/x", "title": "t", "summary": "", "severity": "SEV1", "services": [],
            "drill": false, "detected_at": "2026-01-01T00:00:00Z"}),
        ),
        op(4, "mallory", &target, now + 400 * 86_400_000, json!({"type": "edit_incident", "title": "pwned forever"})),
        op(
            5,
            "mallory",
            &target,
            1_000,
            json!({"type": "declare", "human_id": "INC-EVIL", "title": "rewritten",
            "summary": "", "severity": "SEV4", "services": [], "drill": false, "detected_at": "2026-01-01T00:00:00Z"}),
        ),
    ];
    let good = op(
        6,
        "mallory",
        &target,
        now,
        json!({"type": "add_entry", "kind": "note",
        "at": "2026-01-01T00:00:00Z", "text": "a good note from mallory"}),
    );
    let newer_type = op(7, "mallory", &target, now, json!({"type": "set_weather", "sky": "blue"}));
    let mut newer_format = op(
        8,
        "mallory",
        &target,
        now,
        json!({"type": "add_entry", "kind": "note",
        "at": "2026-01-01T00:00:00Z", "text": "format 2"}),
    );
    newer_format["v"] = json!(2);
    let impostor = op(
        9,
        "ana",
        &target,
        now,
        json!({"type": "add_entry", "kind": "note",
        "at": "2026-01-01T00:00:00Z", "text": "signed as ana"}),
    );

    let mut all = crafted.clone();
    all.extend([good.clone(), newer_type, newer_format, impostor]);
    let answer = push_raw(&url, "sre", &token_m, &all);
    let statuses: Vec<&str> =
        answer["acks"].as_array().unwrap().iter().map(|a| a["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        ["rejected", "rejected", "rejected", "rejected", "rejected", "stored", "stored", "stored", "rejected"],
        "{answer}"
    );
    for (i, want) in ["detected_at", "check_back_at", "human_id", "ahead", "already"].iter().enumerate() {
        let reason = answer["acks"][i]["reason"].as_str().unwrap();
        assert!(reason.contains(want), "op {}: {reason}", i + 1);
    }

    // An older server accepted anything: the same crafted ops are in its log.
    {
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        let (team_id, next): (i64, i64) = conn
            .query_row("SELECT id, next_seq FROM teams WHERE name = 'sre'", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        for (i, o) in crafted.iter().enumerate() {
            conn.execute(
                "INSERT INTO ops(team_id, seq, op_id, body) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![team_id, next + i as i64, o["op_id"].as_str().unwrap(), o.to_string()],
            )
            .unwrap();
        }
        conn.execute(
            "UPDATE teams SET next_seq = ?1 WHERE id = ?2",
            rusqlite::params![next + crafted.len() as i64, team_id],
        )
        .unwrap();
    }

    ok(&a, "ana", &["timeline", "add", &human, "--kind", "note", "--text", "ana after the attack"]);
    let synced = json_of(&a, "ana", &["sync"]);
    assert_eq!(synced["held"], 7, "5 quarantined + 2 from a newer version: {synced}");
    let synced_b = json_of(&b, "bo", &["sync"]);
    assert_eq!(synced_b["quarantined"], 5);
    assert_eq!(synced_b["newer"], 2);

    for dir in [&a, &b] {
        // Every read command works, and nothing of the attack took hold.
        let shown = json_of(dir, "x", &["incident", "show", &human]);
        assert_eq!(shown["title"], "Payments down");
        let texts: Vec<&str> =
            shown["timeline"].as_array().unwrap().iter().filter_map(|e| e["text"].as_str()).collect();
        assert!(texts.contains(&"a good note from mallory"), "{texts:?}");
        assert!(texts.contains(&"ana after the attack"), "{texts:?}");
        assert!(!texts.iter().any(|t| t.contains("signed as ana") || t.contains("format 2")));
        let list = json_of(dir, "x", &["incident", "list"]);
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        ok(dir, "x", &["timers", &human]);
        ok(dir, "x", &["metrics"]);
        ok(dir, "x", &["drill", "list"]);
        for format in ["md", "yaml", "ics", "pdf"] {
            let out = dir.join(format!("pir.{format}"));
            ok(dir, "x", &["pir", "export", &human, "--format", format, "-o", out.to_str().unwrap()]);
        }
        let shown = ok(dir, "x", &["remote", "show"]);
        assert!(shown.contains("5 teammate change(s) quarantined"), "{shown}");
        assert!(shown.contains("2 change(s) from a newer Firebreak"), "{shown}");
        let q = json_of(dir, "x", &["sync", "quarantine"]);
        let held = q["held"].as_array().unwrap();
        assert_eq!(held.len(), 7);
        assert!(held.iter().all(|h| !h["reason"].as_str().unwrap().is_empty()));
        let export = dir.join("quarantine.json");
        ok(dir, "x", &["sync", "quarantine", "--export", export.to_str().unwrap()]);
        let exported: Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
        let bodies: Vec<&str> =
            exported["held"].as_array().unwrap().iter().map(|h| h["body"].as_str().unwrap()).collect();
        assert!(bodies.iter().any(|b| b.contains("cron.d")), "held ops are kept as received");
    }
    // The laptops still sync everything else with each other.
    ok(&b, "bo", &["timeline", "add", &human, "--kind", "note", "--text", "bo later"]);
    ok(&b, "bo", &["sync"]);
    ok(&a, "ana", &["sync"]);
    let shown = json_of(&a, "x", &["incident", "show", &human]);
    assert!(shown["timeline"].as_array().unwrap().iter().any(|e| e["text"] == "bo later"));
}
