//! Drill evaluation ("review of response effectiveness, identification of improvement
//! areas"): what the team did, as drill-clock instants, judged against the scenario's
//! success criteria. Only offsets from `started_at` matter, so a scripted run gives the
//! same evaluation at any clock speed.
use crate::offset::{describe_duration, format_compact, format_offset, seconds};
use crate::scenario::{Check, Criterion, Scenario, Status};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What happened in the drill, read by the caller from the drill incident. All instants
/// are on the drill clock.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct DrillEvents {
    pub started_at: DateTime<Utc>,
    /// When the drill ended (or now, for a provisional evaluation). Anything later does
    /// not count toward a criterion.
    pub ended_at: DateTime<Utc>,
    /// The severity the drill incident was declared with; counts as set at `started_at`.
    pub initial_severity: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The first comms update sent.
    pub first_update_at: Option<DateTime<Utc>>,
    /// Each severity change: when, and the new level.
    pub severity_changes: Vec<(DateTime<Utc>, String)>,
    /// The first action entry logged as a mitigation.
    pub mitigation_at: Option<DateTime<Utc>>,
    /// Each status change: when, and the new status.
    pub statuses: Vec<(DateTime<Utc>, Status)>,
    pub review_drafted_at: Option<DateTime<Utc>>,
    pub facilitator_notes: Vec<String>,
    /// Improvement areas the facilitator adds to the ones from missed criteria.
    pub improvement_areas: Vec<String>,
    pub timeline: Vec<DrillEntry>,
}

/// One timeline entry of the drill incident.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrillEntry {
    pub at: DateTime<Utc>,
    /// The entry kind as the app names it (`note`, `action`, `comms-update`, ...).
    pub kind: String,
    pub author: String,
    pub text: String,
}

