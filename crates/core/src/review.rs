//! The post-incident review (PIR): its state, narrative sections, and action items.
//!
//! Narrative sections are multi-value registers: every edit names the revisions it was
//! based on (its parents). The section's text is its heads — revisions no other revision
//! builds on. Two people editing the same section apart produce two heads, and both
//! texts are kept (shown together and flagged) until someone merges them with an edit
//! that names both as parents. No one's words are dropped by a sync; compare per-section
//! last-writer-wins, which silently loses a paragraph.
use crate::ids::OpId;
use crate::incident::Lww;
use crate::op::Stamp;
use crate::CoreError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

/// The review's narrative sections (the union of both reference documents).
pub const SECTIONS: &[(&str, &str)] = &[
    ("summary", "Summary"),
    ("impact", "Impact"),
    ("root_cause", "Root cause"),
    ("contributing_factors", "Contributing factors"),
    ("technical_factors", "Technical factors"),
    ("process_factors", "Process factors"),
    ("communication_factors", "Communication factors"),
    ("resolution", "Resolution steps"),
    ("effectiveness", "Effectiveness of the resolution"),
    ("workarounds", "Workarounds"),
    ("preventive_technical", "Preventive measures: technical"),
    ("preventive_process", "Preventive measures: process"),
    ("preventive_monitoring", "Preventive measures: monitoring"),
    ("lessons_learned", "Lessons learned"),
];

/// Sections written one item per line (lists in the YAML template).
pub const LIST_SECTIONS: &[&str] = &["contributing_factors", "lessons_learned"];

pub fn is_section(field: &str) -> bool {
    SECTIONS.iter().any(|(f, _)| *f == field)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    #[default]
    Draft,
    InReview,
    Reviewed,
    Closed,
}

impl ReviewState {
    pub const ALL: [ReviewState; 4] =
        [ReviewState::Draft, ReviewState::InReview, ReviewState::Reviewed, ReviewState::Closed];
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Draft => "draft",
            ReviewState::InReview => "in_review",
            ReviewState::Reviewed => "reviewed",
            ReviewState::Closed => "closed",
        }
    }
}

impl fmt::Display for ReviewState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReviewState {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, CoreError> {
        let want = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        ReviewState::ALL.into_iter().find(|r| r.as_str() == want).ok_or_else(|| {
            CoreError::Invalid(format!("unknown review state {s:?}; expected draft, in_review, reviewed or closed"))
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TextRevision {
    pub op: OpId,
    pub text: String,
    pub parents: Vec<OpId>,
    pub author: String,
    pub stamp: crate::hlc::Hlc,
}

/// A section's revisions; its value is its heads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MvText {
    pub revisions: BTreeMap<OpId, TextRevision>,
}

impl MvText {
    pub fn insert(&mut self, rev: TextRevision) {
        self.revisions.entry(rev.op).or_insert(rev);
    }

    /// Revisions no other revision is based on, oldest first.
    pub fn heads(&self) -> Vec<&TextRevision> {
        let superseded: std::collections::BTreeSet<OpId> =
            self.revisions.values().flat_map(|r| r.parents.iter().copied()).collect();
        let mut heads: Vec<&TextRevision> = self.revisions.values().filter(|r| !superseded.contains(&r.op)).collect();
        heads.sort_by_key(|r| (r.stamp, r.op));
        heads
    }

    /// The text: one head, or every concurrent head kept, separated by a blank line.
    pub fn text(&self) -> String {
        self.heads().iter().map(|r| r.text.as_str()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n\n")
    }

    pub fn head_ids(&self) -> Vec<OpId> {
        self.heads().iter().map(|r| r.op).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct ActionItem {
    /// Shown id, e.g. "AI-001".
    pub id: String,
    pub action: String,
    pub owner: String,
    pub due: Option<NaiveDate>,
    /// high, medium, low (free text allowed).
    pub priority: String,
    /// open, in-progress, done (free text allowed).
    pub status: String,
    /// Tracker link, e.g. a GitHub issue URL.
    pub link: String,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Review {
    pub state: Lww<ReviewState>,
    /// When the review reached each state (the latest move into it).
    pub state_times: BTreeMap<String, Lww<DateTime<Utc>>>,
    pub texts: BTreeMap<String, MvText>,
    /// Keyed by the op that created the item; whole-item last-writer-wins.
    pub action_items: BTreeMap<OpId, Lww<ActionItem>>,
    /// The review meeting's start, when scheduled.
    pub meeting_at: Lww<Option<DateTime<Utc>>>,
    /// Who is invited to the meeting (written with the start, by the same op).
    #[serde(default)]
    pub meeting_attendees: Lww<Vec<String>>,
}

impl Review {
    pub fn set_state(&mut self, state: ReviewState, at: DateTime<Utc>, stamp: Stamp) {
        self.state.set(state, stamp);
        self.state_times.entry(state.as_str().to_string()).or_default().set(at, stamp);
    }

    pub fn text(&self, field: &str) -> String {
        self.texts.get(field).map(MvText::text).unwrap_or_default()
    }

    /// True when concurrent edits left more than one head in the section.
    pub fn has_conflict(&self, field: &str) -> bool {
        self.texts.get(field).is_some_and(|t| t.heads().len() > 1)
    }

    /// Live action items, in id order.
    pub fn items(&self) -> Vec<(OpId, &ActionItem)> {
        let mut v: Vec<(OpId, &ActionItem)> =
            self.action_items.iter().filter(|(_, i)| !i.value.deleted).map(|(k, i)| (*k, &i.value)).collect();
        v.sort_by(|a, b| (a.1.id.as_str(), a.0).cmp(&(b.1.id.as_str(), b.0)));
        v
    }

    pub fn completed_at(&self) -> Option<DateTime<Utc>> {
        if self.state.value >= ReviewState::Reviewed {
            ["reviewed", "closed"].iter().filter_map(|s| self.state_times.get(*s).map(|l| l.value)).min()
        } else {
            None
        }
    }
}
