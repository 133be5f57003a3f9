//! `firebreak-server admin backup` against the real binary: a copy of the SQLite database
//! taken while the server runs serves every op pushed before it, owner-only; PostgreSQL
//! is pointed to pg_dump; `--version` is the workspace version.
// These tests stamp ops with the real time, as a laptop pushing to the server does.
#![allow(clippy::disallowed_methods)]
mod common;

use chrono::Utc;
use common::{team_with_member, ServerProcess};
use firebreak_core::clock::FixedClock;
use firebreak_store::Store;
use firebreak_sync::{HttpTransport, RemoteConfig, SyncClient, SyncOptions, Transport};
use std::process::Command;
use std::sync::{Arc, Mutex};

fn client(url: &str, token: &str) -> SyncClient<HttpTransport> {
    let remote =
        RemoteConfig { url: url.into(), team: "sre".into(), token: token.into(), ca_pem: None, allow_http: false };
    let transport = HttpTransport::new(&remote).unwrap();
    SyncClient::new(transport, Arc::new(FixedClock(Utc::now())), SyncOptions::default())
}

fn notes(n: usize) -> Mutex<Store> {
    let mut s = Store::in_memory().unwrap();
    let (now, target) = (Utc::now(), uuid::Uuid::now_v7());
    for i in 0..n {
        let payload = serde_json::from_value(serde_json::json!({
            "type": "add_entry", "kind": "note", "at": now, "text": format!("note {i}")
        }))
        .unwrap();
        s.commit(now, "ana", target, payload).unwrap();
    }
    Mutex::new(s)
}

async fn count_on_server(t: &HttpTransport) -> usize {
    let (mut after, mut n) = (0, 0);
    loop {
        let page = t.pull(after, 1_000, None).await.unwrap();
        after = page.ops.last().map_or(after, |o| o.seq);
        n += page.ops.len();
        if !page.more {
            return n;
        }
    }
}

fn backup(db: &str, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_firebreak-server"))
        .args(["admin", "backup", "-o", out.to_str().unwrap(), "--db", db])
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_a_running_servers_database_serves_every_pushed_op() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("server.db").display());
    let token = team_with_member(&db, "sre", "ana");
    let server = ServerProcess::start(&db);
    client(&server.url, &token).push(&notes(250)).await.unwrap();

    let file = dir.path().join("server-backup.db");
    let o = backup(&db, &file);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("rotate-epoch"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    drop(server);

    let restored = ServerProcess::start(&format!("sqlite://{}", file.display()));
    let c = client(&restored.url, &token);
    assert_eq!(count_on_server(c.transport()).await, 250, "the token and every op are in the backup");
}

#[test]
fn postgres_is_pointed_to_pg_dump_and_a_missing_database_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.dump");
    let o = backup("postgres://fb:secret@db.internal/firebreak", &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("pg_dump --format=custom --file") && err.contains("fb:***@db.internal"), "{err}");
    assert!(!err.contains("secret"), "the password is not printed");

    let missing = dir.path().join("none.db");
    let o = backup(&format!("sqlite://{}", missing.display()), &out);
    assert!(!o.status.success());
    assert!(!missing.exists() && !out.exists(), "nothing created");
}

#[test]
fn version_is_the_workspace_version() {
    let o = Command::new(env!("CARGO_BIN_EXE_firebreak-server")).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), format!("firebreak-server {}", env!("CARGO_PKG_VERSION")));
}
