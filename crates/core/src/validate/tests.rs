//! Tests of the op validator: one check per rule, each with an op that passes beside
//! the one that fails, so a rule that stopped checking would be caught.
use super::*;
use serde_json::{json, Value};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap()
}

fn base(payload: Value) -> Value {
    json!({
        "op_id": format!("{:032x}", 7u128),
        "replica": format!("{:032x}", 9u128),
        "hlc": {"wall_ms": now().timestamp_millis(), "counter": 0},
        "author": "ana",
        "target": "0190c4a4-0000-7000-8000-000000000001",
        "payload": payload,
    })
}

fn declare() -> Value {
    json!({"type": "declare", "human_id": "INC-7KQ2M-1", "title": "Checkout failing", "summary": "5xx",
           "severity": "SEV2", "services": ["api"], "drill": false, "detected_at": "2026-11-30T11:50:00Z"})
}

fn verdict(v: &Value) -> Received {
    receive(&v.to_string(), now())
}

fn invalid_field(v: &Value) -> String {
    match verdict(v) {
        Received::Invalid { reason, .. } => reason.field,
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[test]
fn a_sane_declare_is_valid() {
    assert!(matches!(verdict(&base(declare())), Received::Valid(_)));
}

#[test]
fn detected_at_far_outside_any_real_date_is_invalid() {
    let mut p = declare();
    p["detected_at"] = json!("+262142-01-01T00:00:00Z");
    assert_eq!(invalid_field(&base(p)), "payload.detected_at");
    let mut p = declare();
    p["detected_at"] = json!("1969-12-31T23:59:59Z");
    assert_eq!(invalid_field(&base(p)), "payload.detected_at");
}

#[test]
fn an_edits_detection_correction_is_checked_and_older_edits_still_read() {
    let edit = |detected: Value| {
        base(json!({"type": "edit_incident", "title": null, "summary": null, "services": null,
                    "impact_started_at": "2026-11-30T11:40:00Z", "detected_at": detected}))
    };
    assert!(matches!(verdict(&edit(json!("2026-11-30T11:45:00Z"))), Received::Valid(_)));
    assert_eq!(invalid_field(&edit(json!("1969-12-31T23:59:59Z"))), "payload.detected_at");
    assert_eq!(invalid_field(&edit(json!("2300-01-01T00:00:00Z"))), "payload.detected_at");
    // Written before the field existed: no `detected_at` at all, and written back without it.
    let older = base(json!({"type": "edit_incident", "title": "t", "summary": null, "services": null}));
    let Received::Valid(op) = verdict(&older) else { panic!("an older edit is valid") };
    assert!(!serde_json::to_string(&op).unwrap().contains("detected_at"));
}

#[test]
fn check_back_at_the_date_types_limit_is_invalid() {
    let task = |at: &str| {
        base(json!({"type": "add_task", "owner": "dee", "text": "check the pool", "check_back_at": at,
                    "at": "2026-11-30T11:55:00Z"}))
    };
    assert!(matches!(verdict(&task("2026-11-30T12:10:00Z")), Received::Valid(_)));
    assert_eq!(invalid_field(&task("+262142-12-31T23:59:59.999999999Z")), "payload.check_back_at");
}

#[test]
fn human_ids_are_limited_to_a_safe_set() {
    for good in ["INC-7KQ2M-1", "INC-001", "pir_2024.01"] {
        let mut p = declare();
        p["human_id"] = json!(good);
        assert!(matches!(verdict(&base(p)), Received::Valid(_)), "{good}");
    }
    for bad in ["../../etc/passwd", "..", "a/b", "", ".hidden", "INC 1", "a..b", &"X".repeat(65), "INC-é"] {
        let mut p = declare();
        p["human_id"] = json!(bad);
        assert_eq!(invalid_field(&base(p)), "payload.human_id", "{bad:?}");
    }
}

#[test]
fn stamps_far_ahead_are_held_for_later_and_stamps_within_the_skew_pass() {
    let mut v = base(declare());
    v["hlc"]["wall_ms"] = json!((now() + TimeDelta::hours(48)).timestamp_millis());
    assert!(matches!(verdict(&v), Received::Valid(_)), "two laptops a day off each must still sync");
    v["hlc"]["wall_ms"] = json!((now() + TimeDelta::days(400)).timestamp_millis());
    match verdict(&v) {
        Received::Invalid { reason, .. } => {
            assert_eq!(reason.field, "hlc");
            assert!(reason.retry_later);
        }
        other => panic!("expected invalid, got {other:?}"),
    }
    v["hlc"]["wall_ms"] = json!(u64::MAX);
    assert_eq!(invalid_field(&v), "hlc");
}

#[test]
fn text_and_list_sizes_are_bounded() {
    let mut p = declare();
    p["title"] = json!("t".repeat(MAX_TITLE_CHARS + 1));
    assert_eq!(invalid_field(&base(p)), "payload.title");
    let mut p = declare();
    p["services"] = json!(vec!["api"; MAX_LIST_LEN + 1]);
    assert_eq!(invalid_field(&base(p)), "payload.services");
    let note =
        |text: String| base(json!({"type": "add_entry", "kind": "note", "at": "2026-11-30T11:00:00Z", "text": text}));
    assert!(matches!(verdict(&note("x".repeat(MAX_TEXT_CHARS))), Received::Valid(_)));
    assert_eq!(invalid_field(&note("x".repeat(MAX_TEXT_CHARS + 1))), "payload.text");
    assert_eq!(invalid_field(&note("bell\u{7}".into())), "payload.text");
    assert!(matches!(verdict(&note("two\nlines".into())), Received::Valid(_)));
}

#[test]
fn unknown_enum_values_of_a_known_type_are_invalid() {
    let v = base(json!({"type": "add_entry", "kind": "gossip", "at": "2026-11-30T11:00:00Z", "text": "x"}));
    assert_eq!(invalid_field(&v), "payload");
    let v = base(json!({"type": "set_status", "from": "detected", "to": "exploded", "at": "2026-11-30T11:00:00Z"}));
    assert_eq!(invalid_field(&v), "payload");
}

#[test]
fn an_unknown_type_or_a_newer_format_is_from_a_newer_firebreak() {
    let v = base(json!({"type": "set_weather", "sky": "blue"}));
    assert!(matches!(verdict(&v), Received::Newer { .. }));
    let mut v = base(declare());
    v["v"] = json!(OP_FORMAT + 1);
    assert!(matches!(verdict(&v), Received::Newer { .. }));
    // A newer op must still have a sound envelope.
    let mut v = base(json!({"type": "set_weather"}));
    v["author"] = json!("");
    assert_eq!(invalid_field(&v), "author");
}

#[test]
fn bodies_that_are_not_ops_are_invalid_without_an_envelope() {
    for body in ["", "null", "[]", "{\"op_id\": 3}", &"x".repeat(MAX_OP_BYTES + 1)] {
        match receive(body, now()) {
            Received::Invalid { envelope: None, .. } => {}
            other => panic!("{body:.20}: expected invalid without envelope, got {other:?}"),
        }
    }
}

#[test]
fn format_one_ops_serialise_as_before_versions_existed() {
    let Received::Valid(op) = verdict(&base(declare())) else { panic!("valid") };
    let text = serde_json::to_string(&op).unwrap();
    assert!(!text.contains("\"v\""), "{text}");
    assert_eq!(op.v, 1);
}

#[test]
fn an_oversized_op_is_invalid_but_still_named_by_its_envelope() {
    let v = base(
        json!({"type": "add_entry", "kind": "note", "at": "2026-11-30T11:00:00Z", "text": "x".repeat(MAX_OP_BYTES)}),
    );
    match verdict(&v) {
        Received::Invalid { envelope: Some(e), reason, .. } => {
            assert_eq!(e.op_id, OpId(7));
            assert!(reason.why.contains("bytes"), "{reason}");
        }
        other => panic!("expected invalid with envelope, got {other:?}"),
    }
}

/// A customer update is its own op type: valid with a known notice, an event time in
/// range and bounded text; a bad notice, time or text is refused with its field. The
/// same entry kind inside `add_entry` is refused (older builds could not parse it there).
#[test]
fn a_customer_update_is_checked_field_by_field_and_never_rides_in_add_entry() {
    let op = |notice: Value, at: Value, text: Value| {
        base(json!({"type": "customer_update", "notice": notice, "at": at, "text": text}))
    };
    let good = op(json!("update"), json!("2026-11-30T11:55:00Z"), json!("We are still working on it."));
    assert!(matches!(verdict(&good), Received::Valid(_)), "{:?}", verdict(&good));
    assert!(matches!(
        verdict(&op(json!("bogus"), json!("2026-11-30T11:55:00Z"), json!("x"))),
        Received::Invalid { .. }
    ));
    assert_eq!(invalid_field(&op(json!("initial"), json!("1969-12-31T23:59:59Z"), json!("x"))), "payload.at");
    let long = "x".repeat(MAX_TEXT_CHARS + 1);
    assert_eq!(invalid_field(&op(json!("resolution"), json!("2026-11-30T11:55:00Z"), json!(long))), "payload.text");
    let entry =
        |kind: &str| base(json!({"type": "add_entry", "kind": kind, "at": "2026-11-30T11:55:00Z", "text": "sent"}));
    assert!(matches!(verdict(&entry("comms-update")), Received::Valid(_)));
    assert_eq!(invalid_field(&entry("customer-update")), "payload.kind");
    assert!(OpPayload::KINDS.contains(&"customer_update"));
}
