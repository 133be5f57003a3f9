//! Listing incidents (the window's list, the CLI's, the notification scheduler's pass)
//! reads each incident's clock view from the store's cache: a list unfolds only the
//! incidents changed since the last one, so its cost stays flat while nothing changes.
//! And a clock view gives the whole incident's clocks at every instant. Counted (whole
//! incidents read), not timed.
use chrono::{DateTime, Duration, Utc};
use firebreak_api::clock_views::clock_view;
use firebreak_api::clocks::deadlines;
use firebreak_api::dto::*;
use firebreak_api::requirements::missing;
use firebreak_api::Firebreak;
use firebreak_core::clock::SteppingClock;
use firebreak_core::incident::Status;
use firebreak_core::timeline::EntryKind;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T14:30:00Z").unwrap().with_timezone(&Utc)
}

fn declare(fb: &mut Firebreak, title: &str, severity: &str) -> String {
    let input = DeclareInput { title: title.into(), severity: severity.into(), ..Default::default() };
    fb.declare(input).unwrap().human_id
}

fn note(fb: &mut Firebreak, incident: &str, text: &str) {
    let input = EntryInput { incident: incident.into(), kind: EntryKind::Note, text: text.into(), at: None };
    fb.add_entry(input).unwrap();
}

fn status(fb: &mut Firebreak, incident: &str, to: Status) {
    fb.set_status(StatusInput { incident: incident.into(), status: to, at: None }).unwrap();
}

/// Whole incidents read by `f`.
fn reads<T>(fb: &mut Firebreak, f: impl FnOnce(&mut Firebreak) -> T) -> (u64, T) {
    let before = fb.store().incidents_read();
    let out = f(fb);
    (fb.store().incidents_read() - before, out)
}

#[test]
fn a_list_unfolds_only_the_incidents_changed_since_the_last_one() {
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = Firebreak::in_memory(Box::new(clock.clone())).unwrap();
    let ids: Vec<String> =
        (0..30).map(|i| declare(&mut fb, &format!("incident {i}"), ["SEV1", "SEV2", "SEV3"][i % 3])).collect();
    for id in &ids[..10] {
        status(&mut fb, id, Status::Resolved);
    }
    for id in &ids[10..20] {
        note(&mut fb, id, "looking");
    }
    let (first, listed) = reads(&mut fb, |fb| fb.list().unwrap());
    assert_eq!(listed.len(), 30);
    assert_eq!(first, 30, "the first list makes every clock view");
    clock.advance(Duration::minutes(3));
    let (second, again) = reads(&mut fb, |fb| fb.list().unwrap());
    assert_eq!(second, 0, "nothing changed: nothing is unfolded");
    assert_eq!(again.len(), 30);
    note(&mut fb, &ids[25], "one more note");
    status(&mut fb, &ids[26], Status::Acknowledged);
    let (third, after) = reads(&mut fb, |fb| fb.list().unwrap());
    assert_eq!(third, 2, "the two incidents changed since are unfolded, the rest are not");
    let acked = after.iter().find(|s| s.human_id == ids[26]).unwrap();
    assert_eq!(acked.status, Status::Acknowledged);
    assert_ne!(
        acked.next_deadline.as_ref().unwrap().kind,
        firebreak_policy::DeadlineKind::Acknowledge,
        "its acknowledge clock is met"
    );
    // The scheduler's pass reads the same cache.
    let (pass, _) = reads(&mut fb, |fb| fb.due_notifications().unwrap());
    assert_eq!(pass, 0, "the scheduler unfolds nothing that the list already saw");
}

