//! Against the real `firebreak-server` binary on a free loopback port, with the real
//! HTTP client: kill -9 in the middle of a push, restore of an older database, team
//! scoping on every route, and 16 concurrent pushers beside a cursor puller. The last
//! one also runs on PostgreSQL when `FIREBREAK_TEST_POSTGRES_URL` is set.
// Tests against a real server process stamp their ops with the real time, as a laptop does.
#![allow(clippy::disallowed_methods)]
mod common;

use chrono::Utc;
use common::{admin, op, postgres_url, team_with_member, unique, ServerProcess};
use firebreak_core::clock::FixedClock;
use firebreak_core::op::Op;
use firebreak_store::Store;
use firebreak_sync::wire::PushRequest;
use firebreak_sync::RemoteConfig;
use firebreak_sync::{HttpTransport, SyncClient, SyncOptions, Transport};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn sqlite_db(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("server.db").display())
}

fn transport(url: &str, team: &str, token: &str) -> HttpTransport {
    HttpTransport::new(&RemoteConfig {
        url: url.into(),
        team: team.into(),
        token: token.into(),
        ca_pem: None,
        allow_http: false,
    })
    .unwrap()
}

fn client(url: &str, team: &str, token: &str) -> SyncClient<HttpTransport> {
    let opts = SyncOptions { push_batch: 100, pull_page: 500, ..SyncOptions::default() };
    SyncClient::new(transport(url, team, token), Arc::new(FixedClock(Utc::now())), opts)
}

/// A store whose outbox holds `n` notes by `person` on one incident.
fn store_with_notes(person: &str, n: usize) -> Mutex<Store> {
    let mut s = Store::in_memory().unwrap();
    let now = Utc::now();
    let mut target = uuid::Uuid::now_v7();
    for i in 0..n {
        if i % 20 == 0 {
            // Spread notes over incidents, as real use does (one incident's projection
            // is rewritten on every op).
            target = uuid::Uuid::now_v7();
        }
        let payload = serde_json::from_value(serde_json::json!({
            "type": "add_entry", "kind": "note", "at": now, "text": format!("note {i}")
        }))
        .unwrap();
        s.commit(now, person, target, payload).unwrap();
    }
    Mutex::new(s)
}

