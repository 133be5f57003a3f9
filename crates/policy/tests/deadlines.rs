//! Deadline states from recorded events: pending, due soon, breached, met on time and late;
//! the next-update clock; severity re-basing; RTO per tier; PIR due.

use chrono::{DateTime, Duration, Utc};
use firebreak_policy::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("2025-06-{s}:00Z")).unwrap().with_timezone(&Utc)
}

fn protocol() -> Policy {
    Policy::preset("protocol").unwrap()
}

fn lead() -> Duration {
    Duration::minutes(10)
}

fn find(deadlines: &[Deadline], kind: &DeadlineKind) -> Deadline {
    deadlines.iter().find(|d| &d.kind == kind).cloned().unwrap_or_else(|| panic!("no {kind:?} in {deadlines:#?}"))
}

fn rto(service: &str, tier: &str) -> DeadlineKind {
    DeadlineKind::Rto { service: service.into(), tier: tier.into() }
}

// 2025-06-02 is a Monday; the protocol calendar is Mon–Fri 09:00–17:00 UTC.

#[test]
fn pending_due_soon_breached() {
    let p = protocol();
    let facts = IncidentFacts::new(at("02T10:00"), "SEV2");
    let respond = |now: &str| find(&compute_deadlines(&p, &facts, at(now), lead()), &DeadlineKind::Respond);
    assert_eq!(respond("02T10:30").state, DeadlineState::Pending);
    assert_eq!(respond("02T10:50").state, DeadlineState::DueSoon);
    assert_eq!(respond("02T10:59").state, DeadlineState::DueSoon);
    assert_eq!(respond("02T11:00").state, DeadlineState::Breached { at: at("02T11:00") });
    let late = respond("02T11:25");
    assert_eq!(late.state, DeadlineState::Breached { at: at("02T11:00") });
    assert_eq!(late.remaining(at("02T11:25")), Duration::minutes(-25));
    assert_eq!(respond("02T10:30").remaining(at("02T10:30")), Duration::minutes(30));
    assert_eq!(late.label, "Respond by");
    assert!(late.from_reference);
    assert!(late.meaning.contains("within 1 hour of declaration"), "{}", late.meaning);
    assert!(late.meaning.contains("reference figure"), "{}", late.meaning);
    let ack = find(&compute_deadlines(&p, &facts, at("02T10:00"), lead()), &DeadlineKind::Acknowledge);
    assert!(!ack.from_reference);
    assert!(ack.meaning.contains("team default"), "{}", ack.meaning);
}

#[test]
fn met_on_time_and_late() {
    let p = protocol();
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV2");
    facts.acknowledged_at = Some(at("02T10:20")); // ack due 10:15: late
    facts.responded_at = Some(at("02T10:45")); // respond due 11:00: on time
    let d = compute_deadlines(&p, &facts, at("02T12:00"), lead());
    assert_eq!(find(&d, &DeadlineKind::Acknowledge).state, DeadlineState::Met { at: at("02T10:20"), on_time: false });
    assert_eq!(find(&d, &DeadlineKind::Respond).state, DeadlineState::Met { at: at("02T10:45"), on_time: true });
}

#[test]
fn a_later_stage_meets_earlier_clocks() {
    let p = protocol();
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV1");
    facts.responded_at = Some(at("02T10:04"));
    let d = compute_deadlines(&p, &facts, at("02T12:00"), lead());
    assert_eq!(find(&d, &DeadlineKind::Acknowledge).state, DeadlineState::Met { at: at("02T10:04"), on_time: true });
    facts.responded_at = None;
    facts.resolved_at = Some(at("02T11:00"));
    let d = compute_deadlines(&p, &facts, at("02T12:00"), lead());
    assert_eq!(find(&d, &DeadlineKind::Respond).state, DeadlineState::Met { at: at("02T11:00"), on_time: false });
}

