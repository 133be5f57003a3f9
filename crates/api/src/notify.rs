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
//!
//! Each incident is judged on its own clock: a drill running in this process on drill
//! time (its deadlines, its missing-role alert, its meeting reminder), a real incident on
//! the system clock; the next wake is given in real time for the scheduler's sleep.
use crate::dto::IncidentSummary;
use crate::{clocks, Firebreak, Result};
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

impl Firebreak {
    /// The desktop notifications due now, each recorded as sent in the same call (so a
    /// stage fires once, also across restarts), and when to look again (real time).
    pub fn due_notifications(&mut self) -> Result<NotificationBatch> {
        let policy = self.policy()?;
        let lead = instant::minutes(self.lead_minutes()?);
        // Per incident: (its row and deadlines, what it misses, its meeting, its now).
        let mut running = Vec::new();
        let mut tracked = Vec::new();
        let (list_now, lead_minutes) = (self.now(), lead.num_minutes());
        for (row, view) in self.with_clock_views()? {
            let Some(inc) = view else { continue };
            let Some(row) = crate::service::summarize(&policy, list_now, lead_minutes, row, Some(&inc)) else {
                continue;
            };
            if !row.status.is_open() && row.next_deadline.is_none() {
                continue;
            }
            let now = self.now_for(inc.id);
            let deadlines = clocks::deadlines(&policy, &inc, now, lead_minutes);
            tracked.push((crate::requirements::missing(&policy, &inc), inc.review.meeting_at.value, now, inc.id));
            running.push((row, deadlines));
        }
        let store = &self.store;
        let sent = |key: &str| store.setting(key).ok().flatten().is_some();
        let mut stages: Vec<(Pending<'_>, Notification)> = Vec::new();
        let (mut roles, mut reminders, mut wakes) = (Vec::new(), Vec::new(), Vec::new());
        for (i, (missing, meeting_at, now, id)) in tracked.into_iter().enumerate() {
            let (row, _) = &running[i];
            let (pending, wake) = plan(&running[i..=i], now, lead, &sent);
            stages.extend(pending.into_iter().map(|p| {
                let text = message(&p, now);
                (p, text)
            }));
            let (role, role_wake) = crate::requirements::role_alerts(&[(row.clone(), missing)], now, &sent);
            roles.extend(role);
            let (reminder, meeting_wake) = self.meeting_reminders(&[(row.clone(), meeting_at)], now, lead, &sent);
            reminders.extend(reminder);
            let wake = [wake, role_wake, meeting_wake].into_iter().flatten().min();
            wakes.extend(wake.and_then(|w| self.real_instant_for(id, w)));
        }
        stages.sort_by_key(|(p, _)| (std::cmp::Reverse(p.stage), p.deadline.due));
        let (pending, texts): (Vec<Pending<'_>>, Vec<Notification>) = stages.into_iter().unzip();
        // After a gap, many stages at once (missing roles included) become one summary.
        let mut notifications = if pending.len() + roles.len() <= SUMMARY_THRESHOLD {
            texts.into_iter().chain(roles.iter().map(|(n, _)| n.clone())).collect()
        } else if pending.is_empty() {
            vec![crate::requirements::roles_summary(&roles)]
        } else {
            let mut one = summary(&pending);
            if !roles.is_empty() {
                one.title.push_str(&format!(", {} required roles empty", roles.len()));
            }
            vec![one]
        };
        notifications.extend(reminders.iter().map(|(n, _)| n.clone()));
        let stamp = self.now().to_rfc3339();
        let keys: Vec<String> = pending
            .iter()
            .flat_map(|p| p.keys.iter().cloned())
            .chain(roles.into_iter().flat_map(|(_, k)| k))
            .chain(reminders.into_iter().map(|(_, k)| k))
            .collect();
        // Recorded in one transaction: after a gap, hundreds of stages are one write.
        if !keys.is_empty() {
            self.store.set_settings(keys.iter().map(|k| (k.as_str(), stamp.as_str())))?;
        }
        Ok(NotificationBatch { notifications, next_wake: wakes.into_iter().min() })
    }
}
