//! Commands behind the window's files and settings: exports ask where to save (the
//! desktop's save dialog, opened from Rust so the webview holds no dialog permission)
//! and start in the folder used last; a review is imported through the open dialog; the
//! policy, the webhook and the GitHub token are set here; a backup is restored through
//! the open dialog and held ops exported through the save dialog. Each is a thin call
//! into crates/api (files.rs, outbound.rs, remote.rs, policy_in_force.rs, backup.rs,
//! quarantine.rs).
use crate::commands::AppState;
use firebreak_api::backup::RestoreReport;
use firebreak_api::dto::{MetricsInput, PirExportInput, PolicyView};
use firebreak_api::files::{ExportFile, GithubInput, SettingsView};
use firebreak_api::{ApiError, ErrorCode, Result};
use std::path::PathBuf;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

/// The folder a save dialog opens in: the last one used, else ~/Documents/Firebreak.
fn start_folder(state: &AppState) -> Result<PathBuf> {
    if let Some(dir) = state.with(|fb| fb.export_folder())? {
        return Ok(dir);
    }
    let dir = dirs::document_dir().map(|d| d.join("Firebreak")).unwrap_or_else(std::env::temp_dir);
    // The dialog opens there only if it exists; creating it is harmless.
    let _ = std::fs::create_dir_all(&dir);
    Ok(dir)
}

/// Asks where to save `file` and writes it there; None when the person cancelled.
/// With `FIREBREAK_EXPORT_DIR` set (scripted use, kiosks) the file goes there unasked.
async fn save(app: &AppHandle, state: &AppState, file: ExportFile) -> Result<Option<String>> {
    let path = match std::env::var_os("FIREBREAK_EXPORT_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir)
                .map_err(|e| ApiError::new(ErrorCode::Storage, format!("cannot create {}: {e}", dir.display())))?;
            dir.join(&file.name)
        }
        None => {
            let dialog = app
                .dialog()
                .file()
                .set_title("Save as")
                .set_directory(start_folder(state)?)
                .set_file_name(&file.name)
                .add_filter(file.kind.0, &[file.kind.1]);
            let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
                .await
                .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the save dialog failed: {e}")))?;
            let Some(picked) = picked else { return Ok(None) };
            picked.into_path().map_err(|e| ApiError::invalid(format!("cannot save there: {e}")))?
        }
    };
    let saved = state.with(|fb| fb.save_export(&path, &file))?;
    Ok(Some(saved.display().to_string()))
}

#[tauri::command]
pub async fn export_pir(app: AppHandle, state: State<'_, AppState>, input: PirExportInput) -> Result<Option<String>> {
    let file = state.with(|fb| fb.pir_export_file(&input.incident, input.format))?;
    save(&app, &state, file).await
}

#[tauri::command]
pub async fn export_metrics_csv(
    app: AppHandle,
    state: State<'_, AppState>,
    input: MetricsInput,
) -> Result<Option<String>> {
    let file =
        state.with(|fb| fb.metrics_csv_file(input.from.as_deref(), input.to.as_deref(), input.severity.as_deref()))?;
    save(&app, &state, file).await
}

#[tauri::command]
pub async fn export_drill_report(app: AppHandle, state: State<'_, AppState>, input: String) -> Result<Option<String>> {
    let file = state.with(|fb| fb.drill_report_file(&input))?;
    save(&app, &state, file).await
}

