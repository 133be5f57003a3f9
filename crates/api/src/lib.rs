//! The one API surface that the `firebreak` CLI and the desktop shell both call. It owns
//! the edge concerns the pure core must not: the system clock, the data directory, the
//! local person's name, validation of user input into clear errors, and the DTOs that
//! cross IPC (with their generated TypeScript in `ui/src/ipc/bindings.ts`).
//!
//! Invariant: nothing here depends on tauri; the shell adapts these calls in a few
//! lines each.

pub mod actions;
pub mod backup;
pub mod bindings;
mod changes;
pub mod clock_views;
pub mod clocks;
pub mod comms;
pub mod customer;
pub mod drill;
pub mod dto;
pub mod edit;
pub mod error;
pub mod export_path;
pub mod files;
pub mod github;
pub mod meeting;
pub mod metrics;
pub mod notify;
pub mod outbound;
pub mod pir;
pub mod pir_io;
pub mod pir_pdf;
mod policy_in_force;
mod quarantine;
mod remote;
pub mod requirements;
pub use remote::{
    check_server_url, check_team_ca, read_team_ca_file, RemoteTransport, SavedRemote, SyncRemote, MAX_CA_BYTES,
    MISSING_TOKEN,
};
mod response;
pub mod secrets;
pub use response::{PROCESS_LIST, RESPONSE_PROCESS};
mod service;
pub mod sync_session;
pub mod system;
pub mod timeline_page;

pub use error::{ApiError, ErrorCode, Result};
pub use service::Firebreak;

/// A built-in preset by name, or a clear error naming the presets.
pub fn policy_preset(name: &str) -> Result<firebreak_policy::Policy> {
    policy_in_force::preset(name)
}

/// Parses a policy file; errors name the file, the line and the field.
pub fn check_policy_file(path: &std::path::Path) -> Result<firebreak_policy::Policy> {
    policy_in_force::check_file(path).map(|(p, _)| p)
}
