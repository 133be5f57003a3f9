//! Server scale benchmark (issue 13): the release `firebreak-server` as its own process,
//! 100 teams of 10 members, 1,000 laptops holding long-polls (10 per team) and one writer
//! per team pushing a note every ~1.5 s. Prints push → delivery latency p50/p99/max over
//! every delivery, the delivery count beside pushes × clients per team, and the server
//! process's CPU (% of one core) and peak RSS; exits 1 if a delivery was lost,
//! duplicated or reached another team. Printed figures, never a timed test.
//!
//! Run: `cargo bench -p firebreak-server --bench longpoll_bench`. Environment:
//! `FIREBREAK_BENCH_SECS` (pushing time, default 40), `FIREBREAK_BENCH_TEAMS` (100),
//! `FIREBREAK_BENCH_CLIENTS` (laptops per team, 10), `FIREBREAK_BENCH_INTERVAL_MS`
//! (each writer's pace, 1500), `FIREBREAK_SERVER_BIN` (the server binary),
//! `FIREBREAK_BENCH_SERVER_NOFILE` (start the server under this soft limit on open
//! files, e.g. systemd's 1024) and `FIREBREAK_BENCH_PG=postgres://…` for a second run
//! against PostgreSQL.
// Ops are stamped with the real time, as a laptop's are.
#![allow(clippy::disallowed_methods)]
mod server;

use firebreak_core::ids::OpId;
use firebreak_core::op::Op;
use firebreak_sync::wire::{AckStatus, PushRequest};
use firebreak_sync::{HttpTransport, RemoteConfig, Transport};
use server::{cpu_seconds, create_teams, load_average, member, server_bin, status_number, ServerProcess, Team};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The goal from issue 13: propagation p99 with 1,000 concurrent long-polls.
const GOAL_P99: Duration = Duration::from_millis(250);
/// How long a client's pull asks to be held (`SyncOptions::live_wait`'s default).
const HOLD: Duration = Duration::from_secs(25);
/// After the last push: how long deliveries may still arrive before they count as lost.
const DRAIN: Duration = Duration::from_secs(15);

struct Config {
    teams: usize,
    clients: usize,
    pushing: Duration,
    interval: Duration,
    server_nofile: Option<u64>,
}

fn env_number(name: &str, default: u64, min: u64, max: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Err(_) => Ok(default),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!("{name}={v:?} must be a whole number from {min} to {max}")),
        },
    }
}

impl Config {
    fn from_env() -> Result<Self, String> {
        Ok(Config {
            teams: env_number("FIREBREAK_BENCH_TEAMS", 100, 1, 1_000)? as usize,
            clients: env_number("FIREBREAK_BENCH_CLIENTS", 10, 1, 100)? as usize,
            pushing: Duration::from_secs(env_number("FIREBREAK_BENCH_SECS", 40, 1, 3_600)?),
            interval: Duration::from_millis(env_number("FIREBREAK_BENCH_INTERVAL_MS", 1_500, 10, 60_000)?),
            server_nofile: match std::env::var("FIREBREAK_BENCH_SERVER_NOFILE") {
                Err(_) => None,
                Ok(_) => Some(env_number("FIREBREAK_BENCH_SERVER_NOFILE", 0, 16, 1 << 20)?),
            },
        })
    }
}

fn transport(url: &str, team: &str, token: &str) -> Result<HttpTransport, String> {
    HttpTransport::new(&RemoteConfig {
        url: url.into(),
        team: team.into(),
        token: token.into(),
        ca_pem: None,
        allow_http: false,
    })
    .map_err(|e| format!("client for {team}: {e}"))
}

/// A pushed op: whose it is, when its push was sent and when the server acknowledged it.
struct Pushed {
    team: usize,
    sent: Instant,
    acked: Instant,
}

