//! Which desktop notifications are due, derived from the persisted deadlines — never
//! from a running timer — so a restart neither loses nor repeats one.
//!
//! Each running deadline has two stages: "due soon" (at due − lead) and "breached" (at
//! due). A stage fires once: what was sent is recorded in the local settings under the
//! deadline's key, which includes its due time, so a deadline that moves (the next
//! update after an update was sent, a severity re-base) notifies again for its new time.
//! After a long gap (the laptop was asleep or Firebreak closed), only the latest stage
//! of each deadline fires, and more than [`SUMMARY_THRESHOLD`] at once become a single
//! summary: the commander sees what was breached, without a storm of stale alerts.
use crate::dto::IncidentSummary;
use chrono::{DateTime, Duration, Utc};
use firebreak_core::instant;
use firebreak_policy::{Deadline, DeadlineState};
use serde::Serialize;
use ts_rs::TS;

pub const SUMMARY_THRESHOLD: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    DueSoon,
    Breached,
    /// A role the level requires is still empty some minutes after declaration.
    RoleMissing,
    /// The review meeting starts soon (the notification lead ahead).
    MeetingSoon,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::DueSoon => "due_soon",
            Stage::Breached => "breached",
            Stage::RoleMissing => "role_missing",
            Stage::MeetingSoon => "meeting_soon",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Notification {
    pub title: String,
    pub body: String,
    /// The incident's internal id (empty for a summary of several incidents).
    pub incident: String,
    pub stage: Stage,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, TS)]
pub struct NotificationBatch {
    pub notifications: Vec<Notification>,
    /// When the next stage of any running deadline falls due, if any.
    pub next_wake: Option<DateTime<Utc>>,
}

/// The settings key that records one stage of one deadline as sent.
pub fn sent_key(incident: &str, d: &Deadline, stage: Stage) -> String {
    let kind = serde_json::to_string(&d.kind).unwrap_or_default();
    format!("notified:{incident}:{kind}:{}:{}", d.due.timestamp(), stage.as_str())
}

/// One running deadline's stage that is due at `now` and not yet sent.
pub struct Pending<'a> {
    pub incident: &'a IncidentSummary,
    pub deadline: &'a Deadline,
    pub stage: Stage,
    pub keys: Vec<String>,
}

/// Picks the stages to send now. `already_sent` says whether a key was recorded.
pub fn plan<'a>(
    incidents: &'a [(IncidentSummary, Vec<Deadline>)],
    now: DateTime<Utc>,
    lead: Duration,
    already_sent: &dyn Fn(&str) -> bool,
) -> (Vec<Pending<'a>>, Option<DateTime<Utc>>) {
    let mut due = Vec::new();
    let mut next_wake: Option<DateTime<Utc>> = None;
    let mut wake_at = |t: DateTime<Utc>| {
        if next_wake.is_none_or(|w| t < w) {
            next_wake = Some(t);
        }
    };
    for (inc, deadlines) in incidents {
        for d in deadlines {
            if !matches!(d.state, DeadlineState::Pending | DeadlineState::DueSoon | DeadlineState::Breached { .. }) {
                continue;
            }
            // A due time at the first instants chrono has: "due soon" since always.
            let soon_at = instant::saturating_sub(d.due, lead);
            let soon_key = sent_key(&inc.id, d, Stage::DueSoon);
            let breach_key = sent_key(&inc.id, d, Stage::Breached);
            if now >= d.due {
                if !already_sent(&breach_key) {
                    // The breach supersedes a "due soon" never shown.
                    due.push(Pending {
                        incident: inc,
                        deadline: d,
                        stage: Stage::Breached,
                        keys: vec![soon_key, breach_key],
                    });
                }
            } else if now >= soon_at && !lead.is_zero() {
                if !already_sent(&soon_key) {
                    due.push(Pending { incident: inc, deadline: d, stage: Stage::DueSoon, keys: vec![soon_key] });
                }
                wake_at(d.due);
            } else {
                wake_at(if lead.is_zero() { d.due } else { soon_at });
            }
        }
    }
    due.sort_by_key(|p| (std::cmp::Reverse(p.stage), p.deadline.due));
    (due, next_wake)
}

/// The text of one notification.
pub fn message(p: &Pending<'_>, now: DateTime<Utc>) -> Notification {
    let inc = p.incident;
    let d = p.deadline;
    let drill = if inc.drill { "[DRILL] " } else { "" };
    let (title, body) = match p.stage {
        Stage::DueSoon => {
            let mins = (d.due - now).num_minutes().max(0);
            (
                format!("{drill}{} {}: {} in {mins} min", inc.human_id, inc.severity, d.label.to_lowercase()),
                format!("{} — due {} UTC. {}", inc.title, d.due.format("%H:%M"), d.meaning),
            )
        }
        // Deadlines only reach DueSoon or Breached; a role alert is made by requirements.rs.
        Stage::Breached | Stage::RoleMissing | Stage::MeetingSoon => (
            format!("{drill}{} {}: {} BREACHED", inc.human_id, inc.severity, d.label.to_lowercase()),
            format!("{} — was due {} UTC. {}", inc.title, d.due.format("%H:%M"), d.meaning),
        ),
    };
    Notification { title, body, incident: inc.id.clone(), stage: p.stage }
}

/// One notification standing for many (after a gap): counts and the most urgent.
pub fn summary(pending: &[Pending<'_>]) -> Notification {
    let breached = pending.iter().filter(|p| p.stage == Stage::Breached).count();
    let soon = pending.len() - breached;
    let first = &pending[0];
    Notification {
        title: format!("Firebreak: {breached} clocks breached, {soon} due soon"),
        body: format!(
            "Most urgent: {} {} — {} (due {} UTC). Open Firebreak to see every clock.",
            first.incident.human_id,
            first.incident.severity,
            first.deadline.label,
            first.deadline.due.format("%Y-%m-%d %H:%M")
        ),
        incident: String::new(),
        stage: if breached > 0 { Stage::Breached } else { Stage::DueSoon },
    }
}
