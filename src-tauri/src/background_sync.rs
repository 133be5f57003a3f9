//! Background sync: while a team server is set, the live loop of the api's sync session
//! (crates/api/src/sync_session.rs) runs —
//! push at once after every local change, and a long-poll pull held open so other
//! laptops' changes arrive within moments. How each round ended (online or not, what
//! arrived) is kept for the window. A change of the remote restarts the loop with the
//! new address and token; a refusal (revoked token) is shown and retried slowly.
//! Queued webhook posts and GitHub issues are delivered by a second, small loop (with
//! per-message backoff and claims; see crates/sync/src/outbound.rs).
//! The store is locked only for each short local step. A panic in either loop is
//! logged and the loop goes on (see `commands::survive`).
use crate::commands::AppState;
use firebreak_api::dto::{ChangeEvent, SyncView};
use firebreak_api::sync_session::{
    self, DeliveryOptions, FirebreakHandle, OutboundSecrets, Round, SyncError, SyncSession,
};
use firebreak_api::system::SystemClock;
use firebreak_api::{Firebreak, Result, SyncRemote};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// Between deliveries of queued webhook posts while nothing wakes the loop.
const DELIVER_EVERY: Duration = Duration::from_secs(1);
/// After a refusal or an unreadable token: try again this much later (or when the
/// remote is set again).
const AFTER_REFUSAL: Duration = Duration::from_secs(30);
/// After the live loop panicked (logged): start it again this much later.
const AFTER_PANIC: Duration = Duration::from_secs(5);

/// The app's [`Firebreak`], reached through the shared state for one step at a time.
struct AppFb(AppHandle);

impl FirebreakHandle for AppFb {
    fn with_fb<R>(&self, f: impl FnOnce(&mut Firebreak) -> R) -> R {
        f(&mut self.0.state::<AppState>().lock())
    }
}

/// What the window shows of sync: what the data directory knows (the api's view) and
/// how this window's session is going (kept by the loop below).
pub fn view(state: &AppState) -> Result<SyncView> {
    let stored = state.with(|fb| fb.sync_view())?;
    let seen = state.sync_view().clone();
    Ok(SyncView {
        online: seen.online,
        syncing: seen.syncing,
        last_error: seen.last_error,
        pulled: seen.pulled,
        ..stored
    })
}

/// Updates what the window shows of sync, and tells it when that changed.
fn record(app: &AppHandle, f: impl FnOnce(&mut SyncView)) {
    let changed = {
        let state = app.state::<AppState>();
        let mut s = state.sync_view();
        let before = s.clone();
        f(&mut s);
        *s != before
    };
    if changed {
        crate::changes::emit(app, ChangeEvent { sync: true, ..ChangeEvent::default() });
    }
}

pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(deliver_loop(app.clone()));
    tauri::async_runtime::spawn(async move {
        loop {
            let state = app.state::<AppState>();
            let (wake, remote_changed) = (state.sync_wake.clone(), state.remote_changed.clone());
            let remote = state.with(|fb| fb.remote());
            let pause = match remote {
                Ok(None) => {
                    record(&app, |s| *s = SyncView::default());
                    None
                }
                // A panic in the live loop is logged and the loop starts again, like after
                // a refusal: the window keeps syncing.
                Ok(Some(remote)) => {
                    match AssertUnwindSafe(live(&app, &remote, &wake, &remote_changed)).catch_unwind().await {
                        Ok(Ok(())) => continue,
                        Ok(Err(e)) => {
                            record(&app, |s| {
                                s.online = Some(false);
                                s.syncing = false;
                                s.last_error = Some(e.to_string());
                            });
                            Some(AFTER_REFUSAL)
                        }
                        Err(panic) => {
                            crate::commands::log_panic("background sync", &*panic);
                            record(&app, |s| {
                                s.syncing = false;
                                s.last_error =
                                    Some("sync stopped on an internal error; it starts again shortly".into());
                            });
                            Some(AFTER_PANIC)
                        }
                    }
                }
                Err(e) => {
                    record(&app, |s| {
                        s.online = Some(false);
                        s.last_error = Some(e.message);
                    });
                    Some(AFTER_REFUSAL)
                }
            };
            // Sync is off or refused: wait for the remote to be set (or a retry).
            match pause {
                Some(d) => {
                    tokio::select! {
                        _ = remote_changed.notified() => {}
                        _ = tokio::time::sleep(d) => {}
                    }
                }
                None => remote_changed.notified().await,
            }
        }
    });
}

/// Runs the live loop for one remote until the remote changes (`Ok`) or the server
/// refuses (`Err`).
async fn live(
    app: &AppHandle,
    remote: &SyncRemote,
    wake: &tokio::sync::Notify,
    remote_changed: &tokio::sync::Notify,
) -> std::result::Result<(), SyncError> {
    let session = SyncSession::new(remote.clone(), Arc::new(SystemClock), SyncSession::window_options())?;
    // Set while offline: learn whose token it is before pushing (the api's member
    // adoption); a failure to record the name here does not stop sync.
    let _ = session.adopt_member(&AppFb(app.clone())).await?;
    record(app, |s| s.syncing = true);
    session
        .live(&AppFb(app.clone()), wake, remote_changed.notified(), |round| match round {
            Round::Synced(report) => record(app, |s| {
                s.syncing = false;
                s.online = Some(true);
                s.pulled += report.pull.applied as u64;
                s.last_error = None;
            }),
            Round::Failed(e) => record(app, |s| {
                s.syncing = false;
                s.online = Some(false);
                s.last_error = Some(e.to_string());
            }),
        })
        .await
}

/// The webhook address and GitHub token, read from the vault only when a message that
/// needs one is about to be sent.
struct AppSecrets(AppHandle);

impl OutboundSecrets for AppSecrets {
    fn webhook_url(&self) -> std::result::Result<Option<String>, String> {
        self.0.state::<AppState>().with(|fb| fb.webhook_url()).map_err(|e| e.message)
    }
    fn github_token(&self) -> std::result::Result<Option<String>, String> {
        self.0.state::<AppState>().with(|fb| fb.github_token()).map_err(|e| e.message)
    }
}

/// Sends queued webhook posts and GitHub issues whenever the network allows, sync or
/// not: each message when its backoff has passed, claimed first so a `firebreak comms
/// flush` on the same data directory never sends it too. A created issue's address is
/// written into its action item (an op, so the window refreshes and sync pushes it).
async fn deliver_loop(app: AppHandle) {
    let (secrets, options) = (AppSecrets(app.clone()), DeliveryOptions::default());
    let mut link = true;
    loop {
        let fb = AppFb(app.clone());
        let round = sync_session::deliver(&fb, &SystemClock, &secrets, &options);
        match AssertUnwindSafe(round).catch_unwind().await {
            Ok(Ok(report)) => {
                link |= report.sent > 0;
                if report.sent + report.failed + report.retrying > 0 {
                    // The outbound list under the sync badge changed.
                    crate::changes::emit(&app, ChangeEvent { sync: true, ..ChangeEvent::default() });
                }
            }
            Ok(Err(_)) => link = true,
            Err(panic) => crate::commands::log_panic("outbound delivery", &*panic),
        }
        if link {
            let state = app.state::<AppState>();
            if let Ok(n) = state.with(|fb| fb.link_created_issues()) {
                link = false;
                if n > 0 {
                    state.changed.notify_one();
                    state.sync_wake.notify_one();
                }
            }
        }
        tokio::time::sleep(DELIVER_EVERY).await;
    }
}
