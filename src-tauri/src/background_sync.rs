//! Background sync: while a team server is set, the sync client's live loop runs —
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
use firebreak_api::system::SystemClock;
use firebreak_api::{Result, SyncRemote};
use firebreak_store::Store;
use firebreak_sync::{
    deliver_outbound, DeliveryOptions, HttpTransport, OutboundSecrets, Round, StoreHandle, SyncClient, SyncError,
    SyncOptions,
};
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

/// The window's sync options: a commander wants to see "online" again within seconds
/// of the network returning, so backoff stays short.
fn window_options() -> SyncOptions {
    SyncOptions { backoff_max: Duration::from_secs(5), ..SyncOptions::default() }
}

/// The app's store, reached through the shared state for one step at a time.
struct AppStore(AppHandle);

impl StoreHandle for AppStore {
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        f(self.0.state::<AppState>().lock().store_mut())
    }
}

pub fn view(state: &AppState) -> Result<SyncView> {
    let (st, addr, kept, reason, drift, held, warning) = state.with(|fb| {
        let st = fb.store().sync_status()?;
        let reason = if st.rejected > 0 { fb.rejected_changes()?.first().map(|r| r.reason.clone()) } else { None };
        Ok((
            st,
            fb.store().remote()?,
            fb.remote_token_location()?,
            reason,
            fb.recent_clock_drift()?,
            fb.held_summary()?,
            fb.remote_warning()?,
        ))
    })?;
    let seen = state.sync_view().clone();
    Ok(SyncView {
        url: addr.as_ref().map(|a| a.url.clone()),
        team: addr.as_ref().map(|a| a.team.clone()),
        member: addr.and_then(|a| a.member),
        token_kept_in: kept.map(|k| k.as_str().to_string()),
        pending: st.pending,
        rejected: st.rejected,
        rejected_reason: reason,
        clock_drift: drift,
        last_synced_at: st.last_synced_at,
        newer: held.newer,
        quarantined: held.quarantined,
        quarantine_reason: held.latest_reason,
        insecure_warning: warning,
        ..seen
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
    let transport = HttpTransport::new(&remote.config())?;
    if remote.member.is_none() {
        // Set while offline: learn whose token it is before pushing, so this laptop's
        // changes carry the name the server accepts.
        match transport.team_info().await {
            Ok(info) => {
                let _ = app.state::<AppState>().with(|fb| fb.adopt_member(&info.member));
            }
            Err(e) if !e.is_transient() => return Err(e),
            Err(_) => {}
        }
    }
    let client = SyncClient::new(transport, Arc::new(SystemClock), window_options());
    record(app, |s| s.syncing = true);
    client
        .run_observed(&AppStore(app.clone()), wake, remote_changed.notified(), |round| match round {
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
        let store = AppStore(app.clone());
        let round = deliver_outbound(&store, &SystemClock, &secrets, &options);
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
