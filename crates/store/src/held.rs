//! Ops received from the team that this laptop does not apply, kept instead of lost:
//! ops from a newer Firebreak (applied once this build understands them) and ops that
//! failed validation (quarantined, shown, exportable for an admin). See
//! `firebreak_core::validate` for what is accepted.
//!
//! Invariant: a received op body ends in exactly one place: the op log (applied) or
//! `held_ops`. Nothing a teammate sends can stop the rest of a page from applying.
use crate::store::{corrupt, log_op, project_all};
use crate::{Result, Store};
use chrono::{DateTime, Utc};
use firebreak_core::hlc::HlcState;
use firebreak_core::ids::{IncidentId, OpId};
use firebreak_core::op::{Op, OpPayload};
use firebreak_core::validate::{receive, Received};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::BTreeMap;

/// The op types and format of the build that last looked at ops from a newer Firebreak.
const META_HELD_CHECKED_BY: &str = "held_checked_by";

/// Why a held op is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HeldClass {
    /// From a newer Firebreak: applied after an upgrade.
    Newer,
    /// Failed validation here.
    Quarantined,
}

impl HeldClass {
    fn as_str(self) -> &'static str {
        match self {
            HeldClass::Newer => "newer",
            HeldClass::Quarantined => "quarantined",
        }
    }
}

/// One held op, as shown to a person or exported for an admin.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HeldOp {
    pub op_id: Option<String>,
    pub kind: String,
    pub class: HeldClass,
    pub reason: String,
    pub author: Option<String>,
    pub target: Option<String>,
    pub received_at: DateTime<Utc>,
    /// The op as received (JSON text).
    pub body: String,
}

/// Counts of held ops and the latest quarantine reason, for status views.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeldSummary {
    pub newer: u64,
    pub quarantined: u64,
    pub latest_reason: Option<String>,
}

/// What applying received op bodies did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Intake {
    /// Ops new to this replica and applied.
    pub applied: usize,
    /// Ops from a newer Firebreak, kept to apply after an upgrade.
    pub newer: usize,
    /// Ops that failed validation, kept in quarantine.
    pub quarantined: usize,
}

/// Takes received op bodies into the log inside `tx`: valid ones are logged and folded
/// (each incident once), the rest held. Our own ops echoed back leave the outbox. The
/// stamps of applied ops advance `hlc`; held ops never move this laptop's clock.
/// Returns the outcome and, for the drift check, the applied ops.
pub(crate) fn take_in<B: AsRef<str>>(
    tx: &Transaction<'_>,
    bodies: &[B],
    now: DateTime<Utc>,
    hlc: &mut HlcState,
) -> Result<(Intake, Vec<Op>)> {
    let mut out = Intake::default();
    let mut applied = Vec::new();
    let mut by_incident: BTreeMap<IncidentId, Vec<(i64, Op)>> = BTreeMap::new();
    let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    let mark = crate::outbox::settle(tx)?;
    let mut unqueue = tx.prepare_cached(crate::sync::UNQUEUE)?;
    for body in bodies {
        let body = body.as_ref();
        match classify(tx, body, now)? {
            Ok(op) => {
                if let Some(seq) = log_op(tx, &op)? {
                    hlc.observe(op.hlc, now_ms);
                    out.applied += 1;
                    by_incident.entry(op.target).or_default().push((seq, op.clone()));
                    applied.push(op);
                } else {
                    unqueue.execute([op.op_id.to_string()])?;
                }
            }
            Err(held) => {
                if hold(tx, &held, body, now)? {
                    match held.class {
                        HeldClass::Newer => out.newer += 1,
                        HeldClass::Quarantined => out.quarantined += 1,
                    }
                }
            }
        }
    }
    crate::outbox::skip_to_end(tx, mark)?;
    for (target, ops) in &by_incident {
        project_all(tx, *target, ops)?;
    }
    Ok((out, applied))
}

/// What to hold, and why.
struct Hold {
    op_id: Option<OpId>,
    kind: String,
    class: HeldClass,
    reason: String,
    retry: bool,
    author: Option<String>,
    target: Option<IncidentId>,
}

/// Validates one body against the op rules and this replica's state.
fn classify(tx: &Transaction<'_>, body: &str, now: DateTime<Utc>) -> Result<Result<Op, Hold>> {
    Ok(match receive(body, now) {
        Received::Valid(op) => match second_declaration(tx, &op)? {
            None => Ok(*op),
            Some(first) => Err(Hold {
                op_id: Some(op.op_id),
                kind: op.payload.name().into(),
                class: HeldClass::Quarantined,
                reason: format!("declares incident {} again (it was declared by op {first})", op.target),
                retry: false,
                author: Some(op.author.clone()),
                target: Some(op.target),
            }),
        },
        Received::Newer { envelope, why } => Err(Hold {
            op_id: Some(envelope.op_id),
            kind: envelope.payload.kind.clone(),
            class: HeldClass::Newer,
            reason: format!("from a newer Firebreak: {why}"),
            retry: true,
            author: Some(envelope.author),
            target: Some(envelope.target),
        }),
        Received::Invalid { envelope, kind, reason } => Err(Hold {
            op_id: envelope.as_ref().map(|e| e.op_id),
            kind,
            class: HeldClass::Quarantined,
            reason: reason.to_string(),
            retry: reason.retry_later,
            author: envelope.as_ref().map(|e| e.author.clone()),
            target: envelope.as_ref().map(|e| e.target),
        }),
    })
}

