//! Held ops: a page with bad and unknown ops still applies the good ones and moves the
//! cursor; held ops are kept, counted, and released when they become acceptable.
use super::*;
use serde_json::{json, Value};

fn t(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_700_000_000_000 + ms).unwrap()
}

fn op_json(id: u128, wall_ms: i64, target: &str, payload: Value) -> Value {
    json!({
        "op_id": format!("{id:032x}"),
        "replica": format!("{:032x}", 0xbeefu128),
        "hlc": {"wall_ms": 1_700_000_000_000i64 + wall_ms, "counter": 0},
        "author": "mallory",
        "target": target,
        "payload": payload,
    })
}

const INC: &str = "0190c4a4-0000-7000-8000-000000000001";

fn declare(human: &str, detected: &str) -> Value {
    json!({"type": "declare", "human_id": human, "title": "t", "summary": "", "severity": "SEV2",
           "services": [], "drill": false, "detected_at": detected})
}

fn note(text: &str) -> Value {
    json!({"type": "add_entry", "kind": "note", "at": "2023-11-14T22:00:00Z", "text": text})
}

fn page(items: &[Value]) -> Vec<String> {
    items.iter().map(Value::to_string).collect()
}

#[test]
fn a_page_with_bad_and_unknown_ops_applies_the_good_ones_and_holds_the_rest() {
    let mut s = Store::in_memory().unwrap();
    let bodies = page(&[
        op_json(1, 0, INC, declare("INC-1", "2023-11-14T21:00:00Z")),
        op_json(2, 1, INC, declare("INC-2", "+262142-01-01T00:00:00Z")),
        op_json(3, 2, INC, json!({"type": "set_weather", "sky": "blue"})),
        op_json(4, 3, INC, note("good")),
        json!({"not": "an op"}),
        op_json(
            5,
            4,
            INC,
            json!({"type": "add_task", "owner": "x", "text": "y",
            "check_back_at": "+262142-12-31T23:59:59Z", "at": "2023-11-14T22:00:00Z"}),
        ),
    ]);
    let intake = s.apply_pulled_page(&bodies, "E1", 6, t(10)).unwrap();
    assert_eq!((intake.applied, intake.newer, intake.quarantined), (2, 1, 3));
    assert_eq!(s.sync_cursor().unwrap(), Some(("E1".into(), 6)), "the cursor moves past held ops");
    let inc = s.find("INC-1").unwrap();
    assert_eq!(inc.timeline.len(), 2);
    assert_eq!(s.list().unwrap().len(), 1, "every read still works");
    let summary = s.held_summary().unwrap();
    assert_eq!((summary.newer, summary.quarantined), (1, 3));
    let held = s.held_ops().unwrap();
    assert_eq!(held.len(), 4);
    assert!(held.iter().any(|h| h.kind == "declare" && h.reason.contains("detected_at")), "{held:?}");
    assert!(held.iter().any(|h| h.kind == "add_task" && h.reason.contains("check_back_at")));
    assert!(held.iter().any(|h| h.op_id.is_none() && h.body.contains("an op")), "non-ops are kept too");
    // The same page again holds nothing twice.
    let again = s.apply_pulled_page(&bodies, "E1", 6, t(11)).unwrap();
    assert_eq!((again.applied, again.newer), (0, 0));
    assert_eq!(s.held_ops().unwrap().len(), 4);
}

#[test]
fn a_second_declaration_of_an_incident_is_quarantined_not_applied() {
    let mut s = Store::in_memory().unwrap();
    s.apply_pulled_page(&page(&[op_json(1, 0, INC, declare("INC-1", "2023-11-14T21:00:00Z"))]), "E", 1, t(0)).unwrap();
    // Backdated so it would win last-writer-wins if it were applied.
    let rewrite = op_json(2, -5_000, INC, declare("INC-EVIL", "2023-11-14T20:00:00Z"));
    let intake = s.apply_pulled_page(&page(&[rewrite]), "E", 2, t(1)).unwrap();
    assert_eq!(intake.quarantined, 1);
    assert_eq!(s.find("INC-1").unwrap().declaration.unwrap().human_id, "INC-1");
    assert!(s.find("INC-EVIL").is_err());
}