#[test]
fn next_update_restarts_from_the_last_status_update() {
    let p = protocol();
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV2"); // every 2 hours
    let next = |facts: &IncidentFacts, now: &str| {
        find(&compute_deadlines(&p, facts, at(now), lead()), &DeadlineKind::NextUpdate)
    };

    let first = next(&facts, "02T10:30");
    assert_eq!(first.due, at("02T12:00"));
    assert!(first.meaning.contains("declaration"), "{}", first.meaning);

    facts.comms_updates = vec![at("02T11:00")];
    assert_eq!(next(&facts, "02T11:30").due, at("02T13:00"));

    // The second update is 30 minutes late; the clock restarts from it and the missed
    // interval stays on record.
    facts.comms_updates.push(at("02T13:30"));
    let d = next(&facts, "02T14:00");
    assert_eq!(d.due, at("02T15:30"));
    assert_eq!(d.state, DeadlineState::Pending);
    assert_eq!(d.earlier_breaches, vec![EarlierBreach { level: "SEV2".into(), due: at("02T13:00") }]);
    assert!(d.meaning.contains("last status update"), "{}", d.meaning);
    assert_eq!(next(&facts, "02T15:30").state, DeadlineState::Breached { at: at("02T15:30") });

    // Order of storage does not matter.
    facts.comms_updates.reverse();
    assert_eq!(next(&facts, "02T14:00").due, at("02T15:30"));

    // Resolution stops the clock.
    facts.resolved_at = Some(at("02T15:00"));
    let done = next(&facts, "02T18:00");
    assert_eq!(done.state, DeadlineState::Met { at: at("02T15:00"), on_time: true });
}

#[test]
fn business_day_update_cadence() {
    let p = protocol();
    // SEV3: daily updates, one per business day. Declared Friday 16:00.
    let mut facts = IncidentFacts::new(at("06T16:00"), "SEV3");
    let d = compute_deadlines(&p, &facts, at("06T16:00"), lead());
    assert_eq!(find(&d, &DeadlineKind::NextUpdate).due, at("09T16:00"));
    assert_eq!(find(&d, &DeadlineKind::Respond).due, at("09T16:00"));
    assert_eq!(find(&d, &DeadlineKind::Acknowledge).due, at("09T12:00"));
    facts.comms_updates = vec![at("09T10:00")];
    let d = compute_deadlines(&p, &facts, at("09T10:00"), lead());
    assert_eq!(find(&d, &DeadlineKind::NextUpdate).due, at("10T10:00"));
}

#[test]
fn severity_upgrade_rebases_running_deadlines() {
    let p = protocol();
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV3");
    facts.acknowledged_at = Some(at("02T10:30"));
    facts.severity_changes.push((at("02T11:00"), "SEV1".into()));
    let d = compute_deadlines(&p, &facts, at("02T11:05"), lead());
    // Respond was due Tuesday 10:00 at SEV3; at SEV1 it is 15 minutes from the change.
    let respond = find(&d, &DeadlineKind::Respond);
    assert_eq!(respond.due, at("02T11:15"));
    assert_eq!(respond.level, "SEV1");
    assert_eq!(respond.state, DeadlineState::DueSoon);
    assert!(respond.earlier_breaches.is_empty());
    assert!(respond.meaning.contains("severity change to SEV1"), "{}", respond.meaning);
    // Acknowledge was met before the change: it stays met against the SEV3 figure.
    let ack = find(&d, &DeadlineKind::Acknowledge);
    assert_eq!(ack.state, DeadlineState::Met { at: at("02T10:30"), on_time: true });
    assert_eq!(ack.level, "SEV3");
    // Resolve moves to 24 h from the change; next update to 30 minutes from it.
    assert_eq!(find(&d, &DeadlineKind::Resolve).due, at("03T11:00"));
    assert_eq!(find(&d, &DeadlineKind::NextUpdate).due, at("02T11:30"));
}

#[test]
fn an_upgrade_never_makes_a_deadline_later() {
    let p = protocol();
    // SEV2 respond due 11:00; upgraded at 10:50, SEV1 would give 11:05.
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV2");
    facts.severity_changes.push((at("02T10:50"), "SEV1".into()));
    let respond = find(&compute_deadlines(&p, &facts, at("02T10:52"), lead()), &DeadlineKind::Respond);
    assert_eq!(respond.due, at("02T11:00"));
    assert!(respond.meaning.contains("upgrade never makes a deadline later"), "{}", respond.meaning);
}

