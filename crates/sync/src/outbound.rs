//! Delivers the store's outbound queue — Slack-style webhook posts of status updates and
//! GitHub issues for review action items: each message is marked sent only after a 2xx,
//! so it goes out once, whenever the laptop is next online. The GitHub token is handed
//! in by the caller at send time (from its vault); it is never queued or logged.
use crate::client::StoreHandle;
use crate::{Result, SyncError};
use firebreak_core::clock::Clock;
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    pub failed: usize,
    pub waiting: u64,
}

/// Tries every waiting message once; GitHub messages are sent with the token
/// `github_token` gives (asked only when one waits: it may be a keyring lookup).
pub async fn deliver_outbound(
    store: &impl StoreHandle,
    clock: &dyn Clock,
    github_token: &(dyn Fn() -> Option<String> + Sync),
) -> Result<DeliveryReport> {
    let batch = store.with_store(|s| s.unsent_outbound(100))?;
    let mut report = DeliveryReport::default();
    let mut token: Option<Option<String>> = None;
    if batch.is_empty() {
        report.waiting = store.with_store(|s| s.outbound_waiting())?;
        return Ok(report);
    }
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| SyncError::Network(e.to_string()))?;
    for msg in batch {
        let mut request = http.post(&msg.url).header("content-type", "application/json").body(msg.body.clone());
        if msg.kind == "github" {
            let Some(token) = token.get_or_insert_with(github_token).clone() else {
                store.with_store(|s| s.mark_outbound_failed(msg.id, "no GitHub token is set"))?;
                report.failed += 1;
                continue;
            };
            request = request
                .header("authorization", format!("Bearer {token}"))
                .header("accept", "application/vnd.github+json")
                .header("user-agent", "firebreak")
                .header("x-github-api-version", "2022-11-28");
        }
        let outcome = request.send().await.map_err(|e| e.to_string()).and_then(|r| {
            if r.status().is_success() {
                Ok(())
            } else {
                Err(format!("the webhook answered {}", r.status()))
            }
        });
        match outcome {
            Ok(()) => {
                let now = clock.now();
                store.with_store(|s| s.mark_outbound_sent(msg.id, now))?;
                report.sent += 1;
            }
            Err(e) => {
                store.with_store(|s| s.mark_outbound_failed(msg.id, &e))?;
                report.failed += 1;
            }
        }
    }
    report.waiting = store.with_store(|s| s.outbound_waiting())?;
    Ok(report)
}
