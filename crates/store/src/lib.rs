//! The local store: one SQLite database per laptop (per data directory). It keeps the op
//! log, the outbox of ops the team server has not acknowledged, and projections (the
//! folded incident states) that make reads cheap.
//!
//! Invariants:
//! - An op and the projection it changes are written in one transaction; a local op is
//!   queued for the server by being logged (see `outbox.rs`); when [`Store::commit`]
//!   returns, all of it is on disk (WAL, `synchronous=FULL`).
//! - Projections are a cache: [`Store::rebuild_projections`] recomputes them from the op
//!   log alone and must give the same states.
//! - Migrations are embedded in the binary and applied on open, in order, once.

pub mod atomic;
pub mod backup;
mod held;
mod migrate;
mod outbound;
mod outbox;
pub mod remote_url;
mod store;
mod sync;

pub use backup::Restored;
pub use held::{HeldClass, HeldOp, HeldSummary, Intake};
pub use outbound::{Attempt, NewOutbound, Outbound, OutboundState};
pub use store::{EntryKey, EntryPage, IncidentRow, Store};
pub use sync::{ClockDrift, RejectedOp, RemoteAddress, RemoteConfig, SyncCursor, SyncStatus};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("{0}")]
    NotFound(String),
    /// An op that breaks the rules of `firebreak_core::validate` (nothing was written).
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Ambiguous(String),
    #[error("cannot open the data directory {path}: {why}")]
    DataDir { path: String, why: String },
    /// A file could not be read or written (a backup, a restore).
    #[error("{0}")]
    File(String),
    #[error("the database was written by a newer Firebreak (schema {found}, this build knows up to {known})")]
    TooNew { found: i64, known: i64 },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
