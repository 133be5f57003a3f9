//! Thin IPC commands: each takes the app state, calls crates/api, and returns its
//! result or its `{code, message}` error. The list must match
//! `firebreak_api::bindings::COMMANDS` (checked by a test in crates/api).
use firebreak_api::actions::{ActionFilter, ActionInput, ActionRow};
use firebreak_api::dto::*;
use firebreak_api::{ApiError, ErrorCode, Firebreak, Result};
use firebreak_policy::{Answer, Suggestion};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tauri::State;
use tokio::sync::Notify;

pub struct AppState {
    fb: Mutex<Firebreak>,
    /// What the background sync last saw (shown in the window); see [`Self::sync_view`].
    sync: Mutex<SyncView>,
    /// Drill clocks of drills running in this window, by incident id.
    drills: Mutex<std::collections::HashMap<String, crate::drills::DrillClock>>,
    /// Woken after every command that changes something, so the scheduler re-reads
    /// the clocks at once.
    pub changed: Arc<Notify>,
    /// Woken after every change too, so the background sync pushes at once.
    pub sync_wake: Arc<Notify>,
    /// Woken when the team server is set or cleared: the sync loop restarts with it.
    pub remote_changed: Arc<Notify>,
    /// Woken after every change, so the window hears of it at once (crate::changes).
    pub ops_changed: Arc<Notify>,
}

impl AppState {
    pub fn new(fb: Firebreak) -> Self {
        AppState {
            fb: Mutex::new(fb),
            sync: Mutex::new(SyncView::default()),
            drills: Mutex::new(Default::default()),
            changed: Arc::new(Notify::new()),
            sync_wake: Arc::new(Notify::new()),
            remote_changed: Arc::new(Notify::new()),
            ops_changed: Arc::new(Notify::new()),
        }
    }

    /// The state, locked. A lock poisoned by a panic in an earlier command or tick is
    /// taken over: the store's transactions rolled back with the panic, so what is behind
    /// it is whole, and one bad tick must not fail every later command.
    pub fn lock(&self) -> MutexGuard<'_, Firebreak> {
        self.fb.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut Firebreak) -> Result<T>) -> Result<T> {
        f(&mut self.lock())
    }

    /// The drill clocks, locked (a poisoned lock is taken over, as for [`Self::lock`]).
    pub fn drill_clocks(&self) -> MutexGuard<'_, std::collections::HashMap<String, crate::drills::DrillClock>> {
        self.drills.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What the background sync last saw, locked (a poisoned lock is taken over).
    pub fn sync_view(&self) -> MutexGuard<'_, SyncView> {
        self.sync.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs a command that changes state, then wakes the scheduler.
    pub(crate) fn change<T>(&self, f: impl FnOnce(&mut Firebreak) -> Result<T>) -> Result<T> {
        let out = self.with(f);
        self.changed.notify_one();
        self.sync_wake.notify_one();
        self.ops_changed.notify_one();
        out
    }
}

/// Runs one tick of a background task; a panic in it is logged and gives `None`, so
/// the task goes on with its next tick instead of dying (and, with [`AppState::lock`]
/// taking over a poisoned lock, the commands keep working too).
pub fn survive<T>(task: &str, tick: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(tick)).map_err(|panic| log_panic(task, &*panic)).ok()
}