/// The drill's evaluation report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Evaluation {
    /// The scenario's title.
    pub scenario: String,
    /// The level the drill started at.
    pub severity: String,
    /// The level the team was expected to reach.
    pub expected_severity: String,
    pub started_at: DateTime<Utc>,
    /// How long the drill ran, in seconds.
    #[serde(with = "seconds")]
    #[ts(type = "number")]
    pub ran_for: Duration,
    pub criteria: Vec<CriterionResult>,
    pub met_count: usize,
    pub total: usize,
    /// The drill incident's timeline in time order, with offsets from the start.
    pub timeline: Vec<TimelineLine>,
    pub facilitator_notes: Vec<String>,
    /// One action per missed criterion, then the facilitator's.
    pub improvement_areas: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CriterionResult {
    pub id: String,
    /// The criterion as a sentence, e.g. "Acknowledged within 5 minutes".
    pub description: String,
    pub met: bool,
    /// When the criterion's event happened (drill clock), met or not.
    pub at: Option<DateTime<Utc>>,
    /// Seconds from the drill's start to `at`.
    #[ts(type = "number | null")]
    pub elapsed_seconds: Option<i64>,
    /// E.g. "acknowledged at T+3m12s".
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineLine {
    #[ts(type = "number")]
    pub offset_seconds: i64,
    /// `T+3m12s`.
    pub offset: String,
    pub kind: String,
    pub author: String,
    pub text: String,
}

/// Judges `events` against the scenario's criteria. Rules:
/// - an event counts when it happened no later than `ended_at` and, for a criterion
///   with a limit, no later than the limit after `started_at`;
/// - severity: any change to the level, or the initial severity when the scenario expects
///   its starting level (one that starts lower earns it by a change), compared
///   ignoring ASCII case;
/// - status: the first status at or past the criterion's in the lifecycle (resolving
///   also reaches mitigated);
/// - mitigation: the earlier of `mitigation_at` and the status reaching mitigated.
pub fn evaluate(scenario: &Scenario, events: &DrillEvents) -> Evaluation {
    let criteria: Vec<CriterionResult> = scenario.success_criteria.iter().map(|c| judge(scenario, c, events)).collect();
    let mut improvement_areas: Vec<String> = scenario
        .success_criteria
        .iter()
        .zip(&criteria)
        .filter(|(_, result)| !result.met)
        .map(|(criterion, result)| improvement(&criterion.check, &result.detail))
        .collect();
    improvement_areas
        .extend(events.improvement_areas.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(String::from));
    let mut timeline: Vec<&DrillEntry> = events.timeline.iter().collect();
    timeline.sort_by_key(|entry| entry.at);
    Evaluation {
        scenario: scenario.title.clone(),
        severity: scenario.severity.clone(),
        expected_severity: scenario.expected_severity.clone(),
        started_at: events.started_at,
        ran_for: events.ended_at - events.started_at,
        met_count: criteria.iter().filter(|c| c.met).count(),
        total: criteria.len(),
        criteria,
        timeline: timeline
            .into_iter()
            .map(|entry| {
                let offset = entry.at - events.started_at;
                TimelineLine {
                    offset_seconds: offset.num_seconds(),
                    offset: format_offset(offset),
                    kind: entry.kind.clone(),
                    author: entry.author.clone(),
                    text: entry.text.clone(),
                }
            })
            .collect(),
        facilitator_notes: events
            .facilitator_notes
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        improvement_areas,
    }
}

fn first_status_reaching(events: &DrillEvents, target: Status) -> Option<DateTime<Utc>> {
    events.statuses.iter().filter(|(_, status)| *status >= target).map(|(at, _)| *at).min()
}

/// The instant of the criterion's event and the past-tense phrase for it.
fn event_of(scenario: &Scenario, check: &Check, events: &DrillEvents) -> (Option<DateTime<Utc>>, String) {
    match check {
        Check::AcknowledgedWithin { .. } => (events.acknowledged_at, "acknowledged".into()),
        Check::FirstUpdateWithin { .. } => (events.first_update_at, "first update sent".into()),
        Check::SeveritySet { level, .. } => {
            // A drill that starts below its expected level earns classification by a
            // change; only a scenario that expects its starting level counts the start.
            let initial = (!scenario.expects_change() && events.initial_severity.eq_ignore_ascii_case(level))
                .then_some(events.started_at);
            let changed = events
                .severity_changes
                .iter()
                .filter(|(_, l)| l.trim().eq_ignore_ascii_case(level))
                .map(|(at, _)| *at)
                .min();
            (initial.into_iter().chain(changed).min(), format!("severity set to {level}"))
        }
        Check::MitigationLogged { .. } => {
            let by_status = first_status_reaching(events, Status::Mitigated);
            (events.mitigation_at.into_iter().chain(by_status).min(), "mitigation logged".into())
        }
        Check::StatusReached { status, .. } => (first_status_reaching(events, *status), format!("reached {status}")),
        Check::ReviewDrafted => (events.review_drafted_at, "review drafted".into()),
    }
}

/// What the detail says when the criterion's event never happened.
fn missing(check: &Check) -> String {
    match check {
        Check::AcknowledgedWithin { .. } => "not acknowledged".into(),
        Check::FirstUpdateWithin { .. } => "no status update sent".into(),
        Check::SeveritySet { level, .. } => format!("severity not set to {level}"),
        Check::MitigationLogged { .. } => "no mitigation logged".into(),
        Check::StatusReached { status, .. } => format!("did not reach {status}"),
        Check::ReviewDrafted => "no review drafted".into(),
    }
}

fn judge(scenario: &Scenario, criterion: &Criterion, events: &DrillEvents) -> CriterionResult {
    let (at, what) = event_of(scenario, &criterion.check, events);
    let limit = criterion.check.limit();
    let end = events.ended_at - events.started_at;
    let (met, detail) = match at {
        None => (false, format!("{} before the drill ended", missing(&criterion.check))),
        Some(at) => {
            let offset = at - events.started_at;
            let when = format!("{what} at {}", format_offset(offset));
            if offset > end {
                (false, format!("{when}, after the drill ended at {}", format_offset(end)))
            } else {
                match limit {
                    Some(limit) if offset > limit => (
                        false,
                        format!("{when}, {} past the {} limit", format_compact(offset - limit), format_compact(limit)),
                    ),
                    _ => (true, when),
                }
            }
        }
    };
    CriterionResult {
        id: criterion.id.clone(),
        description: criterion.description.clone(),
        met,
        at,
        elapsed_seconds: at.map(|at| (at - events.started_at).num_seconds()),
        detail,
    }
}

/// A missed criterion as an action for next time.
fn improvement(check: &Check, detail: &str) -> String {
    let within = |limit: Option<Duration>| match limit {
        Some(d) => format!(" within {}", describe_duration(d)),
        None => String::new(),
    };
    let action = match check {
        Check::AcknowledgedWithin { within: d } => {
            format!("Acknowledge within {}: check paging, escalation and who holds the pager", describe_duration(*d))
        }
        Check::FirstUpdateWithin { within: d } => format!(
            "Send the first status update within {}: start from the initial-update template \
             and name who sends it",
            describe_duration(*d)
        ),
        Check::SeveritySet { level, by } => format!(
            "Classify the incident as {level}{}: walk through the severity criteria and \
             examples at triage",
            within(*by)
        ),
        Check::MitigationLogged { within: d } => format!(
            "Decide on and log a mitigation{}: keep the runbook's mitigations (rollback, scale \
             up, failover, feature flag) at hand",
            within(*d)
        ),
        Check::StatusReached { status, within: d } => format!(
            "Bring the incident to {status}{}: rehearse the steps that get there and record \
             each status change",
            within(*d)
        ),
        Check::ReviewDrafted => "Draft the post-incident review before the drill closes: name \
                                 its owner when the incident is resolved"
            .to_owned(),
    };
    format!("{action} ({detail}).")
}
