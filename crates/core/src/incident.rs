//! The incident: its lifecycle and the order-insensitive fold of ops that builds it.
//!
//! Invariant: [`Incident::apply`] is commutative and idempotent. Scalar fields are
//! last-writer-wins registers ordered by op stamp (HLC, then replica, then op id);
//! the timeline is a grow-only map keyed by op id; revisions are a grow-only set. So any
//! order of the same ops, with duplicates, gives the same state (property-tested in
//! tests/convergence.rs), and the state can always be rebuilt from the op log alone.
use crate::ids::{IncidentId, OpId};
use crate::op::{Declare, Op, OpPayload, Stamp};
use crate::response::{check_key, CheckMark, Response, Task, INCIDENT_COMMANDER};
use crate::review::{Review, TextRevision};
use crate::timeline::{Change, EntryKind, Revision, TimelineEntry};
use crate::{CoreError, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Detected,
    Acknowledged,
    Investigating,
    Mitigated,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Detected,
        Status::Acknowledged,
        Status::Investigating,
        Status::Mitigated,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Detected => "detected",
            Status::Acknowledged => "acknowledged",
            Status::Investigating => "investigating",
            Status::Mitigated => "mitigated",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn is_open(self) -> bool {
        self < Status::Resolved
    }

    /// The lifecycle rule. Forward moves may skip steps (a fast fix goes straight from
    /// investigating to resolved); `closed` only follows `resolved` and is final; the
    /// only backward moves are back to `investigating` from `mitigated` (the mitigation
    /// did not hold) or `resolved` (the incident recurred).
    pub fn check_transition(self, to: Status) -> Result<()> {
        let refuse = |why: &str| Err(CoreError::Transition(format!("cannot move from {self} to {to}: {why}")));
        if self == to {
            return refuse(&format!("the incident is already {to}"));
        }
        if self == Status::Closed {
            return refuse("a closed incident is final");
        }
        if to == Status::Closed && self != Status::Resolved {
            return refuse("only a resolved incident can be closed");
        }
        if to < self && !(to == Status::Investigating && matches!(self, Status::Mitigated | Status::Resolved)) {
            return refuse("the only way back is to investigating, from mitigated or resolved");
        }
        Ok(())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        let want = s.trim().to_ascii_lowercase();
        Status::ALL.into_iter().find(|st| st.as_str() == want).ok_or_else(|| {
            let names: Vec<&str> = Status::ALL.iter().map(|st| st.as_str()).collect();
            CoreError::Invalid(format!("unknown status {s:?}; expected one of: {}", names.join(", ")))
        })
    }
}

/// A last-writer-wins register: keeps the value written by the greatest stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Lww<T> {
    pub value: T,
    pub stamp: Option<Stamp>,
}

impl<T> Lww<T> {
    pub fn set(&mut self, value: T, stamp: Stamp) {
        if self.stamp.is_none_or(|s| stamp > s) {
            self.value = value;
            self.stamp = Some(stamp);
        }
    }
}

/// Facts fixed by the declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    pub human_id: String,
    pub drill: bool,
    pub detected_at: DateTime<Utc>,
    pub declared_by: String,
    pub declared_recorded: DateTime<Utc>,
    pub stamp: Stamp,
}

/// When the incident first reached each milestone of the lifecycle, derived from the
/// status-change entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Milestones {
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub investigating_at: Option<DateTime<Utc>>,
    pub mitigated_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    /// `None` until the declare op has arrived (an edit can arrive first during sync).
    pub declaration: Option<Declaration>,
    pub title: Lww<String>,
    pub summary: Lww<String>,
    pub services: Lww<Vec<String>>,
    pub severity: Lww<String>,
    pub status: Lww<Status>,
    pub timeline: BTreeMap<OpId, TimelineEntry>,
    /// Revisions keyed by entry, kept sorted by stamp; may precede their entry.
    pub revisions: BTreeMap<OpId, Vec<Revision>>,
    /// Roles, key events, tasks and checklists.
    #[serde(default)]
    pub response: Response,
    /// The post-incident review.
    #[serde(default)]
    pub review: Review,
    /// A later correction of the detection time (see [`Incident::detected_at`]).
    #[serde(default)]
    pub detected_correction: Lww<Option<DateTime<Utc>>>,
}

