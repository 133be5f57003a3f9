//! The HTTP protocol between the client and `firebreak-server`, as types both sides
//! compile against. Routes (all but `/health` need `Authorization: Bearer TOKEN`, and the
//! token's team must be the `{team}` in the path):
//!
//! - `GET  /health` → `{"status":"ok"}`
//! - `GET  /v1/teams/{team}` → [`TeamInfo`]
//! - `POST /v1/teams/{team}/ops` with [`PushRequest`] → [`PushResponse`]
//! - `GET  /v1/teams/{team}/ops?after=N&limit=M&wait=25s` → [`PullResponse`]; with
//!   `wait`, the server holds the request until something newer than `after` exists
//!   (or answers 429 [`TOO_MANY_POLLS`] at once when too many are held already).
//!
//! Errors are `{code, message}` ([`ErrorBody`]) with a fitting HTTP status.
use firebreak_core::ids::OpId;
use firebreak_core::op::Op;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Most ops one push may carry.
pub const MAX_PUSH_OPS: usize = 1_000;
/// Largest request body the server reads.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Largest page a pull returns, whatever `limit` asks.
pub const MAX_PULL_LIMIT: u32 = 5_000;
/// Largest page a pull returns in bytes of op JSON: a page stops before it would pass
/// this (it always carries at least one op, however large).
pub const MAX_PULL_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// Longest a long-poll is held.
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// The error code of a pull that asked to wait while its member or team already holds
/// as many waiting pulls as the server allows (HTTP 429). Not a failure: the client
/// waits [`POLL_RETRY_AFTER`] (also sent as `Retry-After`) and pulls without waiting.
pub const TOO_MANY_POLLS: &str = "too_many_polls";
/// How long a client refused a waiting pull should wait before asking again.
pub const POLL_RETRY_AFTER: Duration = Duration::from_secs(5);

pub fn team_path(team: &str) -> String {
    format!("/v1/teams/{team}")
}

pub fn ops_path(team: &str) -> String {
    format!("/v1/teams/{team}/ops")
}

/// An op as sent over the wire, kept as its JSON text: the receiver validates it
/// (`firebreak_core::validate::receive`) instead of trusting that it parses.
pub type OpBody = Box<serde_json::value::RawValue>;

/// Clients push ops they made (`O = Op`); the server reads them as [`OpBody`] so an op
/// type it does not know is relayed rather than refusing the push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest<O = Op> {
    pub ops: Vec<O>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    /// New to the server; stored under `seq`.
    Stored,
    /// Already stored with the same content (a retry); `seq` is where it is.
    Duplicate,
    /// The server already has a different op under this id. The pushed version is kept
    /// in the server's conflicts table for an admin; `seq` is the stored one's.
    Conflict,
    /// Refused and not stored (its author is not the token's member, or it is not a
    /// valid op); `seq` is 0 and `reason` says why. The other ops of the push are
    /// unaffected.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpAck {
    pub op_id: OpId,
    pub seq: i64,
    pub status: AckStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub epoch: String,
    /// One per pushed op, in request order.
    pub acks: Vec<OpAck>,
    pub max_seq: i64,
}

/// An op with the per-team sequence the server gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeqOp<O = OpBody> {
    pub seq: i64,
    pub op: O,
}

/// A page of ops after a cursor. The server fills `O` with the stored JSON as is; the
/// client reads it as [`OpBody`] and validates each op itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse<O = OpBody> {
    /// Random id made when the server's database was created.
    pub epoch: String,
    /// Ops with `seq > after`, ascending, at most `limit`.
    pub ops: Vec<SeqOp<O>>,
    /// The team's newest sequence when the page was read.
    pub max_seq: i64,
    /// True when more ops follow this page.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInfo {
    pub team: String,
    pub member: String,
    pub epoch: String,
    pub max_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// Parses a `wait` value: `25s`, `500ms`, or plain seconds (`25`).
pub fn parse_wait(s: &str) -> Option<Duration> {
    let s = s.trim();
    if let Some(ms) = s.strip_suffix("ms") {
        return ms.trim().parse().ok().map(Duration::from_millis);
    }
    let secs = s.strip_suffix('s').unwrap_or(s).trim();
    secs.parse::<u64>().ok().map(Duration::from_secs)
}

/// Formats a wait for the query string (`parse_wait` reads it back).
pub fn format_wait(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_parse_in_the_documented_forms() {
        assert_eq!(parse_wait("25s"), Some(Duration::from_secs(25)));
        assert_eq!(parse_wait("25"), Some(Duration::from_secs(25)));
        assert_eq!(parse_wait("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_wait(&format_wait(Duration::from_millis(1500))), Some(Duration::from_millis(1500)));
        assert_eq!(parse_wait("soon"), None);
        assert_eq!(parse_wait("-1s"), None);
    }

    #[test]
    fn ack_status_is_snake_case_on_the_wire() {
        let ack = OpAck { op_id: OpId(1), seq: 3, status: AckStatus::Duplicate, reason: None };
        let json = serde_json::to_string(&ack).unwrap();
        assert_eq!(json, r#"{"op_id":"00000000000000000000000000000001","seq":3,"status":"duplicate"}"#);
    }
}
