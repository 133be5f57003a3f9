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
//! - The server keeps no state between requests besides its database (wake-ups of
//!   long-polls are an in-process shortcut; a periodic re-check covers other instances).
//! - The server does not depend on the desktop shell or the local store.

pub mod app;
pub mod auth;
pub mod error;
pub mod storage;

pub use app::{app, AppState};
pub use error::AppError;
pub use storage::Storage;
