//! `firebreak`: the command line beside the window. It parses arguments, calls the same
//! API as the desktop shell (crates/api), and prints either text for people or, with
//! `--json`, one JSON document on stdout. Errors are one line on stderr (and, with
//! `--json`, `{"error": {code, message}}` on stdout) and a non-zero exit.
mod actions;
mod drill;
mod edit;
mod meeting;
mod output;
mod sync;

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
    /// Roles: incident commander, communications, operations, scribe, on-call.
    #[command(subcommand)]
    Role(RoleCmd),
    /// Print the shift handoff note; with --to, log it and hand command over.
    Handoff {
        id: String,
        /// The next incident commander.
        #[arg(long)]
        to: Option<String>,
        /// The note to log (default: the generated note).
        #[arg(long, value_name = "FILE")]
        note_file: Option<PathBuf>,
    },
    /// Status updates from the templates.
    #[command(subcommand)]
    Comms(CommsCmd),
    /// The incident's checklists; --check N / --uncheck N marks item N.
    Checklist {
        id: String,
        #[arg(long, value_name = "N", conflicts_with = "uncheck")]
        check: Option<usize>,
        #[arg(long, value_name = "N")]
        uncheck: Option<usize>,
    },
    /// Check-back tasks: "please do X, I'll come back to you in N minutes".
    #[command(subcommand)]
    Task(TaskCmd),
    /// The mitigation runbook: list actions with filled commands, or log one as taken.
    #[command(subcommand)]
    Runbook(RunbookCmd),
    /// Post-incident reviews: show, edit, import/export (YAML, Markdown, PDF, .ics), states.
    #[command(subcommand)]
    Pir(PirCmd),
    /// Action items of every incident's review (overdue: due before today, not done).
    Actions {
        #[arg(long)]
        open: bool,
        #[arg(long)]
        overdue: bool,
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
    },
    /// MTTA, MTTD, MTTR and PIR completion over a period, per severity, against targets.
    Metrics {
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
    },
    /// Drills: scenarios run on a drill clock, evaluated against their success criteria.
    #[command(subcommand)]
    Drill(DrillCmd),
    /// The team server this laptop syncs with.
    #[command(subcommand)]
    Remote(RemoteCmd),
    /// Exchange changes with the team server: one round, or keep going with --watch.
    Sync {
        #[arg(long)]
        watch: bool,
        #[command(subcommand)]
        what: Option<SyncCmd>,
    },
    /// Write a consistent copy of this laptop's database (safe while the window runs);
    /// secrets are not in it.
    Backup {
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Replace this laptop's database with a backup: checked first, all or nothing.
    Restore { file: PathBuf },
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
        /// Close even though the review the severity requires is not closed (logged).
        #[arg(long)]
        force: bool,
    },
    /// Change the title, summary, services, impact start or detection time.
    Edit(edit::EditArgs),
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
enum PirCmd {
    /// Show the review (pre-filled from the incident).
    Show { id: String },
    /// Import a review in the reference template's shape (creates or updates the incident).
    Import { file: PathBuf },
    /// Export the review.
    Export {
        id: String,
        #[arg(long, value_parser = ["pdf", "md", "yaml", "ics"])]
        format: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// For --format ics: the meeting start (RFC 3339); default: the scheduled slot, else
        /// 10:00 on the next working day.
        #[arg(long)]
        start: Option<String>,
    },
    /// Move the review: draft, in_review, reviewed, closed (closing closes the incident).
    Status { id: String, state: String },
    /// Write a section (summary, impact, root_cause, contributing_factors, ...).
    Edit {
        id: String,
        #[arg(long)]
        field: String,
        #[arg(long, conflicts_with = "file")]
        text: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Queue the open action items as GitHub issues labelled incident-followup (sent
    /// with `firebreak comms flush`, or by the window, when online).
    Github {
        id: String,
        #[arg(long, value_name = "OWNER/NAME")]
        repo: String,
        /// The API base (GitHub Enterprise); default https://api.github.com.
        #[arg(long)]
        api: Option<String>,
    },
    /// Store the GitHub token used for the export (kept locally, never printed).
    GithubToken {
        #[arg(env = "FIREBREAK_GITHUB_TOKEN", hide_env_values = true)]
        token: String,
    },
    /// Action items: add, edit, remove.
    #[command(subcommand)]
    Action(actions::ActionCmd),
    /// Schedule the review meeting (with attendees).
    Schedule(meeting::ScheduleArgs),
    /// The first free meeting slot in business hours, within 48 hours of resolution.
    Slot { id: String },
    /// Add an action item (id AI-NNN is given automatically).
    Item {
        id: String,
        #[arg(long)]
        action: String,
        #[arg(long, default_value = "")]
        owner: String,
        /// Due date, YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
        #[arg(long, default_value = "medium")]
        priority: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum DrillCmd {
    /// The built-in scenarios, and when the next quarterly drill is due.
    List,
    /// Run SCENARIO (a built-in name or a scenario file) on a drill clock.
    Run {
        scenario: String,
        /// Drill clock speed: 1, 10 or 60 (times real time).
        #[arg(long, default_value_t = 1)]
        speed: u32,
        /// Scripted responses (YAML), for rehearsals and automation.
        #[arg(long, value_name = "FILE")]
        responses: Option<PathBuf>,
    },
    /// The evaluation of a run (RUN: the drill incident's id).
    Report {
        run: String,
        #[arg(long, value_parser = ["pdf", "md"])]
        format: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum SyncCmd {
    /// List teammates' changes this laptop holds instead of applying: invalid ones
    /// (quarantined) and ones from a newer Firebreak (applied after an upgrade).
    Quarantine {
        /// Write every held change, as received, to FILE (JSON) for an admin.
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum RemoteCmd {
    /// Set the server address, team and this member's token (kept in the OS keyring, or
    /// an owner-only file where there is none; never printed). Checks the token with the
    /// server when it is reachable and adopts the member's name for this laptop's changes.
    Set {
        url: String,
        #[arg(long)]
        team: String,
        #[arg(long, env = "FIREBREAK_TOKEN", hide_env_values = true)]
        token: String,
        /// Trust this PEM file's CA for the server's certificate (a team's own CA),
        /// besides the system's roots. Kept (as PEM) in this laptop's settings.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
        /// Allow plain http:// to a host other than this machine (the token and the
        /// record then cross the network unencrypted; shown as a warning).
        #[arg(long)]
        allow_http: bool,
    },
    /// Show the server, team, waiting changes and last sync.
    Show,
    /// Stop syncing.
    Clear,
}

#[derive(Subcommand)]
enum RoleCmd {
    /// Give ROLE to PERSON (for incident-commander: a transfer of command).
    Assign {
        id: String,
        role: String,
        person: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// Stand the holder of ROLE down.
    Unassign { id: String, role: String },
}

#[derive(Subcommand)]
enum CommsCmd {
    /// Print a status update filled from the incident.
    Draft {
        id: String,
        #[arg(long, default_value = "update")]
        template: String,
    },
    /// Mark a status update as sent (restarts the update cadence). Without --file, the
    /// draft of the fitting template is logged.
    Sent {
        id: String,
        #[arg(long, value_name = "F")]
        file: Option<PathBuf>,
        #[arg(long)]
        at: Option<String>,
        /// Also post it to the webhook (queued; sent when online, once).
        #[arg(long)]
        post: bool,
    },
    /// Set (or with "" clear) the Slack-style webhook updates are posted to. The address
    /// is a secret: kept in the OS keyring (or an owner-only file), never printed.
    Webhook {
        #[arg(env = "FIREBREAK_WEBHOOK_URL", hide_env_values = true)]
        url: String,
    },
    /// Send the queued webhook posts and GitHub issues now; lists those refused for good.
    Flush,
    /// Queue a message that was refused for good again (ID as `comms flush` shows it).
    Retry { id: i64 },
}

#[derive(Subcommand)]
enum TaskCmd {
    Add {
        id: String,
        #[arg(long)]
        owner: String,
        #[arg(long)]
        text: String,
        /// Minutes until you check back.
        #[arg(long = "check-back", value_name = "MINUTES")]
        check_back: i64,
    },
    /// Mark a task done (TASK: its id or the first 6+ characters).
    Done { id: String, task: String },
}

#[derive(Subcommand)]
enum RunbookCmd {
    List {
        id: String,
    },
    /// Log ACTION as taken, with the exact command (Firebreak never runs it).
    Take {
        id: String,
        action: String,
        /// A parameter value, NAME=VALUE; repeat for several.
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        #[arg(long)]
        at: Option<String>,
    },
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
    /// How many minutes before a due time clocks turn "due soon" and notify (default 5).
    Lead { minutes: i64 },
}

#[derive(Subcommand)]
enum TimelineCmd {
    /// Record a decision: what was decided, by whom, objections noted.
    Decide {
        id: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        by: Option<String>,
        #[arg(long, default_value = "")]
        objections: String,
        #[arg(long)]
        at: Option<String>,
    },
    /// Pin an entry as a key event (ENTRY: its id or first 6+ characters).
    Pin {
        id: String,
        entry: String,
        #[arg(long)]
        unpin: bool,
    },
    /// Correct an entry: a new revision; the history stays.
    Revise {
        id: String,
        entry: String,
        #[arg(long)]
        text: String,
    },
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
    let json = cli.json;
    let out = |v: serde_json::Value, text: String| -> serde_json::Value {
        if !json {
            print_line(&text);
        }
        v
    };
    let value = |v: &dyn erased::Ser| v.to_json();
    if let Command::Restore { file } = &cli.command {
        // Not through `Firebreak::open`: a database this build cannot open can be replaced.
        let done = firebreak_api::backup::restore(&dir, file)?;
        let who = if done.adopted {
            format!(
                "this data directory now continues as replica {}; stop using the laptop the backup came from",
                done.replica_tag
            )
        } else {
            format!("this laptop keeps its replica {}", done.replica_tag)
        };
        return Ok(out(
            value(&done),
            format!("restored {} ops from {}; {who}\nnote: {}", done.ops, file.display(), done.note),
        ));
    }
    let mut fb = Firebreak::open(&dir, clock().map_err(internal)?)?;
    Ok(match cli.command {
        Command::Whoami { set } => {
            let id = match set {
                Some(name) => fb.set_author(&name)?,
                None => fb.identity()?,
            };
            out(value(&id), format!("{} (replica {}, data in {})", id.name, id.replica_tag, id.data_dir))
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
        Command::Incident(IncidentCmd::Status { id, status, at, force }) => {
            let status = status.parse().map_err(ApiError::from)?;
            let inc = fb.set_status_forced(StatusInput { incident: id, status, at }, force)?;
            out(value(&inc), format!("{} is now {}", inc.human_id, inc.status))
        }
        Command::Incident(IncidentCmd::Edit(a)) => edit::command(&mut fb, a, &out)?,
        Command::Incident(IncidentCmd::Severity { id, level, at }) => {
            let inc = fb.set_severity(SeverityInput { incident: id, level, at })?;
            out(value(&inc), format!("{} is now {}", inc.human_id, inc.severity))
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
                policy.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")
            );
            out(value(&policy), text)
        }
        Command::Policy(PolicyCmd::Lead { minutes }) => {
            fb.set_lead_minutes(minutes)?;
            out(
                serde_json::json!({ "lead_minutes": minutes }),
                format!("clocks turn due soon and notify {minutes} min before their due time"),
            )
        }
        Command::Policy(PolicyCmd::Use { name_or_file }) => {
            let view = fb.use_policy(&name_or_file)?;
            out(value(&view), format!("policy in force: {} ({})", view.name, view.source))
        }
        Command::Timers { id, at } => {
            let t = fb.timers(&id, at.as_deref())?;
            let text = output::timers(&t);
            out(value(&t), text)
        }
        Command::Timeline(TimelineCmd::Decide { id, text, by, objections, at }) => {
            let inc = fb.add_decision(DecisionInput {
                incident: id,
                text,
                decided_by: by.unwrap_or_default(),
                objections,
                at,
            })?;
            out(value(&inc), format!("decision logged on {}", inc.human_id))
        }
        Command::Timeline(TimelineCmd::Pin { id, entry, unpin }) => {
            let inc = fb.pin_entry(PinInput { incident: id, entry, pinned: !unpin })?;
            out(value(&inc), format!("{} on {}", if unpin { "unpinned" } else { "pinned" }, inc.human_id))
        }
        Command::Timeline(TimelineCmd::Revise { id, entry, text }) => {
            let inc = fb.revise_entry(ReviseInput { incident: id, entry, text })?;
            out(value(&inc), format!("corrected an entry of {}", inc.human_id))
        }
        Command::Pir(cmd) => pir_command(&mut fb, cmd, &out)?,
        Command::Remote(cmd) => sync::remote(&mut fb, cmd, &out)?,
        Command::Drill(cmd) => drill::command(&mut fb, &dir, cmd, &out)?,
        Command::Actions { open, overdue, owner } => {
            actions::list(&fb, firebreak_api::actions::ActionFilter { open, overdue, owner }, &out)?
        }
        Command::Sync { what: Some(SyncCmd::Quarantine { export }), .. } => {
            sync::quarantine(&fb, export.as_deref(), &out)?
        }
        Command::Backup { output } => {
            let done = fb.backup_to(&output)?;
            out(value(&done), format!("wrote {} ({} bytes)\nnote: {}", done.path, done.bytes, done.note))
        }
        Command::Restore { .. } => {
            return Err(ApiError::new(ErrorCode::Internal, "restore runs before the database is opened"))
        }
        Command::Sync { watch, what: None } => sync::run(&mut fb, watch, &out)?,
        Command::Metrics { from, to, severity, csv } => {
            let report = fb.metrics(from.as_deref(), to.as_deref(), severity.as_deref())?;
            let text = if csv { firebreak_metrics::to_csv(&report) } else { output::metrics(&report) };
            out(value(&report), text)
        }
        Command::Role(RoleCmd::Assign { id, role, person, at }) => {
            let inc = fb.assign_role(RoleInput { incident: id, role, person, at })?;
            let text = inc.timeline.iter().max_by_key(|e| e.recorded_time).map(|e| e.text.clone()).unwrap_or_default();
            out(value(&inc), text)
        }
        Command::Role(RoleCmd::Unassign { id, role }) => {
            let inc = fb.assign_role(RoleInput { incident: id, role, person: String::new(), at: None })?;
            out(value(&inc), format!("role cleared on {}", inc.human_id))
        }
        Command::Handoff { id, to, note_file } => {
            let draft = fb.handoff_draft(&id)?;
            match to {
                None => out(serde_json::json!({ "note": draft }), draft),
                Some(to) => {
                    let note = match note_file {
                        Some(f) => read_text(&f)?,
                        None => draft,
                    };
                    let inc = fb.handoff(HandoffInput { incident: id, to: to.clone(), note })?;
                    out(value(&inc), format!("{} handed to {to}", inc.human_id))
                }
            }
        }
        Command::Comms(CommsCmd::Draft { id, template }) => {
            let text = fb.comms_draft(&id, template.parse()?)?;
            out(serde_json::json!({ "text": text }), text)
        }
        Command::Comms(CommsCmd::Webhook { url }) => match fb.set_webhook(&url)? {
            Some(kept) => out(
                serde_json::json!({ "webhook": "stored", "kept_in": kept.as_str() }),
                format!("webhook address stored in the {}; status updates can be posted with --post", kept.describe()),
            ),
            None => out(serde_json::json!({ "webhook": "cleared" }), "webhook cleared".into()),
        },
        Command::Comms(CommsCmd::Flush) => sync::flush(&mut fb, &out)?,
        Command::Comms(CommsCmd::Retry { id }) => {
            let view = fb.retry_outbound(id)?;
            out(
                value(&view),
                format!(
                    "message #{id} queued again ({} waiting); sent by the next `firebreak comms flush`, or the window",
                    view.waiting
                ),
            )
        }
        Command::Comms(CommsCmd::Sent { id, file, at, post }) => {
            let text = match file {
                Some(f) => read_text(&f)?,
                None => {
                    let inc = fb.show(&id)?;
                    let sent_before =
                        inc.timeline.iter().any(|e| e.kind == firebreak_core::timeline::EntryKind::CommsUpdate);
                    let template = if !inc.status.is_open() {
                        firebreak_api::comms::Template::Resolution
                    } else if sent_before {
                        firebreak_api::comms::Template::Update
                    } else {
                        firebreak_api::comms::Template::Initial
                    };
                    fb.comms_draft(&id, template)?
                }
            };
            let inc = fb.comms_sent(CommsInput { incident: id, text, at, post })?;
            let posted = if post {
                "; queued for the webhook (sent by `firebreak comms flush` when online, or the window)"
            } else {
                ""
            };
            out(value(&inc), format!("status update logged on {}; the update cadence restarts{posted}", inc.human_id))
        }
        Command::Checklist { id, check, uncheck } => {
            let lists = fb.checklists(&id)?;
            if let Some((n, checked)) = check.map(|n| (n, true)).or(uncheck.map(|n| (n, false))) {
                let (list, item) = lists
                    .iter()
                    .flat_map(|l| l.items.iter().map(move |i| (l.name.clone(), i.item.clone())))
                    .nth(n.wrapping_sub(1))
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                            "no checklist item {n}; run `firebreak checklist {id}` for the numbers"
                        ))
                    })?;
                fb.check_item(CheckInput { incident: id.clone(), list, item, checked })?;
            }
            let lists = fb.checklists(&id)?;
            let text = output::checklists(&lists);
            out(value(&lists), text)
        }
        Command::Task(TaskCmd::Add { id, owner, text, check_back }) => {
            let inc = fb.add_task(TaskInput { incident: id, owner, text, check_back_minutes: check_back })?;
            let task = inc.tasks.iter().max_by_key(|t| t.check_back_at).map(|t| t.id.clone()).unwrap_or_default();
            out(value(&inc), format!("task {} added on {}", &task[..8.min(task.len())], inc.human_id))
        }
        Command::Task(TaskCmd::Done { id, task }) => {
            let inc = fb.complete_task(TaskDoneInput { incident: id, task })?;
            out(value(&inc), format!("task done on {}", inc.human_id))
        }
        Command::Runbook(RunbookCmd::List { id }) => {
            let actions = fb.runbook(&id)?;
            let text = actions
                .iter()
                .map(|a| format!("{:<14} {:<14} {}", a.id, a.name, a.command))
                .collect::<Vec<_>>()
                .join("\n");
            out(
                value(&actions),
                if text.is_empty() { "no runbook actions for this incident's services".into() } else { text },
            )
        }
        Command::Runbook(RunbookCmd::Take { id, action, params, at }) => {
            let mut map = std::collections::BTreeMap::new();
            for p in params {
                let (k, v) =
                    p.split_once('=').ok_or_else(|| ApiError::invalid(format!("--param {p:?} is not NAME=VALUE")))?;
                map.insert(k.trim().to_string(), v.to_string());
            }
            let inc = fb.take_runbook_action(RunbookInput { incident: id, action, params: map, at })?;
            let text = inc.timeline.iter().max_by_key(|e| e.recorded_time).map(|e| e.text.clone()).unwrap_or_default();
            out(value(&inc), text)
        }
        Command::Timeline(TimelineCmd::Add { id, kind, text, at }) => {
            let kind = kind.parse().map_err(ApiError::from)?;
            let inc = fb.add_entry(EntryInput { incident: id, kind, text, at })?;
            let added = inc.timeline.iter().max_by_key(|e| e.recorded_time).map(|e| e.id.clone()).unwrap_or_default();
            out(value(&inc), format!("added {kind} to {} ({added})", inc.human_id))
        }
    })
}

fn pir_command(
    fb: &mut Firebreak,
    cmd: PirCmd,
    out: &dyn Fn(serde_json::Value, String) -> serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    use firebreak_api::pir::{ActionItemInput, PirStateInput, PirTextInput};
    Ok(match cmd {
        PirCmd::Show { id } => {
            let p = fb.pir(&id)?;
            out(erased::Ser::to_json(&p), firebreak_api::pir_io::markdown(&p))
        }
        PirCmd::Import { file } => {
            let text = read_text(&file)?;
            let human = fb
                .pir_import_yaml(&text)
                .map_err(|e| ApiError::new(e.code, format!("{}: {}", file.display(), e.message)))?;
            let p = fb.pir(&human)?;
            out(erased::Ser::to_json(&p), format!("imported {human}"))
        }
        PirCmd::Export { id, format, output, start } => {
            let bytes: Vec<u8> = match format.as_str() {
                "yaml" => fb.pir_export_yaml(&id)?.into_bytes(),
                "md" => fb.pir_markdown(&id)?.into_bytes(),
                "ics" => {
                    let start = start
                        .map(|s| {
                            chrono::DateTime::parse_from_rfc3339(&s)
                                .map(|t| t.with_timezone(&chrono::Utc))
                                .map_err(|e| ApiError::invalid(format!("--start {s:?} is not an RFC 3339 time ({e})")))
                        })
                        .transpose()?;
                    fb.pir_ics(&id, start)?.into_bytes()
                }
                _ => fb.pir_pdf(&id)?,
            };
            write_atomically(&output, &bytes)?;
            out(
                serde_json::json!({ "file": output, "bytes": bytes.len() }),
                format!("wrote {} ({} bytes)", output.display(), bytes.len()),
            )
        }
        PirCmd::Status { id, state } => {
            let state = state.parse().map_err(ApiError::from)?;
            let p = fb.pir_status(PirStateInput { incident: id, state })?;
            out(erased::Ser::to_json(&p), format!("review of {} is {}", p.incident.human_id, p.state))
        }
        PirCmd::Edit { id, field, text, file } => {
            let text = match (text, file) {
                (Some(t), _) => t,
                (None, Some(f)) => read_text(&f)?,
                (None, None) => return Err(ApiError::invalid("give the text with --text or --file")),
            };
            let parents =
                fb.pir(&id)?.sections.iter().find(|s| s.field == field).map(|s| s.heads.clone()).unwrap_or_default();
            let p = fb.pir_edit(PirTextInput { incident: id, field: field.clone(), text, parents })?;
            out(erased::Ser::to_json(&p), format!("{field} saved on {}", p.incident.human_id))
        }
        PirCmd::Github { id, repo, api } => {
            let n = fb.export_items_to_github(&id, &repo, api.as_deref())?;
            out(
                serde_json::json!({ "queued": n }),
                format!("{n} action item(s) queued as GitHub issues in {repo} (sent by `firebreak comms flush` or the window)"),
            )
        }
        PirCmd::GithubToken { token } => match fb.set_github_token(&token)? {
            Some(kept) => out(
                serde_json::json!({ "github_token": "stored", "kept_in": kept.as_str() }),
                format!("GitHub token stored in the {}", kept.describe()),
            ),
            None => out(serde_json::json!({ "github_token": "cleared" }), "GitHub token forgotten".into()),
        },
        PirCmd::Action(cmd) => actions::pir_action(fb, cmd, out)?,
        PirCmd::Schedule(a) => meeting::schedule(fb, a, out)?,
        PirCmd::Slot { id } => meeting::slot(fb, &id, out)?,
        PirCmd::Item { id, action, owner, due, priority } => {
            let due = due.map(|d| firebreak_api::pir::parse_date(&d)).transpose()?;
            let item = firebreak_core::review::ActionItem {
                action,
                owner,
                due,
                priority,
                status: "open".into(),
                ..Default::default()
            };
            let p = fb.pir_set_item(ActionItemInput { incident: id, key: String::new(), item })?;
            let last = p.action_items.iter().map(|a| a.item.id.clone()).max().unwrap_or_default();
            out(erased::Ser::to_json(&p), format!("{last} added to {}", p.incident.human_id))
        }
    })
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
