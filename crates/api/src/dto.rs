//! What crosses the boundary: inputs as the user typed them (times as text, so a bad
//! one gets a clear error) and views shaped for display. All derive `TS`; the generated
//! TypeScript is committed in `ui/src/ipc/bindings.ts`.
use chrono::{DateTime, Utc};
use firebreak_core::incident::{Incident, Milestones, Status};
use firebreak_core::op::SeverityAdvice;
use firebreak_core::timeline::{Change, EntryKind};
use firebreak_policy::{Deadline, Question, SeverityLevel};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeclareInput {
    pub title: String,
    pub severity: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub drill: bool,
    /// RFC 3339; when the incident was detected. Empty or absent means now.
    #[serde(default)]
    pub at: Option<String>,
    /// The severity helper's suggestion, when it was used (logged beside the choice).
    #[serde(default)]
    pub suggested: Option<SeverityAdvice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatusInput {
    pub incident: String,
    pub status: Status,
    #[serde(default)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SeverityInput {
    pub incident: String,
    pub level: String,
    #[serde(default)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EntryInput {
    pub incident: String,
    pub kind: EntryKind,
    pub text: String,
    #[serde(default)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IncidentSummary {
    pub id: String,
    pub human_id: String,
    pub title: String,
    pub severity: String,
    pub status: Status,
    pub drill: bool,
    pub detected_at: DateTime<Utc>,
    /// The most urgent running clock (breached first, then the soonest due).
    pub next_deadline: Option<Deadline>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EntryView {
    pub id: String,
    pub kind: EntryKind,
    pub event_time: DateTime<Utc>,
    pub recorded_time: DateTime<Utc>,
    pub author: String,
    /// The current text (the newest revision, if any).
    pub text: String,
    pub change: Option<Change>,
    /// How many corrections the entry has had.
    pub revisions: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IncidentDetail {
    pub id: String,
    pub human_id: String,
    pub title: String,
    pub summary: String,
    pub severity: String,
    pub status: Status,
    pub drill: bool,
    pub services: Vec<String>,
    pub detected_at: DateTime<Utc>,
    pub declared_by: String,
    pub milestones: Milestones,
    /// Statuses the lifecycle allows next, in order.
    pub next_statuses: Vec<Status>,
    pub timeline: Vec<EntryView>,
    /// Every clock of the incident at the time of the call.
    pub deadlines: Vec<Deadline>,
    /// When the deadlines were computed.
    pub computed_at: DateTime<Utc>,
}

/// The policy in force, as the window shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PolicyView {
    pub name: String,
    pub description: String,
    /// `preset:NAME` or `file:PATH`.
    pub source: String,
    pub levels: Vec<SeverityLevel>,
    pub questions: Vec<Question>,
    /// How a severity change moves the clocks (shown in the UI).
    pub rebase_rule: String,
    /// The severity helper's tie rule ("if unsure, take the higher").
    pub tie_rule: String,
    /// Minutes before a due time that a clock turns "due soon" and first notifies.
    #[ts(type = "number")]
    pub lead_minutes: i64,
}

/// Every clock of one incident at one instant (`firebreak timers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TimersView {
    pub incident: String,
    pub human_id: String,
    pub severity: String,
    pub at: DateTime<Utc>,
    pub deadlines: Vec<Deadline>,
}

/// Who am I, as recorded on every change, and where my data lives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Identity {
    pub name: String,
    pub replica_tag: String,
    pub data_dir: String,
}

impl IncidentDetail {
    /// The view of a declared incident. Panics never: undeclared states are filtered by
    /// the store, and missing declarations give empty fields.
    pub fn from_incident(
        inc: &Incident,
        deadlines: Vec<Deadline>,
        computed_at: DateTime<Utc>,
    ) -> Self {
        let decl = inc.declaration.as_ref();
        let status = inc.status.value;
        IncidentDetail {
            id: inc.id.to_string(),
            human_id: decl.map(|d| d.human_id.clone()).unwrap_or_default(),
            title: inc.title.value.clone(),
            summary: inc.summary.value.clone(),
            severity: inc.severity.value.clone(),
            status,
            drill: decl.is_some_and(|d| d.drill),
            services: inc.services.value.clone(),
            detected_at: decl.map(|d| d.detected_at).unwrap_or_default(),
            declared_by: decl.map(|d| d.declared_by.clone()).unwrap_or_default(),
            milestones: inc.milestones(),
            next_statuses: Status::ALL
                .into_iter()
                .filter(|to| status.check_transition(*to).is_ok())
                .collect(),
            timeline: inc
                .entries()
                .into_iter()
                .map(|e| EntryView {
                    id: e.id.to_string(),
                    kind: e.kind,
                    event_time: e.event_time,
                    recorded_time: e.recorded_time,
                    author: e.author.clone(),
                    text: inc.current_text(e).to_string(),
                    change: e.change.clone(),
                    revisions: inc.revisions_of(e.id).len() as u32,
                })
                .collect(),
            deadlines,
            computed_at,
        }
    }
}
