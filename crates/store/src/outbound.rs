//! The outbound queue: messages for other systems (a Slack-style webhook) written in the
//! same transaction as the op that produced them, and marked sent only after the other
//! side accepted them, so each is delivered once, also after being offline.
use crate::store::{stamp_and_write, Store};
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use firebreak_core::ids::IncidentId;
use firebreak_core::op::{Op, OpPayload};
use rusqlite::params;

/// A message to queue with an op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutbound<'a> {
    pub kind: &'a str,
    pub url: &'a str,
    pub body: &'a str,
}

/// One queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub id: i64,
    pub kind: String,
    pub url: String,
    pub body: String,
    pub attempts: u32,
}

impl Store {
    /// Commits an op and queues a message in one transaction.
    pub fn commit_with_outbound(
        &mut self,
        now: DateTime<Utc>,
        author: &str,
        target: IncidentId,
        payload: OpPayload,
        msg: &NewOutbound<'_>,
    ) -> Result<Op> {
        self.commit_with_outbounds(now, author, target, payload, std::slice::from_ref(msg))
    }

    /// Commits an op and queues several messages, all in one transaction.
    pub fn commit_with_outbounds(
        &mut self,
        now: DateTime<Utc>,
        author: &str,
        target: IncidentId,
        payload: OpPayload,
        msgs: &[NewOutbound<'_>],
    ) -> Result<Op> {
        let tx = self.conn.transaction()?;
        let op = stamp_and_write(&tx, now, author, target, payload)?;
        for msg in msgs {
            tx.execute(
                "INSERT INTO outbound(op_id, kind, url, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![op.op_id.to_string(), msg.kind, msg.url, msg.body, now.to_rfc3339()],
            )?;
        }
        tx.commit()?;
        Ok(op)
    }

    /// Messages not yet accepted, oldest first.
    pub fn unsent_outbound(&self, limit: usize) -> Result<Vec<Outbound>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, kind, url, body, attempts FROM outbound WHERE sent_at IS NULL ORDER BY id LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(Outbound { id: r.get(0)?, kind: r.get(1)?, url: r.get(2)?, body: r.get(3)?, attempts: r.get(4)? })
        })?;
        rows.collect::<std::result::Result<_, _>>().map_err(StoreError::from)
    }

    pub fn mark_outbound_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "UPDATE outbound SET sent_at = ?2, last_error = NULL WHERE id = ?1",
            params![id, now.to_rfc3339()],
        )?;
        Ok(())
    }

    pub fn mark_outbound_failed(&self, id: i64, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbound SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
            params![id, error],
        )?;
        Ok(())
    }

    pub fn outbound_waiting(&self) -> Result<u64> {
        Ok(self.conn.query_row("SELECT count(*) FROM outbound WHERE sent_at IS NULL", [], |r| r.get::<_, i64>(0))?
            as u64)
    }
}
