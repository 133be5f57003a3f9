//! The review meeting: the reference asks for it within 48 hours ("Conduct post-mortem
//! meeting within 48 hours"). Proposes the first free slot in the policy calendar's
//! business hours inside that window, schedules a slot with its attendees (one op, and a
//! note on the timeline, in one transaction), warns when the chosen slot is later, and
//! says when the reminder before the meeting is due.
use crate::notify::{Notification, Stage};
use crate::pir::PirView;
use crate::pir_io::AGENDA;
use crate::{ApiError, Firebreak, Result};
use chrono::{DateTime, Duration, DurationRound, Utc};
use firebreak_core::incident::Incident;
use firebreak_core::instant;
use firebreak_core::op::OpPayload;
use firebreak_core::timeline::EntryKind;
use firebreak_core::validate::MAX_ATTENDEES;
use firebreak_policy::BusinessCalendar;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The reference's window for the meeting, from resolution.
pub const MEETING_WITHIN_HOURS: i64 = 48;
/// Slots are proposed on the half hour.
const SLOT_MINUTES: i64 = 30;
/// How far a proposal looks when the window has no free slot (then it warns).
const SEARCH_DAYS: i64 = 14;
/// Longest attendee name.
const MAX_ATTENDEE_CHARS: usize = 100;

/// One topic of the review meeting's agenda and its timebox (the reference's agenda).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgendaItem {
    pub topic: String,
    #[ts(type = "number")]
    pub minutes: i64,
}

/// The review meeting's agenda with its timeboxes, for the window.
pub fn review_agenda() -> Vec<AgendaItem> {
    AGENDA.iter().map(|(topic, minutes)| AgendaItem { topic: topic.to_string(), minutes: *minutes }).collect()
}

/// Schedules the review meeting (`firebreak pir schedule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PirScheduleInput {
    pub incident: String,
    /// The meeting start, RFC 3339.
    pub at: String,
    #[serde(default)]
    pub attendees: Vec<String>,
}

/// A slot for the meeting and the window it should fall in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MeetingProposal {
    /// The first free slot in business hours (none within the search horizon).
    pub proposed: Option<DateTime<Utc>>,
    /// The end of the reference's 48 hours (resolution, or now if unresolved, + 48 h).
    pub within: DateTime<Utc>,
    /// Minutes the agenda takes (its timeboxes summed).
    #[ts(type = "number")]
    pub length_minutes: i64,
    /// Set when the proposal (or nothing) lies after `within`.
    pub warning: Option<String>,
}

/// The meeting's agenda as rows for the exports: time (when scheduled), topic, timebox.
pub fn agenda_rows(meeting_at: Option<DateTime<Utc>>) -> Vec<(String, &'static str, i64)> {
    match meeting_at {
        Some(start) => crate::pir_io::agenda(start)
            .into_iter()
            .map(|(t, topic, mins)| (t.format("%H:%M").to_string(), topic, mins))
            .collect(),
        None => AGENDA.iter().map(|(topic, mins)| (String::new(), *topic, *mins)).collect(),
    }
}

/// "2025-10-06 10:00 UTC with Ann, Bo" or "not scheduled".
pub fn meeting_line(p: &PirView) -> String {
    match p.meeting_at {
        Some(at) if p.meeting_attendees.is_empty() => at.format("%Y-%m-%d %H:%M UTC").to_string(),
        Some(at) => format!("{} with {}", at.format("%Y-%m-%d %H:%M UTC"), p.meeting_attendees.join(", ")),
        None => "not scheduled".to_string(),
    }
}

/// The agenda's length.
pub fn meeting_length() -> Duration {
    instant::minutes(AGENDA.iter().map(|(_, m)| m).sum())
}

/// The warning for a slot after the window, if it is.
pub fn late_warning(slot: DateTime<Utc>, within: DateTime<Utc>) -> Option<String> {
    (slot > within).then(|| {
        format!(
            "the meeting at {} is after {} UTC: the reference asks for it within {MEETING_WITHIN_HOURS} hours of resolution",
            slot.format("%Y-%m-%d %H:%M UTC"),
            within.format("%Y-%m-%d %H:%M")
        )
    })
}

/// The first slot at or after `from` (on the half hour) whose whole agenda lies in the
/// calendar's working time and that overlaps none of `busy` (other meetings' starts).
pub fn first_free_slot(cal: &BusinessCalendar, from: DateTime<Utc>, busy: &[DateTime<Utc>]) -> Option<DateTime<Utc>> {
    let len = meeting_length();
    let step = Duration::minutes(SLOT_MINUTES);
    let start = from.duration_trunc(step).ok()?;
    let mut slot = if start < from { start.checked_add_signed(step)? } else { start };
    let last = from.checked_add_signed(Duration::days(SEARCH_DAYS))?;
    while slot <= last {
        let end = slot.checked_add_signed(len)?;
        let in_hours =
            cal.is_working_time(slot) && cal.is_working_time(instant::saturating_sub(end, Duration::seconds(1)));
        let free = busy.iter().all(|b| {
            let b_end = instant::saturating_add(*b, len);
            end <= *b || b_end <= slot
        });
        if in_hours && free {
            return Some(slot);
        }
        slot = slot.checked_add_signed(step)?;
    }
    None
}

fn within_of(inc: &Incident, now: DateTime<Utc>) -> DateTime<Utc> {
    let from = inc.milestones().resolved_at.unwrap_or(now);
    instant::saturating_add(from, Duration::hours(MEETING_WITHIN_HOURS))
}

