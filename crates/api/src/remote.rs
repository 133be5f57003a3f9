//! The team server this laptop syncs with, as the CLI and the window set it: the address
//! in the database, the member's token in the [`Vault`] (OS keyring or an owner-only
//! file, never the database), and who the token belongs to. The network itself is the
//! sync crate's; this module only keeps the configuration and the identity rules.
//!
//! Transport rules: plain `http://` is refused unless the host is this machine or the
//! person allowed it (remembered, and shown as a warning); a team's own CA (PEM) may be
//! kept in the local settings (it is not a secret).
use crate::secrets::{self, SecretStore, Vault};
use crate::{ApiError, ErrorCode, Firebreak, Result};
use firebreak_store::remote_url::plain_http_host;
use firebreak_store::{RejectedOp, RemoteConfig, Store};

/// Local setting: the team CA's PEM, when one was given.
const CA_SETTING: &str = "sync.ca_pem";
/// Local setting: "true" when plain HTTP to a non-loopback host was allowed.
const ALLOW_HTTP_SETTING: &str = "sync.allow_http";
/// Largest team CA file accepted.
pub const MAX_CA_BYTES: usize = 256 * 1024;

/// The text of a team CA file (PEM), read with a size limit and checked.
pub fn read_team_ca_file(path: &std::path::Path) -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CA_BYTES as u64 + 1).read_to_string(&mut text))
        .map_err(|e| ApiError::invalid(format!("the team CA {}: cannot read it: {e}", path.display())))?;
    check_team_ca(&text).map_err(|e| ApiError::invalid(format!("the team CA {}: {}", path.display(), e.message)))
}

/// How a remote is reached beyond its address: a team's own CA, and whether plain HTTP
/// to a host off this machine is allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteTransport {
    pub ca_pem: Option<String>,
    pub allow_http: bool,
}

/// The remote with its token, for the sync client. `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncRemote {
    pub url: String,
    pub team: String,
    pub member: Option<String>,
    pub token: String,
    pub transport: RemoteTransport,
}

impl SyncRemote {
    /// What the sync client needs: address, team, token, CA and the HTTP allowance.
    pub fn config(&self) -> RemoteConfig {
        RemoteConfig {
            url: self.url.clone(),
            team: self.team.clone(),
            token: self.token.clone(),
            ca_pem: self.transport.ca_pem.clone(),
            allow_http: self.transport.allow_http,
        }
    }

    /// The warning to show while this remote is plain HTTP across a network.
    pub fn insecure_warning(&self) -> Option<String> {
        insecure_warning(&self.url, self.transport.allow_http)
    }
}

fn insecure_warning(url: &str, allowed: bool) -> Option<String> {
    plain_http_host(url).filter(|_| allowed).map(|host| {
        format!("plain HTTP to {host}: the token and the team's record cross the network unencrypted (allowed with --allow-http)")
    })
}

/// Checks a team CA given as PEM text: size and that it holds a certificate. (Whether
/// the certificates parse is checked by the sync client when the remote is checked.)
pub fn check_team_ca(pem: &str) -> Result<String> {
    if pem.len() > MAX_CA_BYTES {
        return Err(ApiError::invalid(format!(
            "the team CA is {} bytes; at most {MAX_CA_BYTES} are accepted",
            pem.len()
        )));
    }
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(ApiError::invalid("the team CA holds no PEM certificate (-----BEGIN CERTIFICATE-----)"));
    }
    Ok(pem.to_string())
}

impl std::fmt::Debug for SyncRemote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncRemote")
            .field("url", &self.url)
            .field("team", &self.team)
            .field("member", &self.member)
            .finish_non_exhaustive()
    }
}

/// The refusal of a remote without a token.
pub const MISSING_TOKEN: &str = "a remote needs the member's token (your team admin makes one with `firebreak-server admin issue-token TEAM PERSON`)";

/// What saving a remote did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRemote {
    /// Where the token is kept.
    pub kept: SecretStore,
    /// This laptop's author name before the token's member took over, if it changed.
    pub renamed_from: Option<String>,
}

/// Checks a server address typed by a person.
pub fn check_server_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() <= "https://".len() {
        return Err(ApiError::invalid(format!("{url:?} is not a server address (http:// or https://)")));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid(format!("{url:?} contains spaces; a server address has none")));
    }
    Ok(url.to_string())
}

impl Firebreak {
    /// Checks a remote typed by a person (address, team name, token). An empty token
    /// means the one already kept for this same server and team (never another
    /// server's); so do the CA and the HTTP allowance. Nothing is written.
    /// The window's team-server form: [`Self::remote_candidate_with`] with its CA file
    /// (read here, within limits) and its plain-HTTP allowance.
    pub fn remote_candidate_from(&self, input: &crate::dto::RemoteInput) -> Result<SyncRemote> {
        let ca = input.ca_file.trim();
        let ca_pem = if ca.is_empty() { None } else { Some(read_team_ca_file(std::path::Path::new(ca))?) };
        let given = RemoteTransport { ca_pem, allow_http: input.allow_http };
        self.remote_candidate_with(&input.url, &input.team, &input.token, given)
    }

