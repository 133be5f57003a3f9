//! From an incident's recorded events to the facts the deadline rules read, and the
//! deadline views at an instant. Nothing is kept in a running timer: the same events and
//! the same instant always give the same clocks, before and after a restart.
use chrono::{DateTime, Duration, Utc};
use firebreak_core::incident::Incident;
use firebreak_core::instant;
use firebreak_core::timeline::{Change, EntryKind, TimelineEntry};
use firebreak_policy::{
    compute_deadlines, Deadline, DeadlineKind, DeadlineState, IncidentFacts, Policy, Target, TargetUnit,
};

/// How long before its due time a deadline counts as due soon (and notifies first).
pub const DEFAULT_LEAD_MINUTES: i64 = 5;

/// The facts as they stood at `as_of`: events with a later event time are left out, so
/// asking about a past instant shows the clocks as they were then.
pub fn facts(inc: &Incident, as_of: DateTime<Utc>) -> IncidentFacts {
    let known = |t: Option<DateTime<Utc>>| t.filter(|t| *t <= as_of);
    let detected_at = inc.detected_at().unwrap_or_default();
    let mut changes: Vec<&TimelineEntry> =
        inc.timeline.values().filter(|e| matches!(e.change, Some(Change::Severity { .. }))).collect();
    changes.sort_by_key(|e| (e.event_time, e.stamp, e.replica, e.id));
    // The level at declaration: the `from` of the first change made, else the current one.
    let initial = changes
        .iter()
        .min_by_key(|e| (e.stamp, e.replica, e.id))
        .and_then(|e| match &e.change {
            Some(Change::Severity { from, .. }) => Some(from.clone()),
            _ => None,
        })
        .unwrap_or_else(|| inc.severity.value.clone());
    let mut f = IncidentFacts::new(detected_at, initial);
    f.severity_changes.extend(changes.iter().filter(|e| e.event_time <= as_of).filter_map(|e| match &e.change {
        Some(Change::Severity { to, .. }) => Some((e.event_time, to.clone())),
        _ => None,
    }));
    let m = inc.milestones();
    f.acknowledged_at = known(m.acknowledged_at);
    f.responded_at = known(m.investigating_at);
    f.mitigated_at = known(m.mitigated_at);
    f.resolved_at = known(m.resolved_at);
    f.closed_at = known(m.closed_at);
    let mut updates: Vec<DateTime<Utc>> = inc
        .timeline
        .values()
        .filter(|e| e.kind == EntryKind::CommsUpdate && e.event_time <= as_of)
        .map(|e| e.event_time)
        .collect();
    updates.sort();
    f.comms_updates = updates;
    let mut customer: Vec<DateTime<Utc>> = inc
        .timeline
        .values()
        .filter(|e| e.kind == EntryKind::CustomerUpdate && e.event_time <= as_of)
        .map(|e| e.event_time)
        .collect();
    customer.sort();
    f.customer_updates = customer;
    f.services = inc.services.value.clone();
    f.pir_completed_at = known(inc.review.completed_at());
    f
}

pub fn deadlines(policy: &Policy, inc: &Incident, now: DateTime<Utc>, lead_minutes: i64) -> Vec<Deadline> {
    let lead = instant::minutes(lead_minutes);
    let mut out = compute_deadlines(policy, &facts(inc, now), now, lead);
    out.extend(check_backs(inc, now, lead));
    out
}

/// One deadline per check-back task: due when promised, met when the task is done.
fn check_backs(inc: &Incident, now: DateTime<Utc>, lead: Duration) -> Vec<Deadline> {
    inc.response
        .tasks
        .values()
        .filter(|t| t.created_at <= now)
        .map(|t| {
            let done = inc.response.task_completed_at(t.id).filter(|d| *d <= now);
            let minutes = (t.check_back_at - t.created_at).num_minutes().clamp(1, u32::MAX as i64) as u32;
            Deadline {
                kind: DeadlineKind::CheckBack { task: t.id.to_string(), owner: t.owner.clone() },
                label: format!("Check back with {}", t.owner),
                meaning: format!("You said you would come back to {} in {minutes} minutes about: {}", t.owner, t.text),
                level: inc.severity.value.clone(),
                target: Target { amount: minutes, unit: TargetUnit::Minutes },
                due: t.check_back_at,
                state: DeadlineState::of(t.check_back_at, done, now, lead),
                earlier_breaches: Vec::new(),
                from_reference: true,
            }
        })
        .collect()
}

/// The clock that matters most right now: the most overdue breach still running, else
/// the soonest one still running. Met and withdrawn clocks never count.
pub fn most_urgent(deadlines: &[Deadline]) -> Option<&Deadline> {
    deadlines
        .iter()
        .filter(|d| matches!(d.state, DeadlineState::Pending | DeadlineState::DueSoon | DeadlineState::Breached { .. }))
        .min_by_key(|d| d.due)
}