/// Picks a review file (YAML) and imports it; the imported incident's id, or None when
/// the person cancelled.
#[tauri::command]
pub async fn import_pir(app: AppHandle, state: State<'_, AppState>) -> Result<Option<String>> {
    let dialog = app.dialog().file().set_title("Import a review").add_filter("Review (YAML)", &["yaml", "yml"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the open dialog failed: {e}")))?;
    let Some(picked) = picked else { return Ok(None) };
    let path = picked.into_path().map_err(|e| ApiError::invalid(format!("cannot open that file: {e}")))?;
    state.change(|fb| fb.pir_import_file(&path)).map(Some)
}

/// Picks a backup and restores it over this laptop's record (the window asked first);
/// the window's Firebreak re-opens the restored database and every view re-reads it.
/// None when the person cancelled; a refused file changes nothing and says why.
#[tauri::command]
pub async fn restore_backup(app: AppHandle, state: State<'_, AppState>) -> Result<Option<RestoreReport>> {
    let dialog = app
        .dialog()
        .file()
        .set_title("Restore from backup")
        .add_filter("Firebreak backup", &["db", "fbk"])
        .add_filter("All files", &["*"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the open dialog failed: {e}")))?;
    let Some(picked) = picked else { return Ok(None) };
    let path = picked.into_path().map_err(|e| ApiError::invalid(format!("cannot open that file: {e}")))?;
    // Under the state's lock: no command, sync step or tick writes between the restore
    // and the re-open.
    let report = state.change(|fb| fb.restore_here(&path))?;
    // Drills of the old record stop here; the sync loop restarts with the restored remote.
    state.drill_clocks().clear();
    state.remote_changed.notify_one();
    Ok(Some(report))
}

/// Saves every op held from the team (quarantined or from a newer Firebreak), with its
/// body as received, for an admin; the file's path, or None when cancelled.
#[tauri::command]
pub async fn export_quarantine(app: AppHandle, state: State<'_, AppState>) -> Result<Option<String>> {
    let file = state.with(|fb| fb.quarantine_export_file())?;
    save(&app, &state, file).await
}

#[tauri::command]
pub fn settings(state: State<'_, AppState>) -> Result<SettingsView> {
    state.with(|fb| fb.settings_view())
}

/// The whole policy in force: levels, clocks, RTO table, targets, runbook.
#[tauri::command]
pub fn policy_details(state: State<'_, AppState>) -> Result<firebreak_policy::Policy> {
    state.with(|fb| fb.policy())
}

/// Switches the policy (a built-in preset's name); clocks are recomputed at once.
#[tauri::command]
pub fn use_policy(state: State<'_, AppState>, input: String) -> Result<PolicyView> {
    state.change(|fb| fb.use_policy(&input))
}

#[tauri::command]
pub fn set_lead_minutes(state: State<'_, AppState>, input: i64) -> Result<PolicyView> {
    state.change(|fb| {
        fb.set_lead_minutes(input)?;
        fb.policy_view()
    })
}

/// Sets (or, empty, clears) the webhook status updates are posted to.
#[tauri::command]
pub fn set_webhook(state: State<'_, AppState>, input: String) -> Result<SettingsView> {
    state.change(|fb| {
        fb.set_webhook(&input)?;
        fb.settings_view()
    })
}

/// Sets (or, empty, forgets) the GitHub token for action-item issues.
#[tauri::command]
pub fn set_github_token(state: State<'_, AppState>, input: String) -> Result<SettingsView> {
    state.change(|fb| {
        fb.set_github_token(&input)?;
        fb.settings_view()
    })
}

/// Queues a GitHub issue for each of the review's action items that has none yet.
#[tauri::command]
pub fn pir_github(state: State<'_, AppState>, input: GithubInput) -> Result<usize> {
    state.change(|fb| fb.export_items_to_github(&input.incident, &input.repo, None))
}

/// The review meeting's agenda with its timeboxes.
#[tauri::command]
pub fn review_agenda() -> Vec<firebreak_api::meeting::AgendaItem> {
    firebreak_api::meeting::review_agenda()
}

/// Closes an incident whose required review is not closed, after the person confirmed
/// in the window; the forcing is recorded on the timeline.
#[tauri::command]
pub fn close_incident_forced(state: State<'_, AppState>, input: String) -> Result<firebreak_api::dto::IncidentDetail> {
    state.change(|fb| {
        fb.set_status_forced(
            firebreak_api::dto::StatusInput {
                incident: input,
                status: firebreak_core::incident::Status::Closed,
                at: None,
            },
            true,
        )
    })
}
