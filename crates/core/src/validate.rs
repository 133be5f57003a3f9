//! One definition of a valid op, used wherever an op enters a replica or the server: a
//! local command, an import, the server's push and the client's pull. Every op comes
//! from someone's machine, version and clock, so it is input, not truth.
//!
//! [`receive`] sorts a received op body into one of three outcomes:
//! - [`Received::Valid`]: an op of a kind and format this build knows, with every value
//!   in range: apply it.
//! - [`Received::Newer`]: a sound envelope whose payload this build does not understand
//!   (a newer Firebreak's op type or format version): keep it, apply it after an upgrade.
//! - [`Received::Invalid`]: anything else: quarantine it with the reason.
//!
//! The compatibility rule (also in ARCHITECTURE.md): a payload type may gain fields only
//! with defaults, so older readers still apply it; anything older readers must not
//! apply gets a new payload type or a higher [`OP_FORMAT`]. Readers apply ops whose type
//! they know and whose format is at most theirs, and hold the rest.
use crate::hlc::Hlc;
use crate::ids::{IncidentId, OpId, ReplicaId};
use crate::op::{Op, OpPayload};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use std::fmt;

/// The op format this build writes and understands.
pub const OP_FORMAT: u16 = 1;
/// Largest op body (JSON bytes) anyone accepts.
pub const MAX_OP_BYTES: usize = 256 * 1024;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest name-like field (author, owner, role, service, level, checklist, item).
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free text (notes, summaries, review sections, handoff notes, status updates).
pub const MAX_TEXT_CHARS: usize = 64 * 1024;
/// Most entries in a list field (services, parents of a review revision).
pub const MAX_LIST_LEN: usize = 200;
/// Longest human id (`INC-7KQ2M-14`, or an imported review's own id).
pub const MAX_HUMAN_ID_CHARS: usize = 64;
/// How far a stamp may be ahead of the receiver's clock: two laptops each up to a day
/// off, plus an hour. Ops further ahead are held until the receiver's clock catches up
/// (a laptop) or refused (the server).
pub const MAX_STAMP_AHEAD: TimeDelta = TimeDelta::hours(49);

/// The earliest instant any op may carry (stamps and event times).
pub fn earliest_instant() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

/// The latest event time any op may carry: far enough for any real schedule, early
/// enough that adding any policy duration (years) can never overflow.
pub fn latest_instant() -> DateTime<Utc> {
    // 2200-01-01T00:00:00Z
    DateTime::<Utc>::from_timestamp(7_258_118_400, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Why an op was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The field at fault (`hlc`, `payload.title`, …) or `op` for the whole body.
    pub field: String,
    pub why: String,
    /// True when the op may become valid later without anyone changing it: its stamp
    /// is ahead of this clock, which will catch up.
    pub retry_later: bool,
}

impl Invalid {
    fn new(field: impl Into<String>, why: impl Into<String>) -> Self {
        Invalid { field: field.into(), why: why.into(), retry_later: false }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.why)
    }
}

impl std::error::Error for Invalid {}

/// The parts of an op every version shares, read without understanding the payload.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Envelope {
    pub op_id: OpId,
    pub replica: ReplicaId,
    pub hlc: Hlc,
    pub author: String,
    pub target: IncidentId,
    #[serde(default = "format_one")]
    pub v: u16,
    pub payload: PayloadHead,
}

/// The payload's type tag (the rest is not read here).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PayloadHead {
    #[serde(rename = "type")]
    pub kind: String,
}

fn format_one() -> u16 {
    1
}

/// What a received op body is.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    Valid(Box<Op>),
    /// From a newer Firebreak: sound envelope, payload not understood here.
    Newer {
        envelope: Envelope,
        why: String,
    },
    /// Not acceptable. `envelope` is there when the body was at least an op envelope.
    Invalid {
        envelope: Option<Envelope>,
        kind: String,
        reason: Invalid,
    },
}

impl Received {
    pub fn op_id(&self) -> Option<OpId> {
        match self {
            Received::Valid(op) => Some(op.op_id),
            Received::Newer { envelope, .. } => Some(envelope.op_id),
            Received::Invalid { envelope, .. } => envelope.as_ref().map(|e| e.op_id),
        }
    }
}

