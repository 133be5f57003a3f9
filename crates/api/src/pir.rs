//! The post-incident review through the API: a view pre-filled from what the incident
//! recorded, section edits that keep concurrent words, action items, the review states
//! (closing the review closes the incident), and the review meeting.
use crate::dto::IncidentDetail;
use crate::{ApiError, ErrorCode, Firebreak, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use firebreak_core::ids::OpId;
use firebreak_core::incident::{Incident, Status};
use firebreak_core::instant;
use firebreak_core::op::OpPayload;
use firebreak_core::review::{is_section, ActionItem, ReviewState, LIST_SECTIONS, SECTIONS};
use firebreak_policy::DeadlineKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SectionView {
    pub field: String,
    pub label: String,
    pub text: String,
    /// Revisions this text is made of; an edit names them as its parents.
    pub heads: Vec<String>,
    /// Concurrent edits were kept side by side and await a merge.
    pub conflict: bool,
    /// One item per line (a list in the YAML template).
    pub list: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionItemView {
    /// The stable key of the item (for edits).
    pub key: String,
    pub item: ActionItem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyEvent {
    pub entry: String,
    pub time: DateTime<Utc>,
    pub kind: String,
    pub text: String,
    /// Pinned entries are the review's timeline.
    pub selected: bool,
}

/// The incident's figures, in seconds (None when a milestone is missing).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(rename = "IncidentFigures")]
pub struct Figures {
    #[ts(type = "number | null")]
    pub time_to_detect: Option<i64>,
    #[ts(type = "number | null")]
    pub time_to_acknowledge: Option<i64>,
    #[ts(type = "number | null")]
    pub time_to_mitigate: Option<i64>,
    #[ts(type = "number | null")]
    pub time_to_resolve: Option<i64>,
    /// Impact start (or detection) to resolution.
    #[ts(type = "number | null")]
    pub duration: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PirView {
    pub incident: IncidentDetail,
    pub state: ReviewState,
    pub required: bool,
    pub due: Option<DateTime<Utc>>,
    pub sections: Vec<SectionView>,
    pub action_items: Vec<ActionItemView>,
    pub key_events: Vec<KeyEvent>,
    pub figures: Figures,
    pub meeting_at: Option<DateTime<Utc>>,
    /// Who is invited to the meeting.
    pub meeting_attendees: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PirTextInput {
    pub incident: String,
    pub field: String,
    pub text: String,
    /// The `heads` the editor started from (empty for a first edit).
    #[serde(default)]
    pub parents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionItemInput {
    pub incident: String,
    /// Empty for a new item.
    #[serde(default)]
    pub key: String,
    pub item: ActionItem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PirStateInput {
    pub incident: String,
    pub state: ReviewState,
}

fn secs(d: Duration) -> i64 {
    d.num_seconds()
}

pub fn figures(inc: &Incident) -> Figures {
    let Some(decl) = &inc.declaration else { return Figures::default() };
    // Milestones a jump to resolved skipped are unknown (`Incident::milestones`).
    let m = inc.milestones();
    let detected = inc.detected_at().unwrap_or(decl.detected_at);
    let start = inc.response.impact_started_at.value;
    let from = start.unwrap_or(detected);
    Figures {
        time_to_detect: start.map(|s| secs(detected - s)),
        time_to_acknowledge: m.acknowledged_at.map(|a| secs(a - detected)),
        time_to_mitigate: m.mitigated_at.map(|a| secs(a - from)),
        time_to_resolve: m.resolved_at.map(|a| secs(a - from)),
        duration: m.resolved_at.map(|a| secs(a - from)),
    }
}

impl Firebreak {
    pub fn pir(&self, key: &str) -> Result<PirView> {
        let inc = self.find(key)?;
        let policy = self.policy()?;
        let detail = self.view(&inc)?;
        let required = policy.level(&inc.severity.value).is_some_and(|l| l.requirements.pir_required);
        let due = detail.deadlines.iter().find(|d| d.kind == DeadlineKind::PirDue).map(|d| d.due);
        let r = &inc.review;
        let sections = SECTIONS
            .iter()
            .map(|(field, label)| {
                let stored = r.texts.get(*field);
                let mut text = r.text(field);
                // Pre-filled from the incident until someone writes the section.
                if stored.is_none() {
                    if *field == "summary" {
                        text = inc.summary.value.clone();
                    }
                    if *field == "resolution" {
                        text = inc
                            .entries()
                            .iter()
                            .filter(|e| e.kind == firebreak_core::timeline::EntryKind::Action)
                            .map(|e| format!("{} {}", e.event_time.format("%H:%M"), inc.current_text(e)))
                            .collect::<Vec<_>>()
                            .join("\n");
                    }
                }
                SectionView {
                    field: field.to_string(),
                    label: label.to_string(),
                    text,
                    heads: stored.map(|t| t.head_ids().iter().map(|h| h.to_string()).collect()).unwrap_or_default(),
                    conflict: r.has_conflict(field),
                    list: LIST_SECTIONS.contains(field),
                }
            })
            .collect();
        let action_items =
            r.items().into_iter().map(|(k, i)| ActionItemView { key: k.to_string(), item: i.clone() }).collect();
        let key_events = inc
            .entries()
            .into_iter()
            .map(|e| KeyEvent {
                entry: e.id.to_string(),
                time: e.event_time,
                kind: e.kind.as_str().to_string(),
                text: inc.current_text(e).to_string(),
                selected: inc.response.is_pinned(e.id),
            })
            .collect();
        Ok(PirView {
            state: r.state.value,
            required,
            due,
            sections,
            action_items,
            key_events,
            figures: figures(&inc),
            meeting_at: meeting_slot(r.meeting_at.value),
            meeting_attendees: r.meeting_attendees.value.clone(),
            incident: detail,
        })
    }

    pub fn pir_edit(&mut self, input: PirTextInput) -> Result<PirView> {
        if !is_section(&input.field) {
            let names: Vec<&str> = SECTIONS.iter().map(|(f, _)| *f).collect();
            return Err(ApiError::invalid(format!(
                "unknown review section {:?}; sections: {}",
                input.field,
                names.join(", ")
            )));
        }
        let inc = self.find(&input.incident)?;
        let mut parents = Vec::new();
        for p in &input.parents {
            parents.push(p.parse::<OpId>().map_err(ApiError::from)?);
        }
        let author = self.author()?;
        let payload =
            OpPayload::EditReviewText { field: input.field, text: input.text.trim_end().to_string(), parents };
        self.store.commit(self.now(), &author, inc.id, payload)?;
        self.pir(&inc.id.to_string())
    }

    /// Adds or replaces an action item; a new item without an id gets the next `AI-NNN`.
    pub fn pir_set_item(&mut self, input: ActionItemInput) -> Result<PirView> {
        let inc = self.find(&input.incident)?;
        let mut item = input.item;
        item.action = item.action.trim().to_string();
        if item.action.is_empty() && !item.deleted {
            return Err(ApiError::invalid("an action item needs the action"));
        }
        let key = match input.key.trim() {
            "" => None,
            k => Some(k.parse::<OpId>().map_err(ApiError::from)?),
        };
        if item.id.trim().is_empty() {
            item.id = next_item_id(&inc);
        }
        let author = self.author()?;
        self.store.commit(self.now(), &author, inc.id, OpPayload::SetActionItem { key, item })?;
        self.pir(&inc.id.to_string())
    }

    /// Moves the review: one step forward (draft → in review → reviewed → closed) or
    /// one step back. Leaving draft needs a resolved incident; closing the review closes
    /// the incident, in the same transaction.
    pub fn pir_status(&mut self, input: PirStateInput) -> Result<PirView> {
        let inc = self.find(&input.incident)?;
        let from = inc.review.state.value;
        let to = input.state;
        let (fi, ti) = (from as i32, to as i32);
        if from == to {
            return Err(ApiError::invalid(format!("the review is already {}", to.as_str().replace('_', " "))));
        }
        if (ti - fi).abs() != 1 {
            return Err(ApiError::new(
                ErrorCode::InvalidTransition,
                format!(
                    "cannot move the review from {} to {}: one step at a time (draft → in_review → reviewed → closed)",
                    from, to
                ),
            ));
        }
        let status = inc.status.value;
        if to > ReviewState::Draft && status < Status::Resolved {
            return Err(ApiError::new(
                ErrorCode::InvalidTransition,
                format!("the incident is {status}; a review moves past draft once the incident is resolved"),
            ));
        }
        if from == ReviewState::Closed {
            return Err(ApiError::new(ErrorCode::InvalidTransition, "a closed review is final"));
        }
        let now = self.now();
        let mut ops = vec![(inc.id, OpPayload::SetReviewState { state: to, at: now })];
        if to == ReviewState::Closed && status == Status::Resolved {
            ops.push((inc.id, OpPayload::SetStatus { from: status, to: Status::Closed, at: now }));
        }
        let author = self.author()?;
        self.store.commit_all(now, &author, ops)?;
        self.pir(&inc.id.to_string())
    }

    /// The default meeting slot: 10:00 on the next working day in the policy calendar.
    pub fn default_meeting_slot(&self) -> Result<DateTime<Utc>> {
        let policy = self.policy()?;
        let cal = &policy.calendar;
        let tz = cal.time_zone;
        let mut day = self.now().with_timezone(&tz).date_naive();
        for _ in 0..30 {
            day = day.succ_opt().unwrap_or(day);
            if cal.is_working_date(day) {
                break;
            }
        }
        use chrono::TimeZone;
        let local = day.and_hms_opt(10, 0, 0).unwrap_or_default();
        Ok(tz
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc)))
    }
}

/// The stored meeting time, when a meeting can start then: a time so near the end of
/// chrono's range that the agenda would run past it (only a broken or hostile op stores
/// one) reads as not scheduled, so the invite and every export stay total.
fn meeting_slot(at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let length = instant::minutes(crate::pir_io::AGENDA.iter().map(|(_, m)| m).sum());
    at.filter(|t| t.checked_add_signed(length).is_some())
}

/// The next free `AI-NNN`; removed items keep their number, so none is given twice.
pub(crate) fn next_item_id(inc: &Incident) -> String {
    let max = inc
        .review
        .action_items
        .values()
        .filter_map(|i| i.value.id.strip_prefix("AI-").and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap_or(0);
    format!("AI-{:03}", max.saturating_add(1))
}

/// Due dates typed by people: `2025-10-12`.
pub fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(format!("{s:?} is not a date (write YYYY-MM-DD)")))
}