#[test]
fn a_stamp_too_far_ahead_is_held_until_this_clock_catches_up_and_never_moves_the_clock() {
    let mut s = Store::in_memory().unwrap();
    let week = 7 * 24 * 3_600_000;
    let ahead = op_json(1, week, INC, declare("INC-1", "2023-11-14T21:00:00Z"));
    let intake = s.apply_pulled_page(&page(&[ahead]), "E", 1, t(0)).unwrap();
    assert_eq!(intake.quarantined, 1);
    let mine = s.commit(t(1), "ana", uuid::Uuid::nil(), serde_json::from_value(note("local")).unwrap()).unwrap();
    assert!(mine.hlc.wall_ms < 1_700_000_000_000 + week as u64, "the held stamp was not adopted");
    assert_eq!(s.release_held(t(2), false).unwrap(), 0, "still too far ahead");
    assert_eq!(s.release_held(t(week - 3_600_000), false).unwrap(), 1, "within the allowed skew now");
    assert!(s.find("INC-1").is_ok());
    assert_eq!(s.held_summary().unwrap().quarantined, 0);
}

#[test]
fn ops_from_a_newer_firebreak_are_applied_once_understood() {
    let mut s = Store::in_memory().unwrap();
    s.apply_pulled_page(&page(&[op_json(1, 0, INC, declare("INC-1", "2023-11-14T21:00:00Z"))]), "E", 1, t(0)).unwrap();
    // A note written by a future format 2 that this build reads as format 1 once "upgraded":
    // simulate the upgrade by rewriting the held body's format number.
    let mut newer = op_json(2, 1, INC, note("from the future"));
    newer["v"] = json!(2);
    assert_eq!(s.apply_pulled_page(&page(&[newer]), "E", 2, t(1)).unwrap().newer, 1);
    assert_eq!(s.find("INC-1").unwrap().timeline.len(), 1, "not applied");
    assert_eq!(s.release_held(t(2), true).unwrap(), 0, "this build still does not know format 2");
    s.conn.execute("UPDATE held_ops SET body = replace(body, '\"v\":2', '\"v\":1')", []).unwrap();
    assert_eq!(s.release_held(t(3), false).unwrap(), 0, "newer ops wait for an upgrade");
    assert_eq!(s.release_held(t(3), true).unwrap(), 0, "the same build does not read them again");
    // An upgraded build understands other types or formats than the one that last looked.
    s.conn.execute("DELETE FROM meta WHERE key = 'held_checked_by'", []).unwrap();
    assert_eq!(s.release_held(t(3), true).unwrap(), 1);
    assert_eq!(s.find("INC-1").unwrap().timeline.len(), 2);
    // Rebuilding projections from the log gives the same state.
    let before = s.find("INC-1").unwrap();
    s.rebuild_projections().unwrap();
    assert_eq!(s.find("INC-1").unwrap(), before);
}

#[test]
fn local_commands_are_validated_and_write_nothing_when_refused() {
    let mut s = Store::in_memory().unwrap();
    let bad: OpPayload = serde_json::from_value(json!({"type": "add_task", "owner": "x", "text": "y",
        "check_back_at": "+262142-12-31T23:59:59Z", "at": "2023-11-14T22:00:00Z"}))
    .unwrap();
    let err = s.commit(t(0), "ana", uuid::Uuid::nil(), bad).unwrap_err();
    assert!(err.to_string().contains("check_back_at"), "{err}");
    assert_eq!(s.all_ops().unwrap().len(), 0);
    assert_eq!(s.outbox_len().unwrap(), 0);
    let Ok(OpPayload::Declare(d)) = serde_json::from_value::<OpPayload>(declare("../../etc", "2023-11-14T21:00:00Z"))
    else {
        panic!("a declare")
    };
    let err = s.declare(t(0), "ana", |_| d).unwrap_err();
    assert!(err.to_string().contains("human_id"), "{err}");
    assert!(s.list().unwrap().is_empty());
}
