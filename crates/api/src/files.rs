//! Files the window saves and opens through the desktop's dialogs: what each export's
//! bytes and suggested name are, the folder the last save went to (remembered, so the
//! next dialog opens there), and the integration settings the window shows beside them.
//! The dialogs themselves are the shell's (src-tauri/src/files.rs); this module never
//! asks anything, so the CLI and tests use it as well.
use crate::dto::ExportFormat;
use crate::error::{ApiError, Result};
use crate::export_path::{safe_stem, write_atomically};
use crate::Firebreak;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The setting naming the folder the window last saved into.
const SETTING_EXPORT_DIR: &str = "export_dir";

/// A file ready to be saved: its suggested name and its bytes.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub name: String,
    pub bytes: Vec<u8>,
    /// For the dialog's filter, e.g. ("PDF", "pdf").
    pub kind: (&'static str, &'static str),
}

/// What the window's Settings view shows.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SettingsView {
    /// Where the webhook address is kept ("keyring" / "file"), or null when none is set.
    pub webhook_kept_in: Option<String>,
    pub github_token_kept_in: Option<String>,
    /// The built-in policies one can switch to.
    pub presets: Vec<PresetView>,
    /// The folder exports are offered in first (the last one used), if any.
    pub export_folder: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct PresetView {
    pub name: String,
    pub title: String,
}

/// Create GitHub issues for a review's action items.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct GithubInput {
    pub incident: String,
    /// owner/name
    pub repo: String,
}

impl Firebreak {
    /// A review export: pdf, md, yaml or ics.
    pub fn pir_export_file(&self, key: &str, format: ExportFormat) -> Result<ExportFile> {
        let human = self.pir(key)?.incident.human_id;
        let (bytes, kind) = match format {
            ExportFormat::Pdf => (self.pir_pdf(key)?, ("PDF", "pdf")),
            ExportFormat::Md => (self.pir_markdown(key)?.into_bytes(), ("Markdown", "md")),
            ExportFormat::Yaml => (self.pir_export_yaml(key)?.into_bytes(), ("YAML", "yaml")),
            ExportFormat::Ics => (self.pir_ics(key, None)?.into_bytes(), ("Calendar invitation", "ics")),
        };
        Ok(ExportFile { name: format!("{}-review.{}", safe_stem(&human), format.ext()), bytes, kind })
    }

    /// The metrics over a period as CSV (one row per severity and week).
    pub fn metrics_csv_file(&self, from: Option<&str>, to: Option<&str>, severity: Option<&str>) -> Result<ExportFile> {
        let report = self.metrics(from, to, severity)?;
        let day = self.now().format("%Y%m%d");
        Ok(ExportFile {
            name: format!("firebreak-metrics-{day}.csv"),
            bytes: firebreak_metrics::to_csv(&report).into_bytes(),
            kind: ("CSV", "csv"),
        })
    }

    /// A drill's evaluation report as PDF.
    pub fn drill_report_file(&self, key: &str) -> Result<ExportFile> {
        let e = self.drill_evaluation(key)?;
        let human = self.show(key)?.human_id;
        let bytes = crate::drill::evaluation_pdf(&e, &human, &self.author()?, self.now())?;
        Ok(ExportFile { name: format!("{}-drill-report.pdf", safe_stem(&human)), bytes, kind: ("PDF", "pdf") })
    }

    /// The folder the last save went to, if it still exists.
    pub fn export_folder(&self) -> Result<Option<PathBuf>> {
        Ok(self.store.setting(SETTING_EXPORT_DIR)?.map(PathBuf::from).filter(|p| p.is_dir()))
    }

    /// Writes `file` at `path` (whole or not at all) and remembers its folder.
    pub fn save_export(&mut self, path: &Path, file: &ExportFile) -> Result<PathBuf> {
        if path.file_name().is_none() {
            return Err(ApiError::invalid(format!("{} is not a file name", path.display())));
        }
        write_atomically(path, &file.bytes)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            self.store.set_setting(SETTING_EXPORT_DIR, &dir.display().to_string())?;
        }
        Ok(path.to_path_buf())
    }

    /// Imports a review file (YAML) chosen in the window; returns the incident's id.
    pub fn pir_import_file(&mut self, path: &Path) -> Result<String> {
        let text = read_limited(path, firebreak_yaml::Limits::FILE.max_bytes)?;
        self.pir_import_yaml(&text).map_err(|e| ApiError::new(e.code, format!("{}: {}", path.display(), e.message)))
    }

    pub fn settings_view(&self) -> Result<SettingsView> {
        let presets = firebreak_policy::Policy::preset_names()
            .iter()
            .filter_map(|n| {
                firebreak_policy::Policy::preset(n).map(|p| PresetView { name: n.to_string(), title: p.name })
            })
            .collect();
        Ok(SettingsView {
            webhook_kept_in: self.webhook_kept_in()?.map(|s| s.as_str().to_string()),
            github_token_kept_in: self
                .vault
                .location(&self.store, crate::secrets::GITHUB_TOKEN)?
                .map(|s| s.as_str().to_string()),
            presets,
            export_folder: self.export_folder()?.map(|p| p.display().to_string()),
        })
    }
}