#[test]
fn upgrade_after_a_breach_keeps_the_breach_on_record() {
    let p = protocol();
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV2");
    facts.severity_changes.push((at("02T12:00"), "SEV1".into()));
    let respond = find(&compute_deadlines(&p, &facts, at("02T12:01"), lead()), &DeadlineKind::Respond);
    assert_eq!(respond.earlier_breaches, vec![EarlierBreach { level: "SEV2".into(), due: at("02T11:00") }]);
    assert_eq!(respond.due, at("02T12:15"));
    assert_eq!(respond.state, DeadlineState::Pending);
    // Met later, on time against the fresh due; the old breach stays.
    facts.responded_at = Some(at("02T12:10"));
    let respond = find(&compute_deadlines(&p, &facts, at("02T13:00"), lead()), &DeadlineKind::Respond);
    assert_eq!(respond.state, DeadlineState::Met { at: at("02T12:10"), on_time: true });
    assert_eq!(respond.earlier_breaches.len(), 1);
}

#[test]
fn severity_downgrade_rebases_and_keeps_earlier_breaches() {
    let p = protocol();
    // SEV1 respond due 10:15; downgraded to SEV2 at 10:05 → 1 h from the change.
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV1");
    facts.severity_changes.push((at("02T10:05"), "SEV2".into()));
    let respond = find(&compute_deadlines(&p, &facts, at("02T10:10"), lead()), &DeadlineKind::Respond);
    assert_eq!(respond.due, at("02T11:05"));
    assert_eq!(respond.level, "SEV2");

    // Downgraded to SEV3 after the SEV1 respond deadline passed.
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV1");
    facts.severity_changes.push((at("02T10:30"), "SEV3".into()));
    let respond = find(&compute_deadlines(&p, &facts, at("02T10:40"), lead()), &DeadlineKind::Respond);
    assert_eq!(respond.earlier_breaches, vec![EarlierBreach { level: "SEV1".into(), due: at("02T10:15") }]);
    assert_eq!(respond.due, at("03T10:30"));
    assert_eq!(respond.state, DeadlineState::Pending);

    // A change to the same level is no change; a change back is re-based again.
    facts.severity_changes.push((at("02T10:35"), "SEV3".into()));
    facts.severity_changes.push((at("02T10:45"), "SEV1".into()));
    let respond = find(&compute_deadlines(&p, &facts, at("02T10:50"), lead()), &DeadlineKind::Respond);
    assert_eq!(respond.due, at("02T11:00"));
    assert_eq!(respond.earlier_breaches.len(), 1);
}

#[test]
fn rto_per_affected_service_tier() {
    let p = protocol();
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV1");
    facts.services = vec!["api".into(), "database".into(), "docs".into(), "billing".into(), "api".into()];
    facts.mitigated_at = Some(at("02T10:45"));
    let d = compute_deadlines(&p, &facts, at("02T11:30"), lead());
    let rtos: Vec<&Deadline> = d.iter().filter(|d| matches!(d.kind, DeadlineKind::Rto { .. })).collect();
    assert_eq!(rtos.len(), 3, "unknown service billing has no RTO; api counted once");
    let api = find(&d, &rto("api", "core-api"));
    assert_eq!(api.due, at("02T10:30"));
    assert_eq!(api.state, DeadlineState::Met { at: at("02T10:45"), on_time: false });
    assert_eq!(api.label, "Restore api by");
    let db = find(&d, &rto("database", "database"));
    assert_eq!(db.state, DeadlineState::Met { at: at("02T10:45"), on_time: true });
    assert_eq!(find(&d, &rto("docs", "non-critical")).due, at("03T10:00"));

    // SEV3 auxiliary: 2 business days; resolution restores if there was no mitigation.
    let mut facts = IncidentFacts::new(at("06T16:00"), "SEV3");
    facts.services = vec!["workers".into()];
    facts.resolved_at = Some(at("09T10:00"));
    let w = find(&compute_deadlines(&p, &facts, at("09T11:00"), lead()), &rto("workers", "auxiliary"));
    assert_eq!(w.due, at("10T16:00"));
    assert_eq!(w.state, DeadlineState::Met { at: at("09T10:00"), on_time: true });
}

