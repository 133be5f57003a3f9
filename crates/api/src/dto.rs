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
    /// The earlier texts, oldest first (the original, then each replaced revision).
    pub history: Vec<String>,
    /// A key event (pinned).
    pub pinned: bool,
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
    /// The timeline, oldest first: whole, or, where a window reads it a page at a time
    /// ([`crate::Firebreak::page_timelines`]), its newest entries only.
    pub timeline: Vec<EntryView>,
    /// How many entries the whole timeline has.
    pub timeline_total: u32,
    /// How many status updates have been sent.
    pub updates_sent: u32,
    /// Who holds which role now.
    pub roles: Vec<RoleView>,
    pub tasks: Vec<TaskView>,
    /// The most recent shift handoff, shown to the next commander.
    pub last_handoff: Option<HandoffView>,
    /// When the impact began, if known (for MTTD).
    pub impact_started_at: Option<DateTime<Utc>>,
    /// Every clock of the incident at the time of the call.
    pub deadlines: Vec<Deadline>,
    /// When the deadlines were computed.
    pub computed_at: DateTime<Utc>,
    /// What the policy's level requires that the incident does not have yet.
    pub missing: crate::requirements::MissingRequirements,
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

impl EntryView {
    /// One timeline entry as the window and the CLI show it: its current text, its
    /// earlier texts and whether it is pinned.
    pub fn of(inc: &Incident, e: &firebreak_core::timeline::TimelineEntry) -> Self {
        let revs = inc.revisions_of(e.id);
        let mut history: Vec<String> = Vec::new();
        if !revs.is_empty() {
            history.push(e.text.clone());
            history.extend(revs[..revs.len() - 1].iter().map(|r| r.text.clone()));
        }
        EntryView {
            id: e.id.to_string(),
            kind: e.kind,
            event_time: e.event_time,
            recorded_time: e.recorded_time,
            author: e.author.clone(),
            text: inc.current_text(e).to_string(),
            change: e.change.clone(),
            revisions: revs.len() as u32,
            history,
            pinned: inc.response.is_pinned(e.id),
        }
    }
}

/// What an append wrote: the new entry as the timeline shows it. Nothing else of the
/// incident changes, so an append reads and returns the same amount on any incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EntryAdded {
    /// The incident's internal id.
    pub incident: String,
    pub human_id: String,
    pub entry: EntryView,
}

