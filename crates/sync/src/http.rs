//! [`Transport`] over HTTPS with reqwest (rustls; the system's roots plus a team's own
//! CA when one is given): bearer token, JSON bodies, and the server's `{code, message}`
//! errors turned into [`SyncError::Server`]. Plain `http://` is used only to this
//! machine, or where the person allowed it (`allow_http`); redirects are never
//! followed, so an https address cannot be downgraded.
use crate::client::Transport;
use crate::error::{Result, SyncError};
use crate::wire::{self, ErrorBody, PullResponse, PushRequest, PushResponse, TeamInfo};
use firebreak_store::remote_url::plain_http_host;
use reqwest::{Certificate, Client, RequestBuilder, Response};
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
        if let Some(host) = plain_http_host(&base) {
            if !remote.allow_http {
                return Err(SyncError::InvalidRemote(format!(
                    "{base} is plain HTTP to {host}, which is not this machine: the token and the team's \
                     record would cross the network unencrypted; use https:// (or --allow-http on a network you trust)"
                )));
            }
        }
        let mut builder = Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // A held long-poll over a network that vanished without a reset is noticed.
            .tcp_keepalive(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.starts_with("https://"));
        for cert in team_ca(remote.ca_pem.as_deref())? {
            builder = builder.add_root_certificate(cert);
        }
        let client = builder.build().map_err(|e| SyncError::InvalidRemote(e.to_string()))?;
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

/// The certificates of a team's own CA (PEM), to trust besides the system's roots.
fn team_ca(pem: Option<&str>) -> Result<Vec<Certificate>> {
    let Some(pem) = pem.filter(|p| !p.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let certs = Certificate::from_pem_bundle(pem.as_bytes())
        .map_err(|e| SyncError::InvalidRemote(format!("the team CA is not PEM certificates: {e}")))?;
    if certs.is_empty() {
        return Err(SyncError::InvalidRemote("the team CA holds no PEM certificate (BEGIN CERTIFICATE)".into()));
    }
    Ok(certs)
}

/// Whether a failed request was the server declining to hold one more waiting pull.
fn too_many_polls(e: &SyncError) -> bool {
    matches!(e, SyncError::Server { status: 429, code, .. } if code == wire::TOO_MANY_POLLS)
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

    /// A waiting pull the server declines (too many held for this member or team) is
    /// not a failure: after [`wire::POLL_RETRY_AFTER`] (at most the wait asked for) the
    /// page is fetched without waiting, so the sync loop just polls more slowly.
    async fn pull(&self, after: i64, limit: u32, wait: Option<Duration>) -> Result<PullResponse> {
        match self.pull_once(after, limit, wait).await {
            Err(e) if wait.is_some() && too_many_polls(&e) => {
                tracing::debug!("the server holds too many waiting pulls; polling instead");
                tokio::time::sleep(wire::POLL_RETRY_AFTER.min(wait.unwrap_or_default())).await;
                self.pull_once(after, limit, None).await
            }
            other => other,
        }
    }
}

impl HttpTransport {
    async fn pull_once(&self, after: i64, limit: u32, wait: Option<Duration>) -> Result<PullResponse> {
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
