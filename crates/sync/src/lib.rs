//! Team sync for Firebreak: the wire types the client and `firebreak-server` share, and
//! the client that pushes the outbox and pulls the team's ops after a cursor.
//!
//! Architecture invariants:
//! - The outbox is cleared only for ops the server acknowledged (or sent back in a
//!   pull); a lost acknowledgement means a harmless re-push, never a lost op.
//! - A pulled page and the cursor after it are applied in one store transaction.
//! - A server restored from an older backup (epoch changed, or our cursor ahead of its
//!   newest sequence) makes the client re-queue all its own ops and pull from zero.
//! - No store lock is held across network waits ([`StoreHandle`]).
//!
//! The sync logic is generic over [`Transport`], so the seeded simulation in
//! `tests/simulation.rs` drives the same code against an in-memory server model.

pub mod backoff;
pub mod client;
pub mod error;
pub mod http;
pub mod outbound;
pub mod wire;

pub use client::{PullReport, PushReport, Round, StoreHandle, SyncClient, SyncOptions, SyncReport, Transport};
pub use error::{Result, SyncError};
pub use http::{check_remote, HttpTransport, RemoteConfig};
pub use outbound::{deliver_outbound, DeliveryOptions, DeliveryReport, KnownSecrets, OutboundSecrets};
