//! The wire types as a hostile or broken server (or client) would feed them: arbitrary
//! bytes, and real push and pull bodies with one span replaced, are parsed into
//! `PushRequest` / `PullResponse` or refused with an error, never a panic. The seed
//! bodies are made by a real store, so they follow the op format as it changes.
//! Bounded for CI (about a second each); `scripts/fuzz.sh` runs the same parse under
//! cargo-fuzz for longer.
use chrono::{DateTime, Utc};
use firebreak_core::incident::Status;
use firebreak_core::op::{Declare, OpPayload};
use firebreak_core::timeline::EntryKind;
use firebreak_store::Store;
use firebreak_sync::wire::{PullResponse, PushRequest, SeqOp};
use proptest::prelude::*;

fn seed_bodies() -> Vec<String> {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2025-10-05T14:30:00Z").unwrap().with_timezone(&Utc);
    let mut store = Store::in_memory().unwrap();
    let id = Store::new_incident_id(now);
    let declare = OpPayload::Declare(Declare {
        human_id: "INC-1".into(),
        title: "API down".into(),
        summary: "5xx".into(),
        severity: "SEV1".into(),
        services: vec!["api".into()],
        drill: false,
        detected_at: now,
        suggested: None,
    });
    let note = OpPayload::AddEntry { kind: EntryKind::Note, at: now, text: "restarted".into(), decision: None };
    let status = OpPayload::SetStatus { from: Status::Detected, to: Status::Resolved, at: now };
    let ops =
        store.commit_planned(now, "ann", vec![(None, id, declare), (None, id, note), (None, id, status)]).unwrap();
    let push = serde_json::to_string(&PushRequest { ops: ops.clone() }).unwrap();
    let pull = PullResponse {
        epoch: "e1".into(),
        ops: ops.into_iter().enumerate().map(|(i, op)| SeqOp { seq: i as i64 + 1, op }).collect(),
        max_seq: 3,
        more: false,
    };
    vec![push, serde_json::to_string(&pull).unwrap()]
}

/// Parses `bytes` every way a peer's body is parsed; a success must serialise again.
fn parse_all(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(push) = serde_json::from_slice::<PushRequest>(bytes) {
        prop_assert!(serde_json::to_vec(&push).is_ok());
    }
    if let Ok(pull) = serde_json::from_slice::<PullResponse>(bytes) {
        prop_assert!(serde_json::to_vec(&pull).is_ok());
    }
    let _ = serde_json::from_slice::<PullResponse<serde_json::Value>>(bytes);
    Ok(())
}

/// With `FIREBREAK_FUZZ_SEEDS=DIR`, also writes the bodies there (how
/// `fuzz/seeds/wire_json/` is refreshed after the op format changes).
#[test]
fn the_seed_bodies_parse() {
    let bodies = seed_bodies();
    assert_eq!(serde_json::from_str::<PushRequest>(&bodies[0]).unwrap().ops.len(), 3);
    assert_eq!(serde_json::from_str::<PullResponse>(&bodies[1]).unwrap().ops.len(), 3);
    if let Some(dir) = std::env::var_os("FIREBREAK_FUZZ_SEEDS") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::write(dir.join("push.json"), &bodies[0]).unwrap();
        std::fs::write(dir.join("pull.json"), &bodies[1]).unwrap();
    }
}

fn mutated() -> impl Strategy<Value = String> {
    let bodies = seed_bodies();
    (
        proptest::sample::select(bodies),
        any::<prop::sample::Index>(),
        0..24usize,
        "\\PC{0,16}|[-0-9.eE+\"{}\\[\\]:,a-z ]{0,16}",
    )
        .prop_map(|(body, at, len, with)| {
            let start = at.index(body.len());
            let start = (0..=start).rev().find(|i| body.is_char_boundary(*i)).unwrap_or(0);
            let end = (start + len).min(body.len());
            let end = (end..=body.len()).find(|i| body.is_char_boundary(*i)).unwrap_or(body.len());
            format!("{}{with}{}", &body[..start], &body[end..])
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        parse_all(&bytes)?;
    }

    #[test]
    fn a_mutated_push_or_pull_body_never_panics(body in mutated()) {
        parse_all(body.as_bytes())?;
    }
}
