//! Edits through the api: one op per changed field on the timeline, checks before any
//! write, and the figures (MTTD, MTTR, review figures, RTO clocks) that follow from them.
use super::*;
use crate::dto::{DeclareInput, StatusInput};
use chrono::Duration;
use firebreak_core::clock::SteppingClock;
use firebreak_core::incident::Status;
use firebreak_policy::DeadlineKind;
use std::sync::Arc;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn fb(now: &str) -> (Firebreak, Arc<SteppingClock>) {
    let clock = Arc::new(SteppingClock::new(at(now)));
    let mut fb = Firebreak::in_memory(Box::new(clock.clone())).unwrap();
    fb.set_author("Ana").unwrap();
    (fb, clock)
}

fn declare(fb: &mut Firebreak, detected: &str) -> String {
    let input = DeclareInput {
        title: "Checkout failing".into(),
        severity: "SEV2".into(),
        services: vec!["api".into()],
        at: Some(detected.into()),
        ..Default::default()
    };
    fb.declare(input).unwrap().human_id
}

fn edit_of(id: &str) -> EditInput {
    EditInput { incident: id.into(), ..Default::default() }
}

fn ops(fb: &Firebreak) -> usize {
    fb.store.all_ops().unwrap().len()
}

#[test]
fn each_changed_field_is_its_own_op_on_the_timeline_with_its_author() {
    let (mut fb, _) = fb("2026-11-23T15:00:00Z");
    let id = declare(&mut fb, "2026-11-23T14:30:00Z");
    let before = ops(&fb);
    let d = fb
        .edit_incident(EditInput {
            title: Some("  Checkout 5xx  ".into()),
            services: Some(vec!["api".into(), "db".into(), "api".into()]),
            impact_started_at: Some("2026-11-23T14:20:00Z".into()),
            // Unchanged: no op.
            summary: Some(String::new()),
            ..edit_of(&id)
        })
        .unwrap();
    assert_eq!(ops(&fb) - before, 3, "title, services and impact start; the unchanged summary writes nothing");
    assert_eq!(d.title, "Checkout 5xx");
    assert_eq!(d.services, ["api", "db"]);
    assert_eq!(d.impact_started_at, Some(at("2026-11-23T14:20:00Z")));
    let edits: Vec<_> = d.timeline.iter().filter(|e| matches!(e.change, Some(Change::Edited { .. }))).collect();
    let texts: Vec<&str> = edits.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(edits.len(), 3, "{texts:?}");
    assert!(edits.iter().all(|e| e.author == "Ana"));
    assert!(texts.contains(&"Title: Checkout 5xx") && texts.contains(&"Services: api, db"), "{texts:?}");
    // The impact start sits on the timeline where it happened, before the declaration.
    let impact = edits.iter().find(|e| e.text.starts_with("Impact started at")).unwrap();
    assert_eq!(impact.event_time, at("2026-11-23T14:20:00Z"));
    assert_eq!(d.timeline[0].id, impact.id, "earliest entry");
}

#[test]
fn a_detection_correction_moves_the_clocks_and_the_figures() {
    let (mut fb, clock) = fb("2026-11-23T15:00:00Z");
    let id = declare(&mut fb, "2026-11-23T14:30:00Z");
    let ack_due = |d: &IncidentDetail| d.deadlines.iter().find(|x| x.kind == DeadlineKind::Acknowledge).unwrap().due;
    let before = ack_due(&fb.show(&id).unwrap());
    let d = fb.edit_incident(EditInput { detected_at: Some("2026-11-23T14:25:00Z".into()), ..edit_of(&id) }).unwrap();
    assert_eq!(d.detected_at, at("2026-11-23T14:25:00Z"));
    assert!(d.timeline.iter().any(
        |e| e.text == "Detected at corrected to 2026-11-23T14:25:00Z" && e.event_time == at("2026-11-23T14:25:00Z")
    ));
    // Acknowledge-by runs from the corrected detection: five minutes earlier.
    assert_eq!(ack_due(&d), before - Duration::minutes(5));
    // The list shows the corrected time too (the store's projection).
    assert_eq!(fb.list().unwrap()[0].detected_at, at("2026-11-23T14:25:00Z"));

    // Status changes are checked against the corrected detection: 14:24 is before it,
    // 14:27 after it (though before the declared 14:30).
    let status = |s: Status, t: &str| StatusInput { incident: id.clone(), status: s, at: Some(t.into()) };
    let err = fb.set_status(status(Status::Acknowledged, "2026-11-23T14:24:00Z")).unwrap_err().message;
    assert!(err.contains("before") && err.contains("14:25:00Z"), "{err}");
    fb.set_status(status(Status::Acknowledged, "2026-11-23T14:27:00Z")).unwrap();
    fb.set_status(status(Status::Resolved, "2026-11-23T14:55:00Z")).unwrap();
    clock.set(at("2026-11-23T16:00:00Z"));
    let f = crate::pir::figures(&fb.find(&id).unwrap());
    assert_eq!(f.time_to_resolve, Some(30 * 60), "14:25 → 14:55");
}