    pub fn remote_candidate(&self, url: &str, team: &str, token: &str) -> Result<SyncRemote> {
        self.remote_candidate_with(url, team, token, RemoteTransport::default())
    }

    /// [`Self::remote_candidate`] with how to reach the server: a CA or an allowance
    /// given here replaces what is kept; what is not given is kept for this same server
    /// and team. Plain HTTP to a host off this machine is refused unless allowed.
    pub fn remote_candidate_with(
        &self,
        url: &str,
        team: &str,
        token: &str,
        given: RemoteTransport,
    ) -> Result<SyncRemote> {
        let url = check_server_url(url)?;
        let team = team.trim();
        if team.is_empty() || team.contains(['/', '?', '#', ' ']) {
            return Err(ApiError::invalid(format!("{team:?} is not a team name (no spaces or / ? #)")));
        }
        let same_place = self.store.remote()?.is_some_and(|a| a.url == url && a.team == team);
        let token = match token.trim() {
            "" if same_place => self.vault.load(&self.store, secrets::SYNC_TOKEN)?.unwrap_or_default(),
            t => t.to_string(),
        };
        if token.is_empty() {
            return Err(ApiError::invalid(MISSING_TOKEN));
        }
        let kept = if same_place { self.remote_transport()? } else { RemoteTransport::default() };
        let ca_pem = given.ca_pem.or(kept.ca_pem).as_deref().map(check_team_ca).transpose()?;
        let host = plain_http_host(&url);
        if let Some(host) = &host {
            if !(given.allow_http || kept.allow_http) {
                return Err(ApiError::invalid(format!(
                    "{url} is plain HTTP to {host}, which is not this machine: the token and the team's record \
                     would cross the network unencrypted; use https:// (or --allow-http on a network you trust)"
                )));
            }
        }
        // The allowance is remembered only where it is needed.
        let transport = RemoteTransport { ca_pem, allow_http: host.is_some() };
        Ok(SyncRemote { url, team: team.to_string(), member: None, token, transport })
    }

    /// The CA and HTTP allowance kept for the current remote.
    fn remote_transport(&self) -> Result<RemoteTransport> {
        Ok(RemoteTransport {
            ca_pem: self.store.setting(CA_SETTING)?,
            allow_http: self.store.setting(ALLOW_HTTP_SETTING)?.as_deref() == Some("true"),
        })
    }

    /// The warning to show while the remote is plain HTTP across a network (allowed
    /// with `--allow-http`), for `remote show` and the window's sync badge.
    pub fn remote_warning(&self) -> Result<Option<String>> {
        let Some(addr) = self.store.remote()? else {
            return Ok(None);
        };
        Ok(insecure_warning(&addr.url, self.remote_transport()?.allow_http))
    }

    /// Saves a remote: the token goes to the vault first, then the address to the
    /// database, so a failure leaves the previous remote whole. `member` is whose token
    /// it is, when the server could be asked (`firebreak_sync::check_remote`); that name
    /// then signs this laptop's changes.
    pub fn save_remote(&mut self, remote: &SyncRemote, member: Option<&str>) -> Result<SavedRemote> {
        let kept = self
            .vault
            .save(&self.store, secrets::SYNC_TOKEN, &remote.token)?
            .ok_or_else(|| ApiError::invalid(MISSING_TOKEN))?;
        self.store.set_remote(&remote.url, &remote.team)?;
        match &remote.transport.ca_pem {
            Some(pem) => self.store.set_setting(CA_SETTING, pem)?,
            None => self.store.delete_setting(CA_SETTING)?,
        }
        if remote.transport.allow_http {
            self.store.set_setting(ALLOW_HTTP_SETTING, "true")?;
        } else {
            self.store.delete_setting(ALLOW_HTTP_SETTING)?;
        }
        let renamed_from = match member {
            Some(m) => self.adopt_member(m)?,
            None => None,
        };
        Ok(SavedRemote { kept, renamed_from })
    }

    /// [`Self::remote_candidate`] then [`Self::save_remote`] without asking the server.
    pub fn set_remote(&mut self, url: &str, team: &str, token: &str) -> Result<SecretStore> {
        let candidate = self.remote_candidate(url, team, token)?;
        Ok(self.save_remote(&candidate, None)?.kept)
    }

