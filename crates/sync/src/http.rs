//! [`Transport`] over HTTPS with reqwest (rustls): bearer token, JSON bodies, and the
//! server's `{code, message}` errors turned into [`SyncError::Server`].
use crate::client::Transport;
use crate::error::{Result, SyncError};
use crate::wire::{self, ErrorBody, PullResponse, PushRequest, PushResponse, TeamInfo};
use reqwest::{Client, RequestBuilder, Response};
use std::time::Duration;

pub use firebreak_store::RemoteConfig;

pub struct HttpTransport {
    client: Client,
    base: String,
    team: String,
    token: String,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport").field("base", &self.base).field("team", &self.team).finish_non_exhaustive()
    }
}

impl HttpTransport {
    pub fn new(remote: &RemoteConfig) -> Result<Self> {
        let base = remote.url.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(SyncError::InvalidRemote(format!(
                "{base:?} must start with https:// (or http:// on a trusted network)"
            )));
        }
        if remote.team.is_empty() || remote.team.contains(['/', '?', '#', ' ']) {
            return Err(SyncError::InvalidRemote(format!("{:?} is not a team name", remote.team)));
        }
        let client = Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // A held long-poll over a network that vanished without a reset is noticed.
            .tcp_keepalive(Duration::from_secs(15))
            .build()
            .map_err(|e| SyncError::InvalidRemote(e.to_string()))?;
        Ok(HttpTransport { client, base, team: remote.team.clone(), token: remote.token.clone() })
    }

    fn authed(&self, rb: RequestBuilder, timeout: Duration) -> RequestBuilder {
        rb.bearer_auth(&self.token).timeout(timeout)
    }

    /// Who the token belongs to and where the server is; checks a new remote.
    pub async fn team_info(&self) -> Result<TeamInfo> {
        let url = format!("{}{}", self.base, wire::team_path(&self.team));
        let resp = send(self.authed(self.client.get(url), Duration::from_secs(20))).await?;
        json(resp).await
    }
}

/// Checks a remote before it is saved: who its token belongs to, or `Ok(None)` when
/// the server cannot be reached now (offline first: it is checked again at the first
/// sync). A refusal (unknown token, another team) is an error.
pub async fn check_remote(remote: &RemoteConfig) -> Result<Option<TeamInfo>> {
    match HttpTransport::new(remote)?.team_info().await {
        Ok(info) => Ok(Some(info)),
        Err(e) if e.is_transient() => Ok(None),
        Err(e) => Err(e),
    }
}

/// A network failure with its causes ("error sending request: … Connection refused"),
/// without the URL (it may carry a query) and never with headers.
fn network(e: reqwest::Error) -> SyncError {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        let c_text = c.to_string();
        if !text.contains(&c_text) {
            text.push_str(": ");
            text.push_str(&c_text);
        }
        cause = c.source();
    }
    SyncError::Network(text)
}

async fn send(rb: RequestBuilder) -> Result<Response> {
    let resp = rb.send().await.map_err(network)?;
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let text = resp.text().await.unwrap_or_default();
    let body: ErrorBody = serde_json::from_str(&text)
        .unwrap_or(ErrorBody { code: "http".into(), message: text.chars().take(200).collect() });
    Err(SyncError::Server { status: status.as_u16(), code: body.code, message: body.message })
}

async fn json<T: serde::de::DeserializeOwned>(resp: Response) -> Result<T> {
    let bytes = resp.bytes().await.map_err(network)?;
    serde_json::from_slice(&bytes).map_err(|e| SyncError::Protocol(e.to_string()))
}

impl Transport for HttpTransport {
    async fn push(&self, req: &PushRequest) -> Result<PushResponse> {
        let url = format!("{}{}", self.base, wire::ops_path(&self.team));
        let rb = self.authed(self.client.post(url).json(req), Duration::from_secs(60));
        json(send(rb).await?).await
    }

    async fn pull(&self, after: i64, limit: u32, wait: Option<Duration>) -> Result<PullResponse> {
        let mut url = format!("{}{}?after={after}&limit={limit}", self.base, wire::ops_path(&self.team));
        if let Some(w) = wait {
            url.push_str(&format!("&wait={}", wire::format_wait(w)));
        }
        // A page of up to 5,000 ops is a few MB: 30 s is plenty beyond the held wait, and
        // a dead connection shows as offline within that.
        let timeout = Duration::from_secs(30) + wait.unwrap_or_default();
        json(send(self.authed(self.client.get(url), timeout)).await?).await
    }
}