#[test]
fn rto_withdrawn_and_added_by_severity_changes() {
    let p = protocol();
    // SEV4 has no RTO column.
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV4");
    facts.services = vec!["api".into()];
    let d = compute_deadlines(&p, &facts, at("02T10:00"), lead());
    assert!(!d.iter().any(|d| matches!(d.kind, DeadlineKind::Rto { .. })));
    // Upgraded to SEV2: the RTO starts at the change.
    facts.severity_changes.push((at("02T11:00"), "SEV2".into()));
    let api = find(&compute_deadlines(&p, &facts, at("02T11:00"), lead()), &rto("api", "core-api"));
    assert_eq!(api.due, at("02T13:00"));
    // Downgraded back to SEV4 after the RTO was breached: withdrawn, breach on record.
    facts.severity_changes.push((at("02T14:00"), "SEV4".into()));
    let api = find(&compute_deadlines(&p, &facts, at("02T15:00"), lead()), &rto("api", "core-api"));
    assert_eq!(api.state, DeadlineState::Withdrawn { at: at("02T14:00") });
    assert_eq!(api.earlier_breaches, vec![EarlierBreach { level: "SEV2".into(), due: at("02T13:00") }]);
    assert!(api.meaning.contains("No longer applies"), "{}", api.meaning);
}

#[test]
fn pir_due_only_for_levels_that_require_one() {
    let p = protocol();
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV2");
    assert!(!compute_deadlines(&p, &facts, at("02T11:00"), lead()).iter().any(|d| d.kind == DeadlineKind::PirDue));
    facts.resolved_at = Some(at("02T14:00"));
    let d = compute_deadlines(&p, &facts, at("03T14:00"), lead());
    let pir = find(&d, &DeadlineKind::PirDue);
    assert_eq!(pir.due, at("04T14:00"));
    assert_eq!(pir.state, DeadlineState::Pending);
    assert!(pir.from_reference);
    assert!(pir.meaning.contains("48 hours of resolution"), "{}", pir.meaning);
    facts.pir_completed_at = Some(at("04T13:00"));
    let pir = find(&compute_deadlines(&p, &facts, at("05T00:00"), lead()), &DeadlineKind::PirDue);
    assert_eq!(pir.state, DeadlineState::Met { at: at("04T13:00"), on_time: true });

    // SEV3 needs no PIR; closing without resolving counts as resolution.
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV3");
    facts.closed_at = Some(at("02T14:00"));
    let d = compute_deadlines(&p, &facts, at("02T15:00"), lead());
    assert!(!d.iter().any(|d| d.kind == DeadlineKind::PirDue));
    assert_eq!(find(&d, &DeadlineKind::Resolve).state, DeadlineState::Met { at: at("02T14:00"), on_time: true });

    // Matrix P1: PIR due is a team default there.
    let m = Policy::preset("matrix").unwrap();
    let mut facts = IncidentFacts::new(at("02T10:00"), "P1");
    facts.resolved_at = Some(at("02T10:50"));
    let d = compute_deadlines(&m, &facts, at("02T11:00"), lead());
    let pir = find(&d, &DeadlineKind::PirDue);
    assert_eq!(pir.due, at("04T10:50"));
    assert!(!pir.from_reference);
    assert_eq!(find(&d, &DeadlineKind::Resolve).state, DeadlineState::Met { at: at("02T10:50"), on_time: true });
}

#[test]
fn same_facts_same_deadlines_after_a_restart() {
    let p = protocol();
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV2");
    facts.comms_updates = vec![at("02T11:00")];
    facts.services = vec!["api".into()];
    facts.severity_changes.push((at("02T10:30"), "SEV1".into()));
    let before = compute_deadlines(&p, &facts, at("02T11:10"), lead());
    // Stored and read back (as the app does across a restart), then recomputed.
    let stored = serde_json::to_string(&facts).unwrap();
    let reloaded: IncidentFacts = serde_json::from_str(&stored).unwrap();
    let policy_again = Policy::from_toml_str(&p.to_toml_string()).unwrap();
    assert_eq!(compute_deadlines(&policy_again, &reloaded, at("02T11:10"), lead()), before);
    let json = serde_json::to_value(&before).unwrap();
    assert_eq!(json[0]["kind"]["type"], "acknowledge");
    assert!(json[0]["state"]["type"].is_string());
}

