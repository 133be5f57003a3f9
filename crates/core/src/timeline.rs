//! Timeline entries: what happened, when it happened (event time, may be back-dated)
//! and when it was written down (recorded time), by whom. Entries are append-only; a
//! correction is a [`Revision`] that points at its entry, and the history stays visible.
use crate::hlc::Hlc;
use crate::ids::{OpId, ReplicaId};
use crate::incident::Status;
use crate::CoreError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    Note,
    Decision,
    Action,
    Alert,
    CustomerReport,
    StatusChange,
    SeverityChange,
    RoleChange,
    CommsUpdate,
    /// A customer notice or status-page post sent (written by the `customer_update` op
    /// only, never by `add_entry`).
    CustomerUpdate,
}

impl EntryKind {
    pub const ALL: [EntryKind; 10] = [
        EntryKind::Note,
        EntryKind::Decision,
        EntryKind::Action,
        EntryKind::Alert,
        EntryKind::CustomerReport,
        EntryKind::StatusChange,
        EntryKind::SeverityChange,
        EntryKind::RoleChange,
        EntryKind::CommsUpdate,
        EntryKind::CustomerUpdate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Note => "note",
            EntryKind::Decision => "decision",
            EntryKind::Action => "action",
            EntryKind::Alert => "alert",
            EntryKind::CustomerReport => "customer-report",
            EntryKind::StatusChange => "status-change",
            EntryKind::SeverityChange => "severity-change",
            EntryKind::RoleChange => "role-change",
            EntryKind::CommsUpdate => "comms-update",
            EntryKind::CustomerUpdate => "customer-update",
        }
    }

    /// Kinds that only the program writes (as a side effect of another act).
    pub fn is_automatic(self) -> bool {
        matches!(self, EntryKind::StatusChange | EntryKind::SeverityChange)
    }

    /// Kinds an `add_entry` op may carry: all but the customer update, which has its own
    /// op type (an older build could not parse it inside `add_entry`).
    pub fn in_add_entry(self) -> bool {
        self != EntryKind::CustomerUpdate
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntryKind {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, CoreError> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s.trim().to_ascii_lowercase()).ok_or_else(|| {
            let names: Vec<&str> = EntryKind::ALL.iter().map(|k| k.as_str()).collect();
            CoreError::Invalid(format!("unknown entry kind {s:?}; expected one of: {}", names.join(", ")))
        })
    }
}

/// What an automatic entry records, in structured form (the text is for people).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// The declaration: the chosen level and, if the helper was used, its suggestion.
    Declared {
        severity: String,
        suggested: Option<String>,
    },
    Status {
        from: Status,
        to: Status,
    },
    Severity {
        from: String,
        to: String,
    },
    Role {
        role: String,
        from: String,
        to: String,
    },
    Handoff {
        from: String,
        to: String,
    },
    Task {
        task: OpId,
        done: bool,
    },
    Checklist {
        list: String,
        item: String,
        checked: bool,
    },
    Decision {
        decided_by: String,
        objections: String,
    },
    /// An edit of the incident's own fields (`title`, `summary`, `services`,
    /// `impact_started_at`, `detected_at`); the text gives the new values.
    Edited {
        fields: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineEntry {
    pub id: OpId,
    pub kind: EntryKind,
    pub event_time: DateTime<Utc>,
    pub recorded_time: DateTime<Utc>,
    pub author: String,
    pub text: String,
    pub change: Option<Change>,
    /// The op stamp that created the entry (orders entries with equal event times).
    pub stamp: Hlc,
    #[ts(type = "string")]
    pub replica: ReplicaId,
}

/// A correction of an entry's text. The newest revision (by stamp) is the current text;
/// the original and every revision stay in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Revision {
    pub op: OpId,
    pub entry: OpId,
    pub text: String,
    pub author: String,
    pub recorded_time: DateTime<Utc>,
    pub stamp: Hlc,
    #[ts(type = "string")]
    pub replica: ReplicaId,
}

impl Revision {
    pub fn order_key(&self) -> (Hlc, ReplicaId, OpId) {
        (self.stamp, self.replica, self.op)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_their_names_and_reject_others() {
        for k in EntryKind::ALL {
            assert_eq!(k.as_str().parse::<EntryKind>().unwrap(), k);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
        }
        let err = "gossip".parse::<EntryKind>().unwrap_err().to_string();
        assert!(err.contains("unknown entry kind \"gossip\"") && err.contains("customer-report"), "{err}");
    }
}
