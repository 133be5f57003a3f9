//! One window per data directory: a second start on the same directory hands over to the
//! running window (which comes to the front) and exits before it opens the database for
//! writing, so a laptop never has two writers racing on one record. The window's size and
//! position are kept beside the data they belong to.
use std::path::Path;

use tauri::{AppHandle, Manager, Runtime};

/// The single-instance plugin, keyed by the data directory: two windows on two different
/// directories (two identities, as the tests and a trainer's laptop use) may run together.
pub fn single_instance<R: Runtime>(data_dir: &Path, identifier: &str) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(data_dir, identifier))
        .callback(|app: &AppHandle<R>, _args, _cwd| focus_main(app))
        .build()
}

/// Restores and remembers the main window's size, position and maximised state in
/// `window-state.json` inside the data directory.
pub fn window_state<R: Runtime>(data_dir: &Path) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_filename(data_dir.join("window-state.json").to_string_lossy().into_owned())
        .build()
}

/// Writes the window state to disk half a second after the window last moved or changed
/// size, not only at a clean exit: a laptop that loses power, or a window closed by
/// a killed process, still opens where it was.
pub fn save_when_settled<R: Runtime>(app: &AppHandle<R>) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use tauri_plugin_window_state::{AppHandleExt, StateFlags};
    let Some(window) = app.get_webview_window("main") else { return };
    let generation = Arc::new(AtomicU64::new(0));
    let handle = app.clone();
    window.on_window_event(move |event| {
        if !matches!(event, tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)) {
            return;
        }
        let mine = generation.fetch_add(1, Ordering::SeqCst) + 1;
        let (generation, handle) = (generation.clone(), handle.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            if generation.load(Ordering::SeqCst) == mine {
                if let Err(e) = handle.save_window_state(StateFlags::all()) {
                    eprintln!("firebreak: cannot save the window's size and position: {e}");
                }
            }
        });
    });
}

fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        // Each step may fail on a window manager that refuses it; the others still help.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// A D-Bus name element (letters, digits, `_`) unique to the data directory: the app
/// identifier plus a stable FNV-1a hash of the directory's absolute path (made absolute
/// without resolving links, so it is the same before and after the directory exists).
pub fn instance_id(data_dir: &Path, identifier: &str) -> String {
    let absolute = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in absolute.to_string_lossy().as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{identifier}.data_{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::instance_id;
    use std::path::Path;

    #[test]
    fn the_same_directory_gives_the_same_name_and_another_directory_another() {
        let a = instance_id(Path::new("/nonexistent/laptop-a"), "dev.firebreak.app");
        assert_eq!(a, instance_id(Path::new("/nonexistent/laptop-a"), "dev.firebreak.app"));
        assert_ne!(a, instance_id(Path::new("/nonexistent/laptop-b"), "dev.firebreak.app"));
        // a valid D-Bus name: elements of [A-Za-z0-9_], none starting with a digit
        for element in a.split('.') {
            assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()), "{a}");
            assert!(element.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{a}");
        }
    }
}
