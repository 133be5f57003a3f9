//! The Firebreak desktop shell: builds the Tauri app, opens the data directory, and
//! registers the IPC commands (each a few lines over crates/api). No domain logic here.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background_sync;
mod changes;
mod commands;
mod drills;
mod files;
mod one_window;
mod scheduler;

use firebreak_api::system::{default_data_dir, SystemClock};
use firebreak_api::Firebreak;
use tauri::Manager;

/// The newest entries an incident's detail carries: more than a tall window shows.
const TIMELINE_FIRST_PAGE: u32 = 100;

/// WebKitGTK composites pages with OpenGL by default; where there is no GPU that is
/// software GL, which re-composites the whole window for every changed countdown.
/// `FIREBREAK_PAINT_WITHOUT_COMPOSITING=1` turns compositing off: measured under Xvfb with
/// 1,000 incidents, idle CPU 4.3 % → 1.1 % of a core and the web process's memory 227 →
/// 123 MB. Not the default: with it, WebDriver (the real-window tests) stopped seeing
/// some redraws and hung, so it is not known to be safe. Runs first in `main`, before
/// any other thread exists.
#[cfg(target_os = "linux")]
fn paint_without_compositing() {
    let asked = std::env::var_os("FIREBREAK_PAINT_WITHOUT_COMPOSITING").is_some_and(|v| v == "1");
    if asked && std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    paint_without_compositing();
    let data_dir = std::env::var_os("FIREBREAK_DATA_DIR").map_or_else(default_data_dir, std::path::PathBuf::from);
    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();
    tauri::Builder::default()
        // first, so that a second start on the same data directory hands over and exits
        .plugin(one_window::single_instance(&data_dir, &identifier))
        .plugin(one_window::window_state(&data_dir))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        // Save and open dialogs, opened from Rust only (src/files.rs); no webview permission.
        .plugin(tauri_plugin_dialog::init())
        // Plugins are set up before this hook, so a second start has handed over and
        // exited before the database is opened.
        .setup(move |app| {
            open_data_dir(app, &data_dir);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::whoami,
            commands::set_whoami,
            commands::get_policy,
            commands::suggest_severity,
            commands::list_incidents,
            commands::show_incident,
            commands::timeline_page,
            commands::declare_incident,
            commands::set_status,
            commands::set_severity,
            commands::add_entry,
            commands::edit_incident,
            commands::assign_role,
            commands::add_decision,
            commands::pin_entry,
            commands::revise_entry,
            commands::add_task,
            commands::complete_task,
            commands::checklists,
            commands::check_item,
            commands::runbook,
            commands::take_runbook_action,
            commands::comms_draft,
            commands::comms_sent,
            commands::handoff_draft,
            commands::handoff,
            commands::copy_text,
            commands::get_pir,
            commands::pir_edit,
            commands::pir_set_item,
            commands::pir_status,
            commands::action_add,
            commands::action_edit,
            commands::action_remove,
            commands::list_actions,
            files::export_pir,
            files::export_metrics_csv,
            files::export_drill_report,
            files::import_pir,
            files::review_agenda,
            files::close_incident_forced,
            files::settings,
            files::policy_details,
            files::use_policy,
            files::set_lead_minutes,
            files::set_webhook,
            files::set_github_token,
            files::pir_github,
            commands::get_metrics,
            commands::list_drills,
            commands::start_drill,
            commands::drill_evaluation,
            commands::drill_control,
            commands::sync_status,
            commands::set_remote,
            commands::outbound_status,
            commands::retry_outbound,
            commands::app_version,
            commands::backup_database,
            files::restore_backup,
            files::export_quarantine,
            commands::pir_schedule,
            commands::pir_meeting_proposal,
        ])
        .run(context)
        .expect("error while running Firebreak");
}

/// Opens the data directory (or exits saying why) and starts the background tasks.
fn open_data_dir(app: &tauri::App, data_dir: &std::path::Path) {
    let mut fb = match Firebreak::open(data_dir, Box::new(SystemClock)) {
        Ok(fb) => fb,
        Err(e) => {
            eprintln!("firebreak: cannot open {}: {e}", data_dir.display());
            std::process::exit(1);
        }
    };
    // The window reads long timelines a page at a time (ui/src/features/incidents/timeline.ts).
    fb.page_timelines(TIMELINE_FIRST_PAGE);
    app.manage(commands::AppState::new(fb));
    one_window::save_when_settled(app.handle());
    scheduler::spawn(app.handle().clone());
    changes::spawn(app.handle().clone());
    background_sync::spawn(app.handle().clone());
}
