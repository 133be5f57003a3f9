//! Delivers the store's outbound queue — Slack-style webhook posts of status updates and
//! GitHub issues for review action items — so each goes out once, whenever the laptop
//! is next online, without flooding a service that is down or refusing:
//!
//! - Each message is *claimed* (a lease in its row, taken in a transaction) before it is
//!   sent, so the CLI and the window delivering from one data directory never send one
//!   twice; a crashed sender's claim runs out after [`DeliveryOptions::lease`].
//! - A failed attempt is retried with exponential backoff per message (jittered, capped
//!   at [`MAX_BACKOFF`]). A permanent refusal (a 4xx other than 408/429) is retried only
//!   [`MAX_REJECTIONS`] times in all; then the message is *failed* and shown with its
//!   reason until a person retries it.
//! - The webhook address and the GitHub token are secrets: asked for at send time
//!   ([`OutboundSecrets`]), never queued, and never part of an error text (reqwest's
//!   errors name the address, so they are reduced to their kind; the other side's
//!   answer is quoted only after every part of the secrets is blanked out).
//! - A created GitHub issue's address (`html_url`) is kept with the message.
use crate::client::StoreHandle;
use crate::{Result, SyncError};
use chrono::{DateTime, Utc};
use firebreak_core::clock::Clock;
use firebreak_store::Attempt;
use rand::Rng;
use std::time::Duration;

/// Permanent refusals (4xx other than 408/429) before a message is given up.
pub const MAX_REJECTIONS: u32 = 3;
/// The first retry's delay ceiling; doubles with each failed attempt.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(5);
/// The longest wait between two attempts at one message.
pub const MAX_BACKOFF: Duration = Duration::from_secs(15 * 60);
/// How much of the other side's answer an error text quotes.
const EXCERPT_CHARS: usize = 160;
/// The most of an answer read (a GitHub issue is a few KiB).
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// The secrets a message may need, asked for only when one is about to be sent (they
/// may be keyring lookups). An `Err` says why a secret cannot be read (secret-free).
pub trait OutboundSecrets: Sync {
    fn webhook_url(&self) -> std::result::Result<Option<String>, String>;
    fn github_token(&self) -> std::result::Result<Option<String>, String>;
}

/// Secrets read beforehand (the CLI reads them once per run).
#[derive(Debug, Clone, Default)]
pub struct KnownSecrets {
    pub webhook_url: Option<String>,
    pub github_token: Option<String>,
}

impl OutboundSecrets for KnownSecrets {
    fn webhook_url(&self) -> std::result::Result<Option<String>, String> {
        Ok(self.webhook_url.clone())
    }
    fn github_token(&self) -> std::result::Result<Option<String>, String> {
        Ok(self.github_token.clone())
    }
}

#[derive(Debug, Clone)]
pub struct DeliveryOptions {
    /// Only messages whose backoff has passed (the window's loop); `false` sends every
    /// waiting message now (`firebreak comms flush`, a person asking).
    pub due_only: bool,
    /// How long a claim holds; longer than `timeout`, so a live sender never loses one.
    pub lease: Duration,
    /// For one request, connection to answer.
    pub timeout: Duration,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        DeliveryOptions { due_only: true, lease: Duration::from_secs(60), timeout: Duration::from_secs(10) }
    }
}

/// One failed attempt of a delivery round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptFailure {
    pub id: i64,
    pub kind: String,
    pub reason: String,
    /// Given up for good (else retried later).
    pub gave_up: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub sent: usize,
    /// Attempts that failed and will be retried.
    pub retrying: usize,
    /// Messages given up in this round (refused too often).
    pub failed: usize,
    /// Messages still waiting after the round (retried later).
    pub waiting: u64,
    /// Of those, how many another sender (the window, another `comms flush`) is sending.
    pub in_flight: u64,
    pub failures: Vec<AttemptFailure>,
}

/// What one attempt came to, before it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Sent {
        result_url: Option<String>,
    },
    /// `rejected`: a permanent refusal; `retry_after`: the other side asked to wait.
    Failed {
        reason: String,
        rejected: bool,
        retry_after: Option<Duration>,
    },
}

