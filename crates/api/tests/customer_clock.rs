//! Customer updates on their own clock: marking a customer template sent records a
//! customer update (its own op type) that restarts only the "Next customer update by"
//! clock, an internal status update only the internal one; the clock exists only where
//! the policy's level gives a `customer_update_cadence`, and it notifies like any clock.
use chrono::{DateTime, Duration, Utc};
use firebreak_api::comms::Template;
use firebreak_api::dto::{CommsInput, DeclareInput, EntryInput, IncidentDetail};
use firebreak_api::Firebreak;
use firebreak_core::clock::{Clock, SteppingClock};
use firebreak_core::timeline::EntryKind;
use firebreak_policy::{Deadline, DeadlineKind};
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().with_timezone(&Utc)
}

/// A data directory on the protocol preset with SEV1 customers updated every hour.
fn firebreak(dir: &std::path::Path, clock: &Arc<SteppingClock>) -> Firebreak {
    let mut fb = Firebreak::open(dir, Box::new(clock.clone())).unwrap();
    let file = dir.join("policy.toml");
    let text = firebreak_policy::Policy::preset_toml("protocol").unwrap().replacen(
        "update_cadence = \"30m\"\n",
        "update_cadence = \"30m\"\ncustomer_update_cadence = \"1h\"\n",
        1,
    );
    std::fs::write(&file, text).unwrap();
    fb.use_policy(file.to_str().unwrap()).unwrap();
    fb
}

fn clock_of(inc: &IncidentDetail, kind: DeadlineKind) -> Option<Deadline> {
    inc.deadlines.iter().find(|d| d.kind == kind).cloned()
}

fn sent(fb: &mut Firebreak, id: &str, text: &str, template: Option<Template>) -> IncidentDetail {
    fb.comms_sent(CommsInput { incident: id.into(), text: text.into(), at: None, post: false, template }).unwrap()
}

#[test]
fn a_customer_update_restarts_only_the_customer_clock_and_an_internal_one_only_the_internal() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = firebreak(dir.path(), &clock);
    let declare = |fb: &mut Firebreak, severity: &str| {
        fb.declare(DeclareInput { title: "api down".into(), severity: severity.into(), ..Default::default() }).unwrap()
    };
    let inc = declare(&mut fb, "SEV1");
    let customer = clock_of(&inc, DeadlineKind::NextCustomerUpdate).expect("SEV1 has a customer cadence");
    assert_eq!((customer.due, customer.label.as_str()), (t0() + Duration::hours(1), "Next customer update by"));
    assert_eq!(clock_of(&inc, DeadlineKind::NextUpdate).unwrap().due, t0() + Duration::minutes(30));
    // SEV2 has none: the clock is absent, not zero.
    assert_eq!(clock_of(&declare(&mut fb, "SEV2"), DeadlineKind::NextCustomerUpdate), None);

    // An internal update at 10:10: internal clock to 10:40, customer clock unmoved.
    clock.set(t0() + Duration::minutes(10));
    let after = sent(&mut fb, &inc.id, "Investigating the API errors.", Some(Template::Update));
    assert_eq!(clock_of(&after, DeadlineKind::NextUpdate).unwrap().due, t0() + Duration::minutes(40));
    assert_eq!(clock_of(&after, DeadlineKind::NextCustomerUpdate).unwrap().due, t0() + Duration::hours(1));

    // A customer update at 10:20: customer clock to 11:20, internal clock unmoved.
    clock.set(t0() + Duration::minutes(20));
    let after = sent(&mut fb, &inc.id, "Some customers cannot pay.", Some(Template::CustomerInitial));
    assert_eq!(clock_of(&after, DeadlineKind::NextCustomerUpdate).unwrap().due, t0() + Duration::minutes(80));
    assert_eq!(clock_of(&after, DeadlineKind::NextUpdate).unwrap().due, t0() + Duration::minutes(40));
    let entry = after.timeline.iter().find(|e| e.kind == EntryKind::CustomerUpdate).expect("on the timeline");
    assert_eq!(entry.text, "Some customers cannot pay.");
    let op = fb.store().all_ops().unwrap().into_iter().last().unwrap();
    assert_eq!(op.payload.name(), "customer_update", "its own op type, not an add_entry kind");

    // The customer clock notifies like the others: due soon at 11:15, 5 minutes ahead.
    clock.set(t0() + Duration::minutes(75));
    let shown = fb.show(&inc.id).unwrap();
    let row = fb.list().unwrap().into_iter().find(|r| r.id == inc.id).unwrap();
    let running = [(row, shown.deadlines)];
    let (due, _) = firebreak_api::notify::plan(&running, clock.now(), Duration::minutes(5), &|_| false);
    let titles: Vec<String> = due.iter().map(|p| firebreak_api::notify::message(p, clock.now()).title).collect();
    assert!(titles.iter().any(|t| t.ends_with("SEV1: next customer update by in 5 min")), "{titles:?}");
}

#[test]
fn a_customer_update_is_refused_where_it_does_not_belong_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = firebreak(dir.path(), &clock);
    let inc =
        fb.declare(DeclareInput { title: "api down".into(), severity: "SEV1".into(), ..Default::default() }).unwrap();
    let ops = fb.store().all_ops().unwrap().len();
    let post = CommsInput {
        incident: inc.id.clone(),
        text: "We are on it.".into(),
        at: None,
        post: true,
        template: Some(Template::CustomerUpdate),
    };
    let err = fb.comms_sent(post).unwrap_err();
    assert!(err.message.contains("status page"), "{}", err.message);
    let blank = CommsInput { text: "  ".into(), ..blank_input(&inc.id) };
    assert!(fb.comms_sent(blank).unwrap_err().message.contains("empty"));
    let err = fb
        .add_entry(EntryInput { incident: inc.id.clone(), kind: EntryKind::CustomerUpdate, text: "x".into(), at: None })
        .unwrap_err();
    assert!(err.message.contains("--template customer-update"), "{}", err.message);
    assert_eq!(fb.store().all_ops().unwrap().len(), ops, "nothing written");
}

fn blank_input(id: &str) -> CommsInput {
    CommsInput {
        incident: id.into(),
        text: String::new(),
        at: None,
        post: false,
        template: Some(Template::CustomerUpdate),
    }
}
