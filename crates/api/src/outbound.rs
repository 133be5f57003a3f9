//! Messages to other systems as a person sees and steers them: the webhook status
//! updates are posted to (its address is a secret — it names the channel and lets
//! anyone post into it — so it is kept in the vault, never in the database), the
//! messages that were refused for good and why, retrying one, and writing the address
//! of a created GitHub issue into its action item so nobody files it again.
//!
//! Delivery itself is crates/sync/src/outbound.rs; the queue is
//! crates/store/src/outbound.rs.
use crate::secrets::{self, SecretStore, Vault};
use crate::{ApiError, ErrorCode, Firebreak, Result};
use firebreak_core::ids::OpId;
use firebreak_core::op::OpPayload;
use firebreak_store::{Outbound, Store, StoreError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The queue's kind for webhook posts.
pub const WEBHOOK: &str = "webhook";
/// The queue's kind for GitHub issues.
pub const GITHUB: &str = "github";
/// The local setting older versions kept the webhook address in.
const LEGACY_WEBHOOK_SETTING: &str = "comms.webhook";

/// What waits to go out, and what was refused for good.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct OutboundView {
    /// Messages not yet accepted (retried with backoff).
    #[ts(type = "number")]
    pub waiting: u64,
    pub failed: Vec<FailedMessage>,
}

/// A message the other side refused too often; it waits for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FailedMessage {
    #[ts(type = "number")]
    pub id: i64,
    /// "webhook" or "github".
    pub kind: String,
    /// What it is, e.g. "status update “API degraded…”" or "GitHub issue “AI-001 …”".
    pub about: String,
    /// The last answer: HTTP status and a short excerpt (never a secret).
    pub reason: String,
    pub attempts: u32,
}

/// A short description of a queued message, from its body.
fn about(msg: &Outbound) -> String {
    let body: serde_json::Value = serde_json::from_str(&msg.body).unwrap_or_default();
    let (what, field) = match msg.kind.as_str() {
        WEBHOOK => ("status update", "text"),
        GITHUB => ("GitHub issue", "title"),
        other => (other, "text"),
    };
    let text = body.get(field).and_then(|v| v.as_str()).unwrap_or_default();
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = line.chars().take(60).collect();
    let more = if short.len() < line.len() { "…" } else { "" };
    format!("{what} “{short}{more}”")
}

impl Firebreak {
    /// The Slack-style webhook status updates are posted to, if set (from the vault).
    pub fn webhook_url(&self) -> Result<Option<String>> {
        self.vault.load(&self.store, secrets::WEBHOOK_URL)
    }

    /// Keeps the webhook address in the vault (empty forgets it); waiting and failed
    /// posts are due again at once, since the new address may be the fix. The error
    /// never repeats the address.
    pub fn set_webhook(&mut self, url: &str) -> Result<Option<SecretStore>> {
        let url = url.trim();
        if !url.is_empty() {
            let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
            let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or_default()).unwrap_or_default();
            if rest.is_none() || host.is_empty() {
                return Err(ApiError::invalid("the webhook address must start with https:// (or http://) and a host"));
            }
            if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ApiError::invalid("the webhook address must not contain spaces"));
            }
        }
        let kept = self.vault.save(&self.store, secrets::WEBHOOK_URL, url)?;
        if kept.is_some() {
            self.store.retry_outbound_kind(WEBHOOK)?;
        }
        Ok(kept)
    }

    /// Where the webhook address is kept, if it is set.
    pub fn webhook_kept_in(&self) -> Result<Option<SecretStore>> {
        self.vault.location(&self.store, secrets::WEBHOOK_URL)
    }

    /// How many messages wait, and the ones refused for good with their reasons.
    pub fn outbound_view(&self) -> Result<OutboundView> {
        let failed = self
            .store
            .failed_outbound()?
            .iter()
            .map(|m| FailedMessage {
                id: m.id,
                kind: m.kind.clone(),
                about: about(m),
                reason: m.last_error.clone().unwrap_or_else(|| "refused".into()),
                attempts: m.attempts,
            })
            .collect();
        Ok(OutboundView { waiting: self.store.outbound_waiting()?, failed })
    }

    /// Puts a message refused for good back in the queue, due at once.
    pub fn retry_outbound(&mut self, id: i64) -> Result<OutboundView> {
        if !self.store.retry_outbound(id)? {
            let why = match self.store.outbound(id)? {
                None => format!("there is no message #{id}"),
                Some(m) => format!("message #{id} is {}, not failed", m.state.as_str()),
            };
            return Err(ApiError::new(ErrorCode::NotFound, why));
        }
        self.outbound_view()
    }

    /// Writes the address of each created GitHub issue into its action item (one op per
    /// item, so teammates see it and their `pir github` skips it too). An item that is
    /// gone or already has a link is left as it is. Returns how many were linked.
    pub fn link_created_issues(&mut self) -> Result<usize> {
        let mut linked = 0;
        for msg in self.store.unlinked_results()? {
            let (Some(incident), Some(key), Some(url)) = (&msg.incident_id, &msg.item_key, &msg.result_url) else {
                continue;
            };
            let inc = match self.store.find(incident) {
                Ok(inc) => Some(inc),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e.into()),
            };
            let item = match (inc, key.parse::<OpId>()) {
                (Some(inc), Ok(key)) => {
                    inc.review.items().into_iter().find(|(k, _)| *k == key).map(|(_, i)| (inc.id, key, i.clone()))
                }
                _ => None,
            };
            if let Some((incident, key, mut item)) = item.filter(|(_, _, i)| i.link.is_empty() && !i.deleted) {
                item.link = url.clone();
                let author = self.author()?;
                self.store.commit(self.now(), &author, incident, OpPayload::SetActionItem { key: Some(key), item })?;
                linked += 1;
            }
            self.store.mark_result_linked(msg.id, self.now())?;
        }
        Ok(linked)
    }

    /// Moves a webhook address an older version kept in the settings into the vault,
    /// and erases it — and any copy in queued posts — from the database files.
    pub(crate) fn move_legacy_webhook(store: &mut Store, vault: &Vault) -> Result<()> {
        let legacy = store.setting(LEGACY_WEBHOOK_SETTING)?;
        if let Some(url) = &legacy {
            if vault.location(store, secrets::WEBHOOK_URL)?.is_none() {
                vault.save(store, secrets::WEBHOOK_URL, url)?;
            }
        }
        if legacy.is_some() || store.outbound_urls_stored(WEBHOOK)? {
            store.erase_stored_address(LEGACY_WEBHOOK_SETTING, WEBHOOK)?;
        }
        Ok(())
    }
}