async fn all_on_server(t: &HttpTransport) -> Vec<Op> {
    let (mut after, mut out) = (0, Vec::new());
    loop {
        let page = t.pull(after, 1_000, None).await.unwrap();
        after = page.ops.last().map_or(after, |o| o.seq);
        out.extend(page.ops.into_iter().map(|o| serde_json::from_str::<Op>(o.op.get()).unwrap()));
        if !page.more {
            return out;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_push_then_retry_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(&dir);
    let token = team_with_member(&db, "sre", "ana");
    let store = store_with_notes("ana", 3_000);
    let mut server = ServerProcess::start(&db);
    let c = client(&server.url, "sre", &token);
    let pushing = c.push(&store);
    let killer = async {
        // Wait until some batches are in, then pull the plug.
        while store.lock().unwrap().outbox_len().unwrap() > 2_500 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill9();
    };
    let (result, ()) = tokio::join!(pushing, killer);
    assert!(result.is_err(), "the push must notice the server died");
    let left = store.lock().unwrap().outbox_len().unwrap();
    assert!(left > 0 && left < 3_000, "outbox {left}");

    let server = ServerProcess::start(&db);
    let c = client(&server.url, "sre", &token);
    c.push(&store).await.unwrap();
    assert_eq!(store.lock().unwrap().outbox_len().unwrap(), 0);
    let on_server = all_on_server(c.transport()).await;
    let ids: HashSet<_> = on_server.iter().map(|o| o.op_id).collect();
    let local: HashSet<_> = store.lock().unwrap().all_ops().unwrap().iter().map(|o| o.op_id).collect();
    assert_eq!(on_server.len(), 3_000, "no duplicates");
    assert_eq!(ids, local, "no loss");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restore_from_an_older_backup_clients_push_everything_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(&dir);
    let token = team_with_member(&db, "sre", "ana");
    let store = store_with_notes("ana", 10);
    let mut server = ServerProcess::start(&db);
    let c = client(&server.url, "sre", &token);
    c.sync_once(&store).await.unwrap();
    server.terminate();
    let path = dir.path().join("server.db");
    let backup = dir.path().join("backup.db");
    std::fs::copy(&path, &backup).unwrap();

    let server = ServerProcess::start(&db);
    let c = client(&server.url, "sre", &token);
    {
        let mut s = store.lock().unwrap();
        let target = uuid::Uuid::now_v7();
        for i in 0..15 {
            let payload = serde_json::from_value(serde_json::json!({
                "type": "add_entry", "kind": "note", "at": Utc::now(), "text": format!("later {i}")
            }))
            .unwrap();
            s.commit(Utc::now(), "ana", target, payload).unwrap();
        }
    }
    c.sync_once(&store).await.unwrap();
    assert_eq!(store.lock().unwrap().sync_cursor().unwrap().unwrap().1, 25);
    drop(server);

    // Restore: the older file comes back (its WAL is gone with the crash).
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    std::fs::copy(&backup, &path).unwrap();
    let server = ServerProcess::start(&db);
    let c = client(&server.url, "sre", &token);
    let report = c.sync_once(&store).await.unwrap();
    assert!(report.pull.server_restored, "the client notices its cursor is ahead");
    let on_server = all_on_server(c.transport()).await;
    assert_eq!(on_server.len(), 25, "every op is back on the server, once");
    assert_eq!(on_server.iter().map(|o| o.op_id).collect::<HashSet<_>>().len(), 25);
    assert_eq!(store.lock().unwrap().outbox_len().unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_teams_token_gets_403_and_no_token_401_on_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(&dir);
    let _ana = team_with_member(&db, "sre", "ana");
    let bo = team_with_member(&db, "payments", "bo");
    let server = ServerProcess::start(&db);
    let (status, health) = send(&server.url, "GET", "/health", None, None).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    let body = serde_json::to_string(&PushRequest { ops: vec![op("bo", 1)] }).unwrap();
    for (method, path) in
        [("GET", "/v1/teams/sre"), ("GET", "/v1/teams/sre/ops?after=0"), ("POST", "/v1/teams/sre/ops")]
    {
        let b = (method == "POST").then_some(body.as_str());
        let (status, json) = send(&server.url, method, path, None, b).await;
        assert_eq!((status, json["code"].as_str()), (401, Some("missing_token")), "{method} {path}");
        let (status, json) = send(&server.url, method, path, Some(&bo), b).await;
        assert_eq!((status, json["code"].as_str()), (403, Some("wrong_team")), "{method} {path}");
    }
    admin(&db, &["revoke-token", "payments", "bo"]);
    let (status, _) = send(&server.url, "GET", "/v1/teams/payments", Some(&bo), None).await;
    assert_eq!(status, 401, "a revoked token is refused at once");
}

/// A raw request with a tiny HTTP/1.1 client over TCP (keeps the test independent of
/// the client library under test).
async fn send(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.unwrap_or("");
    req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let text = String::from_utf8_lossy(&raw);
    let status = text[9..12].parse().unwrap();
    let json =
        text.split_once("\r\n\r\n").and_then(|(_, b)| serde_json::from_str(b).ok()).unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// 16 pushers spread over `instances` server processes on one database, and a cursor
/// puller on the last one.
async fn pushers_and_a_puller(db: &str, instances: usize) {
    let team = unique("race");
    let token = team_with_member(db, &team, "ana");
    let servers: Vec<ServerProcess> = (0..instances).map(|_| ServerProcess::start(db)).collect();
    let (pushers, batches, per) = (16u128, 8u128, 10u128);
    let total = (pushers * batches * per) as usize;
    let puller = {
        let t = transport(&servers[instances - 1].url, &team, &token);
        tokio::spawn(async move {
            let (mut cursor, mut seen) = (0i64, Vec::new());
            while seen.len() < total {
                let page = t.pull(cursor, 50, Some(Duration::from_millis(200))).await.unwrap();
                for s in page.ops {
                    assert!(s.seq > cursor, "pages ascend");
                    cursor = s.seq;
                    seen.push(serde_json::from_str::<firebreak_core::op::Op>(s.op.get()).unwrap().op_id);
                }
            }
            seen
        })
    };
    let mut tasks = Vec::new();
    for p in 0..pushers {
        let t = transport(&servers[p as usize % instances].url, &team, &token);
        tasks.push(tokio::spawn(async move {
            for b in 0..batches {
                let ops = (0..per).map(|i| op("ana", (p << 32) | (b << 16) | i)).collect();
                t.push(&PushRequest { ops }).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let seen = tokio::time::timeout(Duration::from_secs(60), puller)
        .await
        .expect("the puller never caught up: an op was skipped")
        .unwrap();
    assert_eq!(seen.len(), total);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), total);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_pushers_and_a_cursor_puller_never_skip_an_op() {
    let dir = tempfile::tempdir().unwrap();
    pushers_and_a_puller(&sqlite_db(&dir), 1).await;
    if let Some(pg) = postgres_url() {
        pushers_and_a_puller(&pg, 1).await;
    }
}

/// The server keeps no state of its own between requests, so several instances can
/// serve one team from one PostgreSQL behind a load balancer: pushes through both
/// never let a cursor skip an op, and a pull held by one instance is answered within a
/// second of a push through the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_server_instances_on_one_postgresql_behave_as_one() {
    let Some(pg) = postgres_url() else {
        eprintln!("two_server_instances_on_one_postgresql_behave_as_one: not run (FIREBREAK_TEST_POSTGRES_URL is set by scripts/test.sh)");
        return;
    };
    pushers_and_a_puller(&pg, 2).await;

    let team = unique("lb");
    let token = team_with_member(&pg, &team, "ana");
    let (one, two) = (ServerProcess::start(&pg), ServerProcess::start(&pg));
    let held = {
        let t = transport(&two.url, &team, &token);
        tokio::spawn(async move {
            let asked = std::time::Instant::now();
            let page = t.pull(0, 10, Some(Duration::from_secs(20))).await.unwrap();
            (page, asked.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    let pushed = std::time::Instant::now();
    transport(&one.url, &team, &token).push(&PushRequest { ops: vec![op("ana", 42)] }).await.unwrap();
    let (page, _) = held.await.unwrap();
    let took = pushed.elapsed();
    assert_eq!(page.ops.len(), 1, "the held pull on the other instance got the op");
    assert!(took < Duration::from_secs(1), "took {took:?} across instances");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_see_each_others_ops_live_and_the_server_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(&dir);
    let ana = team_with_member(&db, "sre", "ana");
    admin(&db, &["add-member", "sre", "bo"]);
    let bo = admin(&db, &["issue-token", "sre", "bo"]);
    let mut server = ServerProcess::start(&db);
    let a_store = Arc::new(store_with_notes("ana", 0));
    let b_store = Arc::new(Mutex::new(Store::in_memory().unwrap()));
    let b = Arc::new(client(&server.url, "sre", &bo));
    let wake = Arc::new(tokio::sync::Notify::new());
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let runner = {
        let (b, b_store, wake) = (b.clone(), b_store.clone(), wake.clone());
        tokio::spawn(async move {
            b.run(&b_store, &wake, async {
                let _ = stop_rx.await;
            })
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let a = client(&server.url, "sre", &ana);
    {
        let mut s = a_store.lock().unwrap();
        let payload = serde_json::from_value(serde_json::json!({
            "type": "add_entry", "kind": "note", "at": Utc::now(), "text": "live"
        }))
        .unwrap();
        s.commit(Utc::now(), "ana", uuid::Uuid::now_v7(), payload).unwrap();
    }
    let started = std::time::Instant::now();
    a.push(&a_store).await.unwrap();
    while b_store.lock().unwrap().all_ops().unwrap().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(1), "not propagated within a second");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = stop_tx.send(());
    runner.await.unwrap().unwrap();
    // A held pull does not keep the server from stopping.
    let t = transport(&server.url, "sre", &ana);
    let held = tokio::spawn(async move { t.pull(1, 10, Some(Duration::from_secs(25))).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopped = std::time::Instant::now();
    assert!(server.terminate().success());
    assert!(stopped.elapsed() < Duration::from_secs(5), "graceful stop took {:?}", stopped.elapsed());
    assert!(held.await.unwrap().is_ok(), "the held pull was answered before stopping");
}

/// Every laptop's waiting pull holds a socket, and services start with a soft limit on
/// open files of 1,024 (systemd), which a thousand laptops exhaust: past it the
/// listener cannot accept. The server raises its soft limit to the hard one at start,
/// so here 100 laptops, each on its own connection, all get a push under a soft limit
/// of 64 (without the raise, the connections past ~55 are never accepted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_waiting_laptops_than_the_soft_open_file_limit_all_get_the_push() {
    const LAPTOPS: usize = 100;
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite_db(&dir);
    let token = team_with_member(&db, "sre", "ana");
    let server = ServerProcess::start_with_soft_open_files(&db, 64, &["--max-polls-per-member", "200"]);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.pid())).unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap();
    let (soft, hard): (u64, u64) = match line.split_whitespace().skip(3).take(2).collect::<Vec<_>>()[..] {
        [s, h] => (s.parse().unwrap(), h.parse().unwrap()),
        _ => panic!("unexpected {line:?}"),
    };
    assert!(hard > 2 * LAPTOPS as u64, "the hard limit ({hard}) leaves this test nothing to show");
    assert_eq!(soft, hard, "the soft limit is raised to the hard one: {line}");
    let pulls: Vec<_> = (0..LAPTOPS)
        .map(|_| {
            let t = transport(&server.url, "sre", &token);
            tokio::spawn(async move { t.pull(0, 10, Some(Duration::from_secs(25))).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    transport(&server.url, "sre", &token).push(&PushRequest { ops: vec![op("ana", 7)] }).await.unwrap();
    let answered = tokio::time::timeout(Duration::from_secs(20), async {
        let mut got = 0;
        for p in pulls {
            let page = p.await.unwrap().unwrap();
            got += page.ops.len();
        }
        got
    })
    .await;
    assert_eq!(answered.ok(), Some(LAPTOPS), "every waiting laptop got the one pushed op");
}
