//! `firebreak pir schedule ID --at RFC3339 [--attendee NAME]...` and `firebreak pir slot ID`:
//! the review meeting — schedule it (warned when later than the reference's 48 hours), or
//! see the first free slot in the policy calendar's business hours.
use crate::erased::Ser;
use clap::Args;
use firebreak_api::meeting::PirScheduleInput;
use firebreak_api::{ApiError, Firebreak};
use serde_json::Value;

type Out<'a> = &'a dyn Fn(Value, String) -> Value;

#[derive(Args)]
pub struct ScheduleArgs {
    id: String,
    /// The meeting start, RFC 3339 (see `firebreak pir slot` for a free one).
    #[arg(long)]
    at: String,
    /// Someone to invite (repeat for more).
    #[arg(long = "attendee", value_name = "NAME")]
    attendees: Vec<String>,
}

pub fn schedule(fb: &mut Firebreak, a: ScheduleArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let input = PirScheduleInput { incident: a.id, at: a.at, attendees: a.attendees };
    let p = fb.pir_schedule(&input)?;
    let proposal = fb.pir_meeting_proposal(&p.incident.id)?;
    let mut text = format!("review meeting of {}: {}", p.incident.human_id, firebreak_api::meeting::meeting_line(&p));
    if let Some(w) = p.meeting_at.and_then(|at| firebreak_api::meeting::late_warning(at, proposal.within)) {
        text.push_str(&format!("\nwarning: {w}"));
    }
    Ok(out(Ser::to_json(&p), text))
}

pub fn slot(fb: &Firebreak, id: &str, out: Out<'_>) -> Result<Value, ApiError> {
    let p = fb.pir_meeting_proposal(id)?;
    let mut text = match p.proposed {
        Some(at) => format!(
            "first free slot: {} ({} min; within the 48 hours until {})",
            at.to_rfc3339(),
            p.length_minutes,
            p.within.format("%Y-%m-%d %H:%M UTC")
        ),
        None => "no free slot found".to_string(),
    };
    if let Some(w) = &p.warning {
        text.push_str(&format!("\nwarning: {w}"));
    }
    Ok(out(Ser::to_json(&p), text))
}
