//! `firebreak-server`: the team's authenticated, team-scoped, append-only op relay.
//! Clients push ops (idempotent by op id) and pull them after a per-team sequence;
//! the server never interprets ops beyond checking their shape and author.
//!
//! Architecture invariants:
//! - Every route but `/health` needs a bearer token, and a token only reaches its own
//!   team (`403` otherwise). Tokens are stored as SHA-256 hashes and never logged.
//! - An op id is stored once per team; a different op under a known id is kept in the
//!   conflicts table and reported, never dropped or overwritten.
//! - The per-team sequence is allocated under the team row's lock inside the insert
//!   transaction, so sequences become visible in order and a cursor never skips one.
//! - The server keeps no state between requests besides its database (held pulls are
//!   woken in process, and across instances by PostgreSQL LISTEN/NOTIFY; a slow
//!   re-check covers a lost notification).
//! - Nothing a client does can take unbounded server resources: request bodies, pull
//!   pages (ops and bytes), held pulls per member and team, conflict records per team,
//!   and the time to send a request's headers are all capped.
//! - The server does not depend on the desktop shell or the local store.

pub mod app;
pub mod auth;
pub mod error;
pub mod serve;
pub mod storage;
pub mod wake;

pub use app::{app, AppState};
pub use error::AppError;
pub use storage::Storage;