/// What the clients count as they go.
#[derive(Default)]
struct Counters {
    delivered: AtomicU64,
    pull_errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Counters {
    fn error(&self, what: String) {
        self.pull_errors.fetch_add(1, Ordering::Relaxed);
        let mut first = self.first_error.lock().unwrap_or_else(|e| e.into_inner());
        first.get_or_insert(what);
    }
}

#[derive(serde::Deserialize)]
struct IdOnly {
    op_id: OpId,
}

/// One laptop: holds a long-poll after its cursor until told to stop, and returns
/// every op it received with the instant its page arrived.
async fn client(t: HttpTransport, mut stop: watch::Receiver<bool>, counters: Arc<Counters>) -> Vec<(OpId, Instant)> {
    let (mut after, mut got) = (0, Vec::new());
    loop {
        let page = tokio::select! {
            page = t.pull(after, 1_000, Some(HOLD)) => page,
            _ = stop.changed() => return got,
        };
        match page {
            Ok(page) => {
                let arrived = Instant::now();
                for o in &page.ops {
                    match serde_json::from_str::<IdOnly>(o.op.get()) {
                        Ok(id) => got.push((id.op_id, arrived)),
                        Err(e) => counters.error(format!("op {} of a page has no op id: {e}", o.seq)),
                    }
                    after = o.seq;
                }
                counters.delivered.fetch_add(page.ops.len() as u64, Ordering::Relaxed);
            }
            Err(e) => {
                counters.error(format!("pull: {e}"));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// A note by `author`, stamped now.
fn note(author: &str, team: usize, n: u64) -> Result<Op, String> {
    let now = chrono::Utc::now();
    serde_json::from_value(serde_json::json!({
        "op_id": OpId(rand::random()).to_string(),
        "replica": format!("{:032x}", 0xbe00_0000u128 + team as u128),
        "hlc": {"wall_ms": now.timestamp_millis(), "counter": 0},
        "author": author,
        "target": format!("0190c4a4-0000-7000-8000-{team:012x}"),
        "payload": {"type": "add_entry", "kind": "note", "at": now,
                    "text": format!("update {n}: failover of the primary finished, replicas catching up")}
    }))
    .map_err(|e| format!("building a note: {e}"))
}

/// One team's writer: a note every `interval` from `start` until `end`, each push's
/// times recorded under its op id. Any push that is not stored ends the run.
async fn writer(
    t: HttpTransport,
    team: usize,
    start: tokio::time::Instant,
    interval: Duration,
    end: tokio::time::Instant,
    pushed: Arc<Mutex<HashMap<OpId, Pushed>>>,
) -> Result<u64, String> {
    let mut ticks = tokio::time::interval_at(start, interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let author = member(0);
    let mut n = 0;
    loop {
        if ticks.tick().await >= end {
            return Ok(n);
        }
        let op = note(&author, team, n)?;
        let id = op.op_id;
        let sent = Instant::now();
        let resp = t.push(&PushRequest { ops: vec![op] }).await.map_err(|e| format!("team {team}: push: {e}"))?;
        let acked = Instant::now();
        match resp.acks.first() {
            Some(a) if a.status == AckStatus::Stored && a.op_id == id => {}
            other => return Err(format!("team {team}: push not stored: {other:?}")),
        }
        pushed.lock().unwrap_or_else(|e| e.into_inner()).insert(id, Pushed { team, sent, acked });
        n += 1;
    }
}

/// Nearest-rank percentile of sorted samples, in ms.
fn pct(sorted: &[Duration], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
}

fn summary(label: &str, mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    let p99 = pct(&samples, 0.99);
    println!("  {label}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms", pct(&samples, 0.5), p99, pct(&samples, 1.0));
    p99
}

/// What a run's deliveries say when checked against its pushes.
#[derive(Default)]
struct Check {
    from_sent: Vec<Duration>,
    from_ack: Vec<Duration>,
    before_ack: usize,
    wrong_team: usize,
    unknown: usize,
    duplicates: usize,
}

fn check(pushed: &HashMap<OpId, Pushed>, received: &[(usize, Vec<(OpId, Instant)>)]) -> Check {
    let mut c = Check::default();
    for (team, got) in received {
        let mut seen = HashSet::with_capacity(got.len());
        for (id, at) in got {
            if !seen.insert(*id) {
                c.duplicates += 1;
                continue;
            }
            let Some(p) = pushed.get(id) else {
                c.unknown += 1;
                continue;
            };
            if p.team != *team {
                c.wrong_team += 1;
                continue;
            }
            c.from_sent.push(at.saturating_duration_since(p.sent));
            if *at < p.acked {
                c.before_ack += 1;
            }
            c.from_ack.push(at.saturating_duration_since(p.acked));
        }
    }
    c
}

/// Every laptop checks its token first (a connection each), then holds its pull.
async fn connect(
    url: &str,
    teams: &[Team],
    stop: &watch::Receiver<bool>,
    counters: &Arc<Counters>,
) -> Result<Vec<(usize, JoinHandle<Vec<(OpId, Instant)>>)>, String> {
    let mut clients = Vec::new();
    for (i, Team { name, tokens }) in teams.iter().enumerate() {
        for token in tokens {
            let t = transport(url, name, token)?;
            t.team_info().await.map_err(|e| format!("team {name}: team info: {e}"))?;
            clients.push((i, tokio::spawn(client(t, stop.clone(), counters.clone()))));
        }
    }
    Ok(clients)
}

/// Runs one writer per team for the configured time, writers taking turns so pushes
/// spread evenly over each interval; returns the pushes made and any writer's failure.
async fn push_for(
    cfg: &Config,
    url: &str,
    teams: &[Team],
    pushed: &Arc<Mutex<HashMap<OpId, Pushed>>>,
) -> Result<(u64, Vec<String>), String> {
    let begin = tokio::time::Instant::now() + Duration::from_millis(100);
    let end = begin + cfg.pushing;
    let mut writers = Vec::with_capacity(teams.len());
    for (i, team) in teams.iter().enumerate() {
        let token = team.tokens.first().ok_or("a team without members")?;
        let t = transport(url, &team.name, token)?;
        let offset = cfg.interval.mul_f64(i as f64 / cfg.teams as f64);
        writers.push(tokio::spawn(writer(t, i, begin + offset, cfg.interval, end, pushed.clone())));
    }
    let (mut pushes, mut failures) = (0, Vec::new());
    for w in writers {
        match w.await {
            Ok(Ok(n)) => pushes += n,
            Ok(Err(e)) => failures.push(e),
            Err(e) => failures.push(format!("writer task: {e}")),
        }
    }
    Ok((pushes, failures))
}

/// The server's side of a run.
struct ServerFigures {
    cpu_seconds: f64,
    wall_seconds: f64,
    hwm_kb: u64,
    threads: u64,
}

/// Prints a run's figures; false when a delivery was lost, duplicated or misdirected.
fn report(cfg: &Config, pushes: u64, delivered: u64, c: Check, server: &ServerFigures) -> bool {
    let expected = pushes * cfg.clients as u64;
    println!("  pushes {pushes}; deliveries {delivered} (expected pushes × {} = {expected})", cfg.clients);
    let p99 = summary("push sent → received", c.from_sent);
    summary(&format!("push acknowledged → received ({} arrived before the ack: 0)", c.before_ack), c.from_ack);
    println!(
        "  server CPU {:.1} % of one core over {:.1} s (user+system); peak RSS {:.1} MiB; {} threads",
        server.cpu_seconds / server.wall_seconds * 100.0,
        server.wall_seconds,
        server.hwm_kb as f64 / 1024.0,
        server.threads
    );
    let verdict = if p99 <= GOAL_P99.as_secs_f64() * 1e3 { "met" } else { "MISSED" };
    println!("  goal p99 <= {} ms with {} held long-polls: {verdict}", GOAL_P99.as_millis(), cfg.teams * cfg.clients);
    if delivered != expected || c.wrong_team + c.unknown + c.duplicates > 0 {
        println!(
            "  FAILED: {delivered} deliveries of {expected} expected; {} to the wrong team, {} of ops never \
             acknowledged, {} duplicates",
            c.wrong_team, c.unknown, c.duplicates
        );
        return false;
    }
    true
}

/// One run against `db`: returns Ok(true) when every push reached exactly its team's
/// clients (the latency goal is printed, not enforced).
async fn run(cfg: &Config, backend: &str, db: &str, dir: &Path) -> Result<bool, String> {
    let bin = server_bin();
    let prefix = format!("b{:08x}", rand::random::<u32>());
    println!(
        "\n== {backend}: {} teams × {} clients, {} s of pushes, one per team every {} ms ==",
        cfg.teams,
        cfg.clients,
        cfg.pushing.as_secs(),
        cfg.interval.as_millis()
    );
    let (teams, took) = create_teams(&bin, db, &prefix, cfg.teams, cfg.clients)?;
    let commands = cfg.teams * (1 + 2 * cfg.clients);
    println!("  setup: {commands} admin commands in {:.1} s ({})", took.as_secs_f64(), bin.display());
    let mut srv = ServerProcess::start(&bin, db, &dir.join(format!("server-{backend}.log")), cfg.server_nofile)?;
    if let Some(n) = cfg.server_nofile {
        println!("  the server was started under a soft limit of {n} open files");
    }
    let pid = srv.pid();
    let counters = Arc::new(Counters::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let started = Instant::now();
    let clients = connect(&srv.url, &teams, &stop_rx, &counters).await?;
    println!("  {} clients connected in {:.1} s", clients.len(), started.elapsed().as_secs_f64());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_from = cpu_seconds(pid)?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = (cpu_seconds(pid)? - idle_from) / 3.0 * 100.0;
    println!("  server idle with every pull held: {idle:.1} % of one core over 3 s");

    let pushed = Arc::new(Mutex::new(HashMap::new()));
    let (cpu_from, wall) = (cpu_seconds(pid)?, Instant::now());
    let (pushes, writer_failures) = push_for(cfg, &srv.url, &teams, &pushed).await?;
    let expected = pushes * cfg.clients as u64;
    let drain = Instant::now();
    while counters.delivered.load(Ordering::Relaxed) < expected && drain.elapsed() < DRAIN {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let figures = ServerFigures {
        wall_seconds: wall.elapsed().as_secs_f64(),
        cpu_seconds: cpu_seconds(pid)? - cpu_from,
        hwm_kb: status_number(pid, "VmHWM")?,
        threads: status_number(pid, "Threads")?,
    };
    let _ = stop_tx.send(true);
    let mut received = Vec::with_capacity(clients.len());
    for (team, c) in clients {
        received.push((team, c.await.map_err(|e| format!("client task: {e}"))?));
    }
    let status = srv.stop()?;
    let pushed = std::mem::take(&mut *pushed.lock().unwrap_or_else(|e| e.into_inner()));
    let delivered = counters.delivered.load(Ordering::Relaxed);
    let mut ok = report(cfg, pushes, delivered, check(&pushed, &received), &figures);
    if !status.success() {
        println!("  note: the server exited with {status} (log {})", srv.log.display());
    }
    let errors = counters.pull_errors.load(Ordering::Relaxed);
    if errors > 0 {
        let first = counters.first_error.lock().unwrap_or_else(|e| e.into_inner()).clone().unwrap_or_default();
        println!("  {errors} failed pulls (retried); the first: {first}");
    }
    for e in &writer_failures {
        println!("  FAILED: {e}");
        ok = false;
    }
    Ok(ok)
}

#[tokio::main]
async fn main() {
    let outcome = async {
        let cfg = Config::from_env()?;
        // A socket per laptop, in this process and in the server (which inherits the limit).
        let want = (cfg.teams * (cfg.clients + 1) + 256) as u64;
        let nofile = rlimit::increase_nofile_limit(want).map_err(|e| format!("raising the open-file limit: {e}"))?;
        if nofile < want {
            return Err(format!("the open-file limit is {nofile}, below the {want} this run needs"));
        }
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        println!("machine: {cores} cores, load average {} at start", load_average());
        let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
        let sqlite = format!("sqlite://{}", dir.path().join("server.db").display());
        let mut ok = run(&cfg, "sqlite", &sqlite, dir.path()).await?;
        match std::env::var("FIREBREAK_BENCH_PG").ok().filter(|u| !u.is_empty()) {
            Some(pg) => ok &= run(&cfg, "postgres", &pg, dir.path()).await?,
            None => println!("\n(PostgreSQL skipped: set FIREBREAK_BENCH_PG=postgres://… to run it too)"),
        }
        println!("load average at the end {}", load_average());
        Ok::<bool, String>(ok)
    }
    .await;
    match outcome {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