    /// The remote and its token, or `None` when sync is off. A remote whose token
    /// cannot be read (a keyring that is locked or unreachable now) is an error that
    /// says so.
    pub fn remote(&self) -> Result<Option<SyncRemote>> {
        let Some(addr) = self.store.remote()? else {
            return Ok(None);
        };
        let token = self.vault.load(&self.store, secrets::SYNC_TOKEN)?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "the token for team {:?} at {} is missing; set it again with `firebreak remote set`",
                    addr.team, addr.url
                ),
            )
        })?;
        let transport = self.remote_transport()?;
        Ok(Some(SyncRemote { url: addr.url, team: addr.team, member: addr.member, token, transport }))
    }

    /// Where the remote's token is kept, if a remote is set.
    pub fn remote_token_location(&self) -> Result<Option<SecretStore>> {
        self.vault.location(&self.store, secrets::SYNC_TOKEN)
    }

    /// Turns sync off and forgets the token.
    pub fn clear_remote(&mut self) -> Result<()> {
        self.store.clear_remote()?;
        self.store.delete_setting(CA_SETTING)?;
        self.store.delete_setting(ALLOW_HTTP_SETTING)?;
        self.vault.delete(&self.store, secrets::SYNC_TOKEN)
    }

    /// Records who the server says the token belongs to. The server takes only ops
    /// authored by that member, so from now on this laptop's changes carry that name:
    /// returns the previous name when it changed.
    pub fn adopt_member(&mut self, member: &str) -> Result<Option<String>> {
        let member = member.trim();
        if member.is_empty() {
            return Err(ApiError::new(ErrorCode::Internal, "the server named no member"));
        }
        self.store.set_remote_member(member)?;
        let before = self.author()?;
        if before == member {
            return Ok(None);
        }
        self.set_author(member)?;
        Ok(Some(before))
    }

    /// Local changes the server refused (authored under another name than the token's
    /// member). They are still here; setting the remote again gives them another try.
    pub fn rejected_changes(&self) -> Result<Vec<RejectedOp>> {
        Ok(self.store.rejected_ops()?)
    }

    /// The last clock drift seen in pulled changes, if it was seen in the last day.
    pub fn recent_clock_drift(&self) -> Result<Option<crate::dto::ClockDriftView>> {
        let now = self.now();
        Ok(self.store.clock_drift()?.filter(|d| now - d.seen_at < chrono::Duration::hours(24)).map(|d| {
            crate::dto::ClockDriftView { author: d.author, ahead_minutes: d.ahead_ms / 60_000, seen_at: d.seen_at }
        }))
    }

    /// Keeps the GitHub token (for action-item issues) in the vault; empty forgets it.
    /// Issues waiting or refused for good are due again at once (the token may be the fix).
    pub fn set_github_token(&mut self, token: &str) -> Result<Option<SecretStore>> {
        let kept = self.vault.save(&self.store, secrets::GITHUB_TOKEN, token)?;
        if kept.is_some() {
            self.store.retry_outbound_kind(crate::outbound::GITHUB)?;
        }
        Ok(kept)
    }

    pub fn github_token(&self) -> Result<Option<String>> {
        self.vault.load(&self.store, secrets::GITHUB_TOKEN)
    }

    /// Moves secrets that older versions wrote into the database into the vault.
    pub(crate) fn move_legacy_secrets(store: &mut Store, vault: &Vault) -> Result<()> {
        if let Some(token) = store.legacy_remote_token()? {
            vault.save(store, secrets::SYNC_TOKEN, &token)?;
            store.forget_legacy_remote_token()?;
        }
        if let Some(token) = store.setting(LEGACY_GITHUB_TOKEN_SETTING)? {
            vault.save(store, secrets::GITHUB_TOKEN, &token)?;
            store.delete_setting(LEGACY_GITHUB_TOKEN_SETTING)?;
        }
        Self::move_legacy_webhook(store, vault)
    }
}

/// The local setting older versions kept the GitHub token in.
const LEGACY_GITHUB_TOKEN_SETTING: &str = "github.token";

#[cfg(test)]
mod tests {
    use crate::dto::RemoteInput;
    use crate::Firebreak;
    use firebreak_core::clock::FixedClock;

    fn fb() -> Firebreak {
        Firebreak::in_memory(Box::new(FixedClock("2026-11-30T12:00:00Z".parse().unwrap()))).unwrap()
    }

    fn input(url: &str, ca_file: &str, allow_http: bool) -> RemoteInput {
        RemoteInput { url: url.into(), team: "sre".into(), token: "fbt_x".into(), ca_file: ca_file.into(), allow_http }
    }

    #[test]
    fn the_windows_form_refuses_plain_http_off_this_machine_unless_allowed_and_bad_ca_files() {
        let fb = fb();
        let err = fb.remote_candidate_from(&input("http://10.11.12.13:8787", "", false)).unwrap_err();
        assert!(err.message.contains("http"), "{err:?}");
        let ok = fb.remote_candidate_from(&input("http://10.11.12.13:8787", "", true)).unwrap();
        assert!(ok.transport.allow_http);
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "hello").unwrap();
        let err = fb.remote_candidate_from(&input("https://fb.example", junk.to_str().unwrap(), false)).unwrap_err();
        assert!(err.message.contains("no PEM certificate"), "{err:?}");
        let err = fb.remote_candidate_from(&input("https://fb.example", "/nonexistent/ca.pem", false)).unwrap_err();
        assert!(err.message.contains("cannot read it"), "{err:?}");
    }
}
