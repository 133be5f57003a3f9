//! Notification scheduling against a stepping clock: the right stage at the right time,
//! once, also across a restart; no storm after a long gap.
use chrono::{DateTime, Duration, Utc};
use firebreak_api::dto::{DeclareInput, EntryInput, RoleInput, StatusInput};
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
    // Acknowledge at once so only "respond by" (15 min, reference) and the update cadence run;
    // a commander at once, so SEV1's required role raises nothing (tested below).
    fb.set_status(StatusInput { incident: inc.id.clone(), status: Status::Acknowledged, at: None }).unwrap();
    fb.assign_role(RoleInput {
        incident: inc.id.clone(),
        role: "incident-commander".into(),
        person: "Ann".into(),
        at: None,
    })
    .unwrap();
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

/// A SEV1 with no incident commander: shown as missing at once, notified once when the
/// policy's minutes (15, a team default) have passed, and no longer missing once assigned.
#[test]
fn a_required_role_still_empty_after_the_policys_minutes_notifies_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = open(dir.path(), &clock);
    let inc =
        fb.declare(DeclareInput { title: "api down".into(), severity: "SEV1".into(), ..Default::default() }).unwrap();
    assert_eq!(inc.missing.roles, vec!["incident-commander".to_string()]);
    assert_eq!(inc.missing.roles_alert_at, Some(t0() + Duration::minutes(15)));
    assert!(inc.missing.review_open, "SEV1 requires a review");
    assert_eq!(inc.missing.checklist.len(), 4, "the SEV1 checklist, nothing checked");
    // A SEV3 requires no role and no review; only its checklist is open.
    let minor =
        fb.declare(DeclareInput { title: "slow".into(), severity: "SEV3".into(), ..Default::default() }).unwrap();
    assert!(minor.missing.roles.is_empty() && !minor.missing.review_open, "{:?}", minor.missing);
    assert_eq!(minor.missing.checklist_name, "SEV3 requirements");

    let roles = |fb: &mut Firebreak| -> Vec<String> {
        fb.due_notifications()
            .unwrap()
            .notifications
            .into_iter()
            .filter(|n| n.stage == Stage::RoleMissing)
            .map(|n| n.title)
            .collect()
    };
    clock.set(t0() + Duration::minutes(15) - Duration::seconds(1));
    assert!(roles(&mut fb).is_empty(), "too early");
    clock.set(t0() + Duration::minutes(15));
    assert_eq!(roles(&mut fb), vec![format!("{} SEV1: no incident-commander yet", inc.human_id)]);
    assert!(roles(&mut fb).is_empty(), "once");
    drop(fb);
    let mut fb = open(dir.path(), &clock);
    assert!(roles(&mut fb).is_empty(), "not again after a restart");
    let after = fb
        .assign_role(RoleInput {
            incident: inc.id.clone(),
            role: "incident-commander".into(),
            person: "Ann".into(),
            at: None,
        })
        .unwrap();
    assert!(after.missing.roles.is_empty() && after.missing.roles_alert_at.is_none());
}

/// A drill runs on its own clock (here 60× over the system clock, its hour starting an
/// hour before): its missing-role alert and its deadlines are judged in drill time. On
/// the system clock the alert (declaration + 15 min) would fire at the start, the drill
/// being an hour "late"; on drill time it fires 15 real seconds in, and the scheduler is
/// told to wake then, in real time. Paused, the drill gives no wake.
#[test]
fn a_drills_missing_role_alert_runs_on_the_drill_clock() {
    use firebreak_api::drill::Script;
    use firebreak_core::clock::{Clock, ScaledClock};
    const SCENARIO: &str = "title: Role rehearsal\ndescription: Nobody takes command.\nseverity: SEV1\n\
        duration: 60m\nsuccess_criteria:\n  - {id: ack, acknowledged_within: 5m}\n\
        injects:\n  - {at: 0s, kind: alert, text: \"API down\"}\n";
    let dir = tempfile::tempdir().unwrap();
    let real = Arc::new(SteppingClock::new(t0()));
    let mut fb = open(dir.path(), &real);
    let drill_clock = Arc::new(ScaledClock::new(real.clone(), t0() - Duration::hours(1), 60));
    let run = fb.drill_start(SCENARIO, 60, &Script::default(), Some(drill_clock.clone() as Arc<dyn Clock>)).unwrap();
    assert_eq!(run.started_at, t0() - Duration::hours(1), "declared in drill time");
    // Investigating and updated at once, so only the role (and later clocks) can notify.
    fb.set_status(StatusInput { incident: run.incident.clone(), status: Status::Investigating, at: None }).unwrap();
    fb.add_entry(EntryInput {
        incident: run.incident.clone(),
        kind: EntryKind::CommsUpdate,
        text: "first update".into(),
        at: None,
    })
    .unwrap();

    let batch = fb.due_notifications().unwrap();
    assert!(batch.notifications.is_empty(), "nothing at the drill's start: {:?}", batch.notifications);
    // Declared at drill t0−1h; the SEV1 role alert is 15 drill-minutes later, 15 s real.
    assert_eq!(batch.next_wake, Some(t0() + Duration::seconds(15)), "the wake is in real time");

    real.set(t0() + Duration::seconds(14));
    assert!(titles(&mut fb).is_empty(), "14 drill-minutes: too early");
    real.set(t0() + Duration::seconds(15));
    let n = titles(&mut fb);
    let human = fb.show(&run.incident).unwrap().human_id;
    assert_eq!(n, vec![(Stage::RoleMissing, format!("[DRILL] {human} SEV1: no incident-commander yet"))]);

    drill_clock.pause();
    assert_eq!(fb.due_notifications().unwrap().next_wake, None, "a paused drill wakes nobody");
}
