//! The sync client's one error type, split by what the caller should do about it:
//! retry later ([`SyncError::is_transient`]) or tell the person (bad token, wrong team).
use firebreak_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("sync is not set up: run `firebreak remote set URL --team TEAM --token TOKEN`")]
    NoRemote,
    /// The server answered with an error body `{code, message}`.
    #[error("the sync server refused ({status} {code}): {message}")]
    Server { status: u16, code: String, message: String },
    /// The server could not be reached or the connection broke.
    #[error("cannot reach the sync server: {0}")]
    Network(String),
    /// The server's answer does not follow the protocol.
    #[error("the sync server sent an unexpected answer: {0}")]
    Protocol(String),
    #[error("invalid sync remote: {0}")]
    InvalidRemote(String),
}

impl SyncError {
    /// True for failures worth retrying with backoff: the network, server errors,
    /// rate limits. Refusals (bad token, wrong team, invalid data) are not.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Network(_) | SyncError::Protocol(_) => true,
            SyncError::Server { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            SyncError::Store(_) | SyncError::NoRemote | SyncError::InvalidRemote(_) => false,
        }
    }
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;
