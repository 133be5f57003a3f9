//! File names made from ids, and writing export files whole. An incident's human id or
//! title comes from whoever declared it, possibly a synced teammate's laptop or an
//! imported file, so it may hold `../`, a path separator, a leading dot or characters a
//! file system refuses. Every file Firebreak names after such a value goes through
//! [`safe_stem`] (the one place that decides what a file name may contain) and
//! [`export_path`] (which also checks that the final path stays inside the export
//! folder); [`write_atomically`] then writes it whole or not at all.
use crate::{ApiError, Result};
use std::path::{Component, Path, PathBuf};

/// Longest stem (the part made from an id) of an export file name, in characters.
pub const MAX_STEM_CHARS: usize = 64;

/// The stem used when nothing of the id survives.
const FALLBACK_STEM: &str = "export";

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// `raw` reduced to `[A-Za-z0-9._-]`: any other character becomes `_`, leading dots
/// are dropped (no hidden files, no `..`), at most [`MAX_STEM_CHARS`] characters, and
/// never empty. `../../etc/passwd` becomes `_.._etc_passwd`.
pub fn safe_stem(raw: &str) -> String {
    let mapped: String = raw.chars().map(|c| if allowed(c) { c } else { '_' }).collect();
    let stem: String = mapped.trim_start_matches('.').chars().take(MAX_STEM_CHARS).collect();
    if stem.is_empty() {
        FALLBACK_STEM.to_string()
    } else {
        stem
    }
}

/// `dir/<safe_stem(stem)><suffix>.<ext>`, refused unless it is a plain file name
/// directly inside `dir`. `suffix` and `ext` are the program's own (`-review`, `pdf`)
/// and must already be in the safe set.
pub fn export_path(dir: &Path, stem: &str, suffix: &str, ext: &str) -> Result<PathBuf> {
    if !suffix.chars().all(allowed) || ext.is_empty() || !ext.chars().all(allowed) {
        return Err(ApiError::invalid(format!("{suffix:?}.{ext:?} is not a safe file name ending")));
    }
    let name = format!("{}{suffix}.{ext}", safe_stem(stem));
    let mut parts = Path::new(&name).components();
    let plain = matches!((parts.next(), parts.next()), (Some(Component::Normal(_)), None));
    let path = dir.join(&name);
    if !plain || path.parent() != Some(dir) {
        return Err(ApiError::invalid(format!("{name:?} would not stay inside {}", dir.display())));
    }
    Ok(path)
}

/// Writes `bytes` to `path` whole or not at all: a new temporary file beside it (never
/// opened through an existing file or link), fsynced, renamed over `path`, the folder
/// fsynced (`firebreak_store::atomic`, the one implementation).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    firebreak_store::atomic::write_atomically(path, bytes, 0o644)
        .map_err(|e| ApiError::invalid(format!("cannot write {}: {e}", path.display())))
}

/// Creates `dir` if needed and writes `bytes` as `dir/<safe_stem(stem)><suffix>.<ext>`
/// (see [`export_path`]), atomically; returns the path written.
pub fn write_export(dir: &Path, stem: &str, suffix: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| ApiError::invalid(format!("cannot write into {}: {e}", dir.display())))?;
    let path = export_path(dir, stem, suffix, ext)?;
    write_atomically(&path, bytes)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_keep_the_safe_set_and_nothing_else() {
        assert_eq!(safe_stem("INC-001"), "INC-001");
        assert_eq!(safe_stem("v1.2_rc-3"), "v1.2_rc-3");
        assert_eq!(safe_stem("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_stem(".."), "export");
        assert_eq!(safe_stem(".hidden"), "hidden");
        assert_eq!(safe_stem("a/b\\c:d*e?f\"g<h>i|j\0k"), "a_b_c_d_e_f_g_h_i_j_k");
        assert_eq!(safe_stem("Ελλάδα 监控"), "_".repeat(9));
        assert_eq!(safe_stem(""), "export");
        assert_eq!(safe_stem(&"x".repeat(500)).len(), MAX_STEM_CHARS);
    }

    #[test]
    fn export_paths_stay_inside_the_folder() {
        let dir = Path::new("/tmp/exports");
        for id in ["../../../etc/cron.d/evil", "/etc/passwd", "..", "a/../../b", "C:\\x", "\u{202e}gpj.exe"] {
            let path = export_path(dir, id, "-review", "pdf").unwrap();
            assert_eq!(path.parent(), Some(dir), "{id:?} → {}", path.display());
            let name = path.file_name().unwrap().to_str().unwrap();
            assert!(name.chars().all(allowed) && !name.starts_with('.'), "{name}");
            assert!(name.ends_with("-review.pdf"), "{name}");
        }
        assert!(export_path(dir, "INC-1", "/../x", "pdf").is_err());
        assert!(export_path(dir, "INC-1", "-review", "").is_err());
    }

    #[test]
    fn writes_whole_files_and_never_through_a_planted_link() {
        let d = tempfile::tempdir().unwrap();
        let outside = d.path().join("outside.txt");
        std::fs::write(&outside, "untouched").unwrap();
        let dir = d.path().join("exports");
        std::fs::create_dir_all(&dir).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, dir.join(".INC-1-review.md.tmp")).unwrap();
        let path = write_export(&dir, "INC-1", "-review", "md", b"# review").unwrap();
        assert_eq!(path, dir.join("INC-1-review.md"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# review");
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "untouched");
        // The planted link is not ours to follow or remove; no temporary file of ours is left.
        let mut left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
        left.sort();
        #[cfg(unix)]
        let expected = vec![std::ffi::OsString::from(".INC-1-review.md.tmp"), "INC-1-review.md".into()];
        #[cfg(not(unix))]
        let expected = vec![std::ffi::OsString::from("INC-1-review.md")];
        assert_eq!(left, expected, "no temporary file left");
    }
}