/// For a `declare`, the op id of an earlier, different declaration of the same incident.
pub(crate) fn second_declaration(tx: &Transaction<'_>, op: &Op) -> Result<Option<String>> {
    if !matches!(op.payload, OpPayload::Declare(_)) {
        return Ok(None);
    }
    Ok(tx
        .query_row(
            "SELECT op_id FROM ops WHERE target = ?1 AND kind = 'declare' AND op_id <> ?2 LIMIT 1",
            params![op.target.to_string(), op.op_id.to_string()],
            |r| r.get::<_, String>(0),
        )
        .optional()?)
}

/// Keeps a body in `held_ops` (once per op id). Returns false when it was already held.
fn hold(tx: &Transaction<'_>, h: &Hold, body: &str, now: DateTime<Utc>) -> Result<bool> {
    if h.op_id.is_none() {
        // Not even an op: held once per distinct body (a page pulled again repeats it).
        let seen: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM held_ops WHERE op_id IS NULL AND body = ?1)", [body], |r| {
                r.get(0)
            })?;
        if seen {
            return Ok(false);
        }
    }
    let n = tx.execute(
        "INSERT INTO held_ops(op_id, kind, class, reason, retry, author, target, body, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(op_id) DO NOTHING",
        params![
            h.op_id.map(|id| id.to_string()),
            h.kind,
            h.class.as_str(),
            h.reason,
            h.retry,
            h.author,
            h.target.map(|t| t.to_string()),
            body,
            now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        ],
    )?;
    Ok(n > 0)
}

impl Store {
    /// Looks again at held ops that may be acceptable now: those whose stamp was too far
    /// ahead (this clock has moved) and, with `after_upgrade`, those from a newer
    /// Firebreak, but only when this build understands other op types or formats than
    /// the build that last looked (so opening the store does not re-read them every
    /// time). Accepted ones are applied and leave the hold, in one transaction. Returns
    /// how many were applied.
    pub fn release_held(&mut self, now: DateTime<Utc>, after_upgrade: bool) -> Result<usize> {
        let understood = format!("{}/{}", firebreak_core::validate::OP_FORMAT, OpPayload::KINDS.join(","));
        let after_upgrade = after_upgrade && self.meta(META_HELD_CHECKED_BY)?.as_deref() != Some(understood.as_str());
        let tx = self.conn.transaction()?;
        if after_upgrade {
            crate::store::write_meta(&tx, META_HELD_CHECKED_BY, &understood)?;
        }
        let rows: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, body FROM held_ops WHERE retry = 1 AND (class = 'quarantined' OR ?1) ORDER BY id",
            )?;
            let rows = stmt.query_map([after_upgrade], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        if rows.is_empty() {
            tx.commit()?;
            return Ok(0);
        }
        let mut hlc = crate::store::read_hlc(&tx)?;
        let mark = crate::outbox::settle(&tx)?;
        let mut released = 0;
        let mut by_incident: BTreeMap<IncidentId, Vec<(i64, Op)>> = BTreeMap::new();
        let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        for (id, body) in rows {
            match classify(&tx, &body, now)? {
                Ok(op) => {
                    tx.execute("DELETE FROM held_ops WHERE id = ?1", [id])?;
                    if let Some(seq) = log_op(&tx, &op)? {
                        hlc.observe(op.hlc, now_ms);
                        by_incident.entry(op.target).or_default().push((seq, op));
                        released += 1;
                    }
                }
                Err(h) => {
                    tx.execute(
                        "UPDATE held_ops SET class = ?1, reason = ?2, retry = ?3 WHERE id = ?4",
                        params![h.class.as_str(), h.reason, h.retry, id],
                    )?;
                }
            }
        }
        crate::outbox::skip_to_end(&tx, mark)?;
        for (target, ops) in &by_incident {
            project_all(&tx, *target, ops)?;
        }
        crate::store::write_meta(&tx, crate::store::META_HLC, &serde_json::to_string(&hlc).map_err(corrupt)?)?;
        tx.commit()?;
        Ok(released)
    }

    /// Every held op, oldest first.
    pub fn held_ops(&self) -> Result<Vec<HeldOp>> {
        let mut stmt = self.conn.prepare(
            "SELECT op_id, kind, class, reason, author, target, received_at, body FROM held_ops ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        rows.map(|row| {
            let (op_id, kind, class, reason, author, target, at, body) = row?;
            Ok(HeldOp {
                op_id,
                kind,
                class: if class == "newer" { HeldClass::Newer } else { HeldClass::Quarantined },
                reason,
                author,
                target,
                received_at: DateTime::parse_from_rfc3339(&at).map(|d| d.with_timezone(&Utc)).unwrap_or_default(),
                body,
            })
        })
        .collect()
    }

    /// How many ops are held, by class, and the latest quarantine reason.
    pub fn held_summary(&self) -> Result<HeldSummary> {
        let (newer, quarantined): (i64, i64) = self.conn.query_row(
            "SELECT coalesce(sum(class = 'newer'), 0), coalesce(sum(class = 'quarantined'), 0) FROM held_ops",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let latest_reason = self
            .conn
            .query_row("SELECT reason FROM held_ops WHERE class = 'quarantined' ORDER BY id DESC LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(HeldSummary { newer: newer as u64, quarantined: quarantined as u64, latest_reason })
    }
}

#[cfg(test)]
mod tests;
