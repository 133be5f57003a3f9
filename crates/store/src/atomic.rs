//! The one way Firebreak writes a file whole or not at all: a new temporary file beside
//! the target (created new, never opened through an existing file or link, owner-only
//! where asked), written and fsynced, renamed over the target, then the folder fsynced so
//! the rename survives a power cut. A temporary file that is not renamed into place is
//! removed (with any SQLite `-journal`/`-wal`/`-shm` beside it). Used for backups
//! (backup.rs), exports (crates/api/src/export_path.rs) and secret files
//! (crates/api/src/secrets.rs).
use std::io::Write;
use std::path::{Path, PathBuf};

/// A temporary file beside its final place, removed unless renamed into place.
pub struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    /// Creates `.<name>.<random>.tmp` beside `dest`, empty, with `mode` on Unix.
    pub fn create_beside(dest: &Path, mode: u32) -> std::io::Result<Self> {
        let dir = folder_of(dest);
        let base = dest.file_name().map_or_else(|| "firebreak".into(), |n| n.to_string_lossy().into_owned());
        let path = dir.join(format!(".{base}.{:016x}.tmp", rand::random::<u64>()));
        let mut open = std::fs::OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, mode);
        #[cfg(not(unix))]
        let _ = mode;
        open.open(&path)?;
        Ok(TempFile { path, kept: false })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// fsyncs the temporary file, renames it over `dest` and fsyncs the folder.
    pub fn rename_to(mut self, dest: &Path) -> std::io::Result<()> {
        std::fs::File::open(&self.path)?.sync_all()?;
        std::fs::rename(&self.path, dest)?;
        self.kept = true;
        #[cfg(unix)]
        std::fs::File::open(folder_of(dest))?.sync_all()?;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        let _ = std::fs::remove_file(&self.path);
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut side = self.path.clone().into_os_string();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
    }
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Writes `bytes` to `path` whole or not at all (see the module comment); the new file
/// has `mode` on Unix (0o600 for secrets, 0o644 for exports).
pub fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let temp = TempFile::create_beside(path, mode)?;
    std::fs::OpenOptions::new().write(true).open(temp.path())?.write_all(bytes)?;
    temp.rename_to(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_no_temporary_file() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("out.md");
        std::fs::write(&path, "old").unwrap();
        write_atomically(&path, b"new text", 0o600).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new text");
        assert_eq!(names(d.path()), vec!["out.md"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_removes_the_temporary_one() {
        let d = tempfile::tempdir().unwrap();
        // The target is a folder: the rename fails after the temporary file was written.
        let target = d.path().join("taken");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("inside"), "kept").unwrap();
        assert!(write_atomically(&target, b"new", 0o644).is_err());
        assert_eq!(names(d.path()), vec!["taken"], "no temporary file left");
        assert_eq!(std::fs::read_to_string(target.join("inside")).unwrap(), "kept");
        // A temporary file dropped before its rename is removed with its SQLite sidecars.
        let temp = TempFile::create_beside(&d.path().join("db"), 0o600).unwrap();
        std::fs::write(format!("{}-wal", temp.path().display()), "x").unwrap();
        drop(temp);
        assert_eq!(names(d.path()), vec!["taken"]);
    }
}
