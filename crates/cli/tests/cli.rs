//! Runs the real `firebreak` binary against a temporary data directory.
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-23T15:00:00Z";

fn fb(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(args)
        .env("FIREBREAK_DATA_DIR", dir)
        .env("FIREBREAK_NOW", NOW)
        .env("TZ", "UTC")
        .env("USER", "tester")
        .output()
        .expect("runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = fb(dir, args);
    assert!(
        o.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(dir, &all)).expect("one JSON document")
}

/// Fails with exactly one line on stderr that contains `why`, and writes nothing.
fn refused(dir: &Path, args: &[&str], why: &str) {
    let before = snapshot(dir);
    let o = fb(dir, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{args:?} should fail");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(why),
        "{args:?}: {err}"
    );
    assert_eq!(snapshot(dir), before, "nothing written");
}

/// The list and every incident with its timeline, as JSON text.
fn snapshot(dir: &Path) -> String {
    let list = json(dir, &["incident", "list"]);
    let mut out = list.to_string();
    for i in list.as_array().unwrap() {
        out.push_str(&json(dir, &["incident", "show", i["id"].as_str().unwrap()]).to_string());
    }
    out
}

#[test]
fn declare_log_move_and_show_through_the_binary() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["whoami", "--set", "Ana Ops"]);
    let human = ok(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "Checkout failing",
            "--severity",
            "SEV2",
            "--service",
            "api",
            "--summary",
            "5xx on /checkout",
            "--at",
            "2026-11-23T14:30:00Z",
        ],
    );
    let human = human.trim();
    assert!(
        human.starts_with("INC-") && human.ends_with("-1"),
        "{human}"
    );
    ok(
        dir,
        &[
            "timeline",
            "add",
            human,
            "--kind",
            "note",
            "--text",
            "rolled back 1.42",
            "--at",
            "2026-11-23T14:40:00Z",
        ],
    );
    ok(
        dir,
        &[
            "incident",
            "status",
            human,
            "acknowledged",
            "--at",
            "2026-11-23T14:35:00Z",
        ],
    );
    ok(dir, &["incident", "status", human, "investigating"]);
    ok(
        dir,
        &[
            "incident",
            "severity",
            &human.to_lowercase(),
            "SEV1",
            "--at",
            "2026-11-23T14:50:00Z",
        ],
    );

    let inc = json(dir, &["incident", "show", human]);
    assert_eq!(inc["title"], "Checkout failing");
    assert_eq!(inc["severity"], "SEV1");
    assert_eq!(inc["status"], "investigating");
    assert_eq!(inc["declared_by"], "Ana Ops");
    assert_eq!(inc["services"], serde_json::json!(["api"]));
    assert_eq!(inc["milestones"]["acknowledged_at"], "2026-11-23T14:35:00Z");
    let timeline: Vec<(String, String, String)> = inc["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["event_time"].as_str().unwrap().into(),
                e["kind"].as_str().unwrap().into(),
                e["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        timeline,
        vec![
            (
                "2026-11-23T14:35:00Z".into(),
                "status-change".into(),
                "Status: detected → acknowledged".into()
            ),
            (
                "2026-11-23T14:40:00Z".into(),
                "note".into(),
                "rolled back 1.42".into()
            ),
            (
                "2026-11-23T14:50:00Z".into(),
                "severity-change".into(),
                "Severity: SEV2 → SEV1".into()
            ),
            (
                "2026-11-23T15:00:00Z".into(),
                "status-change".into(),
                "Status: acknowledged → investigating".into()
            ),
        ]
    );
    assert!(inc["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["author"] == "Ana Ops"));

    let text = ok(dir, &["incident", "show", human]);
    assert!(
        text.contains("[SEV1] Checkout failing") && text.contains("rolled back 1.42"),
        "{text}"
    );
    let list = ok(dir, &["incident", "list"]);
    assert!(
        list.contains(human) && list.contains("investigating") && list.contains("30m"),
        "{list}"
    );
}

#[test]
fn bad_input_is_one_line_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let human = ok(
        dir,
        &["incident", "declare", "--title", "x", "--severity", "P2"],
    )
    .trim()
    .to_string();
    refused(
        dir,
        &["incident", "show", "INC-ZZZZZ-99"],
        "no incident \"INC-ZZZZZ-99\"",
    );
    refused(
        dir,
        &["incident", "declare", "--title", "y", "--severity", "SEV9"],
        "unknown severity \"SEV9\"",
    );
    refused(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "   ",
            "--severity",
            "SEV1",
        ],
        "title must not be empty",
    );
    refused(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "y",
            "--severity",
            "SEV1",
            "--at",
            "noon",
        ],
        "not an RFC 3339 time",
    );
    refused(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "y",
            "--severity",
            "SEV1",
            "--at",
            "2027-01-01T00:00:00Z",
        ],
        "in the future",
    );
    refused(
        dir,
        &["timeline", "add", &human, "--kind", "gossip", "--text", "t"],
        "unknown entry kind \"gossip\"",
    );
    refused(
        dir,
        &[
            "timeline",
            "add",
            &human,
            "--kind",
            "status-change",
            "--text",
            "t",
        ],
        "written by the program",
    );
    refused(
        dir,
        &["incident", "status", &human, "closed"],
        "only a resolved incident can be closed",
    );
    refused(
        dir,
        &["incident", "status", &human, "done"],
        "unknown status \"done\"",
    );
    refused(
        dir,
        &[
            "incident",
            "status",
            &human,
            "acknowledged",
            "--at",
            "2026-11-22T00:00:00Z",
        ],
        "before",
    );
    refused(dir, &["incident", "severity", &human, "P2"], "already P2");
    let o = fb(dir, &["--json", "incident", "show", "nope"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "not_found");
}

#[test]
fn list_is_newest_first_and_marks_drills() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "older",
            "--severity",
            "SEV3",
            "--at",
            "2026-11-23T10:00:00Z",
        ],
    );
    ok(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "drill run",
            "--severity",
            "SEV1",
            "--drill",
        ],
    );
    let list = json(dir, &["incident", "list"]);
    let titles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["drill run", "older"]);
    assert_eq!(list[0]["drill"], true);
    assert!(ok(dir, &["incident", "list"]).contains("[DRILL] drill run"));
    let who = json(dir, &["whoami"]);
    assert_eq!(who["name"], "tester", "defaults to the OS user");
}
