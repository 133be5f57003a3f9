//! The cache of clock views (see the api's `clock_views`): written at an incident's
//! version, served only at that version.
use crate::{Result, Store};
use firebreak_core::ids::IncidentId;
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Caches clock views, each at the incident version (`last_seq`) it was made from, in
    /// one transaction. A cache write: a later op on the incident makes its row stale.
    pub fn save_clock_views(&self, views: &[(IncidentId, i64, String)]) -> Result<()> {
        if views.is_empty() {
            return Ok(());
        }
        let tx = self.conn.unchecked_transaction()?;
        {
            let mut put = tx.prepare_cached(
                "INSERT INTO clock_views(incident, seq, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT(incident) DO UPDATE SET seq = excluded.seq, body = excluded.body",
            )?;
            for (id, seq, body) in views {
                put.execute(params![id.to_string(), seq, body])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// One incident's version (see [`crate::IncidentRow::last_seq`]) and its clock view cached
    /// at exactly that version, if any (see [`Store::save_clock_views`]).
    pub fn clock_view_of(&self, incident: IncidentId) -> Result<(i64, Option<String>)> {
        let id = incident.to_string();
        let last: i64 = self
            .conn
            .prepare_cached(
                "SELECT max(coalesce((SELECT head_seq FROM incidents WHERE id = ?1), 0),
                            coalesce((SELECT max(seq) FROM timeline_rows WHERE incident = ?1), 0))",
            )?
            .query_row([&id], |r| r.get(0))?;
        let cached: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT seq, body FROM clock_views WHERE incident = ?1")?
            .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok((last, cached.filter(|(seq, _)| *seq == last).map(|(_, body)| body)))
    }
}
