//! `firebreak`: the command line beside the window. It parses arguments, calls the same
//! API as the desktop shell (crates/api), and prints either text for people or, with
//! `--json`, one JSON document on stdout. Errors are one line on stderr (and, with
//! `--json`, `{"error": {code, message}}` on stdout) and a non-zero exit.
//!
//! This file holds the top-level command list and the dispatch; each command group is a
//! module of its own (its arguments and a thin mapping onto `firebreak_api`).
mod actions;
mod comms;
mod data;
mod drill;
mod edit;
mod incident;
mod meeting;
mod output;
mod pir;
mod policy;
mod response;
mod sync;
mod timeline;

use anyhow::Context;
use clap::{Parser, Subcommand};
use firebreak_api::system::{default_data_dir, SystemClock};
use firebreak_api::{ApiError, ErrorCode, Firebreak};
use firebreak_core::clock::{Clock, FixedClock};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "firebreak",
    version,
    about = "Run incidents from the command line: the same core as the Firebreak window."
)]
struct Cli {
    /// Where the local database lives (default: the platform's data directory).
    #[arg(long, global = true, env = "FIREBREAK_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Incidents: declare, list, show, move through the lifecycle, change severity.
    #[command(subcommand)]
    Incident(incident::IncidentCmd),
    /// The incident timeline.
    #[command(subcommand)]
    Timeline(timeline::TimelineCmd),
    /// The policy in force: severity levels, clocks, RTO table, calendar, targets.
    #[command(subcommand)]
    Policy(policy::PolicyCmd),
    /// Every clock of an incident (due time, state, time left) at an instant.
    Timers(policy::TimersArgs),
    /// Roles: incident commander, communications, operations, scribe, on-call.
    #[command(subcommand)]
    Role(response::RoleCmd),
    /// Print the shift handoff note; with --to, log it and hand command over.
    Handoff(response::HandoffArgs),
    /// Status updates from the templates.
    #[command(subcommand)]
    Comms(comms::CommsCmd),
    /// The incident's checklists; --check N / --uncheck N marks item N.
    Checklist(response::ChecklistArgs),
    /// Check-back tasks: "please do X, I'll come back to you in N minutes".
    #[command(subcommand)]
    Task(response::TaskCmd),
    /// The mitigation runbook: list actions with filled commands, or log one as taken.
    #[command(subcommand)]
    Runbook(response::RunbookCmd),
    /// Post-incident reviews: show, edit, import/export (YAML, Markdown, PDF, .ics), states.
    #[command(subcommand)]
    Pir(pir::PirCmd),
    /// Action items of every incident's review (overdue: due before today, not done).
    Actions(actions::ListArgs),
    /// MTTA, MTTD, MTTR and PIR completion over a period, per severity, against targets.
    Metrics(data::MetricsArgs),
    /// Drills: scenarios run on a drill clock, evaluated against their success criteria.
    #[command(subcommand)]
    Drill(drill::DrillCmd),
    /// The team server this laptop syncs with.
    #[command(subcommand)]
    Remote(sync::RemoteCmd),
    /// Exchange changes with the team server: one round, or keep going with --watch.
    Sync(sync::SyncArgs),
    /// Write a consistent copy of this laptop's database (safe while the window runs);
    /// secrets are not in it.
    Backup(data::BackupArgs),
    /// Replace this laptop's database with a backup: checked first, all or nothing.
    Restore(data::RestoreArgs),
    /// Show or set the name recorded on every change you make.
    Whoami(data::WhoamiArgs),
}

/// How a command hands back its result: the JSON value (printed with `--json`) and the
/// text for people (printed otherwise).
pub(crate) type Out<'a> = &'a dyn Fn(serde_json::Value, String) -> serde_json::Value;

fn clock() -> anyhow::Result<Box<dyn Clock>> {
    // FIREBREAK_NOW pins the clock for scripted runs and tests.
    match std::env::var("FIREBREAK_NOW") {
        Ok(s) if !s.is_empty() => {
            let t = chrono::DateTime::parse_from_rfc3339(&s)
                .with_context(|| format!("FIREBREAK_NOW={s:?} is not RFC 3339"))?;
            Ok(Box::new(FixedClock(t.with_timezone(&chrono::Utc))))
        }
        _ => Ok(Box::new(SystemClock)),
    }
}

fn run(cli: Cli) -> Result<serde_json::Value, ApiError> {
    let internal = |e: anyhow::Error| ApiError::new(ErrorCode::InvalidInput, format!("{e:#}"));
    let dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    let json = cli.json;
    let out = |v: serde_json::Value, text: String| -> serde_json::Value {
        if !json {
            print_line(&text);
        }
        v
    };
    if let Command::Restore(args) = &cli.command {
        // Not through `Firebreak::open`: a database this build cannot open can be replaced.
        return data::restore(&dir, args, &out);
    }
    let mut fb = Firebreak::open(&dir, clock().map_err(internal)?)?;
    let fb = &mut fb;
    match cli.command {
        Command::Incident(cmd) => incident::command(fb, cmd, &out),
        Command::Timeline(cmd) => timeline::command(fb, cmd, &out),
        Command::Policy(cmd) => policy::command(fb, cmd, &out),
        Command::Timers(args) => policy::timers(fb, args, &out),
        Command::Role(cmd) => response::role(fb, cmd, &out),
        Command::Handoff(args) => response::handoff(fb, args, &out),
        Command::Comms(cmd) => comms::command(fb, cmd, &out),
        Command::Checklist(args) => response::checklist(fb, args, &out),
        Command::Task(cmd) => response::task(fb, cmd, &out),
        Command::Runbook(cmd) => response::runbook(fb, cmd, &out),
        Command::Pir(cmd) => pir::command(fb, cmd, &out, json),
        Command::Actions(args) => actions::list(fb, args, &out),
        Command::Metrics(args) => data::metrics(fb, args, &out),
        Command::Drill(cmd) => drill::command(fb, &dir, cmd, &out),
        Command::Remote(cmd) => sync::remote(fb, cmd, &out),
        Command::Sync(args) => sync::command(fb, args, &out),
        Command::Backup(args) => data::backup(fb, args, &out),
        Command::Restore(_) => Err(ApiError::new(ErrorCode::Internal, "restore runs before the database is opened")),
        Command::Whoami(args) => data::whoami(fb, args, &out),
    }
}

/// Files given with `-o` are written whole or not at all (the one implementation the
/// window's exports use too).
pub(crate) use firebreak_api::export_path::write_atomically;

pub(crate) fn read_text(path: &std::path::Path) -> Result<String, ApiError> {
    std::fs::read_to_string(path).map_err(|e| ApiError::invalid(format!("cannot read {}: {e}", path.display())))
}

/// Serialises any DTO without naming its type at each call site.
pub(crate) mod erased {
    pub trait Ser {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}

/// Prints a line; a closed pipe (`firebreak … | head`) ends the program quietly.
fn print_line(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
        std::process::exit(0);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(v) => {
            if json {
                print_line(&serde_json::to_string_pretty(&v).unwrap_or_default());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({ "error": e }));
            }
            eprintln!("error: {}", e.message);
            ExitCode::from(1)
        }
    }
}