#[test]
fn bad_edits_are_refused_and_write_nothing() {
    let (mut fb, _) = fb("2026-11-23T15:00:00Z");
    let id = declare(&mut fb, "2026-11-23T14:30:00Z");
    fb.set_status(StatusInput {
        incident: id.clone(),
        status: Status::Acknowledged,
        at: Some("2026-11-23T14:40:00Z".into()),
    })
    .unwrap();
    let before = ops(&fb);
    let cases: Vec<(EditInput, &str)> = vec![
        (edit_of(&id), "nothing to change: give"),
        (EditInput { title: Some("Checkout failing".into()), ..edit_of(&id) }, "already has these values"),
        (EditInput { title: Some("  ".into()), ..edit_of(&id) }, "title must not be empty"),
        (EditInput { title: Some("x".repeat(201)), ..edit_of(&id) }, "longer than 200"),
        (EditInput { services: Some(vec!["db".into(), " ".into()]), ..edit_of(&id) }, "service name must not be empty"),
        (EditInput { impact_started_at: Some("yesterday".into()), ..edit_of(&id) }, "not an RFC 3339 time"),
        (EditInput { impact_started_at: Some("2026-11-23T14:31:00Z".into()), ..edit_of(&id) }, "after INC-"),
        (EditInput { impact_started_at: Some("2026-11-23T18:00:00Z".into()), ..edit_of(&id) }, "in the future"),
        (EditInput { detected_at: Some("2026-11-23T14:45:00Z".into()), ..edit_of(&id) }, "first status or severity"),
        // A valid title beside a bad time: neither is written.
        (
            EditInput {
                title: Some("new".into()),
                impact_started_at: Some("2026-11-23T14:35:00Z".into()),
                ..edit_of(&id)
            },
            "impact starts at or before detection",
        ),
        (EditInput { title: Some("t".into()), ..edit_of("INC-NOPE-9") }, "INC-NOPE-9"),
    ];
    for (input, why) in cases {
        let err = fb.edit_incident(input.clone()).unwrap_err().message;
        assert!(err.contains(why), "{input:?}: {err}");
        assert!(!err.contains('\n'), "one line: {err}");
    }
    assert_eq!(ops(&fb), before, "nothing written");
    assert_eq!(fb.show(&id).unwrap().title, "Checkout failing");
}

#[test]
fn a_service_added_later_gets_its_rto_clock_at_once() {
    let (mut fb, _) = fb("2026-11-23T15:00:00Z");
    let id = declare(&mut fb, "2026-11-23T14:30:00Z");
    let rto = |d: &IncidentDetail| -> Vec<String> {
        d.deadlines
            .iter()
            .filter_map(|x| match &x.kind {
                DeadlineKind::Rto { service, .. } => Some(service.clone()),
                _ => None,
            })
            .collect()
    };
    // "database" has the Database tier in the default policy: a 4 h RTO at SEV2.
    let extra = "database".to_string();
    let before = rto(&fb.show(&id).unwrap());
    assert!(!before.contains(&extra), "{before:?}");
    let d = fb.edit_incident(EditInput { services: Some(vec!["api".into(), extra.clone()]), ..edit_of(&id) }).unwrap();
    assert!(rto(&d).contains(&extra), "{:?}", rto(&d));
    let due = d.deadlines.iter().find(|x| matches!(&x.kind, DeadlineKind::Rto { service, .. } if *service == extra));
    assert_eq!(due.map(|x| x.due), Some(at("2026-11-23T18:30:00Z")), "4 h from detection");
}

/// MTTD by hand: A detected 14:30, impact 14:20 (10 min); B detected 10:00, impact
/// 09:56 (4 min); C has no impact start (not counted). Mean (10 + 4) / 2 = 7 min = 420 s.
/// MTTR: A resolved 15:10 → from 14:20 = 50 min; B resolved 10:30 → from 09:56 = 34 min;
/// C detected 08:00 resolved 08:30 → from detection = 30 min. Mean 38 min = 2280 s.
#[test]
fn metrics_use_the_impact_start_and_match_a_hand_calculation() {
    let (mut fb, clock) = fb("2026-11-24T12:00:00Z");
    let a = declare(&mut fb, "2026-11-23T14:30:00Z");
    let b = declare(&mut fb, "2026-11-24T10:00:00Z");
    let c = declare(&mut fb, "2026-11-24T08:00:00Z");
    fb.edit_incident(EditInput { impact_started_at: Some("2026-11-23T14:20:00Z".into()), ..edit_of(&a) }).unwrap();
    fb.edit_incident(EditInput { impact_started_at: Some("2026-11-24T09:56:00Z".into()), ..edit_of(&b) }).unwrap();
    for (id, resolved) in [(&a, "2026-11-23T15:10:00Z"), (&b, "2026-11-24T10:30:00Z"), (&c, "2026-11-24T08:30:00Z")] {
        fb.set_status(StatusInput { incident: id.clone(), status: Status::Resolved, at: Some(resolved.into()) })
            .unwrap();
    }
    clock.set(at("2026-11-24T12:01:00Z"));
    let m = fb.metrics(None, None, None).unwrap();
    assert_eq!(m.overall.mttd_count, 2);
    assert_eq!(m.overall.mttd_seconds, Some(420.0));
    assert_eq!(m.overall.mttr_count, 3);
    assert_eq!(m.overall.mttr_seconds, Some(2280.0));
    // The review figures of A agree: detect 10 min, resolve 50 min from the impact start.
    let f = crate::pir::figures(&fb.find(&a).unwrap());
    assert_eq!((f.time_to_detect, f.time_to_resolve), (Some(600), Some(3000)));
}
