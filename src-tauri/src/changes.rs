//! The window reacts instead of polling: every change becomes one `firebreak://changed`
//! event naming what changed ([`ChangeEvent`]). Ops are noticed by reading the op log's
//! newest arrival number, so changes from this window, from another process on the
//! same data directory (the CLI), from a pulled sync page and from a drill tick all
//! arrive the same way: at once after a command of this window (woken), else within a
//! quarter second (one indexed read while idle). Sync and clock changes are emitted by
//! the tasks that see them ([`emit`]).
use crate::commands::AppState;
use firebreak_api::dto::ChangeEvent;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};

pub const EVENT: &str = "firebreak://changed";

/// Tells the window what changed (a failed emit only means no window is listening).
pub fn emit(app: &AppHandle, change: ChangeEvent) {
    if let Err(e) = app.emit(EVENT, change) {
        eprintln!("firebreak: could not tell the window about a change: {e}");
    }
}

pub fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let woken = state.ops_changed.clone();
        let mut cursor = state.with(|fb| fb.change_cursor()).unwrap_or(0);
        loop {
            tokio::select! {
                _ = woken.notified() => {}
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
            }
            match state.with(|fb| fb.incidents_changed_since(cursor)) {
                Ok((next, incidents)) => {
                    cursor = next;
                    if !incidents.is_empty() {
                        emit(&app, ChangeEvent { incidents, ..ChangeEvent::default() });
                    }
                }
                Err(e) => eprintln!("firebreak: could not read changes: {e}"),
            }
        }
    });
}