impl IncidentDetail {
    /// The view of a declared incident. Panics never: undeclared states are filtered by
    /// the store, and missing declarations give empty fields.
    pub fn from_incident(inc: &Incident, deadlines: Vec<Deadline>, computed_at: DateTime<Utc>) -> Self {
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
            detected_at: inc.detected_at().unwrap_or_default(),
            declared_by: decl.map(|d| d.declared_by.clone()).unwrap_or_default(),
            milestones: inc.milestones(),
            next_statuses: Status::ALL.into_iter().filter(|to| status.check_transition(*to).is_ok()).collect(),
            timeline: inc.entries().into_iter().map(|e| EntryView::of(inc, e)).collect(),
            timeline_total: 0,
            updates_sent: inc.timeline.values().filter(|e| e.kind == EntryKind::CommsUpdate).count() as u32,
            roles: inc
                .response
                .holders()
                .into_iter()
                .map(|(role, person)| RoleView { role: role.to_string(), person: person.to_string() })
                .collect(),
            tasks: inc
                .response
                .tasks
                .values()
                .map(|t| TaskView {
                    id: t.id.to_string(),
                    owner: t.owner.clone(),
                    text: t.text.clone(),
                    check_back_at: t.check_back_at,
                    done_at: inc.response.task_completed_at(t.id),
                })
                .collect(),
            last_handoff: inc.entries().into_iter().rev().find_map(|e| match &e.change {
                Some(Change::Handoff { from, to }) => Some(HandoffView {
                    from: from.clone(),
                    to: to.clone(),
                    note: e.text.split_once('\n').map_or_else(String::new, |(_, n)| n.to_string()),
                    at: e.event_time,
                }),
                _ => None,
            }),
            impact_started_at: inc.response.impact_started_at.value,
            deadlines,
            computed_at,
            missing: Default::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoleInput {
    pub incident: String,
    pub role: String,
    /// Empty: nobody holds the role any more.
    pub person: String,
    #[serde(default)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DecisionInput {
    pub incident: String,
    pub text: String,
    /// Empty: the person recording it.
    #[serde(default)]
    pub decided_by: String,
    #[serde(default)]
    pub objections: String,
    #[serde(default)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PinInput {
    pub incident: String,
    /// The entry id (or at least its first 6 characters).
    pub entry: String,
    pub pinned: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReviseInput {
    pub incident: String,
    pub entry: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaskInput {
    pub incident: String,
    pub owner: String,
    pub text: String,
    #[ts(type = "number")]
    pub check_back_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaskDoneInput {
    pub incident: String,
    pub task: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistItemView {
    pub item: String,
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistView {
    pub name: String,
    pub items: Vec<ChecklistItemView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckInput {
    pub incident: String,
    pub list: String,
    pub item: String,
    pub checked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunbookParamView {
    pub name: String,
    pub default: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunbookView {
    pub id: String,
    pub name: String,
    pub template: String,
    pub params: Vec<RunbookParamView>,
    /// The command with the defaults filled in.
    pub command: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunbookInput {
    pub incident: String,
    pub action: String,
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CommsInput {
    pub incident: String,
    pub text: String,
    #[serde(default)]
    pub at: Option<String>,
    /// Also post it to the team's webhook (queued; sent when online, once).
    #[serde(default)]
    pub post: bool,
    /// The template it was written from: a customer one records a customer update (its
    /// own clock); none or an internal one, a status update (the internal cadence).
    #[serde(default)]
    pub template: Option<crate::comms::Template>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CommsDraftInput {
    pub incident: String,
    pub template: crate::comms::Template,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HandoffInput {
    pub incident: String,
    /// The next incident commander.
    pub to: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoleView {
    pub role: String,
    pub person: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaskView {
    pub id: String,
    pub owner: String,
    pub text: String,
    pub check_back_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HandoffView {
    pub from: String,
    pub to: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MetricsInput {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PirExportInput {
    pub incident: String,
    pub format: ExportFormat,
}

/// A review export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Pdf,
    Md,
    Yaml,
    Ics,
}

impl ExportFormat {
    /// The file extension, which is also the name the CLI and IPC use.
    pub fn ext(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Md => "md",
            ExportFormat::Yaml => "yaml",
            ExportFormat::Ics => "ics",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = crate::ApiError;
    fn from_str(s: &str) -> crate::Result<Self> {
        [ExportFormat::Pdf, ExportFormat::Md, ExportFormat::Yaml, ExportFormat::Ics]
            .into_iter()
            .find(|f| f.ext() == s)
            .ok_or_else(|| crate::ApiError::invalid(format!("unknown export format {s:?}; use pdf, md, yaml or ics")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrillStartInput {
    pub scenario: String,
    pub speed: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RemoteInput {
    pub url: String,
    pub team: String,
    pub token: String,
    /// A PEM file with the team's own CA, when the server's certificate is not signed by
    /// a public one; empty keeps what was set for this server.
    #[serde(default)]
    pub ca_file: String,
    /// Allow plain http:// to a host off this machine (unencrypted; shown as a warning).
    #[serde(default)]
    pub allow_http: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClockDriftView {
    pub author: String,
    #[ts(type = "number")]
    pub ahead_minutes: u64,
    pub seen_at: DateTime<Utc>,
}

/// Sync as the window shows it: where, how many changes wait, when it last worked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct SyncView {
    pub url: Option<String>,
    pub team: Option<String>,
    /// Who the token belongs to, as the server said (the name on this laptop's changes).
    pub member: Option<String>,
    /// "keyring" or "file": where the token is kept.
    pub token_kept_in: Option<String>,
    #[ts(type = "number")]
    pub pending: u64,
    /// Local changes the server refused (authored under another name); kept here.
    #[ts(type = "number")]
    pub rejected: u64,
    pub rejected_reason: Option<String>,
    /// A teammate's changes arrived stamped well ahead of this laptop's clock (in the
    /// last day): one of the two clocks is off. Sync still converges.
    pub clock_drift: Option<ClockDriftView>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// None before the first attempt.
    pub online: Option<bool>,
    pub syncing: bool,
    pub last_error: Option<String>,
    /// Ops pulled from the server since the window started (the window refreshes when
    /// this grows).
    #[ts(type = "number")]
    pub pulled: u64,
    /// Set while the remote is plain HTTP to a host off this machine (allowed with
    /// `--allow-http`): the token and the record cross the network unencrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub insecure_warning: Option<String>,
    /// Teammates' changes from a newer Firebreak, kept to apply after an upgrade.
    #[ts(type = "number")]
    #[serde(default)]
    pub newer: u64,
    /// Teammates' changes this laptop refused (invalid), kept in quarantine.
    #[ts(type = "number")]
    #[serde(default)]
    pub quarantined: u64,
    #[serde(default)]
    pub quarantine_reason: Option<String>,
}

/// A change received from the team and held instead of applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HeldOpView {
    pub op_id: Option<String>,
    /// The op type as sent (`declare`, `add_task`, or one this build does not know).
    pub kind: String,
    /// True: from a newer Firebreak (applied after an upgrade); false: quarantined.
    pub newer: bool,
    pub reason: String,
    pub author: Option<String>,
    /// The internal id of the incident it names, if it names one.
    pub incident: Option<String>,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrillControlInput {
    pub incident: String,
    pub action: DrillAction,
}

/// What the facilitator does to a running drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DrillAction {
    Pause,
    Resume,
    /// Hand command to the next person of the scenario's rotation now.
    Rotate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DrillControlView {
    /// False when the drill does not run in this window (e.g. started from the CLI).
    pub running_here: bool,
    pub paused: bool,
    pub speed: u32,
}

/// What changed, as the shell tells the window (event `firebreak://changed`): the
/// window re-reads only what is named instead of polling.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct ChangeEvent {
    /// Internal ids of incidents whose ops arrived (from this window, another process
    /// on the same data directory, a pulled sync page or a drill tick).
    pub incidents: Vec<String>,
    /// The sync status (badge) or the outbound queue changed.
    pub sync: bool,
    /// A clock stage passed (a notification was shown): countdowns are re-read.
    pub clocks: bool,
}