#[test]
fn a_clock_view_has_the_whole_incidents_clocks_at_every_instant() {
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = Firebreak::in_memory(Box::new(clock.clone())).unwrap();
    let id = declare(&mut fb, "checkout errors", "SEV3");
    let step = |m: i64| clock.advance(Duration::minutes(m));
    step(2);
    note(&mut fb, &id, "first look");
    fb.assign_role(RoleInput {
        incident: id.clone(),
        role: "incident_commander".into(),
        person: "ana".into(),
        at: None,
    })
    .unwrap();
    step(3);
    fb.set_severity(SeverityInput { incident: id.clone(), level: "SEV1".into(), at: None }).unwrap();
    status(&mut fb, &id, Status::Acknowledged);
    step(4);
    status(&mut fb, &id, Status::Investigating);
    let comms = CommsInput {
        incident: id.clone(),
        text: "We are looking into checkout errors.".into(),
        at: None,
        post: false,
        template: None,
    };
    fb.comms_sent(comms).unwrap();
    fb.add_task(TaskInput {
        incident: id.clone(),
        owner: "bo".into(),
        text: "restart the pool".into(),
        check_back_minutes: 15,
    })
    .unwrap();
    step(10);
    let inc = fb.store().find(&id).unwrap();
    let entry = inc.timeline.keys().next().unwrap().to_string();
    fb.pin_entry(PinInput { incident: id.clone(), entry: entry.clone(), pinned: true }).unwrap();
    fb.revise_entry(ReviseInput { incident: id.clone(), entry, text: "first look (corrected)".into() }).unwrap();
    for i in 0..20 {
        note(&mut fb, &id, &format!("note {i}"));
    }
    step(20);
    status(&mut fb, &id, Status::Mitigated);
    step(30);
    status(&mut fb, &id, Status::Resolved);

    let policy = fb.policy().unwrap();
    let full = fb.store().find(&id).unwrap();
    let view = clock_view(full.clone());
    assert!(view.timeline.len() < full.timeline.len() / 2, "the notes are left out");
    let mut instants: Vec<DateTime<Utc>> = full.timeline.values().map(|e| e.event_time).collect();
    instants.extend([t0() - Duration::minutes(1), t0() + Duration::hours(3), t0() + Duration::days(9)]);
    let mut seen = std::collections::BTreeSet::new();
    for at in &instants {
        for at in [*at - Duration::seconds(1), *at, *at + Duration::seconds(1)] {
            let whole = deadlines(&policy, &full, at, 5);
            assert_eq!(deadlines(&policy, &view, at, 5), whole, "deadlines at {at}");
            seen.insert(serde_json::to_string(&whole).unwrap());
        }
    }
    assert_eq!(missing(&policy, &view), missing(&policy, &full));
    assert_eq!(view.review.meeting_at.value, full.review.meeting_at.value);
    assert!(seen.len() >= 5, "the instants see the clocks move ({} distinct sets)", seen.len());
    // Control: without the entries that move clocks, the clocks differ.
    let mut bare = view.clone();
    bare.timeline.clear();
    let later = t0() + Duration::hours(3);
    assert_ne!(deadlines(&policy, &bare, later, 5), deadlines(&policy, &full, later, 5));
}

#[test]
fn a_scheduler_pass_records_every_stage_in_one_write() {
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = Firebreak::in_memory(Box::new(clock.clone())).unwrap();
    let first = declare(&mut fb, "incident 0", "SEV1");
    for i in 1..40 {
        declare(&mut fb, &format!("incident {i}"), "SEV1");
    }
    // Two days on, every one of them is long past its clocks: one pass notifies them all.
    clock.advance(Duration::days(2));
    let before = fb.store().commits();
    let batch = fb.due_notifications().unwrap();
    assert!(!batch.notifications.is_empty());
    let writes = fb.store().commits() - before;
    assert!(writes <= 2, "the clock views and the stages sent, one write each, not one per stage: {writes}");
    // Nothing new since: the next pass notifies nothing and writes nothing.
    let before = fb.store().commits();
    assert!(fb.due_notifications().unwrap().notifications.is_empty());
    assert_eq!(fb.store().commits() - before, 0);
    // Control: the counter counts commits (a note is one).
    let before = fb.store().commits();
    note(&mut fb, &first, "still here");
    assert_eq!(fb.store().commits() - before, 1);
}
