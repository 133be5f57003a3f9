//! Reading a part of a long timeline: its order (every entry's sort key, read without
//! its text), a page of entries by id with their revisions and pins, and the entries a
//! search could match. So a window showing ten thousand entries reads the few it shows.
use super::corrupt;
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use firebreak_core::hlc::Hlc;
use firebreak_core::ids::{IncidentId, OpId, ReplicaId};
use firebreak_core::incident::Lww;
use firebreak_core::timeline::{EntryKind, Revision, TimelineEntry};
use rusqlite::{params, OptionalExtension};
use std::collections::{BTreeMap, HashSet};

/// Where an entry stands in its timeline, and what a filter by kind reads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct EntryKey {
    /// The row's key: the local arrival number of the op that made the entry.
    #[serde(skip)]
    pub seq: i64,
    pub id: OpId,
    pub kind: EntryKind,
    pub event_time: DateTime<Utc>,
    pub stamp: Hlc,
    pub replica: ReplicaId,
}

impl EntryKey {
    /// The timeline's order, the same as [`firebreak_core::incident::Incident::entries`].
    pub fn order(&self) -> (DateTime<Utc>, Hlc, ReplicaId, OpId) {
        (self.event_time, self.stamp, self.replica, self.id)
    }
}

/// Some entries of one incident with what shows them: their revisions and pin registers.
#[derive(Debug, Default)]
pub struct EntryPage {
    pub entries: Vec<TimelineEntry>,
    pub revisions: BTreeMap<OpId, Vec<Revision>>,
    pub pins: BTreeMap<OpId, Lww<bool>>,
}

impl Store {
    /// Every entry's key, in no particular order (the caller sorts by [`EntryKey::order`]).
    pub fn timeline_keys(&self, incident: IncidentId) -> Result<Vec<EntryKey>> {
        let mut stmt = self.conn.prepare_cached("SELECT seq, body FROM timeline_rows WHERE incident = ?1")?;
        let rows = stmt.query_map([incident.to_string()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (seq, body) = row?;
            let key: EntryKey = serde_json::from_str(&body).map_err(corrupt)?;
            Ok(EntryKey { seq, ..key })
        })
        .collect()
    }

    /// The entries with these keys (those that exist), with their revisions and pins.
    pub fn timeline_entries(&self, incident: IncidentId, keys: &[&EntryKey]) -> Result<EntryPage> {
        let id = incident.to_string();
        let mut page = EntryPage::default();
        let mut entry = self.conn.prepare_cached("SELECT body FROM timeline_rows WHERE incident = ?1 AND seq = ?2")?;
        let mut pin = self.conn.prepare_cached("SELECT body FROM pin_rows WHERE incident = ?1 AND entry = ?2")?;
        for key in keys {
            if let Some(body) = entry.query_row(params![id, key.seq], |r| r.get::<_, String>(0)).optional()? {
                page.entries.push(serde_json::from_str(&body).map_err(corrupt)?);
            }
            let pinned = pin.query_row(params![id, key.id.to_string()], |r| r.get::<_, String>(0)).optional()?;
            if let Some(body) = pinned {
                page.pins.insert(key.id, serde_json::from_str(&body).map_err(corrupt)?);
            }
        }
        // Revisions are few (corrections): read the incident's and keep the page's.
        let wanted: HashSet<&OpId> = keys.iter().map(|k| &k.id).collect();
        let mut stmt = self.conn.prepare_cached("SELECT body FROM revision_rows WHERE incident = ?1")?;
        for body in stmt.query_map([&id], |r| r.get::<_, String>(0))? {
            let rev: Revision = serde_json::from_str(&body?).map_err(corrupt)?;
            if wanted.contains(&rev.entry) {
                page.revisions.entry(rev.entry).or_default().push(rev);
            }
        }
        for list in page.revisions.values_mut() {
            list.sort_by_key(Revision::order_key);
        }
        Ok(page)
    }

    /// The entries whose stored text could contain `word` (ASCII, compared without case):
    /// their body or one of their revisions holds it. A superset of the matches, for the
    /// caller to check on the entries themselves.
    pub fn timeline_candidates(&self, incident: IncidentId, word: &str) -> Result<HashSet<OpId>> {
        let id = incident.to_string();
        let word = word.to_ascii_lowercase();
        let mut out = HashSet::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT json_extract(body, '$.id') FROM timeline_rows WHERE incident = ?1 AND instr(lower(body), ?2) > 0",
        )?;
        for op in stmt.query_map(params![id, word], |r| r.get::<_, String>(0))? {
            out.insert(op?.parse().map_err(|e: firebreak_core::CoreError| StoreError::Corrupt(e.to_string()))?);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT json_extract(body, '$.entry') FROM revision_rows WHERE incident = ?1 AND instr(lower(body), ?2) > 0",
        )?;
        for op in stmt.query_map(params![id, word], |r| r.get::<_, String>(0))? {
            out.insert(op?.parse().map_err(|e: firebreak_core::CoreError| StoreError::Corrupt(e.to_string()))?);
        }
        Ok(out)
    }
}
