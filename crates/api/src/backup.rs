//! Backing up this laptop's record and restoring it, for the CLI (`firebreak backup`,
//! `firebreak restore`) and the window (`backup_database`). The store does the work
//! (`firebreak_store::backup`: a consistent snapshot, a checked, all-or-nothing restore);
//! this layer names files and says what a person must know: the secrets are not in the
//! database, so a backup carries none of them. The window restores over the database it
//! holds open ([`Firebreak::restore_here`]) and then re-opens it.
use crate::system::database_path;
use crate::{ApiError, ErrorCode, Firebreak, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// What every backup says: the tokens and the webhook address live in the OS keyring or
/// the owner-only secrets file, never in the database.
pub const SECRETS_NOTE: &str = "the team server token is not in the backup (nor the GitHub token or webhook \
                                address): set it again after a restore on another laptop";

/// A backup written.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub path: String,
    pub bytes: u64,
    pub note: &'static str,
}

/// A restore done.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RestoreReport {
    /// The replica tag this laptop carries now.
    pub replica_tag: String,
    /// True when this data directory took over the backup's replica (a laptop replacing
    /// another, or an empty data directory).
    pub adopted: bool,
    #[ts(type = "number")]
    pub ops: u64,
    #[ts(type = "string")]
    pub note: &'static str,
}

/// The version of this build (the workspace version).
pub fn app_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

impl Firebreak {
    /// Writes a consistent copy of this laptop's database to `dest` (complete or absent,
    /// 0600), while the window or another process may be writing.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupReport> {
        if dest.is_dir() {
            return Err(ApiError::invalid(format!("{} is a folder; give the backup file's name", dest.display())));
        }
        let bytes = self.store.backup_to(dest)?;
        Ok(BackupReport { path: dest.display().to_string(), bytes, note: SECRETS_NOTE })
    }

    /// Restores the backup `file` over this instance's own database while it holds it
    /// open (the window), then re-opens it: the restored record is read through a fresh
    /// connection, with its replica, clock counter and settings, and no drill of the old
    /// record keeps running here. Refused as [`restore`] is (one line, nothing changed).
    pub fn restore_here(&mut self, file: &Path) -> Result<RestoreReport> {
        let dir = self
            .data_dir()
            .map(Path::to_path_buf)
            .ok_or_else(|| ApiError::invalid("this Firebreak keeps no database on disk to restore over"))?;
        let report = restore(&dir, file)?;
        self.reopen()?;
        Ok(report)
    }

    /// Writes a backup named `firebreak-backup-<UTC time>.db` into `dir` (created if
    /// needed) and returns its path; the window's backup action.
    pub fn backup_into(&self, dir: &Path) -> Result<PathBuf> {
        std::fs::create_dir_all(dir).map_err(|e| {
            ApiError::new(ErrorCode::Storage, format!("cannot create the folder {}: {e}", dir.display()))
        })?;
        let name = format!("firebreak-backup-{}.db", self.now().format("%Y%m%d-%H%M%S"));
        let path = dir.join(name);
        self.backup_to(&path)?;
        Ok(path)
    }
}

/// Replaces the database of `data_dir` with the backup `file`: refused with one line if
/// it is not a Firebreak database, is damaged, comes from a newer schema, or is another
/// laptop's while this one has changes of its own; the current database is untouched then.
/// Works without opening the current database through [`Firebreak`], so a database this
/// build cannot open (too new, damaged) can still be replaced.
pub fn restore(data_dir: &Path, file: &Path) -> Result<RestoreReport> {
    if !file.is_file() {
        return Err(ApiError::invalid(format!("{} is not a file", file.display())));
    }
    let done = firebreak_store::backup::restore(&database_path(data_dir), file)?;
    Ok(RestoreReport { replica_tag: done.replica.tag(), adopted: done.adopted, ops: done.ops, note: SECRETS_NOTE })
}
