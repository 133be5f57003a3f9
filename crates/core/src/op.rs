//! Operations: the only way state changes. An op carries a random 128-bit id, the
//! replica that made it, its hybrid-logical-clock stamp, its author, its target
//! incident and a payload. The store writes an op, its outbox row and the projection it
//! changes in one transaction; sync replicates exactly these ops.
use crate::hlc::Hlc;
use crate::ids::{IncidentId, OpId, ReplicaId};
use crate::incident::Status;
use crate::timeline::EntryKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    pub op_id: OpId,
    pub replica: ReplicaId,
    pub hlc: Hlc,
    pub author: String,
    pub target: IncidentId,
    /// The op format ([`crate::validate::OP_FORMAT`]). Format 1 is not written out, so
    /// ops read back serialise to the same bytes as before versions existed.
    #[serde(default = "format_one", skip_serializing_if = "is_format_one")]
    pub v: u16,
    pub payload: OpPayload,
}

fn format_one() -> u16 {
    1
}

fn is_format_one(v: &u16) -> bool {
    *v == 1
}

/// The total order of ops: HLC stamp, then replica, then op id. Unique per op.
pub type Stamp = (Hlc, ReplicaId, OpId);

impl Op {
    pub fn stamp(&self) -> Stamp {
        (self.hlc, self.replica, self.op_id)
    }

    /// When the op was written, by its replica's hybrid clock.
    pub fn recorded_time(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp_millis(self.hlc.wall_ms as i64).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Declare {
    pub human_id: String,
    pub title: String,
    pub summary: String,
    pub severity: String,
    pub services: Vec<String>,
    pub drill: bool,
    /// When the incident was detected (the declaration's event time; may be back-dated).
    pub detected_at: DateTime<Utc>,
    /// What the severity helper suggested, when it was used; logged beside the choice.
    #[serde(default)]
    pub suggested: Option<SeverityAdvice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SeverityAdvice {
    pub level: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OpPayload {
    Declare(Declare),
    SetStatus {
        from: Status,
        to: Status,
        at: DateTime<Utc>,
    },
    SetSeverity {
        from: String,
        to: String,
        at: DateTime<Utc>,
    },
    AddEntry {
        kind: EntryKind,
        at: DateTime<Utc>,
        text: String,
        /// For decisions: who decided and the objections noted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decision: Option<DecisionInfo>,
    },
    ReviseEntry {
        entry: OpId,
        text: String,
    },
    EditIncident {
        title: Option<String>,
        summary: Option<String>,
        services: Option<Vec<String>>,
        /// When the impact began (for MTTD), if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        impact_started_at: Option<DateTime<Utc>>,
        /// A correction of when the incident was detected (the declaration's time stays
        /// in the log; this one is used from now on). Added later: older ops lack it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detected_at: Option<DateTime<Utc>>,
    },
    /// Gives a role to a person (`to` empty: nobody holds it now). `from` is who held it
    /// as the issuing laptop saw it, for the log.
    AssignRole {
        role: String,
        from: String,
        to: String,
        at: DateTime<Utc>,
    },
    /// Marks an entry as a key event (or not).
    PinEntry {
        entry: OpId,
        pinned: bool,
    },
    /// "Please do X; I'll come back to you at T": a task with a check-back deadline.
    AddTask {
        owner: String,
        text: String,
        check_back_at: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    /// `text` repeats the task's text for the log, so the entry reads the same in any
    /// arrival order.
    CompleteTask {
        task: OpId,
        text: String,
        at: DateTime<Utc>,
    },
    /// Checks (or unchecks) an item of one of the incident's checklists.
    CheckItem {
        list: String,
        item: String,
        checked: bool,
        at: DateTime<Utc>,
    },
    /// A shift handoff: the note the next commander reads.
    Handoff {
        from: String,
        to: String,
        note: String,
        at: DateTime<Utc>,
    },
    /// Moves the post-incident review to a state (draft, in review, reviewed, closed).
    SetReviewState {
        state: crate::review::ReviewState,
        at: DateTime<Utc>,
    },
    /// A new revision of a review section, based on the revisions it replaces.
    EditReviewText {
        field: String,
        text: String,
        parents: Vec<OpId>,
    },
    /// Creates (`key: None`, keyed by this op) or replaces an action item.
    SetActionItem {
        key: Option<OpId>,
        item: crate::review::ActionItem,
    },
    /// Schedules (or clears) the review meeting.
    ScheduleReview {
        at: Option<DateTime<Utc>>,
        /// Who is invited. Added later: older ops lack it (no one named).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attendees: Vec<String>,
    },
    /// A customer notice or status-page post was sent: it restarts the customer-update
    /// clock, not the internal one. A payload type of its own (not an `add_entry` kind,
    /// which builds before it would fail to parse and quarantine): older builds hold it
    /// as "from a newer Firebreak" and apply it after an upgrade.
    CustomerUpdate {
        notice: CustomerNotice,
        at: DateTime<Utc>,
        text: String,
    },
}

/// Which customer notice was sent (the customer templates: initial, update, resolution).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomerNotice {
    Initial,
    Update,
    Resolution,
}

impl CustomerNotice {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerNotice::Initial => "initial",
            CustomerNotice::Update => "update",
            CustomerNotice::Resolution => "resolution",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DecisionInfo {
    pub decided_by: String,
    pub objections: String,
}

impl OpPayload {
    /// Every payload type this build understands, as named on the wire.
    pub const KINDS: [&'static str; 17] = [
        "declare",
        "set_status",
        "set_severity",
        "add_entry",
        "revise_entry",
        "edit_incident",
        "assign_role",
        "pin_entry",
        "add_task",
        "complete_task",
        "check_item",
        "handoff",
        "set_review_state",
        "edit_review_text",
        "set_action_item",
        "schedule_review",
        "customer_update",
    ];

    pub fn name(&self) -> &'static str {
        match self {
            OpPayload::Declare(_) => "declare",
            OpPayload::SetStatus { .. } => "set_status",
            OpPayload::SetSeverity { .. } => "set_severity",
            OpPayload::AddEntry { .. } => "add_entry",
            OpPayload::ReviseEntry { .. } => "revise_entry",
            OpPayload::EditIncident { .. } => "edit_incident",
            OpPayload::AssignRole { .. } => "assign_role",
            OpPayload::PinEntry { .. } => "pin_entry",
            OpPayload::AddTask { .. } => "add_task",
            OpPayload::CompleteTask { .. } => "complete_task",
            OpPayload::CheckItem { .. } => "check_item",
            OpPayload::Handoff { .. } => "handoff",
            OpPayload::SetReviewState { .. } => "set_review_state",
            OpPayload::EditReviewText { .. } => "edit_review_text",
            OpPayload::SetActionItem { .. } => "set_action_item",
            OpPayload::ScheduleReview { .. } => "schedule_review",
            OpPayload::CustomerUpdate { .. } => "customer_update",
        }
    }
}