/// Sorts a received op body (JSON) as of the receiver's clock `now`.
pub fn receive(body: &str, now: DateTime<Utc>) -> Received {
    if body.len() > MAX_OP_BYTES {
        // Still named by its envelope when it has one, so it can be refused on its own.
        let envelope: Option<Envelope> = serde_json::from_str(body).ok();
        let kind = envelope.as_ref().map(|e| e.payload.kind.clone()).unwrap_or_default();
        let reason = Invalid::new("op", format!("is {} bytes; at most {MAX_OP_BYTES} are accepted", body.len()));
        return Received::Invalid { envelope, kind, reason };
    }
    let envelope: Envelope = match serde_json::from_str(body) {
        Ok(e) => e,
        Err(e) => {
            let reason = Invalid::new("op", format!("is not an op envelope: {e}"));
            return Received::Invalid { envelope: None, kind: String::new(), reason };
        }
    };
    let kind = envelope.payload.kind.clone();
    if let Err(reason) = check_envelope(&envelope, now) {
        return Received::Invalid { envelope: Some(envelope), kind, reason };
    }
    if envelope.v > OP_FORMAT {
        let why = format!("op format {} is newer than this build's {OP_FORMAT}", envelope.v);
        return Received::Newer { envelope, why };
    }
    if !OpPayload::KINDS.contains(&kind.as_str()) {
        let why = format!("op type {kind:?} is not known to this build");
        return Received::Newer { envelope, why };
    }
    let op: Op = match serde_json::from_str(body) {
        Ok(op) => op,
        Err(e) => {
            let reason = Invalid::new("payload", format!("is not a valid {kind}: {e}"));
            return Received::Invalid { envelope: Some(envelope), kind, reason };
        }
    };
    match validate(&op, now) {
        Ok(()) => Received::Valid(Box::new(op)),
        Err(reason) => Received::Invalid { envelope: Some(envelope), kind, reason },
    }
}

/// Checks what every version can check: the author, the stamp and the format number.
pub fn check_envelope(e: &Envelope, now: DateTime<Utc>) -> Result<(), Invalid> {
    check_name("author", &e.author, false)?;
    check_stamp(e.hlc, now)?;
    if e.v == 0 {
        return Err(Invalid::new("v", "op format 0 does not exist"));
    }
    if e.payload.kind.is_empty() || e.payload.kind.len() > 64 || !e.payload.kind.bytes().all(is_kind_byte) {
        return Err(Invalid::new("payload.type", format!("{:?} is not an op type name", clip(&e.payload.kind))));
    }
    Ok(())
}

fn is_kind_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
}

/// Checks every value of an op this build understands, as of the receiver's clock.
/// Whether a `declare` names a new incident needs the receiver's state and is checked
/// where that is known (the store and the server).
pub fn validate(op: &Op, now: DateTime<Utc>) -> Result<(), Invalid> {
    check_name("author", &op.author, false)?;
    check_stamp(op.hlc, now)?;
    if op.v == 0 || op.v > OP_FORMAT {
        return Err(Invalid::new("v", format!("op format {} is not one this build writes", op.v)));
    }
    check_payload(&op.payload)
}

fn check_stamp(hlc: Hlc, now: DateTime<Utc>) -> Result<(), Invalid> {
    let earliest = earliest_instant().timestamp_millis() as u64;
    if hlc.wall_ms < earliest {
        return Err(Invalid::new("hlc", "is before 1970"));
    }
    let limit = now.checked_add_signed(MAX_STAMP_AHEAD).unwrap_or(DateTime::<Utc>::MAX_UTC);
    let limit_ms = u64::try_from(limit.timestamp_millis()).unwrap_or(0);
    if hlc.wall_ms > limit_ms {
        let ahead_h = (hlc.wall_ms - limit_ms) / 3_600_000 + MAX_STAMP_AHEAD.num_hours() as u64;
        return Err(Invalid {
            field: "hlc".into(),
            why: format!(
                "is stamped about {ahead_h} h ahead of this clock; at most {} h are accepted",
                MAX_STAMP_AHEAD.num_hours()
            ),
            retry_later: true,
        });
    }
    Ok(())
}

