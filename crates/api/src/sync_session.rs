//! One sync session for both front ends. The CLI (`firebreak sync`, `remote set`,
//! `comms flush`) and the window (its background loops) used to build the sync client,
//! adopt the token's member, read the status and run the live loop each in their own
//! way, reaching past this crate into the store. Here is the one way: a front end
//! lends its [`Firebreak`] through a [`FirebreakHandle`] (one short step at a time, never
//! across a network wait) and supplies the clock; the store stays behind the api.
use crate::dto::SyncView;
use crate::{ApiError, ErrorCode, Firebreak, Result, SyncRemote};
use firebreak_core::clock::Clock;
use firebreak_store::Store;
use firebreak_sync::wire::TeamInfo;
use firebreak_sync::{HttpTransport, StoreHandle, SyncClient};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

pub use firebreak_sync::{
    DeliveryOptions, DeliveryReport, KnownSecrets, OutboundSecrets, Round, SyncError, SyncOptions, SyncReport,
};

/// Access to the front end's [`Firebreak`] for one short step at a time (the window
/// keeps it in a mutex in its state; the CLI owns it).
pub trait FirebreakHandle: Send + Sync {
    fn with_fb<R>(&self, f: impl FnOnce(&mut Firebreak) -> R) -> R;
}

impl FirebreakHandle for Mutex<&mut Firebreak> {
    fn with_fb<R>(&self, f: impl FnOnce(&mut Firebreak) -> R) -> R {
        f(&mut self.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// The sync crate's view of a [`FirebreakHandle`]: its store, lent for one step.
struct Lend<'a, H>(&'a H);

impl<H: FirebreakHandle> StoreHandle for Lend<'_, H> {
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        self.0.with_fb(|fb| f(fb.store_mut()))
    }
}

/// A sync failure with the code that says what happened: the server out of reach (or
/// answering nonsense, as a captive portal does) is `unavailable`, its HTTP refusals map by
/// status (401/403 `unauthorized`, 409 `conflict`, 5xx/429 `unavailable`), a local
/// database failure keeps the store's code, a missing or malformed remote is bad input.
pub fn sync_err(e: SyncError) -> ApiError {
    let message = format!("sync failed: {e}");
    let code = match e {
        SyncError::Network(_) | SyncError::Protocol(_) => ErrorCode::Unavailable,
        SyncError::Server { status, .. } => ErrorCode::for_http_status(status),
        SyncError::Store(s) => ApiError::from(s).code,
        SyncError::NoRemote | SyncError::InvalidRemote(_) => ErrorCode::InvalidInput,
    };
    ApiError::new(code, message)
}

/// Asks the server who a remote's token belongs to, before the remote is saved.
/// `Ok(None)`: the server is unreachable now (offline first: the token is checked at the
/// first sync). A refusal is an error saying the remote was not saved; a bad token is
/// `unauthorized`.
pub async fn check_token(remote: &SyncRemote) -> Result<Option<TeamInfo>> {
    firebreak_sync::check_remote(&remote.config()).await.map_err(|e| {
        let code = match &e {
            SyncError::Server { status, .. } => ErrorCode::for_http_status(*status),
            _ => ErrorCode::InvalidInput,
        };
        ApiError::new(code, format!("not saved: {e}"))
    })
}

/// The note shown when this laptop's changes are signed with the token's member from now on.
pub fn renamed_note(member: &str, before: &str) -> String {
    format!("your changes are now signed {member:?} (the token's member; was {before:?})")
}

/// Member adoption after it happened: the token's member and the name it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    pub member: String,
    pub before: String,
}

impl Renamed {
    pub fn note(&self) -> String {
        renamed_note(&self.member, &self.before)
    }
}

/// The sync client for one remote, with the clock the front end supplies.
pub struct SyncSession {
    remote: SyncRemote,
    client: SyncClient<HttpTransport>,
}

impl SyncSession {
    /// The session for `remote`. The window keeps backoff short (it wants "online" again
    /// within seconds of the network returning), see [`SyncSession::window_options`].
    pub fn new(
        remote: SyncRemote,
        clock: Arc<dyn Clock>,
        options: SyncOptions,
    ) -> std::result::Result<Self, SyncError> {
        let transport = HttpTransport::new(&remote.config())?;
        Ok(SyncSession { remote, client: SyncClient::new(transport, clock, options) })
    }

    /// The window's sync options: backoff capped at five seconds.
    pub fn window_options() -> SyncOptions {
        SyncOptions { backoff_max: Duration::from_secs(5), ..SyncOptions::default() }
    }

    /// A remote set while offline has no member yet: learn whose token it is before
    /// pushing, so what is made from now on carries the name the server accepts. An
    /// unreachable server is no error (tried again at the next session); a refusal is.
    /// A failure to record the name locally is an error of its own (`Ok(Err)`), so the
    /// caller decides whether sync goes on without it.
    pub async fn adopt_member(
        &self,
        h: &impl FirebreakHandle,
    ) -> std::result::Result<Result<Option<Renamed>>, SyncError> {
        if self.remote.member.is_some() {
            return Ok(Ok(None));
        }
        match self.client.transport().team_info().await {
            Ok(info) => Ok(h
                .with_fb(|fb| fb.adopt_member(&info.member))
                .map(|before| before.map(|before| Renamed { member: info.member.clone(), before }))),
            Err(e) if e.is_transient() => Ok(Ok(None)),
            Err(e) => Err(e),
        }
    }

