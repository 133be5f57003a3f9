//! Review action items as GitHub issues labelled `incident-followup` (the reference's
//! tracking mechanism), queued with a timeline note in one transaction and created through
//! the REST API when online (crates/sync delivers the queue with the token from the
//! vault). Each message names its action item; an item is filed once: the created
//! issue's address is written into the item's link
//! ([`Firebreak::link_created_issues`]), and an item with an issue waiting or created is
//! skipped.
use crate::outbound::GITHUB;
use crate::{ApiError, Firebreak, Result};
use firebreak_core::op::OpPayload;
use firebreak_core::timeline::EntryKind;
use firebreak_store::{NewOutbound, OutboundState};
use std::collections::HashSet;

pub const DEFAULT_API: &str = "https://api.github.com";
pub const LABEL: &str = "incident-followup";

impl Firebreak {
    /// Queues one issue per open action item of the review; returns how many.
    pub fn export_items_to_github(&mut self, key: &str, repo: &str, api: Option<&str>) -> Result<usize> {
        let repo = repo.trim();
        let valid = repo.split('/').count() == 2 && repo.split('/').all(|p| !p.is_empty() && !p.contains(' '));
        if !valid {
            return Err(ApiError::invalid(format!("{repo:?} is not a GitHub repository (write OWNER/NAME)")));
        }
        let p = self.pir(key)?;
        let id: uuid::Uuid = p.incident.id.parse().map_err(|_| ApiError::invalid("bad incident id"))?;
        // An item with an issue waiting to be created, or created already, is not filed
        // again (one refused for good is queued again).
        let filed: HashSet<String> = self
            .store
            .outbound_for_items(id)?
            .into_iter()
            .filter(|m| m.kind == GITHUB && m.state != OutboundState::Failed)
            .filter_map(|m| m.item_key)
            .collect();
        let open: Vec<_> =
            p.action_items.iter().filter(|a| a.item.status != "done" && a.item.link.is_empty()).collect();
        if open.is_empty() {
            return Err(ApiError::invalid("no open action items without a tracker link to export"));
        }
        let items: Vec<_> = open.into_iter().filter(|a| !filed.contains(&a.key)).collect();
        if items.is_empty() {
            return Err(ApiError::invalid(
                "every open action item is already filed as a GitHub issue or waiting to be (see `firebreak comms flush`)",
            ));
        }
        let api = api.unwrap_or(DEFAULT_API).trim_end_matches('/');
        let url = format!("{api}/repos/{repo}/issues");
        let inc = &p.incident;
        let bodies: Vec<String> = items
            .iter()
            .map(|a| {
                let i = &a.item;
                let due = i.due.map(|d| format!("\n**Due:** {d}")).unwrap_or_default();
                serde_json::json!({
                    "title": format!("{} {}", i.id, i.action),
                    "body": format!(
                        "Follow-up from the post-incident review of **{}** [{}] {}.\n\n**Action:** {}\n**Owner:** {}\n**Priority:** {}{due}",
                        inc.human_id, inc.severity, inc.title, i.action, i.owner, i.priority
                    ),
                    "labels": [LABEL],
                })
                .to_string()
            })
            .collect();
        let msgs: Vec<NewOutbound<'_>> = bodies
            .iter()
            .zip(&items)
            .map(|(b, a)| NewOutbound { kind: GITHUB, url: &url, body: b, item_key: Some(&a.key) })
            .collect();
        let ids: Vec<&str> = items.iter().map(|a| a.item.id.as_str()).collect();
        let text = format!("Action items {} queued as GitHub issues in {repo} (label {LABEL})", ids.join(", "));
        let at = self.now();
        let author = self.author()?;
        let note = OpPayload::AddEntry { kind: EntryKind::Action, at, text, decision: None };
        self.store.commit_with_outbounds(at, &author, id, note, &msgs)?;
        Ok(msgs.len())
    }
}