#[test]
fn unknown_level_gives_no_deadlines() {
    let p = protocol();
    assert!(compute_deadlines(&p, &IncidentFacts::new(at("02T10:00"), "X1"), at("02T10:00"), lead()).is_empty());
    // A level of the other built-in preset is read by rank: P1 runs SEV1's clocks.
    assert_eq!(
        compute_deadlines(&p, &IncidentFacts::new(at("02T10:00"), "P1"), at("02T10:00"), lead()),
        compute_deadlines(&p, &IncidentFacts::new(at("02T10:00"), "SEV1"), at("02T10:00"), lead())
    );
    // An unknown level in a later change is ignored.
    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV2");
    facts.severity_changes.push((at("02T10:10"), "SEV9".into()));
    let respond = find(&compute_deadlines(&p, &facts, at("02T10:20"), lead()), &DeadlineKind::Respond);
    assert_eq!(respond.due, at("02T11:00"));
}

#[test]
fn rule_text_is_published() {
    assert!(SEVERITY_REBASE_RULE.contains("restarts from the moment of the change"));
    assert!(SEVERITY_REBASE_RULE.contains("breach on record"));
}

/// The customer-update clock runs only at levels with a `customer_update_cadence`: from
/// declaration, restarted by customer updates alone (internal ones leave it), stopped by
/// resolution, and withdrawn when the severity moves to a level without one.
#[test]
fn next_customer_update_runs_on_its_own_cadence_where_the_level_has_one() {
    let mut p = protocol();
    let sev1 = p.levels.iter_mut().find(|l| l.id == "SEV1").unwrap();
    sev1.customer_update_cadence = Some("1h".parse().unwrap());
    sev1.team_defaults.push("customer_update_cadence".into());
    let kind = DeadlineKind::NextCustomerUpdate;
    let customer = |facts: &IncidentFacts, now: &str| {
        compute_deadlines(&p, facts, at(now), lead()).into_iter().find(|d| d.kind == kind)
    };

    // SEV2 has no customer cadence: no such clock at all.
    assert_eq!(customer(&IncidentFacts::new(at("02T10:00"), "SEV2"), "02T10:30"), None);

    let mut facts = IncidentFacts::new(at("02T10:00"), "SEV1");
    let first = customer(&facts, "02T10:30").unwrap();
    assert_eq!((first.due, first.label.as_str()), (at("02T11:00"), "Next customer update by"));
    assert!(first.meaning.contains("no customer update has been sent yet"), "{}", first.meaning);
    assert!(first.meaning.contains("team default"), "{}", first.meaning);

    // An internal update restarts the internal clock only.
    facts.comms_updates = vec![at("02T10:20")];
    assert_eq!(customer(&facts, "02T10:30").unwrap().due, at("02T11:00"));
    let internal = find(&compute_deadlines(&p, &facts, at("02T10:30"), lead()), &DeadlineKind::NextUpdate);
    assert_eq!(internal.due, at("02T10:50"), "SEV1 internal cadence is 30 minutes");

    // A customer update restarts the customer clock only.
    facts.customer_updates = vec![at("02T10:40")];
    let d = customer(&facts, "02T10:45").unwrap();
    assert_eq!((d.due, d.state.clone()), (at("02T11:40"), DeadlineState::Pending));
    assert!(d.meaning.contains("the last customer update"), "{}", d.meaning);
    let internal = find(&compute_deadlines(&p, &facts, at("02T10:45"), lead()), &DeadlineKind::NextUpdate);
    assert_eq!(internal.due, at("02T10:50"), "the internal clock did not move");
    assert_eq!(customer(&facts, "02T11:40").unwrap().state, DeadlineState::Breached { at: at("02T11:40") });

    // A downgrade to a level without a customer cadence withdraws it.
    facts.severity_changes.push((at("02T11:00"), "SEV2".into()));
    assert_eq!(customer(&facts, "02T11:10").unwrap().state, DeadlineState::Withdrawn { at: at("02T11:00") });

    // Resolution stops it, shown as met.
    facts.severity_changes.pop();
    facts.resolved_at = Some(at("02T11:30"));
    assert_eq!(customer(&facts, "02T12:00").unwrap().state, DeadlineState::Met { at: at("02T11:30"), on_time: true });
}