impl Firebreak {
    /// Other incidents' scheduled meetings (the slots that are not free).
    fn busy_slots(&self, except: uuid::Uuid) -> Result<Vec<DateTime<Utc>>> {
        let mut out = Vec::new();
        for row in self.store.list()?.into_iter().filter(|r| r.id != except) {
            if let Some(at) = self.store.incident(row.id)?.and_then(|i| i.review.meeting_at.value) {
                out.push(at);
            }
        }
        Ok(out)
    }

    /// Proposes the first free business-hours slot from now, inside the reference's 48
    /// hours where there is one.
    pub fn pir_meeting_proposal(&self, key: &str) -> Result<MeetingProposal> {
        let inc = self.find(key)?;
        let now = self.now();
        let cal = self.policy()?.calendar;
        let within = within_of(&inc, now);
        let proposed = first_free_slot(&cal, now, &self.busy_slots(inc.id)?);
        let warning = match proposed {
            Some(slot) => late_warning(slot, within),
            None => Some(format!("no free slot in business hours in the next {SEARCH_DAYS} days")),
        };
        Ok(MeetingProposal { proposed, within, length_minutes: meeting_length().num_minutes(), warning })
    }

    /// Schedules the review meeting at `input.at` with its attendees: one op and a note on
    /// the timeline, written together. Refused: a time that is not RFC 3339 or is in the
    /// past, empty, repeated or too many attendees.
    pub fn pir_schedule(&mut self, input: &PirScheduleInput) -> Result<PirView> {
        let inc = self.find(&input.incident)?;
        let now = self.now();
        let at = DateTime::parse_from_rfc3339(input.at.trim())
            .map_err(|e| ApiError::invalid(format!("--at {:?} is not an RFC 3339 time ({e})", input.at)))?
            .with_timezone(&Utc);
        if at < instant::saturating_sub(now, Duration::minutes(5)) {
            return Err(ApiError::invalid(format!(
                "--at {} is in the past; a meeting is scheduled ahead",
                at.format("%Y-%m-%d %H:%M UTC")
            )));
        }
        firebreak_core::validate::check_instant("at", at)
            .and_then(|_| firebreak_core::validate::check_instant("at", instant::saturating_add(at, meeting_length())))
            .map_err(|e| ApiError::invalid(format!("--at {}: {}", input.at.trim(), e.why)))?;
        let mut attendees: Vec<String> = Vec::new();
        for name in input.attendees.iter().map(|n| n.trim()) {
            if name.is_empty() {
                return Err(ApiError::invalid("an --attendee name must not be empty"));
            }
            if name.chars().count() > MAX_ATTENDEE_CHARS || name.chars().any(char::is_control) {
                return Err(ApiError::invalid(format!(
                    "the attendee {name:?} is not a name (one line, at most {MAX_ATTENDEE_CHARS} characters)"
                )));
            }
            if attendees.iter().any(|a| a == name) {
                return Err(ApiError::invalid(format!("the attendee {name:?} is listed twice")));
            }
            attendees.push(name.to_string());
        }
        if attendees.len() > MAX_ATTENDEES {
            return Err(ApiError::invalid(format!(
                "{} attendees; a meeting invites at most {MAX_ATTENDEES}",
                attendees.len()
            )));
        }
        let who = if attendees.is_empty() { String::new() } else { format!(" with {}", attendees.join(", ")) };
        let mut text = format!("PIR meeting scheduled for {}{who}", at.format("%Y-%m-%d %H:%M UTC"));
        if let Some(w) = late_warning(at, within_of(&inc, now)) {
            text.push_str(&format!(" ({w})"));
        }
        let ops = vec![
            (inc.id, OpPayload::ScheduleReview { at: Some(at), attendees }),
            (inc.id, OpPayload::AddEntry { kind: EntryKind::Note, at: now, text, decision: None }),
        ];
        let author = self.author()?;
        self.store.commit_all(now, &author, ops)?;
        self.pir(&inc.id.to_string())
    }

    /// The reminders due before review meetings: each once, `lead` minutes ahead.
    pub(crate) fn meeting_reminders(
        &self,
        incidents: &[(crate::dto::IncidentSummary, Option<DateTime<Utc>>)],
        now: DateTime<Utc>,
        lead: Duration,
        sent: &dyn Fn(&str) -> bool,
    ) -> (Vec<(Notification, String)>, Option<DateTime<Utc>>) {
        let mut due = Vec::new();
        let mut next: Option<DateTime<Utc>> = None;
        for (inc, at) in incidents {
            let Some(at) = *at else { continue };
            if now >= at {
                continue;
            }
            let remind = instant::saturating_sub(at, lead);
            let key = format!("notified:{}:meeting:{}", inc.id, at.timestamp());
            if now < remind {
                next = Some(next.map_or(remind, |n| n.min(remind)));
            } else if !sent(&key) {
                let drill = if inc.drill { "[DRILL] " } else { "" };
                let note = Notification {
                    title: format!("{drill}{} review meeting in {} min", inc.human_id, (at - now).num_minutes().max(0)),
                    body: format!("{} — post-incident review at {} UTC.", inc.title, at.format("%H:%M")),
                    incident: inc.id.clone(),
                    stage: Stage::MeetingSoon,
                };
                due.push((note, key));
            }
        }
        (due, next)
    }
}
