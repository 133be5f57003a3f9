//! Firebreak's domain, free of I/O: operations and their hybrid logical clock, the
//! incident and its lifecycle, the timeline, and the clock abstraction that everything
//! asking for the time goes through. Every state change is an [`op::Op`]; the incident
//! state is a pure, order-insensitive fold of ops ([`incident::Incident::apply`]), which
//! is what lets laptops replay each other's work offline and converge.
//!
//! Architecture invariant: this crate reads no clock, opens no file or socket, and
//! depends on no tauri/rusqlite/reqwest/axum/tokio (checked by a test in crates/api).

pub mod clock;
pub mod duration;
pub mod error;
pub mod hlc;
pub mod ids;
pub mod incident;
pub mod instant;
pub mod op;
pub mod response;
pub mod review;
pub mod timeline;
pub mod validate;

pub use error::{CoreError, Result};
