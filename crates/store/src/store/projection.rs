//! The projections: how an incident's ops become the rows the window and the CLI read
//! (its head, and its timeline entries, revisions and pins as rows of their own), and how
//! a whole incident is read back from them.
use crate::{Result, StoreError};
use firebreak_core::ids::{IncidentId, OpId};
use firebreak_core::incident::Incident;
use firebreak_core::op::{Op, OpPayload};
use firebreak_core::timeline::{Revision, TimelineEntry};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::corrupt;

/// Folds ops of one incident into its projection: its head (the incident without its
/// timeline, revisions and pins) is loaded once and written once; each timeline entry,
/// revision and pin the ops make is a row of its own. So an op costs the same whatever
/// the size of its incident: the fold never reads the timeline to apply an op, only to
/// show it. Ops that leave the head alone ([`Incident::changes_head`], e.g. a note) are
/// folded into an empty incident and only their rows are written: the head is neither
/// read nor rewritten.
///
/// `ops` are the incident's ops with their numbers in the log (`ops.seq`): a timeline row
/// is keyed by the number of the op that made it, so an incident's rows are appended at
/// the end of its range.
pub(crate) fn project_all(tx: &Transaction<'_>, target: IncidentId, ops: &[(i64, Op)]) -> Result<()> {
    let id = target.to_string();
    let head_changes = ops.iter().any(|(_, op)| Incident::changes_head(&op.payload));
    let state: Option<String> = if head_changes {
        let mut get = tx.prepare_cached("SELECT state FROM incidents WHERE id = ?1")?;
        get.query_row([&id], |r| r.get(0)).optional()?
    } else {
        None
    };
    let mut inc: Incident = match state {
        Some(s) => serde_json::from_str(&s).map_err(corrupt)?,
        None => Incident::new(target),
    };
    // A pin merges with the entry's pin register (last writer wins): read just those.
    {
        let mut get = tx.prepare_cached("SELECT body FROM pin_rows WHERE incident = ?1 AND entry = ?2")?;
        for (_, op) in ops {
            if let OpPayload::PinEntry { entry, .. } = &op.payload {
                let body: Option<String> = get.query_row(params![id, entry.to_string()], |r| r.get(0)).optional()?;
                if let Some(body) = body {
                    inc.response.pins.insert(*entry, serde_json::from_str(&body).map_err(corrupt)?);
                }
            }
        }
    }
    for (_, op) in ops {
        inc.apply(op);
    }
    let entries = std::mem::take(&mut inc.timeline);
    let revisions = std::mem::take(&mut inc.revisions);
    let pins = std::mem::take(&mut inc.response.pins);
    {
        let mut put = tx.prepare_cached(
            "INSERT INTO pin_rows(incident, entry, body) VALUES (?1, ?2, ?3)
             ON CONFLICT(incident, entry) DO UPDATE SET body = excluded.body",
        )?;
        for (entry, pin) in &pins {
            put.execute(params![id, entry.to_string(), serde_json::to_string(pin).map_err(corrupt)?])?;
        }
        let mut put = tx.prepare_cached(
            "INSERT INTO timeline_rows(incident, seq, body) VALUES (?1, ?2, ?3)
             ON CONFLICT(incident, seq) DO UPDATE SET body = excluded.body",
        )?;
        // An op makes at most one entry, keyed by the op's id.
        for (seq, op) in ops {
            if let Some(entry) = entries.get(&op.op_id) {
                put.execute(params![id, seq, serde_json::to_string(entry).map_err(corrupt)?])?;
            }
        }
        let mut put = tx.prepare_cached(
            "INSERT INTO revision_rows(incident, op_id, body) VALUES (?1, ?2, ?3)
             ON CONFLICT(incident, op_id) DO NOTHING",
        )?;
        for rev in revisions.values().flatten() {
            put.execute(params![id, rev.op.to_string(), serde_json::to_string(rev).map_err(corrupt)?])?;
        }
    }
    if !head_changes {
        return Ok(());
    }
    let decl = inc.declaration.as_ref();
    tx.prepare_cached(
        "INSERT INTO incidents(id, human_id, declared, title, severity, status, drill, detected_at, state, head_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(id) DO UPDATE SET human_id = excluded.human_id, declared = excluded.declared,
           title = excluded.title, severity = excluded.severity, status = excluded.status,
           drill = excluded.drill, detected_at = excluded.detected_at, state = excluded.state,
           head_seq = max(head_seq, excluded.head_seq)",
    )?
    .execute(params![
        id,
        decl.map(|d| d.human_id.clone()),
        decl.is_some(),
        inc.title.value,
        inc.severity.value,
        inc.status.value.as_str(),
        decl.is_some_and(|d| d.drill),
        inc.detected_at().map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
        serde_json::to_string(&inc).map_err(corrupt)?,
        ops.iter().map(|(seq, _)| *seq).max().unwrap_or(0)
    ])?;
    Ok(())
}

/// The whole incident: its head plus its timeline and revision rows.
pub(super) fn load_incident(conn: &Connection, state: &str, id: &str) -> Result<Incident> {
    let mut inc: Incident = serde_json::from_str(state).map_err(corrupt)?;
    let mut stmt = conn.prepare_cached("SELECT body FROM timeline_rows WHERE incident = ?1")?;
    let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
    for body in rows {
        let entry: TimelineEntry = serde_json::from_str(&body?).map_err(corrupt)?;
        inc.timeline.insert(entry.id, entry);
    }
    let mut stmt = conn.prepare_cached("SELECT entry, body FROM pin_rows WHERE incident = ?1")?;
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (entry, body) = row?;
        let entry: OpId = entry.parse().map_err(|e: firebreak_core::CoreError| StoreError::Corrupt(e.to_string()))?;
        inc.response.pins.insert(entry, serde_json::from_str(&body).map_err(corrupt)?);
    }
    let mut stmt = conn.prepare_cached("SELECT body FROM revision_rows WHERE incident = ?1")?;
    let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
    for body in rows {
        let rev: Revision = serde_json::from_str(&body?).map_err(corrupt)?;
        inc.revisions.entry(rev.entry).or_default().push(rev);
    }
    for list in inc.revisions.values_mut() {
        list.sort_by_key(Revision::order_key);
    }
    Ok(inc)
}
