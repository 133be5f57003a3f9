//! The cost of writing an op as incidents grow, beside its yardstick: a bare rusqlite
//! insert with the same pragmas (WAL, synchronous=FULL) and one transaction per row.
//! Goals (issue 13): a note on a 4,000- or 10,000-entry incident costs ≤ 1.2× a note on
//! an empty one and ≤ 1.5× the bare insert; an import of 10,000 entries takes ≤ 1 s and
//! grows linearly. Run: `cargo bench -p firebreak-store` (release, printed figures).
use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use firebreak_core::ids::IncidentId;
use firebreak_core::op::{Declare, OpPayload};
use firebreak_store::Store;
use rusqlite::{params, Connection};
use std::time::Duration;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).expect("a valid instant")
}

fn note(i: usize) -> OpPayload {
    serde_json::from_value(serde_json::json!({
        "type": "add_entry", "kind": "note", "at": now(),
        "text": format!("note {i}: the database failover finished; latency is back to normal")
    }))
    .expect("a note")
}

/// A store in `dir` with one incident of `entries` notes.
fn store_with(dir: &std::path::Path, entries: usize) -> (Store, IncidentId) {
    let mut s = Store::open(&dir.join("fb.db")).expect("opens");
    let (id, _) = s
        .declare(now(), "ana", |human_id| Declare {
            human_id,
            title: "Checkout failing".into(),
            summary: "5xx on /checkout".into(),
            severity: "SEV2".into(),
            services: vec!["api".into()],
            drill: false,
            detected_at: now(),
            suggested: None,
        })
        .expect("declares");
    for chunk in (0..entries).collect::<Vec<_>>().chunks(1_000) {
        s.commit_all(now(), "ana", chunk.iter().map(|i| (id, note(*i))).collect()).expect("imports");
    }
    (s, id)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("append one note");
    g.measurement_time(Duration::from_secs(8));
    {
        let dir = tempfile::tempdir().expect("tempdir");
        let conn = Connection::open(dir.path().join("bare.db")).expect("opens");
        conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
        conn.pragma_update(None, "synchronous", "FULL").expect("full");
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, op_id TEXT UNIQUE, body TEXT NOT NULL)")
            .expect("table");
        let mut n = 0u64;
        g.bench_function("yardstick: bare rusqlite insert, one tx", |b| {
            b.iter(|| {
                n += 1;
                conn.execute(
                    "INSERT INTO t(op_id, body) VALUES (?1, ?2)",
                    params![format!("{n:032x}"), format!("{:?}", note(0))],
                )
                .expect("insert")
            })
        });
    }
    for entries in [0, 4_000, 10_000] {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut s, id) = store_with(dir.path(), entries);
        g.bench_function(format!("Store::commit on an incident of {entries} entries"), |b| {
            b.iter(|| s.commit(now(), "ana", id, note(1)).expect("commits"))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("import in one transaction");
    g.sample_size(10);
    for n in [1_000usize, 10_000] {
        g.bench_function(format!("{n} entries"), |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let (s, id) = store_with(dir.path(), 0);
                    (dir, s, id)
                },
                |(_dir, mut s, id)| {
                    s.commit_all(now(), "ana", (0..n).map(|i| (id, note(i))).collect()).expect("imports")
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
