//! The outbound queue: messages for other systems (a Slack-style webhook, GitHub issues)
//! written in the same transaction as the op that produced them, and marked sent only
//! after the other side accepted them, so each is delivered once, also after being
//! offline.
//!
//! Two processes may deliver from one data directory (the CLI and the window). A sender
//! therefore *claims* a message before sending it: in an immediate transaction it writes
//! its id and a lease end into the row, and no other sender takes a message whose lease
//! has not run out. A sender that crashes mid-send leaves a claim that expires.
//!
//! What to do after an attempt (when to retry, when to give up) is decided by the
//! deliverer (crates/sync/src/outbound.rs) and recorded here with [`Attempt`]. The
//! webhook address is never stored: webhook rows carry an empty `url` and the deliverer
//! looks the address up in the vault at send time.
use crate::store::{stamp_and_write, Store};
use crate::{Result, StoreError};
use chrono::{DateTime, Duration, Utc};
use firebreak_core::ids::IncidentId;
use firebreak_core::op::{Op, OpPayload};
use rusqlite::{params, OptionalExtension, Row, TransactionBehavior};

/// A message to queue with an op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutbound<'a> {
    pub kind: &'a str,
    /// Where to send it; empty when the address is a secret looked up at send time
    /// (the webhook).
    pub url: &'a str,
    pub body: &'a str,
    /// The review action item this message files (GitHub issues), by its key.
    pub item_key: Option<&'a str>,
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboundState {
    /// Not yet accepted; tried again when due.
    Waiting,
    Sent,
    /// Refused for good; waits for a person to retry it.
    Failed,
}

impl OutboundState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboundState::Waiting => "waiting",
            OutboundState::Sent => "sent",
            OutboundState::Failed => "failed",
        }
    }
}

/// One queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub id: i64,
    pub kind: String,
    pub url: String,
    pub body: String,
    pub created_at: String,
    pub state: OutboundState,
    /// Attempts made so far.
    pub attempts: u32,
    /// Permanent refusals (a 4xx other than 408/429) so far.
    pub rejections: u32,
    /// Why the last attempt failed (secret-free).
    pub last_error: Option<String>,
    /// Not tried again before this.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub incident_id: Option<String>,
    pub item_key: Option<String>,
    /// What the other side created (a GitHub issue's address).
    pub result_url: Option<String>,
}

/// How one attempt ended, as the deliverer decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt<'a> {
    Sent {
        result_url: Option<&'a str>,
    },
    /// Failed; tried again at `retry_at`. `rejected`: the other side refused it (counts
    /// towards giving up).
    Retry {
        error: &'a str,
        retry_at: DateTime<Utc>,
        rejected: bool,
    },
    /// Refused for good.
    GiveUp {
        error: &'a str,
    },
}

const COLUMNS: &str = "id, kind, url, body, created_at, sent_at IS NOT NULL, failed_at IS NOT NULL, attempts, \
                       rejections, last_error, next_attempt_at, incident_id, item_key, result_url";

