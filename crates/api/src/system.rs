//! The edge's readings of the outside world: the system clock, the OS user name and the
//! platform data directory. Business logic never calls these; it is handed their values.
use chrono::{DateTime, Utc};
use firebreak_core::clock::Clock;
use std::path::PathBuf;

/// The real wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place the laptop's wall clock is read (clippy.toml forbids it elsewhere).
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The OS user's name, the default author of every change until `whoami --set`.
pub fn os_user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The platform's data directory (`$XDG_DATA_HOME/firebreak`, `~/Library/Application
/// Support/firebreak`, `%APPDATA%\\firebreak`), else `./firebreak-data`.
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir().map_or_else(|| PathBuf::from("firebreak-data"), |b| b.join("firebreak"))
}

/// The database file inside a data directory.
pub fn database_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("firebreak.db")
}