fn check_payload(p: &OpPayload) -> Result<(), Invalid> {
    match p {
        OpPayload::Declare(d) => {
            check_human_id(&d.human_id)?;
            check_title("payload.title", &d.title)?;
            check_text("payload.summary", &d.summary)?;
            check_level("payload.severity", &d.severity)?;
            check_names("payload.services", &d.services)?;
            check_instant("payload.detected_at", d.detected_at)?;
            if let Some(s) = &d.suggested {
                check_level("payload.suggested.level", &s.level)?;
                check_text("payload.suggested.reason", &s.reason)?;
            }
            Ok(())
        }
        OpPayload::SetStatus { at, .. } => check_instant("payload.at", *at),
        OpPayload::SetSeverity { from, to, at } => {
            check_level("payload.from", from)?;
            check_level("payload.to", to)?;
            check_instant("payload.at", *at)
        }
        OpPayload::AddEntry { kind, at, text, decision } => {
            if !kind.in_add_entry() {
                return Err(Invalid::new(
                    "payload.kind",
                    format!("{kind} entries are written by the customer_update op, not add_entry"),
                ));
            }
            check_instant("payload.at", *at)?;
            check_text("payload.text", text)?;
            if let Some(d) = decision {
                check_name("payload.decision.decided_by", &d.decided_by, true)?;
                check_text("payload.decision.objections", &d.objections)?;
            }
            Ok(())
        }
        OpPayload::ReviseEntry { text, .. } => check_text("payload.text", text),
        OpPayload::EditIncident { title, summary, services, impact_started_at, detected_at } => {
            if let Some(t) = title {
                check_title("payload.title", t)?;
            }
            if let Some(s) = summary {
                check_text("payload.summary", s)?;
            }
            if let Some(s) = services {
                check_names("payload.services", s)?;
            }
            if let Some(at) = impact_started_at {
                check_instant("payload.impact_started_at", *at)?;
            }
            if let Some(at) = detected_at {
                check_instant("payload.detected_at", *at)?;
            }
            Ok(())
        }
        OpPayload::AssignRole { role, from, to, at } => {
            check_name("payload.role", role, false)?;
            check_name("payload.from", from, true)?;
            check_name("payload.to", to, true)?;
            check_instant("payload.at", *at)
        }
        OpPayload::PinEntry { .. } => Ok(()),
        OpPayload::AddTask { owner, text, check_back_at, at } => {
            check_name("payload.owner", owner, true)?;
            check_text("payload.text", text)?;
            check_instant("payload.check_back_at", *check_back_at)?;
            check_instant("payload.at", *at)
        }
        OpPayload::CompleteTask { text, at, .. } => {
            check_text("payload.text", text)?;
            check_instant("payload.at", *at)
        }
        OpPayload::CheckItem { list, item, at, .. } => {
            check_name("payload.list", list, false)?;
            check_name("payload.item", item, false)?;
            check_instant("payload.at", *at)
        }
        OpPayload::Handoff { from, to, note, at } => {
            check_name("payload.from", from, true)?;
            check_name("payload.to", to, true)?;
            check_text("payload.note", note)?;
            check_instant("payload.at", *at)
        }
        OpPayload::SetReviewState { at, .. } => check_instant("payload.at", *at),
        OpPayload::EditReviewText { field, text, parents } => {
            check_name("payload.field", field, false)?;
            check_text("payload.text", text)?;
            check_len("payload.parents", parents.len())
        }
        OpPayload::SetActionItem { item, .. } => {
            check_name("payload.item.id", &item.id, true)?;
            check_text("payload.item.action", &item.action)?;
            check_name("payload.item.owner", &item.owner, true)?;
            check_name("payload.item.priority", &item.priority, true)?;
            check_name("payload.item.status", &item.status, true)?;
            check_text("payload.item.link", &item.link)?;
            if let Some(due) = item.due {
                let at = due.and_hms_opt(0, 0, 0).map(|d| d.and_utc()).unwrap_or(DateTime::<Utc>::MAX_UTC);
                check_instant("payload.item.due", at)?;
            }
            Ok(())
        }
        OpPayload::CustomerUpdate { at, text, .. } => {
            check_instant("payload.at", *at)?;
            check_text("payload.text", text)
        }
        OpPayload::ScheduleReview { at, attendees } => {
            if let Some(at) = at {
                check_instant("payload.at", *at)?;
            }
            if attendees.len() > MAX_ATTENDEES {
                return Err(Invalid::new(
                    "payload.attendees",
                    format!("{} attendees; at most {MAX_ATTENDEES}", attendees.len()),
                ));
            }
            for name in attendees {
                check_name("payload.attendees", name, false)?;
            }
            Ok(())
        }
    }
}

