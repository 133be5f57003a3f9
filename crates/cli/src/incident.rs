//! `firebreak incident …`: declare, list, show, move through the lifecycle, edit and
//! change severity. Each verb is one call into `firebreak_api` and one line of text.
use crate::erased::Ser;
use crate::{edit, output, Out};
use clap::{Args, Subcommand};
use firebreak_api::dto::{DeclareInput, SeverityInput, StatusInput};
use firebreak_api::{ApiError, Firebreak};
use serde_json::Value;

#[derive(Subcommand)]
pub enum IncidentCmd {
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
pub struct DeclareArgs {
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

pub fn command(fb: &mut Firebreak, cmd: IncidentCmd, out: Out<'_>) -> Result<Value, ApiError> {
    Ok(match cmd {
        IncidentCmd::Declare(a) => {
            let inc = fb.declare(DeclareInput {
                title: a.title,
                severity: a.severity,
                summary: a.summary,
                services: a.services,
                drill: a.drill,
                at: a.at,
                suggested: None,
            })?;
            out(inc.to_json(), inc.human_id.clone())
        }
        IncidentCmd::List => {
            let list = fb.list()?;
            let text = output::incident_table(&list, fb.now());
            out(list.to_json(), text)
        }
        IncidentCmd::Show { id } => {
            let inc = fb.show(&id)?;
            out(inc.to_json(), output::incident_detail(&inc))
        }
        IncidentCmd::Status { id, status, at, force } => {
            let status = status.parse().map_err(ApiError::from)?;
            let inc = fb.set_status_forced(StatusInput { incident: id, status, at }, force)?;
            out(inc.to_json(), format!("{} is now {}", inc.human_id, inc.status))
        }
        IncidentCmd::Edit(a) => edit::command(fb, a, out)?,
        IncidentCmd::Severity { id, level, at } => {
            let inc = fb.set_severity(SeverityInput { incident: id, level, at })?;
            out(inc.to_json(), format!("{} is now {}", inc.human_id, inc.severity))
        }
    })
}
