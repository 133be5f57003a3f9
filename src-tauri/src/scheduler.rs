//! The notification scheduler: a tokio task that asks the core which stages of which
//! deadlines are due (crates/api `due_notifications`, which records them as sent), shows
//! them as desktop notifications, and sleeps until the next stage falls due (a drill's
//! drill-time stages already converted to real time by the api) — or until a
//! command changed something (`AppState::changed`), or at most [`MAX_SLEEP`], so a new
//! deadline is never missed. It runs whether or not the window is visible.
use crate::commands::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

const MAX_SLEEP: Duration = Duration::from_secs(30);

/// The first pass waits this long after start: the window reads its list first.
const FIRST_PASS_AFTER: Duration = Duration::from_millis(1500);

pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_PASS_AFTER).await;
        loop {
            let wake = app.state::<AppState>().changed.clone();
            // A panic in one tick (bad stored data, a plugin) is logged; the next tick runs.
            let sleep = crate::commands::survive("notification scheduler", || tick(&app)).unwrap_or(MAX_SLEEP);
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = wake.notified() => {}
            }
        }
    });
}

/// Shows the notifications due now; how long to sleep until the next stage.
fn tick(app: &AppHandle) -> Duration {
    let state = app.state::<AppState>();
    match state.with(|fb| {
        let batch = fb.due_notifications()?;
        Ok((batch, fb.now()))
    }) {
        Ok((batch, now)) => {
            for n in &batch.notifications {
                if let Err(e) = app.notification().builder().title(&n.title).body(&n.body).show() {
                    eprintln!("firebreak: notification failed: {e}");
                }
            }
            if !batch.notifications.is_empty() {
                // A stage passed: the window re-reads its clocks.
                let change = firebreak_api::dto::ChangeEvent { clocks: true, ..Default::default() };
                crate::changes::emit(app, change);
            }
            batch
                .next_wake
                .and_then(|w| (w - now).to_std().ok())
                .map_or(MAX_SLEEP, |d| d.min(MAX_SLEEP))
                .max(Duration::from_millis(200))
        }
        Err(e) => {
            eprintln!("firebreak: cannot compute notifications: {}", e.message);
            MAX_SLEEP
        }
    }
}