/// Delivers waiting messages, one claimed at a time, each tried at most once per call.
pub async fn deliver_outbound(
    store: &impl StoreHandle,
    clock: &dyn Clock,
    secrets: &dyn OutboundSecrets,
    options: &DeliveryOptions,
) -> Result<DeliveryReport> {
    let sender = format!("{:032x}", rand::random::<u128>());
    let lease = chrono::Duration::from_std(options.lease).unwrap_or(chrono::Duration::seconds(60));
    let mut report = DeliveryReport::default();
    let mut http: Option<reqwest::Client> = None;
    let mut after = 0;
    loop {
        let now = clock.now();
        let Some(msg) = store.with_store(|s| s.claim_outbound(&sender, now, lease, after, options.due_only))? else {
            break;
        };
        after = msg.id;
        let client = match &http {
            Some(c) => c.clone(),
            None => match reqwest::Client::builder().timeout(options.timeout).build() {
                Ok(c) => http.insert(c).clone(),
                Err(e) => {
                    let _ = store.with_store(|s| s.release_outbound(msg.id, &sender));
                    return Err(SyncError::Network(format!("cannot start an HTTP client: {}", e.without_url())));
                }
            },
        };
        let outcome = attempt(&client, &msg, secrets).await;
        let now = clock.now();
        match outcome {
            Outcome::Sent { result_url } => {
                store.with_store(|s| {
                    s.finish_outbound(msg.id, &sender, now, &Attempt::Sent { result_url: result_url.as_deref() })
                })?;
                report.sent += 1;
            }
            Outcome::Failed { reason, rejected, retry_after } => {
                let gave_up = rejected && msg.rejections + 1 >= MAX_REJECTIONS;
                let result = if gave_up {
                    Attempt::GiveUp { error: &reason }
                } else {
                    let wait = backoff(msg.attempts + 1, &mut rand::thread_rng()).max(retry_after.unwrap_or_default());
                    let retry_at = retry_time(now, wait.min(MAX_BACKOFF));
                    Attempt::Retry { error: &reason, retry_at, rejected }
                };
                store.with_store(|s| s.finish_outbound(msg.id, &sender, now, &result))?;
                if gave_up {
                    report.failed += 1;
                } else {
                    report.retrying += 1;
                }
                report.failures.push(AttemptFailure { id: msg.id, kind: msg.kind.clone(), reason, gave_up });
            }
        }
    }
    let now = clock.now();
    (report.waiting, report.in_flight) =
        store.with_store(|s| Ok::<_, SyncError>((s.outbound_waiting()?, s.outbound_in_flight(now)?)))?;
    Ok(report)
}

/// The delay before attempt `failures + 1`: a random point in the upper half of
/// `FIRST_BACKOFF * 2^(failures-1)`, capped at [`MAX_BACKOFF`].
pub fn backoff(failures: u32, rng: &mut impl Rng) -> Duration {
    let factor = 1u32.checked_shl(failures.saturating_sub(1).min(20)).unwrap_or(u32::MAX);
    let ceiling = FIRST_BACKOFF.saturating_mul(factor).min(MAX_BACKOFF);
    let ms = ceiling.as_millis().max(2) as u64;
    Duration::from_millis(rng.gen_range(ms / 2..=ms))
}

fn retry_time(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(wait).ok().and_then(|d| now.checked_add_signed(d)).unwrap_or(now)
}

/// Sends one message. Never returns a text that contains a secret.
async fn attempt(http: &reqwest::Client, msg: &firebreak_store::Outbound, secrets: &dyn OutboundSecrets) -> Outcome {
    let failed = |reason: String| Outcome::Failed { reason, rejected: false, retry_after: None };
    let mut hidden: Vec<String> = Vec::new();
    let request = match msg.kind.as_str() {
        "webhook" => match secrets.webhook_url() {
            Ok(Some(url)) => {
                hidden.push(url.clone());
                http.post(url)
            }
            Ok(None) => return failed("no webhook is set (`firebreak comms webhook URL`)".into()),
            Err(e) => return failed(format!("cannot read the webhook address: {e}")),
        },
        "github" => match secrets.github_token() {
            Ok(Some(token)) => {
                hidden.push(token.clone());
                http.post(&msg.url)
                    .header("authorization", format!("Bearer {token}"))
                    .header("accept", "application/vnd.github+json")
                    .header("user-agent", "firebreak")
                    .header("x-github-api-version", "2022-11-28")
            }
            Ok(None) => return failed("no GitHub token is set (`firebreak pir github-token`)".into()),
            Err(e) => return failed(format!("cannot read the GitHub token: {e}")),
        },
        other => {
            return Outcome::Failed {
                reason: format!("unknown kind of message {other:?}"),
                rejected: true,
                retry_after: Some(MAX_BACKOFF),
            }
        }
    };
    let answer = request.header("content-type", "application/json").body(msg.body.clone()).send().await;
    let mut response = match answer {
        Ok(r) => r,
        // A malformed address does not heal by waiting: counted as a refusal.
        Err(e) if e.is_builder() => {
            return Outcome::Failed {
                reason: "the address is not a valid URL".into(),
                rejected: true,
                retry_after: None,
            }
        }
        Err(e) => return failed(network_reason(&e, &hidden)),
    };
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = read_capped(&mut response).await;
    if status.is_success() {
        let result_url = (msg.kind == "github").then(|| created_issue_url(&body)).flatten();
        return Outcome::Sent { result_url };
    }
    let code = status.as_u16();
    let rejected = status.is_client_error() && code != 408 && code != 429;
    let excerpt = excerpt(&String::from_utf8_lossy(&body), &hidden);
    let mut reason = format!("HTTP {code}");
    if let Some(why) = status.canonical_reason() {
        reason.push_str(&format!(" {why}"));
    }
    if !excerpt.is_empty() {
        reason.push_str(&format!(": {excerpt}"));
    }
    Outcome::Failed { reason, rejected, retry_after }
}

