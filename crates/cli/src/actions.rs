//! `firebreak pir action add|edit|remove` and `firebreak actions`: a review's action
//! items one by one, and every incident's items in one list (open, overdue, by owner).
use crate::erased::Ser;
use crate::Out;
use clap::{Args, Subcommand};
use firebreak_api::actions::{ActionChange, ActionFilter, ActionRow};
use firebreak_api::{ApiError, Firebreak};
use serde_json::Value;

#[derive(Subcommand)]
pub enum ActionCmd {
    /// Add an item (its id AI-NNN is given; status open, priority medium unless given).
    Add {
        id: String,
        #[command(flatten)]
        fields: Fields,
    },
    /// Change fields of an item, named by its id (AI-002).
    Edit {
        id: String,
        item: String,
        #[command(flatten)]
        fields: Fields,
        /// open, in-progress or done.
        #[arg(long)]
        status: Option<String>,
    },
    /// Remove an item (kept in the history as removed).
    Remove { id: String, item: String },
}

#[derive(Args)]
pub struct Fields {
    #[arg(long)]
    action: Option<String>,
    #[arg(long)]
    owner: Option<String>,
    /// Due date, YYYY-MM-DD (empty clears it).
    #[arg(long, value_name = "YYYY-MM-DD")]
    due: Option<String>,
    /// high, medium or low.
    #[arg(long)]
    priority: Option<String>,
}

impl Fields {
    fn change(self, status: Option<String>) -> ActionChange {
        ActionChange { action: self.action, owner: self.owner, due: self.due, priority: self.priority, status }
    }
}

fn line(r: &ActionRow) -> String {
    let i = &r.item;
    let due = i.due.map_or_else(|| "no due date".to_string(), |d| format!("due {d}"));
    let owner = if i.owner.is_empty() { "no owner" } else { i.owner.as_str() };
    format!(
        "{} {}  [{}] {} — {owner}, {due}, {}{}",
        r.human_id,
        i.id,
        i.priority,
        i.action,
        i.status,
        if r.overdue { " (OVERDUE)" } else { "" }
    )
}

pub fn pir_action(fb: &mut Firebreak, cmd: ActionCmd, out: Out<'_>) -> Result<Value, ApiError> {
    let (row, verb) = match cmd {
        ActionCmd::Add { id, fields } => (fb.action_add(&id, fields.change(None))?, "added"),
        ActionCmd::Edit { id, item, fields, status } => (fb.action_edit(&id, &item, fields.change(status))?, "changed"),
        ActionCmd::Remove { id, item } => (fb.action_remove(&id, &item)?, "removed"),
    };
    let text = format!("{verb}: {}", line(&row));
    Ok(out(row.to_json(), text))
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    open: bool,
    #[arg(long)]
    overdue: bool,
    #[arg(long, value_name = "NAME")]
    owner: Option<String>,
}

pub fn list(fb: &Firebreak, a: ListArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let rows = fb.actions(&ActionFilter { open: a.open, overdue: a.overdue, owner: a.owner })?;
    let text = if rows.is_empty() {
        "no action items".to_string()
    } else {
        rows.iter().map(line).collect::<Vec<_>>().join("\n")
    };
    Ok(out(rows.to_json(), text))
}
