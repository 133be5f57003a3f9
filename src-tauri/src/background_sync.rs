//! Background sync: while a team server is set, one round every second (at once
//! after a local change); the outcome — online or not, waiting changes, last sync — is
//! kept for the window. Each round also sends queued webhook posts. The store is locked
//! only for each short local step.
use crate::commands::AppState;
use firebreak_api::dto::SyncView;
use firebreak_api::system::SystemClock;
use firebreak_api::{ApiError, ErrorCode, Result};
use firebreak_store::Store;
use firebreak_sync::{HttpTransport, StoreHandle, SyncClient, SyncOptions};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// Between rounds while idle: changes from other laptops show within about a second.
const ROUND_EVERY: Duration = Duration::from_secs(1);

/// The app's store, reached through the shared state for one step at a time.
struct AppStore(AppHandle);

impl StoreHandle for AppStore {
    fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        let state = self.0.state::<AppState>();
        let mut f = Some(f);
        let out = state.with(|fb| Ok(f.take().map(|f| f(fb.store_mut()))));
        match out {
            Ok(Some(r)) => r,
            _ => unreachable!("the store lock is never poisoned by a sync step"),
        }
    }
}

pub fn view(state: &AppState) -> Result<SyncView> {
    let st = state.with(|fb| fb.store().sync_status().map_err(ApiError::from))?;
    let seen = state.sync.lock().map_err(|_| ApiError::new(ErrorCode::Internal, "sync state poisoned"))?.clone();
    Ok(SyncView {
        url: st.remote.as_ref().map(|(u, _)| u.clone()),
        team: st.remote.map(|(_, t)| t),
        pending: st.pending,
        last_synced_at: st.last_synced_at,
        ..seen
    })
}

pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            let state = app.state::<AppState>();
            let wake = state.sync_wake.clone();
            let remote = state.with(|fb| fb.store().remote().map_err(ApiError::from)).ok().flatten();
            if let Some(remote) = remote {
                if let Ok(mut s) = state.sync.lock() {
                    s.syncing = true;
                }
                let outcome = match HttpTransport::new(&remote) {
                    Ok(t) => {
                        let client = SyncClient::new(t, Arc::new(SystemClock), SyncOptions::default());
                        let handle = AppStore(app.clone());
                        match client.sync_once(&handle).await {
                            Ok(report) => handle
                                .with_store(|s| s.mark_synced(firebreak_core::clock::Clock::now(&SystemClock)))
                                .map(|_| report.pull.applied as u64)
                                .map_err(|e| e.to_string()),
                            Err(e) => Err(e.to_string()),
                        }
                    }
                    Err(e) => Err(e.to_string()),
                };
                if let Ok(mut s) = state.sync.lock() {
                    s.syncing = false;
                    s.online = Some(outcome.is_ok());
                    s.pulled += outcome.as_ref().map_or(0, |n| *n);
                    s.last_error = outcome.err();
                }
            }
            // Queued webhook posts go out whenever the network allows, sync or not.
            let _ = firebreak_sync::deliver_outbound(&AppStore(app.clone()), &SystemClock).await;
            tokio::select! {
                _ = tokio::time::sleep(ROUND_EVERY) => {}
                _ = wake.notified() => {}
            }
        }
    });
}
