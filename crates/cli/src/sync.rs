//! `firebreak remote …`, `firebreak sync [--watch]` and `comms flush`: the api's sync
//! session (crates/api/src/sync_session.rs) driven from the command line, with text and
//! JSON for what it did.
use crate::Out;
use clap::{Args, Subcommand};
use firebreak_api::sync_session::{self, sync_err, DeliveryOptions, KnownSecrets, Round, SyncOptions, SyncSession};
use firebreak_api::system::SystemClock;
use firebreak_api::{ApiError, ErrorCode, Firebreak, RemoteTransport};
use firebreak_core::clock::Clock;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Args)]
pub struct SyncArgs {
    #[arg(long)]
    watch: bool,
    #[command(subcommand)]
    what: Option<SyncCmd>,
}

#[derive(Subcommand)]
pub enum SyncCmd {
    /// List teammates' changes this laptop holds instead of applying: invalid ones
    /// (quarantined) and ones from a newer Firebreak (applied after an upgrade).
    Quarantine {
        /// Write every held change, as received, to FILE (JSON) for an admin.
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum RemoteCmd {
    /// Set the server address, team and this member's token (kept in the OS keyring, or
    /// an owner-only file where there is none; never printed). Checks the token with the
    /// server when it is reachable and adopts the member's name for this laptop's changes.
    Set {
        url: String,
        #[arg(long)]
        team: String,
        #[arg(long, env = "FIREBREAK_TOKEN", hide_env_values = true)]
        token: String,
        /// Trust this PEM file's CA for the server's certificate (a team's own CA),
        /// besides the system's roots. Kept (as PEM) in this laptop's settings.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
        /// Allow plain http:// to a host other than this machine (the token and the
        /// record then cross the network unencrypted; shown as a warning).
        #[arg(long)]
        allow_http: bool,
    },
    /// Show the server, team, waiting changes and last sync.
    Show,
    /// Stop syncing.
    Clear,
}

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot start the sync runtime: {e}")))
}

/// The sync status as JSON and as one line of text, from the api's view.
fn status(fb: &Firebreak) -> Result<(Value, String), ApiError> {
    let view = fb.sync_view()?;
    let text = match (&view.url, &view.team) {
        (Some(url), Some(team)) => {
            let mut t = format!(
                "server {url}, team {team}{}; {} change(s) waiting; last synced {}",
                view.member.as_ref().map_or_else(String::new, |m| format!(" as {m}")),
                view.pending,
                view.last_synced_at
                    .map_or_else(|| "never".to_string(), |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            );
            if let Some(w) = &view.insecure_warning {
                t.push_str(&format!("; warning: {w}"));
            }
            if let Some(d) = &view.clock_drift {
                t.push_str(&format!(
                    "; warning: changes by {} arrived stamped {} min ahead of this laptop's clock; check both clocks (sync still converges)",
                    d.author, d.ahead_minutes
                ));
            }
            if view.quarantined > 0 {
                t.push_str(&format!(
                    "; {} teammate change(s) quarantined as invalid (latest: {}); see `firebreak sync quarantine`",
                    view.quarantined,
                    view.quarantine_reason.as_deref().unwrap_or("")
                ));
            }
            if view.newer > 0 {
                t.push_str(&format!(
                    "; {} change(s) from a newer Firebreak kept until this one is upgraded",
                    view.newer
                ));
            }
            if view.rejected > 0 {
                let why = view.rejected_reason.clone().unwrap_or_default();
                t.push_str(&format!(
                    "; {} change(s) refused by the server ({why}); they are kept here, and setting the remote again retries them",
                    view.rejected
                ));
            }
            t
        }
        _ => "no team server set; use `firebreak remote set URL --team TEAM --token TOKEN`".to_string(),
    };
    let v = json!({
        "remote": view.url.as_ref().map(|url| json!({"url": url, "team": view.team, "member": view.member})),
        "quarantined": view.quarantined,
        "quarantine_reason": view.quarantine_reason,
        "newer": view.newer,
        "token_kept_in": view.token_kept_in,
        "warning": view.insecure_warning,
        "pending": view.pending,
        "rejected": view.rejected,
        "clock_drift": view.clock_drift,
        "last_synced_at": view.last_synced_at,
    });
    Ok((v, text))
}

pub fn remote(fb: &mut Firebreak, cmd: RemoteCmd, out: Out<'_>) -> Result<Value, ApiError> {
    let mut notes = Vec::new();
    match cmd {
        RemoteCmd::Set { url, team, token, ca, allow_http } => {
            let ca_pem = ca.as_deref().map(firebreak_api::read_team_ca_file).transpose()?;
            let candidate = fb.remote_candidate_with(&url, &team, &token, RemoteTransport { ca_pem, allow_http })?;
            // A token the server refuses is not saved; an unreachable server is fine
            // (offline first): the token is checked at the first sync.
            let info = runtime()?.block_on(sync_session::check_token(&candidate))?;
            let saved = fb.save_remote(&candidate, info.as_ref().map(|i| i.member.as_str()))?;
            notes.push(format!("token kept in the {}", saved.kept.describe()));
            match (info, saved.renamed_from) {
                (Some(info), Some(before)) => notes.push(sync_session::renamed_note(&info.member, &before)),
                (Some(_), None) => {}
                (None, _) => {
                    notes.push("the server is not reachable now; the token is checked at the first sync".into())
                }
            }
        }
        RemoteCmd::Clear => fb.clear_remote()?,
        RemoteCmd::Show => {}
    }
    let (mut v, text) = status(fb)?;
    v["notes"] = json!(notes);
    let text = notes.iter().fold(text, |acc, n| format!("{acc}\n{n}"));
    Ok(out(v, text))
}

/// `firebreak sync [--watch]` and `firebreak sync quarantine`.
pub fn command(fb: &mut Firebreak, a: SyncArgs, out: Out<'_>) -> Result<Value, ApiError> {
    match a.what {
        Some(SyncCmd::Quarantine { export }) => quarantine(fb, export.as_deref(), out),
        None => run(fb, a.watch, out),
    }
}

fn run(fb: &mut Firebreak, watch: bool, out: Out<'_>) -> Result<Value, ApiError> {
    let remote = fb.remote()?.ok_or_else(|| {
        ApiError::invalid("no team server set; use `firebreak remote set URL --team TEAM --token TOKEN`")
    })?;
    let session = SyncSession::new(remote, Arc::new(SystemClock), SyncOptions::default()).map_err(sync_err)?;
    let handle = Mutex::new(fb);
    let (notes, report) = runtime()?.block_on(async {
        // Set while offline: the member is learnt before pushing (a refusal stops here).
        let renamed = session.adopt_member(&handle).await.map_err(sync_err)??;
        let notes: Vec<String> = renamed.iter().map(|r| r.note()).collect();
        let report = if watch {
            let stop = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            session.watch(&handle, stop, watch_line()).await.map(|()| None)
        } else {
            session.once(&handle).await.map(Some)
        };
        Ok::<_, ApiError>((notes, report.map_err(sync_err)?))
    })?;
    let fb = handle.into_inner().unwrap_or_else(|e| e.into_inner());
    let (mut v, text) = status(fb)?;
    let line = match &report {
        Some(r) => format!("pushed {}, pulled {}; {text}", r.push.acknowledged, r.pull.applied),
        None => text,
    };
    if let Some(r) = report {
        v["pushed"] = json!(r.push.acknowledged);
        v["pulled"] = json!(r.pull.applied);
        v["held"] = json!(r.pull.quarantined + r.pull.newer);
        v["refused"] = json!(r.push.rejected);
        v["conflicts"] = json!(r.push.conflicts.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    }
    v["notes"] = json!(notes);
    let line = notes.iter().fold(line, |acc, n| format!("{acc}\n{n}"));
    Ok(out(v, line))
}

/// `firebreak sync quarantine [--export FILE]`: what is held, and why.
fn quarantine(fb: &Firebreak, export: Option<&std::path::Path>, out: Out<'_>) -> Result<Value, ApiError> {
    let held = fb.held_ops()?;
    let mut text = if held.is_empty() {
        "nothing held: every change received from the team was applied".to_string()
    } else {
        held.iter()
            .map(|h| {
                format!(
                    "{} {} {} by {}: {}",
                    h.received_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    if h.newer { "newer" } else { "quarantined" },
                    if h.kind.is_empty() { "?" } else { h.kind.as_str() },
                    h.author.as_deref().unwrap_or("unknown"),
                    h.reason
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    if let Some(path) = export {
        crate::write_atomically(path, fb.quarantine_export()?.as_bytes())?;
        text.push_str(&format!("\nwrote {} held change(s) to {}", held.len(), path.display()));
    }
    Ok(out(json!({ "held": held, "exported_to": export.map(|p| p.display().to_string()) }), text))
}

/// What `sync --watch` says on stderr as it goes: each round that moved something,
/// and each change between online and offline (stdout keeps the one final document).
fn watch_line() -> impl FnMut(Round<'_>) {
    let mut online: Option<bool> = None;
    move |round| {
        let at = SystemClock.now().with_timezone(&chrono::Local).format("%H:%M:%S");
        match round {
            Round::Synced(r) => {
                if online != Some(true) {
                    eprintln!("{at} online");
                }
                online = Some(true);
                let (pushed, pulled, refused) = (r.push.acknowledged, r.pull.applied, r.push.rejected);
                let held = r.pull.quarantined + r.pull.newer;
                if pushed + pulled + refused + held > 0 {
                    let refused = if refused > 0 { format!(", {refused} refused") } else { String::new() };
                    let held = if held > 0 {
                        format!(", {held} held (see `firebreak sync quarantine`)")
                    } else {
                        String::new()
                    };
                    eprintln!("{at} pushed {pushed}, pulled {pulled}{refused}{held}");
                }
            }
            Round::Failed(e) => {
                if online != Some(false) {
                    eprintln!("{at} offline: {e}; retrying");
                }
                online = Some(false);
            }
        }
    }
}

/// Sends every waiting webhook post and GitHub issue now (backoff or not), writes the
/// addresses of created issues into their action items, and lists the messages refused
/// for good with their reasons. Fails (after trying) while any message still waits or
/// when one was given up in this run; the error names each and why.
pub fn flush(fb: &mut Firebreak, out: Out<'_>) -> Result<Value, ApiError> {
    // Read once here: the vault may be a keyring, and the store is lent out below.
    let secrets = KnownSecrets { webhook_url: fb.webhook_url()?, github_token: fb.github_token()? };
    let options = DeliveryOptions { due_only: false, ..DeliveryOptions::default() };
    let report = {
        let handle = Mutex::new(&mut *fb);
        runtime()?.block_on(sync_session::deliver(&handle, &SystemClock, &secrets, &options))
    }
    .map_err(sync_err)?;
    let linked = fb.link_created_issues()?;
    let view = fb.outbound_view()?;
    let summary = format!(
        "{} sent, {} to retry, {} failed, {} waiting",
        report.sent, report.retrying, report.failed, report.waiting
    );
    let mut lines = vec![summary.clone()];
    if linked > 0 {
        lines.push(format!("{linked} created issue address(es) written into their action items"));
    }
    for f in &view.failed {
        lines.push(format!(
            "failed #{} {} after {} attempt(s): {} (fix it, then `firebreak comms retry {}`)",
            f.id, f.about, f.attempts, f.reason, f.id
        ));
    }
    if report.waiting > 0 || report.failed > 0 {
        let why: Vec<String> = report
            .failures
            .iter()
            .map(|f| format!("#{} {}{}: {}", f.id, f.kind, if f.gave_up { " failed" } else { "" }, f.reason))
            .collect();
        let mut why = if why.is_empty() { String::new() } else { format!(" ({})", why.join("; ")) };
        if report.in_flight > 0 {
            why.push_str(&format!("; {} being sent by another Firebreak on this data directory", report.in_flight));
        }
        return Err(ApiError::new(ErrorCode::Unavailable, format!("not everything went out: {summary}{why}")));
    }
    Ok(out(
        json!({
            "sent": report.sent,
            "retrying": report.retrying,
            "failed": report.failed,
            "waiting": report.waiting,
            "linked": linked,
            "failed_messages": view.failed,
        }),
        lines.join("\n"),
    ))
}
