//! Time-driven questions a drill runner asks as the drill clock moves: which injects are
//! due now, who is incident commander now, and when the next quarterly drill is due.
//! Every answer is a function of drill-clock offsets (or instants passed in), so a run
//! at 60× speed behaves exactly like one at 1×.
use crate::scenario::{Inject, Scenario};
use chrono::{DateTime, Duration, Months, Utc};

/// The injects due in the window `(elapsed_before, elapsed_now]`, in time order.
///
/// The runner passes the previous tick's `elapsed_now` as the next `elapsed_before`
/// (zero for the first tick); then, whatever the ticks (irregular, paused, sped up),
/// every inject is delivered exactly once. An inject at `0` is due at the start: the
/// first window that moves forward from zero, `(0, now]` with `now > 0`, includes it
/// (as does any window starting below zero). A window that does not move forward
/// (`elapsed_now <= elapsed_before`, e.g. paused) is empty, so a paused runner asking
/// `(0, 0]` again and again never gets the same inject twice.
pub fn due_injects(scenario: &Scenario, elapsed_before: Duration, elapsed_now: Duration) -> Vec<&Inject> {
    if elapsed_now <= elapsed_before {
        return Vec::new();
    }
    let from_start = elapsed_before <= Duration::zero();
    scenario
        .injects
        .iter()
        .filter(|inject| {
            let after_before = inject.at > elapsed_before || from_start;
            after_before && inject.at <= elapsed_now
        })
        .collect()
}

/// Who holds the incident-commander role at `elapsed` into the drill.
///
/// The rotation advances one name every `rotate_every` (when set) and one more for each
/// manual hand-over the facilitator made; it wraps around. `None` when the scenario has
/// no rotation. A negative `elapsed` counts as the start.
pub fn commander_at(scenario: &Scenario, elapsed: Duration, manual_rotations: usize) -> Option<String> {
    let rotation = &scenario.commander_rotation;
    if rotation.is_empty() {
        return None;
    }
    let automatic = match scenario.rotate_every {
        Some(every) if every > Duration::zero() && elapsed > Duration::zero() => {
            // A rotation shorter than a millisecond (only code builds one) never turns.
            elapsed.num_milliseconds().checked_div(every.num_milliseconds()).unwrap_or(0) as usize
        }
        _ => 0,
    };
    let turn = (automatic % rotation.len() + manual_rotations % rotation.len()) % rotation.len();
    Some(rotation[turn].clone())
}

/// How far apart drills are: "Quarterly incident drills" (incident-management-protocol.md).
pub const DRILL_INTERVAL_MONTHS: u32 = 3;

/// When the next drill is due.
///
/// The rule: three calendar months after the last drill (the same day of the month, or
/// the month's last day when it has fewer days, e.g. 30 November → 28/29 February); if
/// there has never been a drill, or that date has already passed, the next drill is due
/// now.
pub fn next_quarterly_drill(last_drill: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    match last_drill.and_then(quarter_after) {
        Some(due) if due > now => due,
        _ => now,
    }
}

/// Whether a drill is overdue: there has never been one, or more than three months
/// have passed since the last (at exactly three months it is due, not yet overdue).
pub fn drill_overdue(last_drill: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match last_drill.and_then(quarter_after) {
        Some(due) => now > due,
        None => true,
    }
}

fn quarter_after(last: DateTime<Utc>) -> Option<DateTime<Utc>> {
    last.checked_add_months(Months::new(DRILL_INTERVAL_MONTHS))
}