    /// One round: push what waits, pull what is new.
    pub async fn once(&self, h: &impl FirebreakHandle) -> std::result::Result<SyncReport, SyncError> {
        self.client.sync_once(&Lend(h)).await
    }

    /// The live loop until `stop` completes (`Ok`) or the server refuses (`Err`): push at
    /// once when `local_change` is notified, and a long-poll pull held open so other
    /// laptops' changes arrive within moments; `observe` hears how each round ended.
    pub async fn live(
        &self,
        h: &impl FirebreakHandle,
        local_change: &Notify,
        stop: impl Future<Output = ()>,
        observe: impl FnMut(Round<'_>),
    ) -> std::result::Result<(), SyncError> {
        self.client.run_observed(&Lend(h), local_change, stop, observe).await
    }

    /// [`Self::live`] for a process that is not told of other processes' changes on the
    /// same data directory (the CLI's `sync --watch`): the outbox is looked at every
    /// second, and a change waiting there is pushed at once.
    pub async fn watch(
        &self,
        h: &impl FirebreakHandle,
        stop: impl Future<Output = ()>,
        observe: impl FnMut(Round<'_>),
    ) -> std::result::Result<(), SyncError> {
        let change = Notify::new();
        let others = async {
            let mut seen = 0;
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let waiting = h.with_fb(|fb| fb.store().outbox_len()).unwrap_or(0);
                if waiting > seen {
                    change.notify_one();
                }
                seen = waiting;
            }
        };
        tokio::select! {
            r = self.live(h, &change, stop, observe) => r,
            never = others => never,
        }
    }
}

/// Sends the queued webhook posts and GitHub issues (each claimed first, so two
/// processes on one data directory never send one twice); see crates/sync/src/outbound.rs.
pub async fn deliver(
    h: &impl FirebreakHandle,
    clock: &dyn Clock,
    secrets: &impl OutboundSecrets,
    options: &DeliveryOptions,
) -> std::result::Result<DeliveryReport, SyncError> {
    firebreak_sync::deliver_outbound(&Lend(h), clock, secrets, options).await
}

impl Firebreak {
    /// What is known of sync from this data directory: the remote, where its token is
    /// kept, changes waiting and refused, held changes, clock drift, the last sync. How
    /// the current session is going (online, syncing, its last error, what it pulled) is
    /// the front end's to fill in: it runs the session.
    pub fn sync_view(&self) -> Result<SyncView> {
        let st = self.store().sync_status()?;
        let addr = self.store().remote()?;
        let reason = if st.rejected > 0 { self.rejected_changes()?.first().map(|r| r.reason.clone()) } else { None };
        let held = self.held_summary()?;
        Ok(SyncView {
            url: addr.as_ref().map(|a| a.url.clone()),
            team: addr.as_ref().map(|a| a.team.clone()),
            member: addr.and_then(|a| a.member),
            token_kept_in: self.remote_token_location()?.map(|k| k.as_str().to_string()),
            pending: st.pending,
            rejected: st.rejected,
            rejected_reason: reason,
            clock_drift: self.recent_clock_drift()?,
            last_synced_at: st.last_synced_at,
            newer: held.newer,
            quarantined: held.quarantined,
            quarantine_reason: held.latest_reason,
            insecure_warning: self.remote_warning()?,
            ..SyncView::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use firebreak_core::clock::FixedClock;

    fn fb() -> Firebreak {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z").expect("a time");
        Firebreak::in_memory(Box::new(FixedClock(t.with_timezone(&chrono::Utc)))).expect("an in-memory store opens")
    }

    fn code(e: SyncError) -> ErrorCode {
        sync_err(e).code
    }

    #[test]
    fn sync_failures_carry_the_code_the_window_branches_on() {
        assert_eq!(code(SyncError::Network("connection refused".into())), ErrorCode::Unavailable);
        assert_eq!(code(SyncError::Protocol("not JSON".into())), ErrorCode::Unavailable);
        let server = |status: u16| SyncError::Server { status, code: "x".into(), message: "no".into() };
        assert_eq!(code(server(401)), ErrorCode::Unauthorized);
        assert_eq!(code(server(403)), ErrorCode::Unauthorized);
        assert_eq!(code(server(409)), ErrorCode::Conflict);
        assert_eq!(code(server(503)), ErrorCode::Unavailable);
        assert_eq!(code(server(400)), ErrorCode::InvalidInput);
        assert_eq!(code(SyncError::NoRemote), ErrorCode::InvalidInput);
        assert_eq!(code(SyncError::InvalidRemote("http://x".into())), ErrorCode::InvalidInput);
        // A store failure keeps the store's own code (here: no such incident).
        let fb = fb();
        let missing = fb.store().find("INC-none-1").expect_err("no incident yet");
        assert_eq!(code(SyncError::Store(missing)), ErrorCode::NotFound);
    }

    #[test]
    fn the_view_of_a_laptop_without_a_remote_is_empty_and_counts_its_changes() {
        let mut fb = fb();
        let empty = fb.sync_view().expect("view");
        assert_eq!(empty, SyncView::default());
        fb.declare(crate::dto::DeclareInput {
            title: "Checkout down".into(),
            severity: "SEV2".into(),
            summary: String::new(),
            services: vec![],
            drill: false,
            at: None,
            suggested: None,
        })
        .expect("declared");
        let view = fb.sync_view().expect("view");
        assert_eq!((view.url, view.pending), (None, 1), "the declaration waits in the outbox");
    }
}
