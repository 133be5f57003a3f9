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