impl Incident {
    pub fn new(id: IncidentId) -> Self {
        Incident {
            id,
            declaration: None,
            title: Lww::default(),
            summary: Lww::default(),
            services: Lww::default(),
            severity: Lww::default(),
            status: Lww::default(),
            timeline: BTreeMap::new(),
            revisions: BTreeMap::new(),
            response: Response::default(),
            review: Review::default(),
            detected_correction: Lww::default(),
        }
    }

    /// Builds an incident from its ops, in whatever order they come.
    pub fn from_ops<'a>(id: IncidentId, ops: impl IntoIterator<Item = &'a Op>) -> Self {
        let mut inc = Incident::new(id);
        for op in ops {
            inc.apply(op);
        }
        inc
    }

    /// Whether [`Incident::apply`] of this payload can change anything besides the
    /// incident's timeline entries, their revisions and the key-event pins (the pieces a
    /// store keeps as rows of their own). `false` means the rest of the incident (its
    /// head) is left exactly as it was, whatever it was: the store then neither reads
    /// nor rewrites the head for the op. Property-tested in tests/convergence.rs; every
    /// new op type must be placed here.
    pub fn changes_head(payload: &OpPayload) -> bool {
        match payload {
            OpPayload::AddEntry { .. }
            | OpPayload::CustomerUpdate { .. }
            | OpPayload::ReviseEntry { .. }
            | OpPayload::PinEntry { .. } => false,
            OpPayload::Declare(_)
            | OpPayload::SetStatus { .. }
            | OpPayload::SetSeverity { .. }
            | OpPayload::EditIncident { .. }
            | OpPayload::AssignRole { .. }
            | OpPayload::AddTask { .. }
            | OpPayload::CompleteTask { .. }
            | OpPayload::CheckItem { .. }
            | OpPayload::Handoff { .. }
            | OpPayload::SetReviewState { .. }
            | OpPayload::EditReviewText { .. }
            | OpPayload::SetActionItem { .. }
            | OpPayload::ScheduleReview { .. } => true,
        }
    }

    pub fn is_declared(&self) -> bool {
        self.declaration.is_some()
    }

    /// When the incident was detected: the latest correction, else the declaration's
    /// time. `None` until the declaration has arrived.
    pub fn detected_at(&self) -> Option<DateTime<Utc>> {
        let declared = self.declaration.as_ref().map(|d| d.detected_at)?;
        Some(self.detected_correction.value.unwrap_or(declared))
    }

    /// Applies one op. Commutative and idempotent; ops for other incidents are ignored.
    pub fn apply(&mut self, op: &Op) {
        if op.target != self.id {
            return;
        }
        let stamp = op.stamp();
        let recorded = op.recorded_time();
        let entry = |kind: EntryKind, at: DateTime<Utc>, text: String, change: Option<Change>| TimelineEntry {
            id: op.op_id,
            kind,
            event_time: at,
            recorded_time: recorded,
            author: op.author.clone(),
            text,
            change,
            stamp: op.hlc,
            replica: op.replica,
        };
        match &op.payload {
            OpPayload::Declare(d) => {
                let Declare { human_id, title, summary, severity, services, drill, detected_at, suggested } = d;
                let keep_existing = self.declaration.as_ref().is_some_and(|e| e.stamp <= stamp);
                if !keep_existing {
                    self.declaration = Some(Declaration {
                        human_id: human_id.clone(),
                        drill: *drill,
                        detected_at: *detected_at,
                        declared_by: op.author.clone(),
                        declared_recorded: recorded,
                        stamp,
                    });
                }
                self.title.set(title.clone(), stamp);
                self.summary.set(summary.clone(), stamp);
                self.services.set(services.clone(), stamp);
                self.severity.set(severity.clone(), stamp);
                self.status.set(Status::Detected, stamp);
                let mut text = format!("Declared {severity}: {title}");
                if let Some(s) = suggested {
                    text.push_str(&format!(" (severity helper suggested {}: {})", s.level, s.reason));
                }
                let change = Change::Declared {
                    severity: severity.clone(),
                    suggested: suggested.as_ref().map(|s| s.level.clone()),
                };
                self.timeline.insert(op.op_id, entry(EntryKind::StatusChange, *detected_at, text, Some(change)));
            }
            OpPayload::SetStatus { from, to, at } => {
                self.status.set(*to, stamp);
                let e = entry(
                    EntryKind::StatusChange,
                    *at,
                    format!("Status: {from} → {to}"),
                    Some(Change::Status { from: *from, to: *to }),
                );
                self.timeline.insert(op.op_id, e);
            }
            OpPayload::SetSeverity { from, to, at } => {
                self.severity.set(to.clone(), stamp);
                let e = entry(
                    EntryKind::SeverityChange,
                    *at,
                    format!("Severity: {from} → {to}"),
                    Some(Change::Severity { from: from.clone(), to: to.clone() }),
                );
                self.timeline.insert(op.op_id, e);
            }
            OpPayload::AddEntry { kind, at, text, decision } => {
                let change = decision
                    .as_ref()
                    .map(|d| Change::Decision { decided_by: d.decided_by.clone(), objections: d.objections.clone() });
                let e = entry(*kind, *at, text.clone(), change);
                self.timeline.insert(op.op_id, e);
            }
            OpPayload::CustomerUpdate { at, text, .. } => {
                self.timeline.insert(op.op_id, entry(EntryKind::CustomerUpdate, *at, text.clone(), None));
            }
            OpPayload::AssignRole { role, from, to, at } => {
                self.response.set_role(role, to, stamp);
                let text = match (role.as_str(), from.is_empty(), to.is_empty()) {
                    (INCIDENT_COMMANDER, false, false) => {
                        format!("Command transferred: {from} → {to}")
                    }
                    (_, _, true) => format!("{role}: {from} stood down"),
                    (_, true, false) => format!("{role}: {to}"),
                    (_, false, false) => format!("{role}: {from} → {to}"),
                };
                let change = Change::Role { role: role.clone(), from: from.clone(), to: to.clone() };
                self.timeline.insert(op.op_id, entry(EntryKind::RoleChange, *at, text, Some(change)));
            }
            OpPayload::PinEntry { entry: target, pinned } => {
                self.response.pins.entry(*target).or_default().set(*pinned, stamp);
            }
            OpPayload::AddTask { owner, text, check_back_at, at } => {
                self.response.tasks.insert(
                    op.op_id,
                    Task {
                        id: op.op_id,
                        owner: owner.clone(),
                        text: text.clone(),
                        check_back_at: *check_back_at,
                        created_by: op.author.clone(),
                        created_at: *at,
                    },
                );
                let line = format!("Task for {owner}: {text} (check back at {})", check_back_at.format("%H:%M UTC"));
                let change = Change::Task { task: op.op_id, done: false };
                self.timeline.insert(op.op_id, entry(EntryKind::Action, *at, line, Some(change)));
            }
            OpPayload::CompleteTask { task, text, at } => {
                self.response.task_done.entry(*task).or_default().set(Some(*at), stamp);
                let change = Change::Task { task: *task, done: true };
                self.timeline
                    .insert(op.op_id, entry(EntryKind::Action, *at, format!("Task done: {text}"), Some(change)));
            }
            OpPayload::CheckItem { list, item, checked, at } => {
                let mark = checked.then(|| CheckMark { by: op.author.clone(), at: *at });
                self.response.checks.entry(check_key(list, item)).or_default().set(mark, stamp);
                let text = format!("{list}: {} {item}", if *checked { "✓" } else { "unchecked" });
                let change = Change::Checklist { list: list.clone(), item: item.clone(), checked: *checked };
                self.timeline.insert(op.op_id, entry(EntryKind::Action, *at, text, Some(change)));
            }
            OpPayload::SetReviewState { state, at } => {
                self.review.set_state(*state, *at, stamp);
                let text = format!("Post-incident review: {}", state.as_str().replace('_', " "));
                self.timeline.insert(op.op_id, entry(EntryKind::Note, *at, text, None));
            }
            OpPayload::EditReviewText { field, text, parents } => {
                let rev = TextRevision {
                    op: op.op_id,
                    text: text.clone(),
                    parents: parents.clone(),
                    author: op.author.clone(),
                    stamp: op.hlc,
                };
                self.review.texts.entry(field.clone()).or_default().insert(rev);
            }
            OpPayload::SetActionItem { key, item } => {
                self.review.action_items.entry(key.unwrap_or(op.op_id)).or_default().set(item.clone(), stamp);
            }
            OpPayload::ScheduleReview { at, attendees } => {
                self.review.meeting_at.set(*at, stamp);
                self.review.meeting_attendees.set(attendees.clone(), stamp);
            }
            OpPayload::Handoff { from, to, note, at } => {
                // A handoff hands command over in the same act.
                self.response.set_role(INCIDENT_COMMANDER, to, stamp);
                let change = Change::Handoff { from: from.clone(), to: to.clone() };
                let text = format!("Shift handoff {from} → {to}:\n{note}");
                self.timeline.insert(op.op_id, entry(EntryKind::RoleChange, *at, text, Some(change)));
            }
            OpPayload::ReviseEntry { entry: target, text } => {
                let rev = Revision {
                    op: op.op_id,
                    entry: *target,
                    text: text.clone(),
                    author: op.author.clone(),
                    recorded_time: recorded,
                    stamp: op.hlc,
                    replica: op.replica,
                };
                let list = self.revisions.entry(*target).or_default();
                if let Err(pos) = list.binary_search_by(|r| r.order_key().cmp(&rev.order_key())) {
                    list.insert(pos, rev);
                }
            }
            OpPayload::EditIncident { title, summary, services, impact_started_at, detected_at } => {
                let when = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                let mut lines: Vec<String> = Vec::new();
                let mut fields: Vec<String> = Vec::new();
                if let Some(t) = title {
                    self.title.set(t.clone(), stamp);
                    lines.push(format!("Title: {t}"));
                    fields.push("title".into());
                }
                if let Some(s) = summary {
                    self.summary.set(s.clone(), stamp);
                    lines.push(format!("Summary: {s}"));
                    fields.push("summary".into());
                }
                if let Some(s) = services {
                    self.services.set(s.clone(), stamp);
                    let list = if s.is_empty() { "none".to_string() } else { s.join(", ") };
                    lines.push(format!("Services: {list}"));
                    fields.push("services".into());
                }
                if let Some(t) = impact_started_at {
                    self.response.impact_started_at.set(Some(*t), stamp);
                    lines.push(format!("Impact started at {}", when(t)));
                    fields.push("impact_started_at".into());
                }
                if let Some(t) = detected_at {
                    self.detected_correction.set(Some(*t), stamp);
                    lines.push(format!("Detected at corrected to {}", when(t)));
                    fields.push("detected_at".into());
                }
                // A time told by the edit is where the entry belongs on the timeline;
                // other edits happened when they were written.
                let at = match (lines.len(), impact_started_at, detected_at) {
                    (1, Some(t), None) | (1, None, Some(t)) => *t,
                    _ => recorded,
                };
                if !lines.is_empty() {
                    let e = entry(EntryKind::Note, at, lines.join("\n"), Some(Change::Edited { fields }));
                    self.timeline.insert(op.op_id, e);
                }
            }
        }
    }

    /// Timeline entries in reading order: event time, then the order they were written.
    pub fn entries(&self) -> Vec<&TimelineEntry> {
        let mut v: Vec<&TimelineEntry> = self.timeline.values().collect();
        v.sort_by_key(|e| (e.event_time, e.stamp, e.replica, e.id));
        v
    }

    /// The entry's current text: its newest revision, or the original.
    pub fn current_text<'a>(&'a self, entry: &'a TimelineEntry) -> &'a str {
        self.revisions.get(&entry.id).and_then(|r| r.last()).map_or(entry.text.as_str(), |r| r.text.as_str())
    }

    pub fn revisions_of(&self, entry: OpId) -> &[Revision] {
        self.revisions.get(&entry).map_or(&[], |v| v.as_slice())
    }

    /// Milestones from status changes, taken in the order they were made. A move back
    /// to investigating forgets the later milestones (mitigated, resolved) so they are
    /// set again when reached again; acknowledged and investigating keep the first time.
    ///
    /// A change below resolved that skips steps reaches them too (detected → mitigated
    /// acknowledged and investigated by then). A jump to resolved or closed does not say
    /// when the steps it skipped happened (an imported review goes from detected to
    /// resolved in one change; so does a false alarm): a milestone first passed by such a
    /// jump is unknown (`None`), not the resolution time, unless a change that landed on
    /// it or below resolved carries an earlier or equal time.
    pub fn milestones(&self) -> Milestones {
        let mut changes: Vec<(&TimelineEntry, Status, Status)> = self
            .timeline
            .values()
            .filter_map(|e| match e.change {
                Some(Change::Status { from, to }) => Some((e, from, to)),
                _ => None,
            })
            .collect();
        changes.sort_by_key(|(e, _, _)| (e.stamp, e.replica, e.id));
        let mut m = Milestones::default();
        let earliest = |slot: &mut Option<DateTime<Utc>>, at: DateTime<Utc>| {
            if slot.is_none_or(|s| at < s) {
                *slot = Some(at);
            }
        };
        // Per skippable milestone (acknowledged, investigating, mitigated): the earliest
        // time a change reached it below resolved, and the earliest jump past it.
        let mut reached: [Step; 3] = Default::default();
        for (e, from, to) in changes {
            let at = e.event_time;
            if to < from {
                reached[2] = Step::default();
                m.resolved_at = None;
                m.closed_at = None;
            }
            for (step, status) in
                reached.iter_mut().zip([Status::Acknowledged, Status::Investigating, Status::Mitigated])
            {
                if to >= Status::Resolved {
                    earliest(&mut step.jumped, at);
                } else if to >= status {
                    earliest(&mut step.landed, at);
                }
            }
            if to >= Status::Resolved {
                earliest(&mut m.resolved_at, at);
            }
            if to == Status::Closed {
                earliest(&mut m.closed_at, at);
            }
        }
        [m.acknowledged_at, m.investigating_at, m.mitigated_at] = reached.map(|s| s.known());
        m
    }
}

