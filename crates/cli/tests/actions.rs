//! Action items through the real binary: `pir action add|edit|remove` (a removal is a
//! tombstone kept in the op log), `actions` across incidents with its filters, and
//! refusals (one line, nothing written).
use serde_json::Value;
use std::path::Path;

mod common;
/// Today is 2026-11-23: items due on the 22nd are overdue, on the 23rd not yet.
const CLI: common::Cli = common::Cli { now: "2026-11-23T15:00:00Z", user: "ana" };

fn ok(dir: &Path, args: &[&str]) -> String {
    CLI.ok(dir, args)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    CLI.json(dir, args)
}

/// Every action-item op body in the log, oldest first.
fn item_ops(dir: &Path) -> Vec<Value> {
    let db = rusqlite::Connection::open(dir.join("firebreak.db")).unwrap();
    let mut st = db.prepare("SELECT body FROM ops ORDER BY rowid").unwrap();
    let bodies: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    bodies
        .iter()
        .map(|b| serde_json::from_str::<Value>(b).unwrap())
        .filter(|v| v["payload"]["type"] == "set_action_item")
        .collect()
}

fn refused(dir: &Path, args: &[&str], why: &str) {
    CLI.refused(dir, args, why)
}

fn declare(dir: &Path, title: &str) -> String {
    ok(dir, &["incident", "declare", "--title", title, "--severity", "SEV2", "--at", "2026-11-23T14:00:00Z"])
        .trim()
        .to_string()
}

fn ids(rows: &Value) -> Vec<String> {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r["human_id"].as_str().unwrap(), r["item"]["id"].as_str().unwrap()))
        .collect()
}

#[test]
fn items_are_added_edited_removed_and_listed_across_incidents() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let a = declare(dir, "api down");
    let b = declare(dir, "db slow");
    let added = ok(
        dir,
        &[
            "pir",
            "action",
            "add",
            &a,
            "--action",
            "Add pool metrics",
            "--owner",
            "Bo",
            "--due",
            "2026-11-22",
            "--priority",
            "HIGH",
        ],
    );
    assert_eq!(
        added.trim(),
        format!("added: {a} AI-001  [high] Add pool metrics — Bo, due 2026-11-22, open (OVERDUE)")
    );
    ok(dir, &["pir", "action", "add", &a, "--action", "Load test", "--due", "2026-11-23"]);
    ok(dir, &["pir", "action", "add", &b, "--action", "Index orders", "--owner", "bo", "--due", "2026-11-01"]);
    ok(dir, &["pir", "action", "add", &b, "--action", "Write runbook", "--owner", "Dee"]);

    // Overdue: due before today and not done; sorted by due date.
    assert_eq!(ids(&json(dir, &["actions", "--overdue"])), [format!("{b} AI-001"), format!("{a} AI-001")]);
    assert_eq!(ids(&json(dir, &["actions", "--owner", "BO"])).len(), 2, "owner matches in any case");
    assert_eq!(json(dir, &["actions"]).as_array().unwrap().len(), 4);

    // Done items are neither open nor overdue.
    let edited = json(dir, &["pir", "action", "edit", &b, "ai-001", "--status", "done", "--owner", "Cy"]);
    assert_eq!((edited["item"]["status"].as_str(), edited["item"]["owner"].as_str()), (Some("done"), Some("Cy")));
    assert_eq!(edited["item"]["action"], "Index orders", "fields not given stay");
    assert_eq!(ids(&json(dir, &["actions", "--overdue"])), [format!("{a} AI-001")]);
    assert_eq!(json(dir, &["actions", "--open"]).as_array().unwrap().len(), 3);
    ok(dir, &["pir", "action", "edit", &a, "AI-001", "--due", ""]);
    assert!(json(dir, &["actions", "--overdue"]).as_array().unwrap().is_empty(), "no due date, not overdue");

    // Removal: gone from the review and the lists, a tombstone in the log; its number
    // is not given again.
    assert_eq!(
        ok(dir, &["pir", "action", "remove", &a, "AI-002"]).lines().next().unwrap().split(':').next(),
        Some("removed")
    );
    let pir = json(dir, &["pir", "show", &a]);
    let live: Vec<&str> =
        pir["action_items"].as_array().unwrap().iter().map(|i| i["item"]["id"].as_str().unwrap()).collect();
    assert_eq!(live, ["AI-001"]);
    let last = item_ops(dir).pop().unwrap();
    assert_eq!(
        (last["payload"]["item"]["id"].as_str(), last["payload"]["item"]["deleted"].as_bool()),
        (Some("AI-002"), Some(true))
    );
    assert_eq!(last["author"], "ana");
    ok(dir, &["pir", "action", "add", &a, "--action", "Retry budget"]);
    assert_eq!(ids(&json(dir, &["actions", "--owner", ""])), [format!("{a} AI-003")], "an empty owner: unowned items");
    let all = ids(&json(dir, &["actions"]));
    assert!(all.contains(&format!("{a} AI-003")) && !all.contains(&format!("{a} AI-002")), "{all:?}");
    assert_eq!(ok(dir, &["actions", "--overdue", "--owner", "nobody"]).trim(), "no action items");
}

#[test]
fn bad_action_items_are_refused_with_one_line_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let a = declare(dir, "api down");
    ok(dir, &["pir", "action", "add", &a, "--action", "Add pool metrics"]);
    ok(dir, &["pir", "action", "add", &a, "--action", "Gone"]);
    ok(dir, &["pir", "action", "remove", &a, "AI-002"]);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["pir", "action", "add", &a, "--action", "  "], "needs the action"),
        (vec!["pir", "action", "add", &a], "needs the action"),
        (vec!["pir", "action", "add", &a, "--action", "x", "--due", "12/01/2026"], "is not a date (write YYYY-MM-DD)"),
        (
            vec!["pir", "action", "add", &a, "--action", "x", "--priority", "urgent"],
            "unknown priority \"urgent\"; expected one of: high, medium, low",
        ),
        (vec!["pir", "action", "add", "INC-NOPE-1", "--action", "x"], "INC-NOPE-1"),
        (vec!["pir", "action", "edit", &a, "AI-001", "--status", "finished"], "unknown status \"finished\""),
        (vec!["pir", "action", "edit", &a, "AI-001", "--action", ""], "needs the action"),
        (vec!["pir", "action", "edit", &a, "AI-001"], "nothing to change"),
        (vec!["pir", "action", "edit", &a, "AI-001", "--priority", "medium"], "nothing to change"),
        (
            vec!["pir", "action", "edit", &a, "AI-009", "--status", "done"],
            "has no action item \"AI-009\" (it has AI-001)",
        ),
        (vec!["pir", "action", "remove", &a, "AI-002"], "has no action item \"AI-002\""),
    ];
    for (args, why) in cases {
        refused(dir, &args, why);
    }
}