/// Reads a text file of at most `max` bytes, without reading more than that to find out.
fn read_limited(path: &Path, max: usize) -> Result<String> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| ApiError::invalid(format!("cannot read {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ApiError::invalid(format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() > max {
        return Err(ApiError::invalid(format!(
            "{} is larger than {} KiB; nothing was imported",
            path.display(),
            max / 1024
        )));
    }
    String::from_utf8(bytes).map_err(|_| ApiError::invalid(format!("{} is not UTF-8 text", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_is_whole_and_its_folder_is_offered_next_time() {
        let dir = tempfile::tempdir().unwrap();
        let mut fb =
            Firebreak::in_memory(Box::new(firebreak_core::clock::FixedClock("2026-11-30T12:00:00Z".parse().unwrap())))
                .unwrap();
        assert_eq!(fb.export_folder().unwrap(), None);
        let file = fb.metrics_csv_file(None, None, None).unwrap();
        assert!(file.name.starts_with("firebreak-metrics-") && file.name.ends_with(".csv"));
        let path = dir.path().join("m.csv");
        fb.save_export(&path, &file).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), file.bytes);
        assert_eq!(fb.export_folder().unwrap().as_deref(), Some(dir.path()));
        // A folder that no longer exists is not offered.
        drop(dir);
        assert_eq!(fb.export_folder().unwrap(), None);
    }

    #[test]
    fn unknown_incidents_and_folders_are_refused_with_the_reason() {
        let mut fb =
            Firebreak::in_memory(Box::new(firebreak_core::clock::FixedClock("2026-11-30T12:00:00Z".parse().unwrap())))
                .unwrap();
        let err = fb.pir_export_file("INC-NOPE", ExportFormat::Pdf).unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::NotFound, "{err:?}");
        let file = ExportFile { name: "x".into(), bytes: vec![1], kind: ("CSV", "csv") };
        let err = fb.save_export(Path::new("/"), &file).unwrap_err();
        assert!(err.message.contains("not a file name"), "{err:?}");
        let missing = Path::new("/nonexistent-firebreak-dir/x.csv");
        assert!(fb.save_export(missing, &file).is_err());
        assert_eq!(fb.export_folder().unwrap(), None, "a failed save remembers nothing");
    }

    #[test]
    fn an_import_too_large_or_not_text_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut fb =
            Firebreak::in_memory(Box::new(firebreak_core::clock::FixedClock("2026-11-30T12:00:00Z".parse().unwrap())))
                .unwrap();
        let big = dir.path().join("big.yaml");
        std::fs::write(&big, vec![b'#'; firebreak_yaml::Limits::FILE.max_bytes + 1]).unwrap();
        let err = fb.pir_import_file(&big).unwrap_err();
        assert!(err.message.contains("larger than 1024 KiB"), "{err:?}");
        let bin = dir.path().join("bin.yaml");
        std::fs::write(&bin, [0xff, 0xfe, 0x00]).unwrap();
        assert!(fb.pir_import_file(&bin).unwrap_err().message.contains("not UTF-8"));
        assert!(fb.list().unwrap().is_empty());
    }

    #[test]
    fn settings_list_both_built_in_policies_and_no_secrets() {
        let mut fb =
            Firebreak::in_memory(Box::new(firebreak_core::clock::FixedClock("2026-11-30T12:00:00Z".parse().unwrap())))
                .unwrap();
        let v = fb.settings_view().unwrap();
        assert!(v.presets.len() >= 2, "{:?}", v.presets);
        assert_eq!(v.webhook_kept_in, None);
        fb.set_webhook("https://hooks.example/T0/B0/secret").unwrap();
        let v = fb.settings_view().unwrap();
        assert!(v.webhook_kept_in.is_some());
        assert!(!serde_json::to_string(&v).unwrap().contains("secret"), "the address itself is never shown");
    }
}