/// How a skippable milestone was reached: by a change that landed on it (or on a later
/// step below resolved), and by a jump to resolved or closed that passed it.
#[derive(Default, Clone, Copy)]
struct Step {
    landed: Option<DateTime<Utc>>,
    jumped: Option<DateTime<Utc>>,
}

impl Step {
    /// The landing time, unless a jump passed the milestone before it: then unknown.
    fn known(self) -> Option<DateTime<Utc>> {
        self.landed.filter(|l| self.jumped.is_none_or(|j| *l <= j))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn lifecycle_allows_forward_moves_and_the_two_ways_back() {
        let ok = [
            (Detected, Acknowledged),
            (Acknowledged, Investigating),
            (Investigating, Mitigated),
            (Mitigated, Resolved),
            (Resolved, Closed),
            (Detected, Resolved),
            (Mitigated, Investigating),
            (Resolved, Investigating),
        ];
        for (a, b) in ok {
            assert!(a.check_transition(b).is_ok(), "{a} -> {b} should be allowed");
        }
        let refused = [
            (Detected, Detected, "already detected"),
            (Investigating, Closed, "only a resolved incident can be closed"),
            (Closed, Investigating, "a closed incident is final"),
            (Investigating, Acknowledged, "the only way back"),
            (Resolved, Detected, "the only way back"),
        ];
        for (a, b, why) in refused {
            let err = a.check_transition(b).unwrap_err().to_string();
            assert!(err.starts_with(&format!("cannot move from {a} to {b}")) && err.contains(why), "{err}");
        }
    }

    #[test]
    fn statuses_parse_case_insensitively_and_name_the_choices_on_error() {
        assert_eq!("Investigating".parse::<Status>().unwrap(), Investigating);
        let err = "fixed".parse::<Status>().unwrap_err().to_string();
        assert!(err.contains("\"fixed\"") && err.contains("mitigated"), "{err}");
    }
}
