//! Thin IPC commands: each takes the app state, calls crates/api, and returns its
//! result or its `{code, message}` error. The list must match
//! `firebreak_api::bindings::COMMANDS` (checked by a test in crates/api).
use firebreak_api::dto::*;
use firebreak_api::{ApiError, ErrorCode, Firebreak, Result};
use firebreak_policy::{Answer, Suggestion};
use std::sync::Mutex;
use tauri::State;

pub struct AppState(pub Mutex<Firebreak>);

impl AppState {
    fn with<T>(&self, f: impl FnOnce(&mut Firebreak) -> Result<T>) -> Result<T> {
        let mut fb = self
            .0
            .lock()
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the store lock was poisoned"))?;
        f(&mut fb)
    }
}

#[tauri::command]
pub fn whoami(state: State<'_, AppState>) -> Result<Identity> {
    state.with(|fb| fb.identity())
}

#[tauri::command]
pub fn set_whoami(state: State<'_, AppState>, input: String) -> Result<Identity> {
    state.with(|fb| fb.set_author(&input))
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
    state.with(|fb| fb.declare(input))
}

#[tauri::command]
pub fn set_status(state: State<'_, AppState>, input: StatusInput) -> Result<IncidentDetail> {
    state.with(|fb| fb.set_status(input))
}

#[tauri::command]
pub fn set_severity(state: State<'_, AppState>, input: SeverityInput) -> Result<IncidentDetail> {
    state.with(|fb| fb.set_severity(input))
}

#[tauri::command]
pub fn add_entry(state: State<'_, AppState>, input: EntryInput) -> Result<IncidentDetail> {
    state.with(|fb| fb.add_entry(input))
}
