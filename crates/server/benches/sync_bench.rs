//! Sync benchmarks, printed (not asserted): catch-up of 50,000 ops from empty, server
//! ingest beside a raw batched SQLite insert of the same rows, and propagation between
//! two online clients. Run: `cargo bench -p firebreak-server --bench sync_bench`.
// A benchmark of a live sync: its ops are stamped with the real time, as a laptop's are.
#![allow(clippy::disallowed_methods)]
use chrono::Utc;
use firebreak_core::clock::Clock;
use firebreak_core::op::Op;
use firebreak_server::{app, AppState, Storage};
use firebreak_store::Store;
use firebreak_sync::wire::PushRequest;
use firebreak_sync::RemoteConfig;
use firebreak_sync::{HttpTransport, SyncClient, SyncOptions, Transport};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const OPS: u128 = 50_000;

fn op(author: &str, n: u128) -> Op {
    serde_json::from_value(serde_json::json!({
        "op_id": format!("{:032x}", n | (rand::random::<u128>() << 64)),
        "replica": format!("{:032x}", 0xabcu128),
        "hlc": {"wall_ms": 1_700_000_000_000u64 + n as u64, "counter": 0},
        "author": author,
        "target": format!("0190c4a4-0000-7000-8000-{:012x}", n / 100),
        "payload": {"type": "add_entry", "kind": "note", "at": "2024-01-01T00:00:00Z",
                    "text": format!("note {n}: the database failover finished; latency is back to normal")}
    }))
    .expect("a valid op")
}

struct Server {
    url: String,
    storage: Arc<Storage>,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn serve(db: &str) -> Server {
    let storage = Arc::new(Storage::open(db).await.expect("open"));
    let (stop, rx) = tokio::sync::watch::channel(false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let router = app(AppState::new(storage.clone(), rx));
    tokio::spawn(async move { axum::serve(listener, router).await });
    Server { url, storage, _stop: stop }
}

fn transport(url: &str, team: &str, token: &str) -> HttpTransport {
    HttpTransport::new(&RemoteConfig {
        url: url.into(),
        team: team.into(),
        token: token.into(),
        ca_pem: None,
        allow_http: false,
    })
    .expect("transport")
}

struct Now;
impl Clock for Now {
    fn now(&self) -> chrono::DateTime<Utc> {
        Utc::now()
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = format!("sqlite://{}", dir.path().join("bench.db").display());
    let server = serve(&db).await;
    let s = &server.storage;
    s.create_team("sre").await.expect("team");
    s.add_member("sre", "ana").await.expect("member");
    s.add_member("sre", "bo").await.expect("member");
    let ana = s.issue_token("sre", "ana").await.expect("token");
    let bo = s.issue_token("sre", "bo").await.expect("token");

    // 1. Ingest through HTTP, batches of 500.
    let ops: Vec<Op> = (0..OPS).map(|n| op("ana", n)).collect();
    let t = transport(&server.url, "sre", &ana);
    let started = Instant::now();
    for chunk in ops.chunks(500) {
        t.push(&PushRequest { ops: chunk.to_vec() }).await.expect("push");
    }
    let http = started.elapsed();
    // Raw batched SQLite insert of the same rows, for scale.
    let raw_dir = tempfile::tempdir().expect("tempdir");
    let conn = rusqlite::Connection::open(raw_dir.path().join("raw.db")).expect("raw db");
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
        CREATE TABLE ops (team_id INTEGER, seq INTEGER, op_id TEXT, body TEXT, PRIMARY KEY (team_id, seq), UNIQUE (team_id, op_id));")
        .expect("schema");
    let bodies: Vec<(String, String)> =
        ops.iter().map(|o| (o.op_id.to_string(), serde_json::to_string(o).expect("json"))).collect();
    let started = Instant::now();
    let mut conn = conn;
    for (c, chunk) in bodies.chunks(500).enumerate() {
        let tx = conn.transaction().expect("tx");
        for (i, (id, body)) in chunk.iter().enumerate() {
            tx.execute("INSERT INTO ops VALUES (1, ?1, ?2, ?3)", rusqlite::params![(c * 500 + i) as i64, id, body])
                .expect("insert");
        }
        tx.commit().expect("commit");
    }
    let raw = started.elapsed();
    println!(
        "ingest: {OPS} ops over HTTP in {:.2} s = {:.0} ops/s; raw batched SQLite insert {:.2} s = {:.0} ops/s",
        http.as_secs_f64(),
        OPS as f64 / http.as_secs_f64(),
        raw.as_secs_f64(),
        OPS as f64 / raw.as_secs_f64()
    );

    // 2. Catch-up from empty.
    let store = Mutex::new(Store::in_memory().expect("store"));
    let client = SyncClient::new(
        transport(&server.url, "sre", &bo),
        Arc::new(Now),
        SyncOptions { pull_page: 5_000, ..SyncOptions::default() },
    );
    let started = Instant::now();
    let report = client.sync_once(&store).await.expect("catch up");
    let catch_up = started.elapsed();
    println!(
        "catch-up: {} ops from empty in {:.2} s ({} pages; goal <= 3 s)",
        report.pull.applied,
        catch_up.as_secs_f64(),
        report.pull.pages
    );

    // 3. Propagation between two online clients (B runs the live loop).
    let b_store = Arc::new(Mutex::new(Store::in_memory().expect("store")));
    let epoch = s.epoch().await.expect("epoch");
    b_store.lock().expect("lock").apply_pulled_page::<&str>(&[], &epoch, OPS as i64, Utc::now()).expect("cursor");
    let b = Arc::new(SyncClient::new(transport(&server.url, "sre", &bo), Arc::new(Now), SyncOptions::default()));
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
    let a_store = Mutex::new(Store::in_memory().expect("store"));
    let a = SyncClient::new(transport(&server.url, "sre", &ana), Arc::new(Now), SyncOptions::default());
    let mut samples = Vec::new();
    for i in 0..100 {
        let payload = serde_json::from_value(
            serde_json::json!({"type": "add_entry", "kind": "note", "at": Utc::now(), "text": format!("live {i}")}),
        )
        .expect("payload");
        let op =
            a_store.lock().expect("lock").commit(Utc::now(), "ana", uuid::Uuid::now_v7(), payload).expect("commit");
        let started = Instant::now();
        a.push(&a_store).await.expect("push");
        loop {
            let has = b_store.lock().expect("lock").all_ops().expect("ops").iter().any(|o| o.op_id == op.op_id);
            if has {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        samples.push(started.elapsed());
    }
    samples.sort();
    let p = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "propagation A->B: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} ops (goal p99 <= 500 ms)",
        p(0.5),
        p(0.99),
        p(1.0),
        samples.len()
    );
    let _ = stop_tx.send(());
    let _ = runner.await;
}
