//! This laptop's data and figures: `firebreak whoami`, `backup`, `restore` and `metrics`.
//! `restore` runs before the database is opened (a database this build cannot open can
//! still be replaced).
use crate::erased::Ser;
use crate::{output, Out};
use clap::Args;
use firebreak_api::{ApiError, Firebreak};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct MetricsArgs {
    /// Start of the period (YYYY-MM-DD or RFC 3339), inclusive.
    #[arg(long)]
    from: Option<String>,
    /// End of the period, exclusive.
    #[arg(long)]
    to: Option<String>,
    #[arg(long)]
    severity: Option<String>,
    /// Print CSV instead of text.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
}

#[derive(Args)]
pub struct BackupArgs {
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    file: PathBuf,
}

#[derive(Args)]
pub struct WhoamiArgs {
    #[arg(long, value_name = "NAME")]
    set: Option<String>,
}

pub fn whoami(fb: &mut Firebreak, a: WhoamiArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let id = match a.set {
        Some(name) => fb.set_author(&name)?,
        None => fb.identity()?,
    };
    Ok(out(id.to_json(), format!("{} (replica {}, data in {})", id.name, id.replica_tag, id.data_dir)))
}

pub fn metrics(fb: &mut Firebreak, a: MetricsArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let report = fb.metrics(a.from.as_deref(), a.to.as_deref(), a.severity.as_deref())?;
    let text = if a.csv { firebreak_metrics::to_csv(&report) } else { output::metrics(&report) };
    Ok(out(report.to_json(), text))
}

pub fn backup(fb: &mut Firebreak, a: BackupArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let done = fb.backup_to(&a.output)?;
    Ok(out(done.to_json(), format!("wrote {} ({} bytes)\nnote: {}", done.path, done.bytes, done.note)))
}

pub fn restore(dir: &Path, a: &RestoreArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let done = firebreak_api::backup::restore(dir, &a.file)?;
    let who = if done.adopted {
        format!(
            "this data directory now continues as replica {}; stop using the laptop the backup came from",
            done.replica_tag
        )
    } else {
        format!("this laptop keeps its replica {}", done.replica_tag)
    };
    Ok(out(done.to_json(), format!("restored {} ops from {}; {who}\nnote: {}", done.ops, a.file.display(), done.note)))
}
