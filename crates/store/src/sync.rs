//! What team sync needs from the local database: the outbox read in batches and cleared
//! only on the server's acknowledgement, pulled pages applied together with the new
//! cursor in one transaction, the remote's address (its token is kept by the api's vault),
//! the ops the server refused, clock drift seen in pulled ops, and a status summary.
//!
//! Invariants:
//! - A pulled page's ops, the cursor that follows them, and the removal of our own ops
//!   echoed back by the server commit together or not at all, so a crash never leaves
//!   the cursor ahead of the ops it claims were applied.
//! - The outbox shrinks only through [`Store::ack_outbox`] (the server answered) or a
//!   pulled page that contains the op (the server has it).
use crate::held::take_in;
use crate::store::{corrupt, read_hlc, write_meta, META_HLC};
use crate::{Intake, Result, Store, StoreError};
use chrono::{DateTime, Utc};
use firebreak_core::hlc::DRIFT_WARNING_MS;
use firebreak_core::ids::OpId;
use firebreak_core::op::Op;
use rusqlite::{params, OptionalExtension};

/// Where this replica syncs: the server's base URL and the team; the token is kept
/// outside the database (see `firebreak_api::secrets`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAddress {
    pub url: String,
    pub team: String,
    /// Who the token belongs to, as the server last said; `None` until checked.
    pub member: Option<String>,
}

/// Where to sync and with which token: what the sync client is given. The token is
/// never stored in this database (the api's vault keeps it); `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct RemoteConfig {
    pub url: String,
    pub team: String,
    pub token: String,
    /// The team's own CA (PEM), trusted besides the system's roots.
    pub ca_pem: Option<String>,
    /// Plain `http://` to a host off this machine was allowed (`--allow-http`).
    pub allow_http: bool,
}

impl std::fmt::Debug for RemoteConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteConfig").field("url", &self.url).field("team", &self.team).finish_non_exhaustive()
    }
}

/// A local op the server refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedOp {
    pub op_id: OpId,
    pub reason: String,
    pub rejected_at: DateTime<Utc>,
}

/// The latest pulled op stamped well ahead of this laptop's clock: its author's clock
/// (or ours) is off. Sync still converges (the HLC never rejects a stamp); this is for
/// the person to check the clocks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockDrift {
    pub author: String,
    pub ahead_ms: u64,
    pub seen_at: DateTime<Utc>,
}

const META_CLOCK_DRIFT: &str = "clock_drift";

/// Takes an op (by id) out of the outbox, which is keyed by the op's number in the log.
pub(crate) const UNQUEUE: &str = "DELETE FROM outbox WHERE seq = (SELECT seq FROM ops WHERE op_id = ?1)";

/// The pull cursor: the server epoch it belongs to and the last sequence applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCursor {
    pub epoch: String,
    pub cursor: i64,
}

/// A summary for `firebreak sync --status` and the desktop status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    /// The configured server and team (never the token); `None` when sync is off.
    pub remote: Option<(String, String)>,
    /// Local ops the server has not acknowledged yet.
    pub pending: u64,
    /// Local ops the server refused (see [`Store::reject_outbox`]).
    pub rejected: u64,
    pub cursor: Option<SyncCursor>,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// The last pulled op stamped more than a minute ahead of this laptop's clock.
    pub clock_drift: Option<ClockDrift>,
}

impl Store {
    /// Up to `limit` unacknowledged local ops, oldest first.
    pub fn outbox_batch(&self, limit: usize) -> Result<Vec<Op>> {
        let bodies = crate::outbox::batch(&self.conn, limit)?;
        bodies.iter().map(|b| serde_json::from_str(b).map_err(corrupt)).collect()
    }