/// Logs a caught panic of `task` with its message.
pub fn log_panic(task: &str, panic: &(dyn std::any::Any + Send)) {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("no message");
    eprintln!("firebreak: {task}: a tick panicked ({message}); going on with the next one");
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
pub fn suggest_severity(state: State<'_, AppState>, input: Vec<Answer>) -> Result<Option<Suggestion>> {
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
pub fn timeline_page(
    state: State<'_, AppState>,
    input: firebreak_api::timeline_page::TimelineQuery,
) -> Result<firebreak_api::timeline_page::TimelinePage> {
    state.with(|fb| fb.timeline_page(&input))
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
pub fn add_entry(state: State<'_, AppState>, input: EntryInput) -> Result<EntryAdded> {
    state.change(|fb| fb.add_entry(input))
}

#[tauri::command]
pub fn edit_incident(state: State<'_, AppState>, input: firebreak_api::edit::EditInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.edit_incident(input))
}

#[tauri::command]
pub fn assign_role(state: State<'_, AppState>, input: RoleInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.assign_role(input))
}

#[tauri::command]
pub fn add_decision(state: State<'_, AppState>, input: DecisionInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.add_decision(input))
}

#[tauri::command]
pub fn pin_entry(state: State<'_, AppState>, input: PinInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.pin_entry(input))
}

#[tauri::command]
pub fn revise_entry(state: State<'_, AppState>, input: ReviseInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.revise_entry(input))
}

#[tauri::command]
pub fn add_task(state: State<'_, AppState>, input: TaskInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.add_task(input))
}

#[tauri::command]
pub fn complete_task(state: State<'_, AppState>, input: TaskDoneInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.complete_task(input))
}

#[tauri::command]
pub fn checklists(state: State<'_, AppState>, input: String) -> Result<Vec<ChecklistView>> {
    state.with(|fb| fb.checklists(&input))
}

#[tauri::command]
pub fn check_item(state: State<'_, AppState>, input: CheckInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.check_item(input))
}

#[tauri::command]
pub fn runbook(state: State<'_, AppState>, input: String) -> Result<Vec<RunbookView>> {
    state.with(|fb| fb.runbook(&input))
}

#[tauri::command]
pub fn take_runbook_action(state: State<'_, AppState>, input: RunbookInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.take_runbook_action(input))
}

#[tauri::command]
pub fn comms_draft(state: State<'_, AppState>, input: CommsDraftInput) -> Result<String> {
    state.with(|fb| fb.comms_draft(&input.incident, input.template))
}

#[tauri::command]
pub fn comms_sent(state: State<'_, AppState>, input: CommsInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.comms_sent(input))
}

#[tauri::command]
pub fn handoff_draft(state: State<'_, AppState>, input: String) -> Result<String> {
    state.with(|fb| fb.handoff_draft(&input))
}

#[tauri::command]
pub fn handoff(state: State<'_, AppState>, input: HandoffInput) -> Result<IncidentDetail> {
    state.change(|fb| fb.handoff(input))
}

/// Copies text to the system clipboard (from Rust, so the webview needs no clipboard
/// permission).
#[tauri::command]
pub fn copy_text(app: tauri::AppHandle, input: String) -> Result<()> {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    app.clipboard()
        .write_text(input)
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("the clipboard refused the text: {e}")))
}

#[tauri::command]
pub fn get_pir(state: State<'_, AppState>, input: String) -> Result<firebreak_api::pir::PirView> {
    state.with(|fb| fb.pir(&input))
}

#[tauri::command]
pub fn pir_edit(
    state: State<'_, AppState>,
    input: firebreak_api::pir::PirTextInput,
) -> Result<firebreak_api::pir::PirView> {
    state.change(|fb| fb.pir_edit(input))
}

#[tauri::command]
pub fn pir_set_item(
    state: State<'_, AppState>,
    input: firebreak_api::pir::ActionItemInput,
) -> Result<firebreak_api::pir::PirView> {
    state.change(|fb| fb.pir_set_item(input))
}

#[tauri::command]
pub fn pir_status(
    state: State<'_, AppState>,
    input: firebreak_api::pir::PirStateInput,
) -> Result<firebreak_api::pir::PirView> {
    state.change(|fb| fb.pir_status(input))
}

#[tauri::command]
pub fn action_add(state: State<'_, AppState>, input: ActionInput) -> Result<ActionRow> {
    state.change(|fb| fb.action_add(&input.incident, input.change))
}

#[tauri::command]
pub fn action_edit(state: State<'_, AppState>, input: ActionInput) -> Result<ActionRow> {
    state.change(|fb| fb.action_edit(&input.incident, &input.item, input.change))
}

#[tauri::command]
pub fn action_remove(state: State<'_, AppState>, input: ActionInput) -> Result<ActionRow> {
    state.change(|fb| fb.action_remove(&input.incident, &input.item))
}

#[tauri::command]
pub fn list_actions(state: State<'_, AppState>, input: ActionFilter) -> Result<Vec<ActionRow>> {
    state.with(|fb| fb.actions(&input))
}

/// Writes the export into ~/Documents/Firebreak (or the data directory's exports/) and
/// returns the path, so the webview needs no file-system permission.
/// Where the window writes backups: `FIREBREAK_EXPORT_DIR`, else ~/Documents/Firebreak,
/// else the data directory's exports/.
fn export_folder(fb: &firebreak_api::Firebreak) -> Result<std::path::PathBuf> {
    let dir = dirs::document_dir()
        .map(|d| d.join("Firebreak"))
        .or_else(|| fb.data_dir().map(|d| d.join("exports")))
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "no folder to export into"))?;
    Ok(std::env::var_os("FIREBREAK_EXPORT_DIR").map_or(dir, std::path::PathBuf::from))
}

/// Backs this laptop's database up into the export folder; returns the file's path.
#[tauri::command]
pub fn backup_database(state: State<'_, AppState>) -> Result<String> {
    state.with(|fb| {
        let dir = export_folder(fb)?;
        fb.backup_into(&dir).map(|p| p.display().to_string())
    })
}

/// Schedules the review meeting (one op and a timeline note); the view carries the slot
/// and attendees.
#[tauri::command]
pub fn pir_schedule(
    state: State<'_, AppState>,
    input: firebreak_api::meeting::PirScheduleInput,
) -> Result<firebreak_api::pir::PirView> {
    state.change(|fb| fb.pir_schedule(&input))
}

/// The first free business-hours slot for the review meeting and the 48-hour window.
#[tauri::command]
pub fn pir_meeting_proposal(
    state: State<'_, AppState>,
    input: String,
) -> Result<firebreak_api::meeting::MeetingProposal> {
    state.with(|fb| fb.pir_meeting_proposal(&input))
}

