//! `firebreak comms …`: status updates from the templates (draft, mark sent, post to the
//! webhook) and the queue of messages for other systems (flush, retry).
use crate::erased::Ser;
use crate::{read_text, sync, Out};
use clap::Subcommand;
use firebreak_api::comms::Template;
use firebreak_api::dto::CommsInput;
use firebreak_api::{ApiError, Firebreak};
use serde_json::{json, Value};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum CommsCmd {
    /// Print a status update filled from the incident.
    Draft {
        id: String,
        #[arg(long, default_value = "update")]
        template: String,
    },
    /// Mark a status update as sent (restarts the update cadence). Without --file, the
    /// draft of the fitting template (or of --template) is logged. With a customer
    /// template (customer-initial|customer-update|customer-resolution) it is recorded as a
    /// customer update: it restarts the customer-update clock, not the internal one.
    Sent {
        id: String,
        #[arg(long, value_name = "F")]
        file: Option<PathBuf>,
        /// The template it was written from.
        #[arg(long)]
        template: Option<String>,
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

pub fn command(fb: &mut Firebreak, cmd: CommsCmd, out: Out<'_>) -> Result<Value, ApiError> {
    Ok(match cmd {
        CommsCmd::Draft { id, template } => {
            let text = fb.comms_draft(&id, template.parse()?)?;
            out(json!({ "text": text }), text)
        }
        CommsCmd::Webhook { url } => match fb.set_webhook(&url)? {
            Some(kept) => out(
                json!({ "webhook": "stored", "kept_in": kept.as_str() }),
                format!("webhook address stored in the {}; status updates can be posted with --post", kept.describe()),
            ),
            None => out(json!({ "webhook": "cleared" }), "webhook cleared".into()),
        },
        CommsCmd::Flush => sync::flush(fb, out)?,
        CommsCmd::Retry { id } => {
            let view = fb.retry_outbound(id)?;
            out(
                view.to_json(),
                format!(
                    "message #{id} queued again ({} waiting); sent by the next `firebreak comms flush`, or the window",
                    view.waiting
                ),
            )
        }
        CommsCmd::Sent { id, file, template, at, post } => {
            let template: Option<Template> = template.map(|t| t.parse()).transpose()?;
            let text = match (file, template) {
                (Some(f), _) => read_text(&f)?,
                (None, Some(t)) => fb.comms_draft(&id, t)?,
                (None, None) => {
                    let inc = fb.show(&id)?;
                    let sent_before =
                        inc.timeline.iter().any(|e| e.kind == firebreak_core::timeline::EntryKind::CommsUpdate);
                    let template = if !inc.status.is_open() {
                        Template::Resolution
                    } else if sent_before {
                        Template::Update
                    } else {
                        Template::Initial
                    };
                    fb.comms_draft(&id, template)?
                }
            };
            let inc = fb.comms_sent(CommsInput { incident: id, text, at, post, template })?;
            if template.and_then(Template::customer_notice).is_some() {
                let text = format!("customer update logged on {}; the customer-update clock restarts", inc.human_id);
                return Ok(out(inc.to_json(), text));
            }
            let posted = if post {
                "; queued for the webhook (sent by `firebreak comms flush` when online, or the window)"
            } else {
                ""
            };
            out(inc.to_json(), format!("status update logged on {}; the update cadence restarts{posted}", inc.human_id))
        }
    })
}
