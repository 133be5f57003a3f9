//! The outbox (local ops the team server has not acknowledged) without a row per op:
//! writing a local op queues it by itself, so a note costs no outbox write.
//!
//! Every op numbered in the log (`ops.seq`) after the mark (`meta.outbox_from`) is local
//! and queued; rows of `outbox` hold the queued ops at or before the mark. Invariants:
//! - Only local ops are logged past the mark: before ops from elsewhere are logged, the
//!   queued ops past the mark become rows ([`settle`]), and afterwards the mark moves past
//!   the new ops ([`skip_to_end`]); both in the transaction that logs them.
//! - Rows are only written or removed right after [`settle`], so they never overlap
//!   the ops past the mark; the outbox, oldest first, is the rows and then those ops.
//!
//! Rows are written when something about the outbox changes (an acknowledgement, a
//! pulled page, a refusal, a re-queue), for all ops queued since, in one statement.
use crate::store::{corrupt, read_meta, write_meta};
use crate::{Result, StoreError};
use rusqlite::Connection;

const META_OUTBOX_FROM: &str = "outbox_from";

/// The mark: ops numbered after it are local and queued.
pub(crate) fn mark(conn: &Connection) -> Result<i64> {
    read_meta(conn, META_OUTBOX_FROM)?
        .ok_or_else(|| StoreError::Corrupt("no outbox mark".into()))?
        .parse()
        .map_err(corrupt)
}

/// Sets the mark on a database that has none (new, or migrated from rows only): every
/// op logged so far is queued by a row or not at all. One statement, so two processes
/// opening the database at once agree.
pub(crate) fn init(conn: &Connection) -> Result<()> {
    if read_meta(conn, META_OUTBOX_FROM)?.is_none() {
        conn.execute(
            "INSERT INTO meta(key, value) SELECT ?1, CAST(coalesce(max(seq), 0) AS TEXT) FROM ops WHERE true
             ON CONFLICT(key) DO NOTHING",
            [META_OUTBOX_FROM],
        )?;
    }
    Ok(())
}

/// Turns the ops queued past the mark into rows and moves the mark to the end of the log.
/// Returns the mark.
pub(crate) fn settle(conn: &Connection) -> Result<i64> {
    let from = mark(conn)?;
    conn.prepare_cached("INSERT INTO outbox(seq) SELECT seq FROM ops WHERE seq > ?1 ON CONFLICT(seq) DO NOTHING")?
        .execute([from])?;
    skip_to_end(conn, from)
}

/// Moves the mark (now at `from`) past every op in the log: for ops from elsewhere logged
/// after [`settle`], which are not queued. Returns the mark.
pub(crate) fn skip_to_end(conn: &Connection, from: i64) -> Result<i64> {
    let end: i64 = conn.prepare_cached("SELECT coalesce(max(seq), 0) FROM ops")?.query_row([], |r| r.get(0))?;
    if end != from {
        write_meta(conn, META_OUTBOX_FROM, &end.to_string())?;
    }
    Ok(end)
}

/// Up to `limit` queued ops' bodies, oldest first.
pub(crate) fn batch(conn: &Connection, limit: usize) -> Result<Vec<String>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let from = mark(conn)?;
    let mut rows = conn
        .prepare_cached("SELECT ops.body FROM outbox JOIN ops ON ops.seq = outbox.seq ORDER BY outbox.seq LIMIT ?1")?;
    let mut bodies: Vec<String> = rows.query_map([limit], |r| r.get(0))?.collect::<Result<_, _>>()?;
    let left = limit - bodies.len() as i64;
    if left > 0 {
        let mut past = conn.prepare_cached("SELECT body FROM ops WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
        for body in past.query_map([from, left], |r| r.get(0))? {
            bodies.push(body?);
        }
    }
    Ok(bodies)
}

/// How many ops are queued.
pub(crate) fn len(conn: &Connection) -> Result<u64> {
    let from = mark(conn)?;
    let rows: i64 = conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
    let past: i64 = conn.prepare_cached("SELECT count(*) FROM ops WHERE seq > ?1")?.query_row([from], |r| r.get(0))?;
    Ok((rows + past).max(0) as u64)
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use chrono::{DateTime, Utc};
    use firebreak_core::ids::OpId;
    use firebreak_core::op::{Op, OpPayload};

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + s, 0).unwrap()
    }

    fn note(store: &mut Store, text: &str) -> Op {
        let payload: OpPayload =
            serde_json::from_value(serde_json::json!({"type": "add_entry", "kind": "note", "at": t(0), "text": text}))
                .unwrap();
        store.commit(t(0), "ana", uuid::Uuid::nil(), payload).unwrap()
    }

    fn queued(s: &Store) -> Vec<OpId> {
        s.outbox_batch(100).unwrap().iter().map(|o| o.op_id).collect()
    }

    /// Ops from elsewhere logged between local ones are never queued, whether taken in
    /// one by one or in a page; local ops stay queued in their order around them, as
    /// rows or past the mark, until acknowledged.
    #[test]
    fn only_local_ops_are_queued_around_ops_from_elsewhere() {
        let mut other = Store::in_memory().unwrap();
        let mut s = Store::in_memory().unwrap();
        let a = note(&mut s, "a");
        let theirs = note(&mut other, "theirs");
        s.apply_remote(std::slice::from_ref(&theirs), t(1)).unwrap();
        let b = note(&mut s, "b");
        let page = [serde_json::to_string(&note(&mut other, "more of theirs")).unwrap()];
        s.apply_pulled_page(&page, "E", 2, t(2)).unwrap();
        let c = note(&mut s, "c");
        assert_eq!(queued(&s), [a.op_id, b.op_id, c.op_id]);
        assert_eq!(s.outbox_len().unwrap(), 3);
        s.ack_outbox(&[b.op_id]).unwrap();
        let d = note(&mut s, "d");
        assert_eq!(queued(&s), [a.op_id, c.op_id, d.op_id], "rows, then ops past the mark");
        assert_eq!(s.outbox_batch(2).unwrap().iter().map(|o| o.op_id).collect::<Vec<_>>(), [a.op_id, c.op_id]);
        s.ack_outbox(&[a.op_id, c.op_id, d.op_id]).unwrap();
        assert_eq!((queued(&s), s.outbox_len().unwrap()), (vec![], 0));
        // A new server has seen nothing: every local op is queued again, none of theirs.
        assert_eq!(s.requeue_all_local_ops().unwrap(), 4);
        assert_eq!(queued(&s), [a.op_id, b.op_id, c.op_id, d.op_id]);
    }
}