/// The version of this build, for the About line.
#[tauri::command]
pub fn app_version() -> String {
    firebreak_api::backup::app_version()
}

#[tauri::command]
pub fn get_metrics(state: State<'_, AppState>, input: MetricsInput) -> Result<firebreak_metrics::MetricsReport> {
    state.with(|fb| fb.metrics(input.from.as_deref(), input.to.as_deref(), input.severity.as_deref()))
}

#[tauri::command]
pub fn list_drills(state: State<'_, AppState>) -> Result<firebreak_api::drill::DrillsView> {
    state.with(|fb| fb.drills())
}

#[tauri::command]
pub fn start_drill(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    input: DrillStartInput,
) -> Result<IncidentDetail> {
    let (detail, clock) = state.change(|fb| {
        let yaml = fb.scenario_yaml(&input.scenario)?;
        let (run, clock) = crate::drills::start(fb, &yaml, input.speed)?;
        Ok((fb.show(&run)?, clock))
    })?;
    state.drill_clocks().insert(detail.id.clone(), clock);
    crate::drills::spawn_ticker(app, detail.id.clone());
    Ok(detail)
}

#[tauri::command]
pub fn drill_evaluation(state: State<'_, AppState>, input: String) -> Result<firebreak_drill::Evaluation> {
    state.with(|fb| fb.drill_evaluation(&input))
}

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> Result<SyncView> {
    crate::background_sync::view(&state)
}

/// Webhook posts and GitHub issues waiting, and those refused for good with their reasons.
#[tauri::command]
pub fn outbound_status(state: State<'_, AppState>) -> Result<firebreak_api::outbound::OutboundView> {
    state.with(|fb| fb.outbound_view())
}

/// Queues a message refused for good again; the delivery loop sends it at once.
#[tauri::command]
pub fn retry_outbound(state: State<'_, AppState>, input: i64) -> Result<firebreak_api::outbound::OutboundView> {
    state.with(|fb| fb.retry_outbound(input))
}

/// Checks the token with the server when it is reachable (a refused token is not
/// saved), keeps it in the vault, adopts the member's name, and restarts the sync loop.
#[tauri::command]
pub async fn set_remote(state: State<'_, AppState>, input: RemoteInput) -> Result<SyncView> {
    let candidate = state.with(|fb| fb.remote_candidate_from(&input))?;
    // An unreachable server is not an error here (checked at the first sync); a refusal
    // says why by its status: a bad token is `unauthorized`.
    let info = firebreak_api::sync_session::check_token(&candidate).await?;
    state.change(|fb| fb.save_remote(&candidate, info.as_ref().map(|i| i.member.as_str())))?;
    state.remote_changed.notify_one();
    crate::background_sync::view(&state)
}

#[tauri::command]
pub fn drill_control(state: State<'_, AppState>, input: DrillControlInput) -> Result<DrillControlView> {
    let clock = state.drill_clocks().get(&input.incident).cloned();
    match input.action {
        DrillAction::Rotate => {
            state.change(|fb| fb.drill_rotate(&input.incident))?;
        }
        DrillAction::Pause | DrillAction::Resume => {
            let c = clock.as_ref().ok_or_else(|| ApiError::invalid("this drill does not run in this window"))?;
            if input.action == DrillAction::Pause {
                c.pause()
            } else {
                c.resume()
            }
            // The scheduler's next wake was in real time for the old pace: look again.
            state.changed.notify_one();
        }
    }
    Ok(match clock {
        Some(c) => DrillControlView { running_here: true, paused: c.is_paused(), speed: c.speed() },
        None => DrillControlView { running_here: false, paused: false, speed: 1 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use firebreak_core::clock::FixedClock;

    fn state() -> Arc<AppState> {
        Arc::new(AppState::new(Firebreak::in_memory(Box::new(FixedClock(Default::default()))).unwrap()))
    }

    #[test]
    fn a_tick_that_panics_under_the_lock_breaks_no_later_command() {
        let state = state();
        let tick = || {
            let _fb = state.lock();
            panic!("bad stored data");
        };
        assert_eq!(survive("test tick", tick), None::<()>, "the panic is caught and logged");
        assert!(state.fb.is_poisoned(), "the lock was held when it panicked");
        assert_eq!(state.with(|fb| fb.list()).unwrap().len(), 0, "commands still run");
        assert_eq!(survive("test tick", || 7), Some(7), "the next tick runs");
    }

    #[test]
    fn poisoned_sync_and_drill_locks_are_taken_over() {
        let state = state();
        for poison in [0, 1] {
            let s = state.clone();
            let _ = std::thread::spawn(move || {
                let (_a, _b) = if poison == 0 { (Some(s.sync_view()), None) } else { (None, Some(s.drill_clocks())) };
                panic!("a panic while holding a lock");
            })
            .join();
        }
        assert!(state.sync.is_poisoned() && state.drills.is_poisoned());
        state.sync_view().online = Some(true);
        assert_eq!(state.sync_view().online, Some(true));
        assert!(state.drill_clocks().is_empty());
    }
}