/// Most people one review meeting invites.
pub const MAX_ATTENDEES: usize = 100;

/// An event time: between 1970 and 2200.
pub fn check_instant(field: &str, at: DateTime<Utc>) -> Result<(), Invalid> {
    if at < earliest_instant() || at >= latest_instant() {
        return Err(Invalid::new(field, format!("{} is outside 1970–2199", at.format("%Y-%m-%d"))));
    }
    Ok(())
}

/// A human id: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit,
/// no `..`, at most [`MAX_HUMAN_ID_CHARS`]. Safe as a file name and readable aloud.
pub fn check_human_id(id: &str) -> Result<(), Invalid> {
    let field = "payload.human_id";
    if id.is_empty() || id.len() > MAX_HUMAN_ID_CHARS {
        return Err(Invalid::new(field, format!("must be 1–{MAX_HUMAN_ID_CHARS} characters, got {}", id.len())));
    }
    let ok_chars = id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    let starts_ok = id.as_bytes().first().is_some_and(|b| b.is_ascii_alphanumeric());
    if !ok_chars || !starts_ok || id.contains("..") {
        return Err(Invalid::new(
            field,
            format!("{:?} may hold only letters, digits, '-', '_' and '.', start with a letter or digit, and not contain '..'", clip(id)),
        ));
    }
    Ok(())
}

fn check_title(field: &str, s: &str) -> Result<(), Invalid> {
    check_chars(field, s, MAX_TITLE_CHARS, false)
}

fn check_text(field: &str, s: &str) -> Result<(), Invalid> {
    check_chars(field, s, MAX_TEXT_CHARS, true)
}

fn check_name(field: &str, s: &str, may_be_empty: bool) -> Result<(), Invalid> {
    if !may_be_empty && s.trim().is_empty() {
        return Err(Invalid::new(field, "is empty"));
    }
    check_chars(field, s, MAX_NAME_CHARS, false)
}

/// A severity level's name (`SEV1`, `P2`): short, one line.
fn check_level(field: &str, s: &str) -> Result<(), Invalid> {
    if s.trim().is_empty() {
        return Err(Invalid::new(field, "is empty"));
    }
    check_chars(field, s, 32, false)
}

fn check_names(field: &str, names: &[String]) -> Result<(), Invalid> {
    check_len(field, names.len())?;
    names.iter().try_for_each(|n| check_name(field, n, false))
}

fn check_len(field: &str, len: usize) -> Result<(), Invalid> {
    if len > MAX_LIST_LEN {
        return Err(Invalid::new(field, format!("has {len} entries; at most {MAX_LIST_LEN} are accepted")));
    }
    Ok(())
}

/// At most `max` characters; no control characters but line breaks and tabs where
/// `multiline`.
fn check_chars(field: &str, s: &str, max: usize, multiline: bool) -> Result<(), Invalid> {
    let count = s.chars().count();
    if count > max {
        return Err(Invalid::new(field, format!("is {count} characters; at most {max} are accepted")));
    }
    let bad = s.chars().find(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')));
    if let Some(c) = bad {
        return Err(Invalid::new(field, format!("contains the control character U+{:04X}", c as u32)));
    }
    Ok(())
}

/// A short prefix of untrusted text for a message.
fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests;
