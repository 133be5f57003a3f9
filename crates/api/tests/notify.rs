//! Notification scheduling against a stepping clock: the right stage at the right time,
//! once, also across a restart; no storm after a long gap.
use chrono::{DateTime, Duration, Utc};
use firebreak_api::dto::{DeclareInput, EntryInput, StatusInput};
use firebreak_api::notify::Stage;
use firebreak_api::Firebreak;
use firebreak_core::clock::SteppingClock;
use firebreak_core::incident::Status;
use firebreak_core::timeline::EntryKind;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T14:30:00Z").unwrap().with_timezone(&Utc)
}

fn open(dir: &std::path::Path, clock: &Arc<SteppingClock>) -> Firebreak {
    Firebreak::open(dir, Box::new(clock.clone())).unwrap()
}

fn titles(fb: &mut Firebreak) -> Vec<(Stage, String)> {
    fb.due_notifications().unwrap().notifications.into_iter().map(|n| (n.stage, n.title)).collect()
}

#[test]
fn each_stage_fires_once_at_its_time_and_not_again_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = open(dir.path(), &clock);
    let inc =
        fb.declare(DeclareInput { title: "api down".into(), severity: "SEV1".into(), ..Default::default() }).unwrap();
    // Acknowledge at once so only "respond by" (15 min, reference) and the update cadence run.
    fb.set_status(StatusInput { incident: inc.id.clone(), status: Status::Acknowledged, at: None }).unwrap();
    let batch = fb.due_notifications().unwrap();
    assert!(batch.notifications.is_empty(), "nothing is due at declaration");
    // Respond-by is due at 14:45, so its "due soon" stage is at 14:40 (5 minute lead).
    assert_eq!(batch.next_wake, Some(t0() + Duration::minutes(10)));

    clock.set(t0() + Duration::minutes(10) - Duration::seconds(1));
    assert!(titles(&mut fb).is_empty(), "one second early is too early");
    clock.set(t0() + Duration::minutes(10));
    let n = titles(&mut fb);
    assert_eq!(n.len(), 1, "{n:?}");
    assert_eq!(n[0].0, Stage::DueSoon);
    assert!(n[0].1.contains("respond by in 5 min"), "{n:?}");
    assert!(titles(&mut fb).is_empty(), "a stage fires once");

    clock.set(t0() + Duration::minutes(15));
    let n = titles(&mut fb);
    assert_eq!(n, vec![(Stage::Breached, format!("{} SEV1: respond by BREACHED", inc.human_id))]);

    // Restart: reopen the same data directory at the same instant: nothing repeats.
    drop(fb);
    let mut fb = open(dir.path(), &clock);
    assert!(titles(&mut fb).is_empty(), "no repeat after a restart");

    // Sending a status update moves the next-update clock: it notifies again for its new time.
    let before = fb.due_notifications().unwrap().next_wake.unwrap();
    fb.add_entry(EntryInput {
        incident: inc.id.clone(),
        kind: EntryKind::CommsUpdate,
        text: "update 1".into(),
        at: None,
    })
    .unwrap();
    let after = fb.due_notifications().unwrap().next_wake.unwrap();
    assert!(after >= before, "{before} -> {after}");
}

#[test]
fn a_long_gap_gives_one_summary_not_a_storm() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = open(dir.path(), &clock);
    for i in 0..3 {
        fb.declare(DeclareInput {
            title: format!("incident {i}"),
            severity: "SEV1".into(),
            services: vec!["api".into()],
            ..Default::default()
        })
        .unwrap();
    }
    drop(fb);
    // Firebreak was closed for two days.
    clock.advance(Duration::days(2));
    let mut fb = open(dir.path(), &clock);
    let n = fb.due_notifications().unwrap().notifications;
    assert_eq!(n.len(), 1, "one summary: {n:?}");
    assert_eq!(n[0].stage, Stage::Breached);
    assert!(n[0].title.starts_with("Firebreak: ") && n[0].title.contains("clocks breached"), "{}", n[0].title);
    assert!(fb.due_notifications().unwrap().notifications.is_empty(), "and it is not repeated");
}

#[test]
fn a_resolved_incident_stops_notifying_except_for_its_review() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = open(dir.path(), &clock);
    let inc =
        fb.declare(DeclareInput { title: "db slow".into(), severity: "SEV2".into(), ..Default::default() }).unwrap();
    fb.set_status(StatusInput { incident: inc.id.clone(), status: Status::Resolved, at: None }).unwrap();
    clock.advance(Duration::hours(47) + Duration::minutes(55));
    let n = titles(&mut fb);
    assert_eq!(n.len(), 1, "{n:?}");
    assert!(n[0].1.to_lowercase().contains("review") || n[0].1.to_lowercase().contains("pir"), "{n:?}");
}
