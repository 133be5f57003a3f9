//! Thin IPC commands: each takes the app state, calls crates/api, and returns its
//! result or its `{code, message}` error. The list must match
//! `firebreak_api::bindings::COMMANDS` (checked by a test in crates/api).
use firebreak_api::dto::*;
use firebreak_api::{ApiError, ErrorCode, Firebreak, Result};
use firebreak_policy::{Answer, Suggestion};
use std::sync::{Arc, Mutex};
use tauri::State;
use tokio::sync::Notify;

pub struct AppState {
    fb: Mutex<Firebreak>,
    /// Woken after every command that changes something, so the scheduler re-reads
    /// the clocks at once.
    pub changed: Arc<Notify>,
}

impl AppState {
    pub fn new(fb: Firebreak) -> Self {
        AppState {
            fb: Mutex::new(fb),
            changed: Arc::new(Notify::new()),
        }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut Firebreak) -> Result<T>) -> Result<T> {
        let mut fb = self
            .fb
            .lock()
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the store lock was poisoned"))?;
        f(&mut fb)
    }

    /// Runs a command that changes state, then wakes the scheduler.
    fn change<T>(&self, f: impl FnOnce(&mut Firebreak) -> Result<T>) -> Result<T> {
        let out = self.with(f);
        self.changed.notify_one();
        out
    }
}

#[tauri::command]
pub fn whoami(state: State<'_, AppState>) -> Result<Identity> {
    state.with(|fb| fb.identity())
}

#[tauri::command]
pub fn set_whoami(state: State<'_, AppState>, input: String) -> Result<Identity> {
    state.change(|fb| fb.set_author(&input))
}

#[tauri::command]
pub fn get_policy(state: State<'_, AppState>) -> Result<PolicyView> {
    state.with(|fb| fb.policy_view())
}

#[tauri::command]
pub fn suggest_severity(
    state: State<'_, AppState>,
    input: Vec<Answer>,
) -> Result<Option<Suggestion>> {
    state.with(|fb| fb.suggest_severity(&input))
}

#[tauri::command]
pub fn list_incidents(state: State<'_, AppState>) -> Result<Vec<IncidentSummary>> {
    state.with(|fb| fb.list())
}

#[tauri::command]
pub fn show_incident(state: State<'_, AppState>, input: String) -> Result<IncidentDetail> {
    state.with(|fb| fb.show(&input))
}

#[tauri::command]
pub fn declare_incident(state: State<'_, AppState>, input: DeclareInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.declare(input))
}

#[tauri::command]
pub fn set_status(state: State<'_, AppState>, input: StatusInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.set_status(input))
}

#[tauri::command]
pub fn set_severity(state: State<'_, AppState>, input: SeverityInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.set_severity(input))
}

#[tauri::command]
pub fn add_entry(state: State<'_, AppState>, input: EntryInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.add_entry(input))
}
