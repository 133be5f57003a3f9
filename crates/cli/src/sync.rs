//! `firebreak remote …` and `firebreak sync [--watch]`: the sync client of crates/sync
//! driven from the command line, on this data directory's store.
use crate::RemoteCmd;
use firebreak_api::system::SystemClock;
use firebreak_api::{ApiError, ErrorCode, Firebreak};
use firebreak_store::StoreError;
use firebreak_sync::{HttpTransport, SyncClient, SyncError, SyncOptions};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

type Out<'a> = &'a dyn Fn(Value, String) -> Value;

fn store_err(e: StoreError) -> ApiError {
    ApiError::from(e)
}

fn sync_err(e: SyncError) -> ApiError {
    let code = if e.is_transient() { ErrorCode::Storage } else { ErrorCode::InvalidInput };
    ApiError::new(code, format!("sync failed: {e}"))
}

fn status(fb: &Firebreak) -> Result<(Value, String), ApiError> {
    let st = fb.store().sync_status().map_err(store_err)?;
    let text = match &st.remote {
        None => "no team server set; use `firebreak remote set URL --team TEAM --token TOKEN`".to_string(),
        Some((url, team)) => format!(
            "server {url}, team {team}; {} change(s) waiting; last synced {}",
            st.pending,
            st.last_synced_at
                .map_or_else(|| "never".to_string(), |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        ),
    };
    let v = json!({
        "remote": st.remote.as_ref().map(|(u, t)| json!({"url": u, "team": t})),
        "pending": st.pending,
        "last_synced_at": st.last_synced_at,
    });
    Ok((v, text))
}

pub fn remote(fb: &mut Firebreak, cmd: RemoteCmd, out: Out<'_>) -> Result<Value, ApiError> {
    match cmd {
        RemoteCmd::Set { url, team, token } => {
            let url = url.trim().trim_end_matches('/').to_string();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ApiError::invalid(format!("{url:?} is not a server address (http:// or https://)")));
            }
            if team.trim().is_empty() || token.trim().is_empty() {
                return Err(ApiError::invalid("a remote needs a team and a token"));
            }
            fb.store_mut().set_remote(&url, team.trim(), token.trim()).map_err(|e| ApiError::invalid(e.to_string()))?;
        }
        RemoteCmd::Clear => fb.store_mut().clear_remote().map_err(store_err)?,
        RemoteCmd::Show => {}
    }
    let (v, text) = status(fb)?;
    Ok(out(v, text))
}

pub fn run(fb: &mut Firebreak, watch: bool, out: Out<'_>) -> Result<Value, ApiError> {
    let remote = fb.store().remote().map_err(store_err)?.ok_or_else(|| {
        ApiError::invalid("no team server set; use `firebreak remote set URL --team TEAM --token TOKEN`")
    })?;
    let transport = HttpTransport::new(&remote).map_err(sync_err)?;
    let client = SyncClient::new(transport, Arc::new(SystemClock), SyncOptions::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot start the sync runtime: {e}")))?;
    let report = {
        let handle = Mutex::new(fb.store_mut());
        runtime.block_on(async {
            if watch {
                let change = tokio::sync::Notify::new();
                let stop = async {
                    let _ = tokio::signal::ctrl_c().await;
                };
                client.run(&handle, &change, stop).await.map(|_| None)
            } else {
                let r = client.sync_once(&handle).await?;
                let now = chrono::Utc::now();
                handle.lock().unwrap_or_else(|e| e.into_inner()).mark_synced(now).map_err(SyncError::from)?;
                Ok(Some(r))
            }
        })
    }
    .map_err(sync_err)?;
    let (mut v, text) = status(fb)?;
    let line = match &report {
        Some(r) => format!("pushed {}, pulled {}; {text}", r.push.acknowledged, r.pull.applied),
        None => text,
    };
    if let Some(r) = report {
        v["pushed"] = json!(r.push.acknowledged);
        v["pulled"] = json!(r.pull.applied);
        v["conflicts"] = json!(r.push.conflicts.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    }
    Ok(out(v, line))
}

/// Sends queued webhook posts now; fails (after trying) while any is still waiting.
pub fn flush(fb: &mut Firebreak, out: Out<'_>) -> Result<Value, ApiError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::new(ErrorCode::Internal, format!("cannot start the runtime: {e}")))?;
    let report = {
        let handle = Mutex::new(fb.store_mut());
        runtime.block_on(firebreak_sync::deliver_outbound(&handle, &SystemClock))
    }
    .map_err(sync_err)?;
    let text = format!("{} sent, {} failed, {} waiting", report.sent, report.failed, report.waiting);
    if report.waiting > 0 {
        return Err(ApiError::new(ErrorCode::Storage, format!("webhook unreachable: {text}")));
    }
    Ok(out(json!({ "sent": report.sent, "failed": report.failed, "waiting": report.waiting }), text))
}
