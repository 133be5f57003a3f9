//! The response during an incident from the command line: `firebreak role`, `handoff`,
//! `checklist`, `task` and `runbook`, each a thin mapping onto `firebreak_api`.
use crate::erased::Ser;
use crate::{output, read_text, Out};
use clap::{Args, Subcommand};
use firebreak_api::dto::{CheckInput, HandoffInput, RoleInput, RunbookInput, TaskDoneInput, TaskInput};
use firebreak_api::{ApiError, Firebreak};
use serde_json::Value;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum RoleCmd {
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

#[derive(Args)]
pub struct HandoffArgs {
    id: String,
    /// The next incident commander.
    #[arg(long)]
    to: Option<String>,
    /// The note to log (default: the generated note).
    #[arg(long, value_name = "FILE")]
    note_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct ChecklistArgs {
    id: String,
    #[arg(long, value_name = "N", conflicts_with = "uncheck")]
    check: Option<usize>,
    #[arg(long, value_name = "N")]
    uncheck: Option<usize>,
}

#[derive(Subcommand)]
pub enum TaskCmd {
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
pub enum RunbookCmd {
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

/// The text of the newest entry on the timeline (what a command just logged).
fn newest_entry_text(inc: &firebreak_api::dto::IncidentDetail) -> String {
    inc.timeline.iter().max_by_key(|e| e.recorded_time).map(|e| e.text.clone()).unwrap_or_default()
}

pub fn role(fb: &mut Firebreak, cmd: RoleCmd, out: Out<'_>) -> Result<Value, ApiError> {
    Ok(match cmd {
        RoleCmd::Assign { id, role, person, at } => {
            let inc = fb.assign_role(RoleInput { incident: id, role, person, at })?;
            out(inc.to_json(), newest_entry_text(&inc))
        }
        RoleCmd::Unassign { id, role } => {
            let inc = fb.assign_role(RoleInput { incident: id, role, person: String::new(), at: None })?;
            out(inc.to_json(), format!("role cleared on {}", inc.human_id))
        }
    })
}

pub fn handoff(fb: &mut Firebreak, a: HandoffArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let draft = fb.handoff_draft(&a.id)?;
    Ok(match a.to {
        None => out(serde_json::json!({ "note": draft }), draft),
        Some(to) => {
            let note = match a.note_file {
                Some(f) => read_text(&f)?,
                None => draft,
            };
            let inc = fb.handoff(HandoffInput { incident: a.id, to: to.clone(), note })?;
            out(inc.to_json(), format!("{} handed to {to}", inc.human_id))
        }
    })
}

pub fn checklist(fb: &mut Firebreak, a: ChecklistArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let id = a.id;
    let lists = fb.checklists(&id)?;
    if let Some((n, checked)) = a.check.map(|n| (n, true)).or(a.uncheck.map(|n| (n, false))) {
        let (list, item) = lists
            .iter()
            .flat_map(|l| l.items.iter().map(move |i| (l.name.clone(), i.item.clone())))
            .nth(n.wrapping_sub(1))
            .ok_or_else(|| {
                ApiError::invalid(format!("no checklist item {n}; run `firebreak checklist {id}` for the numbers"))
            })?;
        fb.check_item(CheckInput { incident: id.clone(), list, item, checked })?;
    }
    let lists = fb.checklists(&id)?;
    let text = output::checklists(&lists);
    Ok(out(lists.to_json(), text))
}

pub fn task(fb: &mut Firebreak, cmd: TaskCmd, out: Out<'_>) -> Result<Value, ApiError> {
    Ok(match cmd {
        TaskCmd::Add { id, owner, text, check_back } => {
            let inc = fb.add_task(TaskInput { incident: id, owner, text, check_back_minutes: check_back })?;
            let task = inc.tasks.iter().max_by_key(|t| t.check_back_at).map(|t| t.id.clone()).unwrap_or_default();
            out(inc.to_json(), format!("task {} added on {}", &task[..8.min(task.len())], inc.human_id))
        }
        TaskCmd::Done { id, task } => {
            let inc = fb.complete_task(TaskDoneInput { incident: id, task })?;
            out(inc.to_json(), format!("task done on {}", inc.human_id))
        }
    })
}

pub fn runbook(fb: &mut Firebreak, cmd: RunbookCmd, out: Out<'_>) -> Result<Value, ApiError> {
    Ok(match cmd {
        RunbookCmd::List { id } => {
            let actions = fb.runbook(&id)?;
            let text = actions
                .iter()
                .map(|a| format!("{:<14} {:<14} {}", a.id, a.name, a.command))
                .collect::<Vec<_>>()
                .join("\n");
            out(
                actions.to_json(),
                if text.is_empty() { "no runbook actions for this incident's services".into() } else { text },
            )
        }
        RunbookCmd::Take { id, action, params, at } => {
            let mut map = std::collections::BTreeMap::new();
            for p in params {
                let (k, v) =
                    p.split_once('=').ok_or_else(|| ApiError::invalid(format!("--param {p:?} is not NAME=VALUE")))?;
                map.insert(k.trim().to_string(), v.to_string());
            }
            let inc = fb.take_runbook_action(RunbookInput { incident: id, action, params: map, at })?;
            out(inc.to_json(), newest_entry_text(&inc))
        }
    })
}
