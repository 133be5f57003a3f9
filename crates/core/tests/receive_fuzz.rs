//! Op JSON → validate → fold, with arbitrary input: `receive` never panics, and what it
//! accepts folds into an incident without panicking, whatever the values. Runs in CI
//! with a bounded number of cases; `fuzz/` has the coverage-guided version.
use chrono::{DateTime, Utc};
use firebreak_core::incident::Incident;
use firebreak_core::op::OpPayload;
use firebreak_core::validate::{receive, Received};
use proptest::prelude::*;
use serde_json::{json, Value};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

/// A JSON value of any shape, with the strings and numbers that break things.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::from),
        prop_oneof![
            Just("+262142-12-31T23:59:59.999999999Z"),
            Just("-262143-01-01T00:00:00Z"),
            Just("9999-12-31T23:59:59Z"),
            Just("1970-01-01T00:00:00Z"),
            Just("2026-11-30T12:00:00Z"),
            Just("../../etc/passwd"),
            Just("00000000000000000000000000000001"),
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,12}", inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const FIELDS: [&str; 24] = [
    "human_id",
    "title",
    "summary",
    "severity",
    "services",
    "drill",
    "detected_at",
    "at",
    "from",
    "to",
    "kind",
    "text",
    "entry",
    "role",
    "owner",
    "check_back_at",
    "task",
    "list",
    "item",
    "checked",
    "note",
    "state",
    "field",
    "parents",
];

/// An op envelope around a payload of a real type with arbitrary field values.
fn near_op() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(OpPayload::KINDS.iter().copied().chain(["set_weather", ""]).collect::<Vec<_>>()),
        prop::collection::vec((prop::sample::select(FIELDS.to_vec()), any_value()), 0..8),
        any::<u64>(),
        prop::option::of(any::<u16>()),
    )
        .prop_map(|(kind, fields, wall, v)| {
            let mut payload = json!({ "type": kind });
            for (k, val) in fields {
                payload[k] = val;
            }
            let mut op = json!({
                "op_id": "000000000000000000000000000000aa",
                "replica": "000000000000000000000000000000bb",
                "hlc": {"wall_ms": wall % 4_000_000_000_000, "counter": 0},
                "author": "mallory",
                "target": "0190c4a4-0000-7000-8000-000000000001",
                "payload": payload,
            });
            if let Some(v) = v {
                op["v"] = json!(v);
            }
            op
        })
}

fn fold(body: &str) {
    if let Received::Valid(op) = receive(body, now()) {
        let mut inc = Incident::new(op.target);
        inc.apply(&op);
        inc.apply(&op);
        let _ = serde_json::to_string(&inc).expect("a folded incident serialises");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,300}") {
        fold(&s);
    }

    #[test]
    fn arbitrary_json_never_panics(v in any_value()) {
        fold(&v.to_string());
    }

    #[test]
    fn ops_with_arbitrary_fields_never_panic(v in near_op()) {
        fold(&v.to_string());
    }
}
