//! Embedded, ordered migrations tracked in `PRAGMA user_version`.
use crate::{Result, StoreError};
use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_sync.sql"),
    include_str!("migrations/0003_outbound.sql"),
    include_str!("migrations/0004_sync_identity.sql"),
    include_str!("migrations/0005_held_ops.sql"),
    include_str!("migrations/0006_outbound_delivery.sql"),
    include_str!("migrations/0007_projection_rows.sql"),
    include_str!("migrations/0008_pin_rows.sql"),
    include_str!("migrations/0009_clock_views.sql"),
    include_str!("migrations/0010_lean_writes.sql"),
];

/// The newest schema (`PRAGMA user_version`) this build knows.
pub const KNOWN_SCHEMA: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = KNOWN_SCHEMA;
    if current > known {
        return Err(StoreError::TooNew { found: current, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use chrono::{DateTime, Utc};
    use firebreak_core::op::{Declare, OpPayload};

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + s, 0).unwrap()
    }

    /// A database as migrations 1 to 8 made it, holding `ops` (numbered 10, 20, …) as
    /// `replica`'s: all but the first in the outbox, the first refused by the server.
    fn schema_8_database(ops: &[firebreak_core::op::Op], replica: &str) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        for (i, sql) in MIGRATIONS[..8].iter().enumerate() {
            let tx = conn.transaction().unwrap();
            tx.execute_batch(sql).unwrap();
            tx.pragma_update(None, "user_version", (i + 1) as i64).unwrap();
            tx.commit().unwrap();
        }
        conn.execute("INSERT INTO meta(key, value) VALUES ('replica_id', ?1)", [replica]).unwrap();
        for (i, op) in ops.iter().enumerate() {
            conn.execute(
                "INSERT INTO ops(seq, op_id, replica, wall_ms, counter, author, target, kind, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                rusqlite::params![
                    (i + 1) as i64 * 10,
                    op.op_id.to_string(),
                    op.replica.to_string(),
                    op.hlc.wall_ms as i64,
                    op.hlc.counter,
                    op.author,
                    op.target.to_string(),
                    op.payload.name(),
                    serde_json::to_string(op).unwrap()
                ],
            )
            .unwrap();
        }
        for op in &ops[1..] {
            conn.execute("INSERT INTO outbox(op_id) VALUES (?1)", [op.op_id.to_string()]).unwrap();
        }
        conn.execute(
            "INSERT INTO sync_rejected(op_id, reason, rejected_at) VALUES (?1, 'authored by \"ana\"', '2026-09-21T00:00:00.000Z')",
            [ops[0].op_id.to_string()],
        )
        .unwrap();
        conn
    }

    /// A database as schema 8 left it, with a declaration and two notes in the log (the
    /// notes in the outbox, the declaration refused by the server), migrated on open.
    #[test]
    fn lean_writes_migrates_a_schema_8_database_keeping_every_row() {
        let mut made = Store::in_memory().unwrap();
        let (id, _) = made
            .declare(t(0), "ana", |human_id| Declare {
                human_id,
                title: "Checkout failing".into(),
                summary: "5xx".into(),
                severity: "SEV2".into(),
                services: vec![],
                drill: false,
                detected_at: t(0),
                suggested: None,
            })
            .unwrap();
        for (i, text) in ["failover started", "failover done"].iter().enumerate() {
            let note = serde_json::json!({"type": "add_entry", "kind": "note", "at": t(i as i64), "text": text});
            made.commit(t(1), "ana", id, serde_json::from_value::<OpPayload>(note).unwrap()).unwrap();
        }
        let ops = made.all_ops().unwrap();

        let conn = schema_8_database(&ops, &made.replica_id().unwrap().to_string());
        let mut s = Store::init(conn).unwrap();
        let version: i64 = s.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, KNOWN_SCHEMA);
        assert_eq!(s.all_ops().unwrap(), ops, "every op, in its order");
        assert_eq!(s.outbox_batch(10).unwrap(), ops[1..].to_vec(), "the outbox, in order");
        let rejected = s.rejected_ops().unwrap();
        assert_eq!((rejected.len(), rejected[0].op_id), (1, ops[0].op_id), "the refused op");
        assert_eq!(s.find(&id.to_string()).unwrap().timeline.len(), 3, "projections folded from the log");

        let schema = |name: &str| -> String {
            s.conn.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [name], |r| r.get(0)).unwrap()
        };
        assert!(schema("outbox").contains("seq INTEGER PRIMARY KEY REFERENCES ops(seq)"));
        assert!(schema("timeline_rows").contains("PRIMARY KEY (incident, seq)"));
        assert!(!schema("ops").contains("AUTOINCREMENT"));
        assert!(schema("ops_declarations").contains("WHERE kind = 'declare'"));
        let old_index: i64 = s
            .conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'ops_by_target'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(old_index, 0);
        // A declaration is still found through an index, not by reading the whole log.
        let plan: String = s
            .conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT op_id FROM ops WHERE target = ?1 AND kind = 'declare' AND op_id <> ?2 LIMIT 1",
                ["x", "y"],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("USING INDEX ops_declarations"), "{plan}");
        // Numbering goes on after the last op, and the foreign keys still hold.
        let next = s.commit(t(2), "ana", id, ops[1].payload.clone()).unwrap();
        let seq: i64 =
            s.conn.query_row("SELECT seq FROM ops WHERE op_id = ?1", [next.op_id.to_string()], |r| r.get(0)).unwrap();
        assert_eq!(seq, 31);
        assert_eq!(s.outbox_batch(10).unwrap(), [&ops[1..], &[next][..]].concat(), "queued after the rows");
        assert!(s.conn.execute("INSERT INTO outbox(seq) VALUES (99)", []).is_err(), "outbox → ops");
        assert!(s
            .conn
            .execute("INSERT INTO sync_rejected(op_id, reason, rejected_at) VALUES ('no-such-op', 'x', 'y')", [])
            .is_err());
    }
}
