//! Requirements that act: what the policy's level asks of an incident (roles someone must
//! hold, checklist items, a review before closing) checked against what the incident has,
//! so the window, `incident show` and the notification scheduler say what is missing.
//! Also how a level named by another built-in preset is read (by rank), shown as a note
//! derived on the timeline: every laptop with the same policy derives the same note, and
//! nothing is written when a teammate's op arrives.
use crate::dto::EntryView;
use crate::notify::{Notification, Stage};
use chrono::{DateTime, Duration, Utc};
use firebreak_core::incident::{Incident, Status};
use firebreak_core::instant;
use firebreak_core::review::ReviewState;
use firebreak_core::timeline::{Change, EntryKind};
use firebreak_policy::Policy;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the incident's level requires and does not have yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MissingRequirements {
    /// The policy's level the incident is read as ("" when the policy has none).
    pub level: String,
    /// Required roles nobody holds, e.g. "incident-commander".
    pub roles: Vec<String>,
    /// When an empty required role raises a notification (declaration + the policy's
    /// minutes); none when the policy sets no minutes or nothing is missing.
    pub roles_alert_at: Option<DateTime<Utc>>,
    /// The level's checklist items nobody has checked.
    pub checklist: Vec<String>,
    /// The name of that checklist (as `check_item` takes it).
    pub checklist_name: String,
    /// True when the level requires a review and it is not closed (closing is refused
    /// without `--force`).
    pub review_open: bool,
}

impl MissingRequirements {
    /// True when nothing is missing.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty() && self.checklist.is_empty() && !self.review_open
    }

    /// One line per missing thing, for `incident show`.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for role in &self.roles {
            let alert =
                self.roles_alert_at.map(|t| format!(" (notified at {})", t.format("%H:%M UTC"))).unwrap_or_default();
            out.push(format!("{} requires the {} role: nobody holds it{alert}", self.level, role.replace('-', " ")));
        }
        for item in &self.checklist {
            out.push(format!("{} checklist: {item}", self.level));
        }
        if self.review_open {
            out.push(format!("{} requires a post-incident review before closing", self.level));
        }
        out
    }
}

/// What `inc` is missing under `policy`. A closed incident is missing nothing any more.
pub fn missing(policy: &Policy, inc: &Incident) -> MissingRequirements {
    let Some(level) = policy.level(&inc.severity.value) else { return MissingRequirements::default() };
    let req = &level.requirements;
    let open = inc.status.value != Status::Closed;
    let holders = inc.response.holders();
    let roles: Vec<String> = if open && inc.status.value < Status::Resolved {
        req.roles().into_iter().filter(|r| !holders.contains_key(r.as_str())).collect()
    } else {
        Vec::new()
    };
    let checklist_name = format!("{} requirements", level.id);
    let checklist = if open {
        req.checklist.iter().filter(|item| inc.response.check(&checklist_name, item).is_none()).cloned().collect()
    } else {
        Vec::new()
    };
    let roles_alert_at = match (req.role_alert_minutes, inc.detected_at(), roles.is_empty()) {
        (Some(min), Some(at), false) => Some(instant::saturating_add(at, Duration::minutes(i64::from(min)))),
        _ => None,
    };
    MissingRequirements {
        level: level.id.clone(),
        roles,
        roles_alert_at,
        checklist,
        checklist_name,
        review_open: open && req.pir_required && inc.review.state.value != ReviewState::Closed,
    }
}

/// The settings key that records the missing-role notification of one incident as sent.
pub fn role_alert_key(incident: &str, role: &str) -> String {
    format!("notified:{incident}:role:{role}")
}

/// A missing-role notification and the settings keys that record it as sent.
pub type RoleAlert = (Notification, Vec<String>);

/// The missing-role notifications due at `now` (not yet sent, per `already_sent`), with
/// the keys to record, and the next time one falls due.
pub fn role_alerts(
    incidents: &[(crate::dto::IncidentSummary, MissingRequirements)],
    now: DateTime<Utc>,
    already_sent: &dyn Fn(&str) -> bool,
) -> (Vec<RoleAlert>, Option<DateTime<Utc>>) {
    let mut due = Vec::new();
    let mut next: Option<DateTime<Utc>> = None;
    for (inc, m) in incidents {
        let Some(at) = m.roles_alert_at else { continue };
        if now < at {
            next = Some(next.map_or(at, |n| n.min(at)));
            continue;
        }
        let keys: Vec<String> =
            m.roles.iter().map(|r| role_alert_key(&inc.id, r)).filter(|k| !already_sent(k)).collect();
        if keys.is_empty() {
            continue;
        }
        let drill = if inc.drill { "[DRILL] " } else { "" };
        let minutes = (at - inc.detected_at).num_minutes().max(0);
        let note = Notification {
            title: format!("{drill}{} {}: no {} yet", inc.human_id, m.level, m.roles.join(", no ")),
            body: format!(
                "{} — {} requires {} and nobody holds it {minutes} min after declaration.",
                inc.title,
                m.level,
                m.roles.join(" and ")
            ),
            incident: inc.id.clone(),
            stage: Stage::RoleMissing,
        };
        due.push((note, keys));
    }
    (due, next)
}

/// One notification standing for several missing-role alerts (after a gap).
pub fn roles_summary(alerts: &[RoleAlert]) -> Notification {
    let first = alerts.first().map(|(n, _)| n.title.clone()).unwrap_or_default();
    Notification {
        title: format!("Firebreak: {} incidents lack a required role", alerts.len()),
        body: format!("First: {first}"),
        incident: String::new(),
        stage: Stage::RoleMissing,
    }
}

/// Notes derived on the timeline for levels named by another built-in preset (a
/// teammate's op or an old import): "Severity P1 is not a level …; read as SEV1". Each sits
/// right after the entry that named the level and has the id `policy-note:<entry id>`.
pub fn with_level_notes(policy: &Policy, timeline: Vec<EntryView>) -> Vec<EntryView> {
    let mut out = Vec::with_capacity(timeline.len());
    for e in timeline {
        let derived = level_note(policy, &e);
        out.push(e);
        out.extend(derived);
    }
    out
}

/// The note derived after `e`, if it names a level of another built-in preset.
pub fn level_note(policy: &Policy, e: &EntryView) -> Option<EntryView> {
    let named = match &e.change {
        Some(Change::Declared { severity, .. }) => Some(severity.clone()),
        Some(Change::Severity { to, .. }) => Some(to.clone()),
        _ => None,
    };
    let text = named.and_then(|level| policy.map_level(&level)).and_then(|m| m.note())?;
    Some(EntryView {
        id: format!("policy-note:{}", e.id),
        kind: EntryKind::Note,
        event_time: e.event_time,
        recorded_time: e.recorded_time,
        author: "Firebreak".into(),
        text,
        change: None,
        revisions: 0,
        history: Vec::new(),
        pinned: false,
    })
}
