//! Status updates from the reference's templates (initial, update, resolution), filled
//! from the incident's state and the policy's update cadence, and the shift handoff note.
//! Plain text, for pasting into any channel.
use crate::dto::IncidentDetail;
use chrono::{DateTime, Utc};
use firebreak_core::op::CustomerNotice;
use firebreak_core::timeline::EntryKind;
use firebreak_policy::{DeadlineKind, DeadlineState, Policy};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    Initial,
    Update,
    Resolution,
    /// For customers and the status page: what is affected, nothing internal.
    CustomerInitial,
    CustomerUpdate,
    CustomerResolution,
}

impl FromStr for Template {
    type Err = crate::ApiError;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "initial" => Ok(Template::Initial),
            "update" => Ok(Template::Update),
            "resolution" => Ok(Template::Resolution),
            "customer-initial" | "customer_initial" => Ok(Template::CustomerInitial),
            "customer-update" | "customer_update" => Ok(Template::CustomerUpdate),
            "customer-resolution" | "customer_resolution" => Ok(Template::CustomerResolution),
            other => Err(crate::ApiError::invalid(format!(
                "unknown template {other:?}; expected initial, update, resolution, customer-initial, customer-update or customer-resolution"
            ))),
        }
    }
}

impl Template {
    /// The customer notice a customer template writes; `None` for the internal ones.
    pub fn customer_notice(self) -> Option<CustomerNotice> {
        match self {
            Template::CustomerInitial => Some(CustomerNotice::Initial),
            Template::CustomerUpdate => Some(CustomerNotice::Update),
            Template::CustomerResolution => Some(CustomerNotice::Resolution),
            Template::Initial | Template::Update | Template::Resolution => None,
        }
    }
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "45 minutes", "2 hours 5 minutes", "1 day 3 hours".
pub fn duration_words(d: chrono::Duration) -> String {
    let m = d.num_minutes().max(0);
    let (days, hours, mins) = (m / 1440, m % 1440 / 60, m % 60);
    let unit = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (days, hours, mins) {
        (0, 0, m) => unit(m, "minute"),
        (0, h, 0) => unit(h, "hour"),
        (0, h, m) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
        (d, 0, _) => unit(d, "day"),
        (d, h, _) => format!("{} {}", unit(d, "day"), unit(h, "hour")),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn team(inc: &IncidentDetail) -> String {
    if inc.roles.is_empty() {
        return inc.declared_by.clone();
    }
    inc.roles.iter().map(|r| format!("{} ({})", r.person, r.role.replace('-', " "))).collect::<Vec<_>>().join(", ")
}

fn impact(inc: &IncidentDetail) -> String {
    if inc.summary.trim().is_empty() {
        "being assessed".to_string()
    } else {
        inc.summary.trim().to_string()
    }
}

/// "Next update in 30 minutes." from the policy's cadence for the current level.
fn next_update(inc: &IncidentDetail, policy: &Policy) -> String {
    match policy.level(&inc.severity).map(|l| &l.update_cadence) {
        Some(t) => match t.as_elapsed() {
            Some(d) => format!("Next update in {}.", duration_words(d)),
            None => format!("Next update within {}.", t.human()),
        },
        None => "Next update to follow.".to_string(),
    }
}

/// Decisions, actions and alerts since the last status update was sent.
fn since_last_update(inc: &IncidentDetail) -> Vec<String> {
    let last = inc.timeline.iter().filter(|e| e.kind == EntryKind::CommsUpdate).map(|e| e.event_time).max();
    inc.timeline
        .iter()
        .filter(|e| last.is_none_or(|l| e.event_time > l))
        .filter(|e| {
            matches!(e.kind, EntryKind::Decision | EntryKind::Action | EntryKind::Alert | EntryKind::CustomerReport)
        })
        .map(|e| format!("- {} {}", e.event_time.format("%H:%M"), e.text.lines().next().unwrap_or("")))
        .collect()
}

/// What the review adds to the resolution update: the meeting slot once scheduled and the
/// root cause once written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewFacts {
    pub meeting_at: Option<DateTime<Utc>>,
    pub root_cause: String,
}

pub fn draft(
    template: Template,
    inc: &IncidentDetail,
    policy: &Policy,
    review: &ReviewFacts,
    now: DateTime<Utc>,
) -> String {
    let drill = if inc.drill { "[DRILL] " } else { "" };
    let head = format!("{drill}[Incident: {}] [{}]", inc.human_id, inc.severity);
    match template {
        Template::Initial | Template::Update => {
            let mut out = format!(
                "{head} {}\n\nStatus: {}\nImpact: {}\nStarted: {}\nTeam: {} {}\n",
                inc.title,
                capitalised(inc.status.as_str()),
                impact(inc),
                utc(inc.impact_started_at.unwrap_or(inc.detected_at)),
                team(inc),
                match inc.status.as_str() {
                    "detected" | "acknowledged" => "responding",
                    "mitigated" => "monitoring",
                    other => other,
                },
            );
            if template == Template::Update {
                let news = since_last_update(inc);
                if !news.is_empty() {
                    out.push_str(&format!("\nSince the last update:\n{}\n", news.join("\n")));
                }
            }
            out.push_str(&format!("\n{}\n", next_update(inc, policy)));
            out
        }
        Template::Resolution => {
            let start = inc.impact_started_at.unwrap_or(inc.detected_at);
            let end = inc.milestones.resolved_at.unwrap_or(now);
            let resolution = inc
                .timeline
                .iter()
                .rev()
                .find(|e| e.kind == EntryKind::Action)
                .map_or_else(|| "(describe the fix)".to_string(), |e| e.text.clone());
            let root_cause = match review.root_cause.split_whitespace().collect::<Vec<_>>().join(" ") {
                cause if cause.is_empty() => "(to be confirmed in the post-incident review)".to_string(),
                cause => cause,
            };
            let mut out = format!(
                "{head} RESOLVED - {}\n\nStatus: Resolved\nDuration: {}\nImpact: {}\nRoot Cause: {root_cause}\nResolution: {resolution}\n",
                inc.title,
                duration_words(end - start),
                impact(inc),
            );
            let pir = inc.deadlines.iter().find(|d| d.kind == DeadlineKind::PirDue);
            if let Some(at) = review.meeting_at {
                out.push_str(&format!("\nPIR scheduled for {}.\n", utc(at)));
            } else if let Some(d) = pir {
                out.push_str(&format!("\nPIR due by {}.\n", utc(d.due)));
            }
            out
        }
        Template::CustomerInitial | Template::CustomerUpdate | Template::CustomerResolution => {
            crate::customer::draft(template, inc, policy, now)
        }
    }
}

/// The handoff note: status, severity, roles, open tasks, next deadlines, last update.
pub fn handoff_note(inc: &IncidentDetail, now: DateTime<Utc>) -> String {
    let mut out = format!(
        "Handoff for {} [{}] {}\nStatus: {} (detected {}, {} ago)\nImpact: {}\n",
        inc.human_id,
        inc.severity,
        inc.title,
        inc.status,
        utc(inc.detected_at),
        duration_words(now - inc.detected_at),
        impact(inc)
    );
    out.push_str("\nRoles:\n");
    if inc.roles.is_empty() {
        out.push_str("- (none assigned)\n");
    }
    for r in &inc.roles {
        out.push_str(&format!("- {}: {}\n", r.role.replace('-', " "), r.person));
    }
    let open: Vec<_> = inc.tasks.iter().filter(|t| t.done_at.is_none()).collect();
    out.push_str("\nOpen actions:\n");
    if open.is_empty() {
        out.push_str("- (none)\n");
    }
    for t in open {
        out.push_str(&format!("- {}: {} (check back {})\n", t.owner, t.text, utc(t.check_back_at)));
    }
    out.push_str("\nNext deadlines:\n");
    let mut running: Vec<_> = inc
        .deadlines
        .iter()
        .filter(|d| matches!(d.state, DeadlineState::Pending | DeadlineState::DueSoon | DeadlineState::Breached { .. }))
        .collect();
    running.sort_by_key(|d| d.due);
    if running.is_empty() {
        out.push_str("- (none running)\n");
    }
    for d in running.iter().take(5) {
        let flag = if matches!(d.state, DeadlineState::Breached { .. }) { " — BREACHED" } else { "" };
        out.push_str(&format!("- {} {}{flag}\n", d.label, utc(d.due)));
    }
    let last = inc.timeline.iter().rev().find(|e| e.kind == EntryKind::CommsUpdate);
    out.push_str(&match last {
        Some(e) => format!("\nLast update sent {}:\n{}\n", utc(e.event_time), e.text),
        None => "\nNo status update sent yet.\n".to_string(),
    });
    out
}
