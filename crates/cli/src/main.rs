//! `firebreak`: the command line beside the window. It parses arguments, calls the same
//! API as the desktop shell (crates/api), and prints either text for people or, with
//! `--json`, one JSON document on stdout. Errors are one line on stderr (and, with
//! `--json`, `{"error": {code, message}}` on stdout) and a non-zero exit.
mod output;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use firebreak_api::dto::*;
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
    Incident(IncidentCmd),
    /// The incident timeline.
    #[command(subcommand)]
    Timeline(TimelineCmd),
    /// The policy in force: severity levels, clocks, RTO table, calendar, targets.
    #[command(subcommand)]
    Policy(PolicyCmd),
    /// Every clock of an incident (due time, state, time left) at an instant.
    Timers {
        id: String,
        /// The instant to evaluate at (RFC 3339), if not now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Show or set the name recorded on every change you make.
    Whoami {
        #[arg(long, value_name = "NAME")]
        set: Option<String>,
    },
}

#[derive(Subcommand)]
enum IncidentCmd {
    /// Declare a new incident; prints its id.
    Declare(DeclareArgs),
    /// List incidents, newest first.
    List,
    /// Show one incident with its timeline.
    Show { id: String },
    /// Move an incident through detected → acknowledged → investigating → mitigated → resolved → closed.
    Status {
        id: String,
        status: String,
        /// When it happened (RFC 3339), if not now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Change the severity level.
    Severity {
        id: String,
        level: String,
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Args)]
struct DeclareArgs {
    #[arg(long)]
    title: String,
    #[arg(long)]
    severity: String,
    /// When it was detected (RFC 3339), if not now.
    #[arg(long)]
    at: Option<String>,
    /// An affected service; repeat for several.
    #[arg(long = "service", value_name = "NAME")]
    services: Vec<String>,
    #[arg(long, default_value = "")]
    summary: String,
    /// Mark the incident as a drill (never counted in metrics).
    #[arg(long)]
    drill: bool,
}

#[derive(Subcommand)]
enum PolicyCmd {
    /// Print the policy in force (or a built-in preset) as TOML.
    Show {
        #[arg(long, value_name = "NAME")]
        preset: Option<String>,
    },
    /// Check a policy file; prints the first problem with its line and field.
    Check { file: PathBuf },
    /// Put a preset (protocol, matrix) or a policy file in force.
    Use { name_or_file: String },
}

#[derive(Subcommand)]
enum TimelineCmd {
    /// Add an entry (note, decision, action, alert, customer-report, role-change, comms-update).
    Add {
        id: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        at: Option<String>,
    },
}

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
    let mut fb = Firebreak::open(&dir, clock().map_err(internal)?)?;
    let json = cli.json;
    let out = |v: serde_json::Value, text: String| -> serde_json::Value {
        if !json {
            print_line(&text);
        }
        v
    };
    let value = |v: &dyn erased::Ser| v.to_json();
    Ok(match cli.command {
        Command::Whoami { set } => {
            let id = match set {
                Some(name) => fb.set_author(&name)?,
                None => fb.identity()?,
            };
            out(
                value(&id),
                format!(
                    "{} (replica {}, data in {})",
                    id.name, id.replica_tag, id.data_dir
                ),
            )
        }
        Command::Incident(IncidentCmd::Declare(a)) => {
            let inc = fb.declare(DeclareInput {
                title: a.title,
                severity: a.severity,
                summary: a.summary,
                services: a.services,
                drill: a.drill,
                at: a.at,
                suggested: None,
            })?;
            out(value(&inc), inc.human_id.clone())
        }
        Command::Incident(IncidentCmd::List) => {
            let list = fb.list()?;
            let text = output::incident_table(&list, fb.now());
            out(value(&list), text)
        }
        Command::Incident(IncidentCmd::Show { id }) => {
            let inc = fb.show(&id)?;
            out(value(&inc), output::incident_detail(&inc))
        }
        Command::Incident(IncidentCmd::Status { id, status, at }) => {
            let status = status.parse().map_err(ApiError::from)?;
            let inc = fb.set_status(StatusInput {
                incident: id,
                status,
                at,
            })?;
            out(
                value(&inc),
                format!("{} is now {}", inc.human_id, inc.status),
            )
        }
        Command::Incident(IncidentCmd::Severity { id, level, at }) => {
            let inc = fb.set_severity(SeverityInput {
                incident: id,
                level,
                at,
            })?;
            out(
                value(&inc),
                format!("{} is now {}", inc.human_id, inc.severity),
            )
        }
        Command::Policy(PolicyCmd::Show { preset }) => {
            let policy = match preset {
                Some(name) => firebreak_api::policy_preset(&name)?,
                None => fb.policy()?,
            };
            out(value(&policy), policy.to_toml_string())
        }
        Command::Policy(PolicyCmd::Check { file }) => {
            let policy = firebreak_api::check_policy_file(&file)?;
            let text = format!(
                "{}: ok — {} ({} levels: {})",
                file.display(),
                policy.name,
                policy.levels.len(),
                policy
                    .levels
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            out(value(&policy), text)
        }
        Command::Policy(PolicyCmd::Use { name_or_file }) => {
            let view = fb.use_policy(&name_or_file)?;
            out(
                value(&view),
                format!("policy in force: {} ({})", view.name, view.source),
            )
        }
        Command::Timers { id, at } => {
            let t = fb.timers(&id, at.as_deref())?;
            let text = output::timers(&t);
            out(value(&t), text)
        }
        Command::Timeline(TimelineCmd::Add { id, kind, text, at }) => {
            let kind = kind.parse().map_err(ApiError::from)?;
            let inc = fb.add_entry(EntryInput {
                incident: id,
                kind,
                text,
                at,
            })?;
            let added = inc
                .timeline
                .iter()
                .max_by_key(|e| e.recorded_time)
                .map(|e| e.id.clone())
                .unwrap_or_default();
            out(
                value(&inc),
                format!("added {kind} to {} ({added})", inc.human_id),
            )
        }
    })
}

/// Serialises any DTO without naming its type at each call site.
mod erased {
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
