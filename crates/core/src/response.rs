//! What the response adds to an incident beyond its lifecycle: who holds which role,
//! key events, check-back tasks and checklist marks. Same rules as the rest of the fold:
//! last-writer-wins registers by op stamp and grow-only maps, so it converges.
use crate::ids::OpId;
use crate::incident::Lww;
use crate::op::Stamp;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The standard roles (a policy or a team may use others).
pub const STANDARD_ROLES: [&str; 5] = ["incident-commander", "communications", "operations", "scribe", "on-call"];
pub const INCIDENT_COMMANDER: &str = "incident-commander";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Task {
    pub id: OpId,
    pub owner: String,
    pub text: String,
    pub check_back_at: DateTime<Utc>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckMark {
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Response {
    pub roles: BTreeMap<String, Lww<String>>,
    pub pins: BTreeMap<OpId, Lww<bool>>,
    pub tasks: BTreeMap<OpId, Task>,
    /// Completion per task; may arrive before its task.
    pub task_done: BTreeMap<OpId, Lww<Option<DateTime<Utc>>>>,
    /// Keyed by `list` + U+001F + `item`.
    pub checks: BTreeMap<String, Lww<Option<CheckMark>>>,
    pub impact_started_at: Lww<Option<DateTime<Utc>>>,
}

pub fn check_key(list: &str, item: &str) -> String {
    format!("{list}\u{1f}{item}")
}

impl Response {
    pub fn set_role(&mut self, role: &str, person: &str, stamp: Stamp) {
        self.roles.entry(role.to_string()).or_default().set(person.to_string(), stamp);
    }

    /// Current holders, role → person, for roles someone holds.
    pub fn holders(&self) -> BTreeMap<&str, &str> {
        self.roles.iter().filter(|(_, p)| !p.value.is_empty()).map(|(r, p)| (r.as_str(), p.value.as_str())).collect()
    }

    pub fn is_pinned(&self, entry: OpId) -> bool {
        self.pins.get(&entry).is_some_and(|p| p.value)
    }

    pub fn task_completed_at(&self, task: OpId) -> Option<DateTime<Utc>> {
        self.task_done.get(&task).and_then(|d| d.value)
    }

    pub fn check(&self, list: &str, item: &str) -> Option<&CheckMark> {
        self.checks.get(&check_key(list, item)).and_then(|c| c.value.as_ref())
    }
}
