//! `firebreak pir …`: the post-incident review from the command line: show, import,
//! export (PDF, Markdown, YAML, .ics), states, sections, action items and the GitHub
//! export, each a thin mapping onto `firebreak_api`.
use crate::erased::Ser;
use crate::{actions, read_text, write_atomically, Out};
use clap::Subcommand;
use firebreak_api::dto::ExportFormat;
use firebreak_api::{ApiError, Firebreak};
use serde_json::Value;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum PirCmd {
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
    Schedule(crate::meeting::ScheduleArgs),
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

/// `json`: the answer is printed as JSON (`--json`), so values only JSON shows are built.
pub fn command(fb: &mut Firebreak, cmd: PirCmd, out: Out<'_>, json: bool) -> Result<Value, ApiError> {
    use firebreak_api::pir::{ActionItemInput, PirStateInput, PirTextInput};
    Ok(match cmd {
        PirCmd::Show { id } => {
            let p = fb.pir(&id)?;
            out(p.to_json(), firebreak_api::pir_io::markdown(&p))
        }
        PirCmd::Import { file } => {
            let text = read_text(&file)?;
            let human = fb
                .pir_import_yaml(&text)
                .map_err(|e| ApiError::new(e.code, format!("{}: {}", file.display(), e.message)))?;
            // The whole review is read back only for `--json`: a person is told its id.
            let v = if json { fb.pir(&human)?.to_json() } else { serde_json::json!({ "imported": human }) };
            out(v, format!("imported {human}"))
        }
        PirCmd::Export { id, format, output, start } => {
            let bytes: Vec<u8> = match format.parse()? {
                ExportFormat::Yaml => fb.pir_export_yaml(&id)?.into_bytes(),
                ExportFormat::Md => fb.pir_markdown(&id)?.into_bytes(),
                ExportFormat::Ics => {
                    let start = start
                        .map(|s| {
                            chrono::DateTime::parse_from_rfc3339(&s)
                                .map(|t| t.with_timezone(&chrono::Utc))
                                .map_err(|e| ApiError::invalid(format!("--start {s:?} is not an RFC 3339 time ({e})")))
                        })
                        .transpose()?;
                    fb.pir_ics(&id, start)?.into_bytes()
                }
                ExportFormat::Pdf => fb.pir_pdf(&id)?,
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
            out(p.to_json(), format!("review of {} is {}", p.incident.human_id, p.state))
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
            out(p.to_json(), format!("{field} saved on {}", p.incident.human_id))
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
        PirCmd::Schedule(a) => crate::meeting::schedule(fb, a, out)?,
        PirCmd::Slot { id } => crate::meeting::slot(fb, &id, out)?,
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
            out(p.to_json(), format!("{last} added to {}", p.incident.human_id))
        }
    })
}
