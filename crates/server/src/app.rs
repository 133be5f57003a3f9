//! The HTTP surface: [`app`] builds the router (tested with `tower::ServiceExt::oneshot`
//! and served by `main.rs`). Routes and bodies are described in `firebreak_sync::wire`.
use crate::auth::Principal;
use crate::error::AppError;
use crate::storage::{Page, PushedOp, Storage};
use crate::wake::{Busy, PollLimits, Waiters};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use firebreak_core::ids::OpId;
use firebreak_core::op::OpPayload;
use firebreak_core::validate::{receive, Received};
use firebreak_sync::wire::{
    parse_wait, AckStatus, OpAck, OpBody, PullResponse, PushRequest, PushResponse, SeqOp, TeamInfo, MAX_BODY_BYTES,
    MAX_PULL_LIMIT, MAX_PULL_PAGE_BYTES, MAX_PUSH_OPS, MAX_WAIT,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// A held pull is woken by a notification when its team's sequence moves (a push
/// through this instance, or PostgreSQL NOTIFY from another). This slow re-read only
/// covers a notification lost while the cross-instance listener reconnects.
const SAFETY_RECHECK: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct AppState {
    storage: Arc<Storage>,
    waiters: Arc<Waiters>,
    shutdown: watch::Receiver<bool>,
    /// Pages pulls have read from storage (see [`AppState::page_reads`]).
    page_reads: Arc<AtomicU64>,
}

impl AppState {
    /// `shutdown` turning true releases held pulls so the server can stop promptly.
    /// Must be called inside a tokio runtime: on PostgreSQL it starts the listener that
    /// wakes this instance's held pulls for pushes through other instances.
    pub fn new(storage: Arc<Storage>, shutdown: watch::Receiver<bool>) -> Self {
        Self::with_limits(storage, shutdown, PollLimits::default())
    }

    /// [`Self::new`] with other caps on held pulls.
    pub fn with_limits(storage: Arc<Storage>, shutdown: watch::Receiver<bool>, limits: PollLimits) -> Self {
        let waiters = Arc::new(Waiters::new(limits));
        storage.listen(Arc::downgrade(&waiters));
        AppState { storage, waiters, shutdown, page_reads: Arc::default() }
    }

    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// Held pulls on this instance (for tests).
    pub fn waiters(&self) -> &Waiters {
        &self.waiters
    }

    /// Pages read from storage by pulls so far: one per plain pull, and for a held one
    /// one when it starts and one per wake-up (a thousand waiting laptops make this the
    /// server's busiest query; tests count it).
    pub fn page_reads(&self) -> u64 {
        self.page_reads.load(Ordering::Relaxed)
    }

    /// The team's sequence moved: wake its held pulls here and on other instances. A
    /// failed NOTIFY is logged, not returned: the ops are stored, and other instances'
    /// safety re-check finds them.
    async fn announce(&self, team_id: i64) {
        self.waiters.wake(Some(team_id));
        if let Err(e) = self.storage.announce(team_id).await {
            tracing::warn!(error = %e, team_id, "could not notify other server instances of a push");
        }
    }
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1/teams/{team}", get(team_info))
        .route("/v1/teams/{team}/ops", get(pull).post(push))
        .fallback(|| async { AppError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// One structured line per request: method, path (never headers, so never the token),
/// status and duration.
async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    tracing::info!(
        %method,
        path,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// The member behind the bearer token, checked against the `{team}` in the path:
/// no or unknown token → 401, another team's token → 403.
pub struct Member(pub Principal);

impl FromRequestParts<AppState> for Member {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let header =
            parts.headers.get(AUTHORIZATION).ok_or(AppError::MissingToken)?.to_str().map_err(|_| AppError::BadToken)?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::MissingToken)?;
        let principal = state.storage.authenticate(token).await?.ok_or(AppError::BadToken)?;
        let Path(team) = Path::<String>::from_request_parts(parts, state).await.map_err(|_| AppError::NotFound)?;
        if team != principal.team {
            return Err(AppError::WrongTeam(team));
        }
        Ok(Member(principal))
    }
}

async fn team_info(State(state): State<AppState>, Member(m): Member) -> Result<Json<TeamInfo>, AppError> {
    Ok(Json(TeamInfo {
        epoch: state.storage.epoch().await?,
        max_seq: state.storage.max_seq(m.team_id).await?,
        team: m.team,
        member: m.person,
    }))
}

async fn push(
    State(state): State<AppState>,
    Member(m): Member,
    body: Result<Json<PushRequest<OpBody>>, JsonRejection>,
) -> Result<Json<PushResponse>, AppError> {
    let Json(req) = body.map_err(|r| {
        if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("a push body may be at most {MAX_BODY_BYTES} bytes"))
        } else {
            AppError::Invalid(r.body_text())
        }
    })?;
    if req.ops.len() > MAX_PUSH_OPS {
        return Err(AppError::TooLarge(format!("a push may carry at most {MAX_PUSH_OPS} ops, got {}", req.ops.len())));
    }
    // Each op is admitted or refused on its own (acknowledged as `rejected` with the
    // reason, not stored), so one bad op never blocks the rest of the batch.
    // The server's request clock: an edge, it bounds how far ahead an op may be stamped.
    #[allow(clippy::disallowed_methods)]
    let now = chrono::Utc::now();
    let mut admitted = Vec::with_capacity(req.ops.len());
    let mut verdicts = Vec::with_capacity(req.ops.len());
    for (i, raw) in req.ops.iter().enumerate() {
        match admit(raw.get(), &m.person, now) {
            Ok(op) => {
                verdicts.push((op.id, None));
                admitted.push(op);
            }
            Err(Refusal::Op(id, reason)) => verdicts.push((id, Some(reason))),
            Err(Refusal::NotAnOp(why)) => {
                return Err(AppError::Invalid(format!("op {} of the push is not an op: {why}", i + 1)));
            }
        }
    }
    let outcome = state.storage.push(m.team_id, admitted).await?;
    let stored = outcome.acks.iter().filter(|a| a.status == AckStatus::Stored).count();
    let conflicts = outcome.acks.iter().filter(|a| a.status == AckStatus::Conflict).count();
    if conflicts > 0 {
        tracing::warn!(team = %m.team, person = %m.person, conflicts, "ops pushed under ids that hold other content; kept in the conflicts table");
    }
    let refused_count = verdicts.iter().filter(|v| v.1.is_some()).count()
        + outcome.acks.iter().filter(|a| a.status == AckStatus::Rejected).count();
    if refused_count > 0 {
        tracing::warn!(team = %m.team, person = %m.person, refused = refused_count, "ops refused (author or validity)");
    }
    if stored > 0 {
        state.announce(m.team_id).await;
    }
    tracing::debug!(team = %m.team, stored, max_seq = outcome.max_seq, "push");
    // One ack per pushed op, in request order.
    let mut stored_acks = outcome.acks.into_iter();
    let acks = verdicts
        .into_iter()
        .map(|(op_id, refused)| match refused {
            Some(reason) => Ok(OpAck { op_id, seq: 0, status: AckStatus::Rejected, reason: Some(reason) }),
            None => stored_acks.next().ok_or_else(|| AppError::Internal("storage returned too few acks".into())),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(PushResponse { epoch: state.storage.epoch().await?, acks, max_seq: outcome.max_seq }))
}

/// Why a pushed op is not stored.
enum Refusal {
    /// An op (it names its id) that is refused, with the reason.
    Op(OpId, String),
    /// Not even an op envelope: the push itself is malformed.
    NotAnOp(String),
}

/// Admits one pushed op: its author must be the token's member, and it must be valid
/// by `firebreak_core::validate` as of the server's clock. An op type this server does
/// not know (from a newer Firebreak) is admitted on its envelope alone and relayed.
fn admit(body: &str, member: &str, now: chrono::DateTime<chrono::Utc>) -> Result<PushedOp, Refusal> {
    let not_member = |author: &str| format!("authored by {author:?}, but the token belongs to {member:?}");
    match receive(body, now) {
        Received::Valid(op) if op.author != member => Err(Refusal::Op(op.op_id, not_member(&op.author))),
        Received::Valid(op) => Ok(PushedOp {
            id: op.op_id,
            body: body.to_string(),
            declares: matches!(op.payload, OpPayload::Declare(_)).then(|| op.target.to_string()),
        }),
        Received::Newer { envelope, .. } if envelope.author != member => {
            Err(Refusal::Op(envelope.op_id, not_member(&envelope.author)))
        }
        Received::Newer { envelope, .. } => Ok(PushedOp { id: envelope.op_id, body: body.to_string(), declares: None }),
        Received::Invalid { envelope: Some(e), .. } if e.author != member => {
            Err(Refusal::Op(e.op_id, not_member(&e.author)))
        }
        Received::Invalid { envelope: Some(e), reason, .. } => {
            Err(Refusal::Op(e.op_id, format!("not a valid op: {reason}")))
        }
        Received::Invalid { envelope: None, reason, .. } => Err(Refusal::NotAnOp(reason.why)),
    }
}

#[derive(Debug, Deserialize)]
struct PullQuery {
    after: Option<i64>,
    limit: Option<u32>,
    wait: Option<String>,
}

async fn pull(
    State(state): State<AppState>,
    Member(m): Member,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullResponse<Box<RawValue>>>, AppError> {
    let Query(q) = query.map_err(|r| AppError::Invalid(r.body_text()))?;
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(AppError::Invalid(format!("after must be 0 or more, got {after}")));
    }
    let limit = q.limit.unwrap_or(1_000).clamp(1, MAX_PULL_LIMIT);
    let wait = match q.wait.as_deref() {
        None => Duration::ZERO,
        Some(w) => parse_wait(w)
            .ok_or_else(|| AppError::Invalid(format!("wait {w:?} must look like 25s or 500ms")))?
            .min(MAX_WAIT),
    };
    let deadline = Instant::now() + wait;
    let read = || {
        state.page_reads.fetch_add(1, Ordering::Relaxed);
        state.storage.pull(m.team_id, after, limit, MAX_PULL_PAGE_BYTES)
    };
    // News, or a cursor past the team's newest (a restored server): answered at once.
    let answer_now = |page: &Page| !page.ops.is_empty() || page.max_seq < after;
    let page = if wait.is_zero() {
        read().await?
    } else {
        // A slot first, listening before the read: a push between the read and the wait
        // still wakes it, and the page is read once per wake-up, not once more up front.
        match state.waiters.hold(m.team_id, &m.person) {
            Err(busy) => {
                let page = read().await?;
                if !answer_now(&page) {
                    tracing::info!(team = %m.team, person = %m.person, ?busy, "held pull refused: too many");
                    return Err(AppError::TooManyPolls(match busy {
                        Busy::Member(n) => format!("{} already has {n} pulls waiting; try again later", m.person),
                        Busy::Team(n) => format!("team {} already has {n} pulls waiting; try again later", m.team),
                    }));
                }
                page
            }
            Ok(held) => {
                let mut shutdown = state.shutdown.clone();
                loop {
                    let notified = held.notify().notified();
                    tokio::pin!(notified);
                    notified.as_mut().enable();
                    let page = read().await?;
                    let now = Instant::now();
                    if answer_now(&page) || now >= deadline || *shutdown.borrow() {
                        break page;
                    }
                    tokio::select! {
                        _ = &mut notified => {}
                        _ = tokio::time::sleep(SAFETY_RECHECK.min(deadline - now)) => {}
                        _ = shutdown.changed() => {}
                    }
                }
            }
        }
    };
    let ops = page
        .ops
        .into_iter()
        .map(|(seq, body)| {
            RawValue::from_string(body)
                .map(|op| SeqOp { seq, op })
                .map_err(|e| AppError::Internal(format!("stored op {seq} is not JSON: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(PullResponse { epoch: page.epoch, ops, max_seq: page.max_seq, more: page.more }))
}