fn read_row(r: &Row<'_>) -> rusqlite::Result<Outbound> {
    let state = match (r.get::<_, bool>(5)?, r.get::<_, bool>(6)?) {
        (true, _) => OutboundState::Sent,
        (false, true) => OutboundState::Failed,
        (false, false) => OutboundState::Waiting,
    };
    Ok(Outbound {
        id: r.get(0)?,
        kind: r.get(1)?,
        url: r.get(2)?,
        body: r.get(3)?,
        created_at: r.get(4)?,
        state,
        attempts: r.get(7)?,
        rejections: r.get(8)?,
        last_error: r.get(9)?,
        next_attempt_at: r.get::<_, Option<i64>>(10)?.and_then(DateTime::from_timestamp_millis),
        incident_id: r.get(11)?,
        item_key: r.get(12)?,
        result_url: r.get(13)?,
    })
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

    /// Commits an op and queues several messages, all in one transaction. A message for
    /// an action item that already has one (refused for good before) replaces it and
    /// waits again, so an item never has two.
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
        let incident = target.to_string();
        for msg in msgs {
            let requeued = match msg.item_key {
                Some(key) => tx.execute(
                    "UPDATE outbound SET op_id = ?3, url = ?4, body = ?5, failed_at = NULL, rejections = 0, \
                     next_attempt_at = NULL, last_error = NULL \
                     WHERE incident_id = ?1 AND item_key = ?2 AND kind = ?6 AND sent_at IS NULL",
                    params![incident, key, op.op_id.to_string(), msg.url, msg.body, msg.kind],
                )?,
                None => 0,
            };
            if requeued == 0 {
                tx.execute(
                    "INSERT INTO outbound(op_id, kind, url, body, created_at, incident_id, item_key) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        op.op_id.to_string(),
                        msg.kind,
                        msg.url,
                        msg.body,
                        now.to_rfc3339(),
                        incident,
                        msg.item_key
                    ],
                )?;
            }
        }
        tx.commit()?;
        Ok(op)
    }

    /// Claims the next message for `sender` until `now + lease`: the first one after
    /// `after_id` that is waiting, not claimed by a sender whose lease still runs, and
    /// (with `due_only`) whose backoff has passed. Taken in an immediate transaction, so
    /// two processes never claim one message.
    pub fn claim_outbound(
        &mut self,
        sender: &str,
        now: DateTime<Utc>,
        lease: Duration,
        after_id: i64,
        due_only: bool,
    ) -> Result<Option<Outbound>> {
        let now_ms = now.timestamp_millis();
        let until = now.checked_add_signed(lease).map_or(i64::MAX, |t| t.timestamp_millis());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sql = format!(
            "SELECT {COLUMNS} FROM outbound WHERE id > ?1 AND sent_at IS NULL AND failed_at IS NULL \
             AND (claimed_until IS NULL OR claimed_until <= ?2) \
             AND (?3 = 0 OR next_attempt_at IS NULL OR next_attempt_at <= ?2) ORDER BY id LIMIT 1"
        );
        let msg = tx.query_row(&sql, params![after_id, now_ms, due_only], read_row).optional()?;
        if let Some(m) = &msg {
            tx.execute(
                "UPDATE outbound SET claimed_by = ?2, claimed_until = ?3 WHERE id = ?1",
                params![m.id, sender, until],
            )?;
        }
        tx.commit()?;
        Ok(msg)
    }

    /// Records how an attempt by `sender` ended and releases its claim. A failure is
    /// recorded only while the claim is still the sender's (after its lease ran out,
    /// another sender may hold the message); a success is always recorded.
    pub fn finish_outbound(&self, id: i64, sender: &str, now: DateTime<Utc>, attempt: &Attempt<'_>) -> Result<()> {
        let release = "attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL";
        match attempt {
            Attempt::Sent { result_url } => self.conn.execute(
                &format!(
                    "UPDATE outbound SET {release}, sent_at = ?2, result_url = ?3, last_error = NULL, \
                     next_attempt_at = NULL WHERE id = ?1 AND sent_at IS NULL"
                ),
                params![id, now.to_rfc3339(), result_url],
            )?,
            Attempt::Retry { error, retry_at, rejected } => self.conn.execute(
                &format!(
                    "UPDATE outbound SET {release}, last_error = ?3, next_attempt_at = ?4, \
                     rejections = rejections + ?5 WHERE id = ?1 AND claimed_by = ?2 AND sent_at IS NULL"
                ),
                params![id, sender, error, retry_at.timestamp_millis(), u32::from(*rejected)],
            )?,
            Attempt::GiveUp { error } => self.conn.execute(
                &format!(
                    "UPDATE outbound SET {release}, last_error = ?3, failed_at = ?4, rejections = rejections + 1, \
                     next_attempt_at = NULL WHERE id = ?1 AND claimed_by = ?2 AND sent_at IS NULL"
                ),
                params![id, sender, error, now.to_rfc3339()],
            )?,
        };
        Ok(())
    }

    /// Releases a claim without counting an attempt (nothing was sent).
    pub fn release_outbound(&self, id: i64, sender: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbound SET claimed_by = NULL, claimed_until = NULL WHERE id = ?1 AND claimed_by = ?2",
            params![id, sender],
        )?;
        Ok(())
    }

    /// One message, if it exists.
    pub fn outbound(&self, id: i64) -> Result<Option<Outbound>> {
        let sql = format!("SELECT {COLUMNS} FROM outbound WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], read_row).optional()?)
    }

    /// Messages refused for good, oldest first.
    pub fn failed_outbound(&self) -> Result<Vec<Outbound>> {
        self.outbound_where("failed_at IS NOT NULL AND sent_at IS NULL")
    }

    /// The messages filed for the action items of one incident.
    pub fn outbound_for_items(&self, incident: IncidentId) -> Result<Vec<Outbound>> {
        let sql = format!("SELECT {COLUMNS} FROM outbound WHERE incident_id = ?1 AND item_key IS NOT NULL ORDER BY id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([incident.to_string()], read_row)?;
        rows.collect::<std::result::Result<_, _>>().map_err(StoreError::from)
    }

    /// Sent messages whose created address is not yet written into their action item.
    pub fn unlinked_results(&self) -> Result<Vec<Outbound>> {
        self.outbound_where("sent_at IS NOT NULL AND result_url IS NOT NULL AND linked_at IS NULL")
    }

    pub fn mark_result_linked(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute("UPDATE outbound SET linked_at = ?2 WHERE id = ?1", params![id, now.to_rfc3339()])?;
        Ok(())
    }

    fn outbound_where(&self, condition: &str) -> Result<Vec<Outbound>> {
        let sql = format!("SELECT {COLUMNS} FROM outbound WHERE {condition} ORDER BY id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], read_row)?;
        rows.collect::<std::result::Result<_, _>>().map_err(StoreError::from)
    }

    /// Puts a message refused for good back in the queue, due at once. False when it
    /// does not exist or has not failed.
    pub fn retry_outbound(&self, id: i64) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE outbound SET failed_at = NULL, rejections = 0, next_attempt_at = NULL \
             WHERE id = ?1 AND failed_at IS NOT NULL AND sent_at IS NULL",
            [id],
        )?;
        Ok(n == 1)
    }

    /// After the address or credential of `kind` changed: every unsent message of that
    /// kind is due at once, also those refused for good (the change may be the fix).
    /// Returns how many.
    pub fn retry_outbound_kind(&self, kind: &str) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE outbound SET failed_at = NULL, rejections = 0, next_attempt_at = NULL \
             WHERE kind = ?1 AND sent_at IS NULL",
            [kind],
        )?)
    }

    /// Messages waiting to be sent (not failed for good).
    pub fn outbound_waiting(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM outbound WHERE sent_at IS NULL AND failed_at IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Waiting messages another sender is sending right now (its lease runs at `now`).
    pub fn outbound_in_flight(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM outbound WHERE sent_at IS NULL AND failed_at IS NULL AND claimed_until > ?1",
            [now.timestamp_millis()],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Whether rows of `kind` still carry an address (written by an older version).
    pub fn outbound_urls_stored(&self, kind: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbound WHERE kind = ?1 AND url != '')",
            [kind],
            |r| r.get(0),
        )?)
    }

    /// Erases a secret that older versions kept in the database: the setting `setting`
    /// and the `url` of every queued row of `kind`. The freed bytes are overwritten
    /// (`secure_delete`) and the write-ahead log is checkpointed and truncated, so the
    /// value is gone from the files, not just unreachable.
    pub fn erase_stored_address(&mut self, setting: &str, kind: &str) -> Result<()> {
        self.conn.pragma_update(None, "secure_delete", true)?;
        let erased = (|| -> Result<()> {
            let tx = self.conn.transaction()?;
            tx.execute("DELETE FROM settings WHERE key = ?1", [setting])?;
            tx.execute("UPDATE outbound SET url = '' WHERE kind = ?1", [kind])?;
            tx.commit()?;
            // Busy (another process reading) is not an error: the log is truncated at a
            // later checkpoint.
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })();
        self.conn.pragma_update(None, "secure_delete", false)?;
        erased
    }
}
