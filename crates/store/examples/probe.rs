//! Temporary probe (not committed): commit cost, wall and CPU.
use chrono::{DateTime, Utc};
use firebreak_core::op::{Declare, OpPayload};
use firebreak_store::Store;
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}
fn note(i: usize) -> OpPayload {
    serde_json::from_value(serde_json::json!({"type": "add_entry", "kind": "note", "at": now(),
        "text": format!("note {i}: the database failover finished; latency is back to normal")}))
    .unwrap()
}
fn main() {
    if std::env::args().nth(1).as_deref() == Some("bare") {
        let dir = tempfile::tempdir().unwrap();
        let conn = rusqlite::Connection::open(dir.path().join("bare.db")).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "FULL").unwrap();
        conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, op_id TEXT UNIQUE, body TEXT NOT NULL)").unwrap();
        let n = 3000;
        let c0 = cpu();
        let t0 = std::time::Instant::now();
        for i in 0..n {
            conn.execute(
                "INSERT INTO t(op_id, body) VALUES (?1, ?2)",
                rusqlite::params![format!("{i:032x}"), format!("{:?}", note(0))],
            )
            .unwrap();
        }
        println!(
            "bare: wall {:.1} us/op, cpu {:.1} us/op",
            t0.elapsed().as_secs_f64() * 1e6 / n as f64,
            (cpu() - c0) * 1e6 / n as f64
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("fb.db")).unwrap();
    let (id, _) = s
        .declare(now(), "ana", |human_id| Declare {
            human_id,
            title: "T".into(),
            summary: "s".into(),
            severity: "SEV2".into(),
            services: vec!["api".into()],
            drill: false,
            detected_at: now(),
            suggested: None,
        })
        .unwrap();
    let n = 3000;
    let c0 = cpu();
    let t0 = std::time::Instant::now();
    for i in 0..n {
        s.commit(now(), "ana", id, note(i)).unwrap();
    }
    let wall = t0.elapsed();
    let cpu = cpu() - c0;
    println!("wall {:.1} us/op, cpu {:.1} us/op", wall.as_secs_f64() * 1e6 / n as f64, cpu * 1e6 / n as f64);
}
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap();
    let f: Vec<&str> = s.rsplit(')').next().unwrap().split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}
