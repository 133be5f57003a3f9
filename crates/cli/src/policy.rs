//! `firebreak policy …` and `firebreak timers`: the policy in force (show, check, use,
//! the due-soon lead) and the clocks it derives for one incident.
use crate::erased::Ser;
use crate::{output, Out};
use clap::{Args, Subcommand};
use firebreak_api::{ApiError, Firebreak};
use serde_json::Value;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum PolicyCmd {
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

#[derive(Args)]
pub struct TimersArgs {
    id: String,
    /// The instant to evaluate at (RFC 3339), if not now.
    #[arg(long)]
    at: Option<String>,
}

pub fn command(fb: &mut Firebreak, cmd: PolicyCmd, out: Out<'_>) -> Result<Value, ApiError> {
    Ok(match cmd {
        PolicyCmd::Show { preset } => {
            let policy = match preset {
                Some(name) => firebreak_api::policy_preset(&name)?,
                None => fb.policy()?,
            };
            out(policy.to_json(), policy.to_toml_string())
        }
        PolicyCmd::Check { file } => {
            let policy = firebreak_api::check_policy_file(&file)?;
            let text = format!(
                "{}: ok — {} ({} levels: {})",
                file.display(),
                policy.name,
                policy.levels.len(),
                policy.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>().join(", ")
            );
            out(policy.to_json(), text)
        }
        PolicyCmd::Lead { minutes } => {
            fb.set_lead_minutes(minutes)?;
            out(
                serde_json::json!({ "lead_minutes": minutes }),
                format!("clocks turn due soon and notify {minutes} min before their due time"),
            )
        }
        PolicyCmd::Use { name_or_file } => {
            let view = fb.use_policy(&name_or_file)?;
            out(view.to_json(), format!("policy in force: {} ({})", view.name, view.source))
        }
    })
}

pub fn timers(fb: &mut Firebreak, a: TimersArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let t = fb.timers(&a.id, a.at.as_deref())?;
    let text = output::timers(&t);
    Ok(out(t.to_json(), text))
}