/// Up to [`MAX_ANSWER_BYTES`] of the answer's body; a broken body reads as what came.
async fn read_capped(response: &mut reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_ANSWER_BYTES.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_ANSWER_BYTES {
            break;
        }
    }
    body
}

/// The `html_url` of a GitHub "create an issue" answer, if it is a plain web address.
fn created_issue_url(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let url = v.get("html_url")?.as_str()?.trim();
    let plain = url.len() <= 500 && !url.chars().any(|c| c.is_control() || c.is_whitespace());
    ((url.starts_with("https://") || url.starts_with("http://")) && plain).then(|| url.to_string())
}

/// Why a request got no answer, by kind only: reqwest's own texts name the address.
fn network_reason(e: &reqwest::Error, hidden: &[String]) -> String {
    if e.is_timeout() {
        return "no answer in time (timed out)".into();
    }
    let kind = if e.is_connect() { "cannot connect" } else { "the connection failed" };
    // The innermost cause is the operating system's word ("Connection refused").
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let detail = excerpt(&cause.to_string(), hidden);
    if detail.is_empty() || detail.contains("://") {
        kind.into()
    } else {
        format!("{kind}: {detail}")
    }
}

/// A short, single-line quote of `text` with every part of the secrets blanked out.
pub fn excerpt(text: &str, hidden: &[String]) -> String {
    let mut text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for part in secret_parts(hidden) {
        text = text.replace(&part, "[hidden]");
    }
    if text.chars().count() > EXCERPT_CHARS {
        text = text.chars().take(EXCERPT_CHARS).collect::<String>() + "…";
    }
    text
}

/// Each secret whole, without its scheme, and each path segment, query value and
/// user-info part long enough to be a key: a webhook address is secret because of its
/// path ("/services/T0/B0/XXXX"), and an answer may echo any piece of it.
fn secret_parts(hidden: &[String]) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for secret in hidden.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        parts.push(secret.to_string());
        let rest = secret.split_once("://").map_or(secret, |(_, r)| r);
        parts.push(rest.to_string());
        if let Some((_, path)) = rest.split_once('/') {
            parts.push(format!("/{path}"));
            parts.extend(path.split(['/', '?', '&', '=', '#']).filter(|p| p.len() >= 6).map(str::to_string));
        }
        if let Some((userinfo, _)) = rest.split_once('@') {
            parts.extend(userinfo.split(':').filter(|p| p.len() >= 6).map(str::to_string));
        }
    }
    // Longest first, so a whole secret is blanked before its pieces.
    parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
    parts.dedup();
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn backoff_doubles_per_failure_and_stops_at_the_cap() {
        let mut rng = StdRng::seed_from_u64(3);
        let ceilings: Vec<u64> = (1..=12)
            .map(|n| {
                let d = backoff(n, &mut rng);
                let ceiling = (5u64 << (n - 1)).min(900);
                assert!(d.as_millis() as u64 <= ceiling * 1000 && d.as_millis() as u64 >= ceiling * 500, "{n}: {d:?}");
                ceiling
            })
            .collect();
        assert_eq!(ceilings, vec![5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900, 900]);
        assert!(backoff(u32::MAX, &mut rng) <= MAX_BACKOFF, "no overflow on a huge count");
    }

    #[test]
    fn excerpts_are_short_single_lines_without_any_piece_of_a_secret() {
        let url = "https://hooks.example/services/T0AAA/B0BBB/XyZsecretKey123?token=qwerty99".to_string();
        let answer = format!(
            "invalid_token\n\tfor XyZsecretKey123 (token qwerty99) at {url} path /services/T0AAA/B0BBB/XyZsecretKey123"
        );
        let e = excerpt(&answer, std::slice::from_ref(&url));
        assert!(
            !e.contains("XyZsecretKey123") && !e.contains("qwerty99") && !e.contains("hooks.example/services"),
            "{e}"
        );
        assert!(e.starts_with("invalid_token for [hidden]"), "{e}");
        assert!(!e.contains('\n') && !e.contains('\t'));
        let long = excerpt(&"x".repeat(1000), &[]);
        assert_eq!(long.chars().count(), EXCERPT_CHARS + 1, "cut, with an ellipsis");
        let e = excerpt("Bad credentials for ghp_abcdef123456", &["ghp_abcdef123456".into()]);
        assert_eq!(e, "Bad credentials for [hidden]");
    }

    #[test]
    fn only_plain_web_addresses_are_taken_from_a_created_issue() {
        let ok = br#"{"number": 7, "html_url": "https://github.com/acme/platform/issues/7"}"#;
        assert_eq!(created_issue_url(ok).as_deref(), Some("https://github.com/acme/platform/issues/7"));
        for bad in [
            &br#"{"html_url": "javascript:alert(1)"}"#[..],
            br#"{"html_url": "https://x/\n y"}"#,
            br#"{"html_url": 7}"#,
            br#"not json"#,
            br#"{}"#,
        ] {
            assert_eq!(created_issue_url(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }
}
