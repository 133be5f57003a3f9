//! `firebreak incident edit`: change an incident after its declaration (title, summary,
//! services, impact start, a corrected detection time). Each changed field becomes its
//! own op on the timeline; nothing is written when any part of the input is refused.
use crate::erased::Ser;
use crate::Out;
use clap::Args;
use firebreak_api::edit::EditInput;
use firebreak_api::{ApiError, Firebreak};
use firebreak_core::timeline::Change;
use serde_json::Value;

#[derive(Args)]
pub struct EditArgs {
    id: String,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    summary: Option<String>,
    /// The affected services, replacing the list; repeat for several.
    #[arg(long = "service", value_name = "NAME")]
    services: Vec<String>,
    /// Empty the list of affected services.
    #[arg(long, conflicts_with = "services")]
    no_services: bool,
    /// When the impact began (RFC 3339); used for MTTD and as the start of MTTR.
    #[arg(long, value_name = "RFC3339")]
    impact_start: Option<String>,
    /// A corrected detection time (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    detected_at: Option<String>,
}

pub fn command(fb: &mut Firebreak, a: EditArgs, out: Out<'_>) -> Result<Value, ApiError> {
    let services = if a.no_services { Some(Vec::new()) } else { (!a.services.is_empty()).then_some(a.services) };
    let before: std::collections::HashSet<String> = fb.show(&a.id)?.timeline.into_iter().map(|e| e.id).collect();
    let inc = fb.edit_incident(EditInput {
        incident: a.id,
        title: a.title,
        summary: a.summary,
        services,
        impact_started_at: a.impact_start,
        detected_at: a.detected_at,
    })?;
    // The entries this edit wrote, in timeline order.
    let mut lines = vec![format!("{} edited", inc.human_id)];
    lines.extend(
        inc.timeline
            .iter()
            .filter(|e| matches!(e.change, Some(Change::Edited { .. })) && !before.contains(&e.id))
            .map(|e| format!("  {}", e.text.replace('\n', "\n  "))),
    );
    Ok(out(inc.to_json(), lines.join("\n")))
}
