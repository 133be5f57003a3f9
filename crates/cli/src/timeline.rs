//! `firebreak timeline …`: decisions, pins, revisions and entries of any kind on an
//! incident's timeline, each one call into `firebreak_api`.
use crate::erased::Ser;
use crate::Out;
use clap::Subcommand;
use firebreak_api::dto::{DecisionInput, EntryInput, PinInput, ReviseInput};
use firebreak_api::{ApiError, Firebreak};
use serde_json::Value;

#[derive(Subcommand)]
pub enum TimelineCmd {
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

pub fn command(fb: &mut Firebreak, cmd: TimelineCmd, out: Out<'_>) -> Result<Value, ApiError> {
    Ok(match cmd {
        TimelineCmd::Decide { id, text, by, objections, at } => {
            let inc = fb.add_decision(DecisionInput {
                incident: id,
                text,
                decided_by: by.unwrap_or_default(),
                objections,
                at,
            })?;
            out(inc.to_json(), format!("decision logged on {}", inc.human_id))
        }
        TimelineCmd::Pin { id, entry, unpin } => {
            let inc = fb.pin_entry(PinInput { incident: id, entry, pinned: !unpin })?;
            out(inc.to_json(), format!("{} on {}", if unpin { "unpinned" } else { "pinned" }, inc.human_id))
        }
        TimelineCmd::Revise { id, entry, text } => {
            let inc = fb.revise_entry(ReviseInput { incident: id, entry, text })?;
            out(inc.to_json(), format!("corrected an entry of {}", inc.human_id))
        }
        TimelineCmd::Add { id, kind, text, at } => {
            let kind = kind.parse().map_err(ApiError::from)?;
            let added = fb.add_entry(EntryInput { incident: id, kind, text, at })?;
            out(added.to_json(), format!("added {kind} to {} ({})", added.human_id, added.entry.id))
        }
    })
}