    /// Removes acknowledged ops from the outbox (unknown ids are ignored).
    pub fn ack_outbox(&mut self, ids: &[OpId]) -> Result<()> {
        let tx = self.conn.transaction()?;
        crate::outbox::settle(&tx)?;
        {
            let mut stmt = tx.prepare_cached(UNQUEUE)?;
            for id in ids {
                stmt.execute([id.to_string()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Applies one pulled page (op bodies as the server sent them) and moves the cursor
    /// to (`server_epoch`, `cursor`) in one transaction. Each op is validated: valid ones
    /// are applied (ops already present are skipped; our own ops in the page leave the
    /// outbox, the server has them), the rest are held (see [`crate::held`]) so they
    /// never stop the page. Clock drift is recorded from applied ops only.
    pub fn apply_pulled_page<B: AsRef<str>>(
        &mut self,
        bodies: &[B],
        server_epoch: &str,
        cursor: i64,
        now: DateTime<Utc>,
    ) -> Result<Intake> {
        let tx = self.conn.transaction()?;
        let mut hlc = read_hlc(&tx)?;
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        let (intake, applied) = take_in(&tx, bodies, now, &mut hlc)?;
        let drift = applied
            .iter()
            .filter_map(|op| {
                let ahead_ms = op.hlc.wall_ms.saturating_sub(now_ms);
                (ahead_ms > DRIFT_WARNING_MS).then(|| ClockDrift { author: op.author.clone(), ahead_ms, seen_at: now })
            })
            .max_by_key(|d| d.ahead_ms);
        write_meta(&tx, META_HLC, &serde_json::to_string(&hlc).map_err(corrupt)?)?;
        if let Some(d) = drift {
            write_meta(&tx, META_CLOCK_DRIFT, &serde_json::to_string(&d).map_err(corrupt)?)?;
        }
        tx.execute("UPDATE sync_state SET epoch = ?1, cursor = ?2 WHERE id = 1", params![server_epoch, cursor])?;
        tx.commit()?;
        Ok(intake)
    }

    /// The server epoch and last applied sequence, or `None` before the first pull.
    pub fn sync_cursor(&self) -> Result<Option<(String, i64)>> {
        Ok(self
            .conn
            .query_row("SELECT epoch, cursor FROM sync_state WHERE id = 1 AND epoch IS NOT NULL", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .optional()?)
    }

    /// After the server was restored from an older backup (or replaced): queues every op
    /// this replica made for pushing again and forgets the cursor, so the next sync
    /// re-pushes everything and pulls from the start. Returns the outbox size.
    pub fn requeue_all_local_ops(&mut self) -> Result<u64> {
        let replica = self.replica_id()?.to_string();
        let tx = self.conn.transaction()?;
        crate::outbox::settle(&tx)?;
        tx.execute(
            "INSERT INTO outbox(seq) SELECT seq FROM ops WHERE replica = ?1 ON CONFLICT(seq) DO NOTHING",
            [replica],
        )?;
        tx.execute("UPDATE sync_state SET epoch = NULL, cursor = 0 WHERE id = 1", [])?;
        let pending: i64 = tx.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
        tx.commit()?;
        Ok(pending as u64)
    }

    /// Records the server epoch seen in a push or pull answer. The first epoch is
    /// adopted with cursor 0. A different epoch means the server was restored or
    /// replaced: every local op is queued again and the cursor restarts at 0 in the new
    /// epoch, in one transaction. Returns true in that case.
    ///
    /// Call it before acknowledging a push, so an op never leaves the outbox without
    /// the epoch that stored it being on record.
    pub fn adopt_server_epoch(&mut self, epoch: &str) -> Result<bool> {
        let replica = self.replica_id()?.to_string();
        let tx = self.conn.transaction()?;
        let known: Option<String> = tx.query_row("SELECT epoch FROM sync_state WHERE id = 1", [], |r| r.get(0))?;
        let restored = match known.as_deref() {
            Some(e) if e == epoch => return Ok(false),
            Some(_) => {
                crate::outbox::settle(&tx)?;
                tx.execute(
                    "INSERT INTO outbox(seq) SELECT seq FROM ops WHERE replica = ?1 ON CONFLICT(seq) DO NOTHING",
                    [replica],
                )?;
                true
            }
            None => false,
        };
        tx.execute("UPDATE sync_state SET epoch = ?1, cursor = 0 WHERE id = 1", [epoch])?;
        tx.commit()?;
        Ok(restored)
    }

    pub fn remote(&self) -> Result<Option<RemoteAddress>> {
        Ok(self
            .conn
            .query_row("SELECT url, team, member FROM sync_remote WHERE id = 1", [], |r| {
                Ok(RemoteAddress { url: r.get(0)?, team: r.get(1)?, member: r.get(2)? })
            })
            .optional()?)
    }

    /// Sets the remote (the token is the caller's to keep; who it belongs to is unknown
    /// again until [`Store::set_remote_member`]). Pointing at a different server or team
    /// forgets the cursor and queues every local op again, since the new place has seen
    /// none of them; ops the server refused are queued again on any change.
    pub fn set_remote(&mut self, url: &str, team: &str) -> Result<()> {
        let url = url.trim().trim_end_matches('/');
        let team = team.trim();
        if url.is_empty() || team.is_empty() {
            return Err(StoreError::NotFound("a remote needs a URL and a team".into()));
        }
        let moved = self.remote()?.is_some_and(|old| old.url != url || old.team != team);
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO sync_remote(id, url, team, token, member) VALUES (1, ?1, ?2, '', NULL)
             ON CONFLICT(id) DO UPDATE SET url = excluded.url, team = excluded.team, token = '',
               member = NULL",
            params![url, team],
        )?;
        crate::outbox::settle(&tx)?;
        tx.execute(
            "INSERT INTO outbox(seq) SELECT ops.seq FROM sync_rejected JOIN ops USING (op_id) WHERE true
             ON CONFLICT(seq) DO NOTHING",
            [],
        )?;
        tx.execute("DELETE FROM sync_rejected", [])?;
        tx.commit()?;
        if moved {
            self.requeue_all_local_ops()?;
        }
        Ok(())
    }

    /// Records who the remote's token belongs to.
    pub fn set_remote_member(&mut self, member: &str) -> Result<()> {
        self.conn.execute("UPDATE sync_remote SET member = ?1 WHERE id = 1", [member])?;
        Ok(())
    }

    /// A token written into the database by an older version, for the caller to keep
    /// elsewhere and then [`Store::forget_legacy_remote_token`].
    pub fn legacy_remote_token(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT token FROM sync_remote WHERE id = 1 AND token <> ''", [], |r| r.get(0))
            .optional()?)
    }

    pub fn forget_legacy_remote_token(&mut self) -> Result<()> {
        self.conn.execute("UPDATE sync_remote SET token = '' WHERE id = 1", [])?;
        Ok(())
    }

    /// Turns sync off; the outbox keeps growing until a remote is set again.
    pub fn clear_remote(&mut self) -> Result<()> {
        self.conn.execute("DELETE FROM sync_remote", [])?;
        Ok(())
    }

    /// Moves ops the server refused from the outbox to the rejected list, in one
    /// transaction. They stay in the op log (and in this laptop's state).
    pub fn reject_outbox(&mut self, rejected: &[(OpId, String)], now: DateTime<Utc>) -> Result<()> {
        let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let tx = self.conn.transaction()?;
        crate::outbox::settle(&tx)?;
        {
            let mut unqueue = tx.prepare_cached(UNQUEUE)?;
            let mut record = tx.prepare_cached(
                "INSERT INTO sync_rejected(op_id, reason, rejected_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(op_id) DO UPDATE SET reason = excluded.reason, rejected_at = excluded.rejected_at",
            )?;
            for (id, reason) in rejected {
                let id = id.to_string();
                if unqueue.execute([&id])? > 0 {
                    record.execute(params![id, reason, at])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The ops the server refused, oldest first.
    pub fn rejected_ops(&self) -> Result<Vec<RejectedOp>> {
        let mut stmt =
            self.conn.prepare("SELECT op_id, reason, rejected_at FROM sync_rejected ORDER BY rejected_at, op_id")?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        rows.map(|row| {
            let (id, reason, at) = row?;
            Ok(RejectedOp {
                op_id: id.parse().map_err(|_| StoreError::Corrupt(format!("bad op id {id:?}")))?,
                reason,
                rejected_at: DateTime::parse_from_rfc3339(&at).map_err(corrupt)?.with_timezone(&Utc),
            })
        })
        .collect()
    }

    /// Records a completed push + pull round.
    pub fn mark_synced(&mut self, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET last_synced_at = ?1 WHERE id = 1",
            [now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)],
        )?;
        Ok(())
    }

    /// The last pulled op stamped more than a minute ahead of this laptop's clock.
    pub fn clock_drift(&self) -> Result<Option<ClockDrift>> {
        self.meta(META_CLOCK_DRIFT)?.map(|s| serde_json::from_str(&s)).transpose().map_err(corrupt)
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let remote = self.remote()?.map(|r| (r.url, r.team));
        let last: Option<String> =
            self.conn.query_row("SELECT last_synced_at FROM sync_state WHERE id = 1", [], |r| r.get(0))?;
        let last_synced_at = last
            .map(|s| DateTime::parse_from_rfc3339(&s).map(|d| d.with_timezone(&Utc)))
            .transpose()
            .map_err(corrupt)?;
        Ok(SyncStatus {
            remote,
            pending: self.outbox_len()?,
            rejected: self.conn.query_row("SELECT count(*) FROM sync_rejected", [], |r| r.get::<_, i64>(0))? as u64,
            cursor: self.sync_cursor()?.map(|(epoch, cursor)| SyncCursor { epoch, cursor }),
            last_synced_at,
            clock_drift: self.clock_drift()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use firebreak_core::op::OpPayload;

    fn t(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_700_000_000_000 + ms).unwrap()
    }

    fn bodies(ops: &[Op]) -> Vec<String> {
        ops.iter().map(|o| serde_json::to_string(o).unwrap()).collect()
    }

    fn note(store: &mut Store, text: &str) -> Op {
        // Built from JSON so optional payload fields added later need no change here.
        let payload: OpPayload = serde_json::from_value(serde_json::json!({
            "type": "add_entry", "kind": "note", "at": t(0), "text": text
        }))
        .unwrap();
        store.commit(t(0), "ana", uuid::Uuid::nil(), payload).unwrap()
    }

    #[test]
    fn outbox_is_read_in_order_and_cleared_only_by_acks() {
        let mut s = Store::in_memory().unwrap();
        let ops: Vec<Op> = (0..5).map(|i| note(&mut s, &format!("n{i}"))).collect();
        assert_eq!(s.outbox_batch(3).unwrap(), ops[..3].to_vec());
        s.ack_outbox(&[ops[0].op_id, ops[2].op_id, OpId(7)]).unwrap();
        let left: Vec<OpId> = s.outbox_batch(10).unwrap().iter().map(|o| o.op_id).collect();
        assert_eq!(left, vec![ops[1].op_id, ops[3].op_id, ops[4].op_id]);
    }

    #[test]
    fn a_pulled_page_moves_ops_and_cursor_together_and_unqueues_echoes() {
        let mut a = Store::in_memory().unwrap();
        let mut b = Store::in_memory().unwrap();
        let theirs = note(&mut a, "from a");
        let mine = note(&mut b, "from b");
        assert_eq!(b.sync_cursor().unwrap(), None);
        let new = b.apply_pulled_page(&bodies(&[theirs.clone(), mine.clone()]), "E1", 2, t(5)).unwrap();
        assert_eq!(new.applied, 1);
        assert_eq!(b.sync_cursor().unwrap(), Some(("E1".to_string(), 2)));
        assert_eq!(b.outbox_len().unwrap(), 0, "our echoed op left the outbox");
        assert_eq!(b.all_ops().unwrap().len(), 2);
    }

    #[test]
    fn a_pulled_op_stamped_hours_ahead_is_applied_and_flagged_with_its_author() {
        let mut a = Store::in_memory().unwrap();
        let mut b = Store::in_memory().unwrap();
        let payload: OpPayload = serde_json::from_value(serde_json::json!({
            "type": "add_entry", "kind": "note", "at": t(0), "text": "from a fast clock"
        }))
        .unwrap();
        let on_time = note(&mut a, "on time");
        // Then laptop a's clock jumps three hours ahead of b's.
        let three_hours = 3 * 3_600_000;
        let ahead = a.commit(t(three_hours), "bo", uuid::Uuid::nil(), payload).unwrap();
        assert_eq!(b.apply_pulled_page(&bodies(&[on_time]), "E1", 1, t(0)).unwrap().applied, 1);
        assert_eq!(b.sync_status().unwrap().clock_drift, None, "a minute or less is not flagged");
        assert_eq!(b.apply_pulled_page(&bodies(&[ahead]), "E1", 2, t(0)).unwrap().applied, 1, "never rejected");
        let drift = b.sync_status().unwrap().clock_drift.expect("flagged");
        assert_eq!((drift.author.as_str(), drift.ahead_ms, drift.seen_at), ("bo", three_hours as u64, t(0)));
        let mine = note(&mut b, "after");
        assert!(mine.hlc.wall_ms >= t(three_hours).timestamp_millis() as u64, "local stamps sort after it");
    }

    #[test]
    fn requeue_puts_back_only_our_ops_and_forgets_the_cursor() {
        let mut a = Store::in_memory().unwrap();
        let mut b = Store::in_memory().unwrap();
        let theirs = note(&mut a, "from a");
        let mine = note(&mut b, "from b");
        b.apply_pulled_page(&bodies(&[theirs, mine]), "E1", 2, t(5)).unwrap();
        assert_eq!(b.requeue_all_local_ops().unwrap(), 1);
        assert_eq!(b.sync_cursor().unwrap(), None);
    }

    #[test]
    fn a_new_epoch_is_adopted_once_and_a_changed_one_requeues() {
        let mut s = Store::in_memory().unwrap();
        let op = note(&mut s, "mine");
        assert!(!s.adopt_server_epoch("E1").unwrap());
        s.ack_outbox(&[op.op_id]).unwrap();
        assert_eq!(s.sync_cursor().unwrap(), Some(("E1".to_string(), 0)));
        assert!(!s.adopt_server_epoch("E1").unwrap());
        assert_eq!(s.outbox_len().unwrap(), 0);
        assert!(s.adopt_server_epoch("E2").unwrap(), "a changed epoch is a restore");
        assert_eq!(s.outbox_len().unwrap(), 1);
        assert_eq!(s.sync_cursor().unwrap(), Some(("E2".to_string(), 0)));
    }

    #[test]
    fn remote_round_trips_and_moving_it_requeues() {
        let mut s = Store::in_memory().unwrap();
        let op = note(&mut s, "x");
        s.ack_outbox(&[op.op_id]).unwrap();
        assert_eq!(s.remote().unwrap(), None);
        s.set_remote("https://fb.example/", "sre").unwrap();
        let r = s.remote().unwrap().unwrap();
        assert_eq!((r.url.as_str(), r.team.as_str(), r.member), ("https://fb.example", "sre", None));
        s.set_remote_member("ana").unwrap();
        assert_eq!(s.remote().unwrap().unwrap().member.as_deref(), Some("ana"));
        s.set_remote("https://fb.example", "sre").unwrap();
        assert_eq!(s.remote().unwrap().unwrap().member, None, "a new token may be someone else's");
        assert_eq!(s.outbox_len().unwrap(), 0, "same place: nothing to re-push");
        s.set_remote("https://other.example", "sre").unwrap();
        assert_eq!(s.outbox_len().unwrap(), 1, "a new server has seen nothing");
        assert!(s.set_remote("", "sre").is_err());
        s.mark_synced(t(9)).unwrap();
        let st = s.sync_status().unwrap();
        assert_eq!(st.pending, 1);
        assert_eq!(st.last_synced_at, Some(t(9)));
        assert_eq!(st.remote, Some(("https://other.example".into(), "sre".into())));
    }

    #[test]
    fn a_legacy_token_is_read_then_emptied() {
        let mut s = Store::in_memory().unwrap();
        s.set_remote("https://fb.example", "sre").unwrap();
        assert_eq!(s.legacy_remote_token().unwrap(), None);
        s.conn.execute("UPDATE sync_remote SET token = 'old-secret'", []).unwrap();
        assert_eq!(s.legacy_remote_token().unwrap().as_deref(), Some("old-secret"));
        s.forget_legacy_remote_token().unwrap();
        assert_eq!(s.legacy_remote_token().unwrap(), None, "emptied");
        let left: String = s.conn.query_row("SELECT token FROM sync_remote", [], |r| r.get(0)).unwrap();
        assert_eq!(left, "");
    }

    #[test]
    fn refused_ops_leave_the_outbox_and_come_back_when_the_remote_changes() {
        let mut s = Store::in_memory().unwrap();
        s.set_remote("https://fb.example", "sre").unwrap();
        let a = note(&mut s, "a");
        let b = note(&mut s, "b");
        s.reject_outbox(&[(a.op_id, "authored by \"root\"".into())], t(5)).unwrap();
        assert_eq!(s.outbox_batch(10).unwrap().iter().map(|o| o.op_id).collect::<Vec<_>>(), vec![b.op_id]);
        let rejected = s.rejected_ops().unwrap();
        assert_eq!(rejected.len(), 1);
        assert_eq!((rejected[0].op_id, rejected[0].rejected_at), (a.op_id, t(5)));
        assert!(rejected[0].reason.contains("root"));
        assert_eq!(s.sync_status().unwrap().rejected, 1);
        assert!(s.all_ops().unwrap().iter().any(|o| o.op_id == a.op_id), "a refused op stays in the log");
        // Rejecting an op that is not waiting records nothing.
        s.reject_outbox(&[(a.op_id, "again".into())], t(6)).unwrap();
        assert_eq!(s.rejected_ops().unwrap()[0].reason, rejected[0].reason);
        s.set_remote("https://fb.example", "sre").unwrap();
        assert_eq!(s.sync_status().unwrap().rejected, 0);
        assert_eq!(s.outbox_len().unwrap(), 2, "a new token or name gets another try");
    }
}
