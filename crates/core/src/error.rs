//! The domain's one error type: every variant says what was wrong and why, in words an
//! incident commander can act on.
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CoreError {
    /// A value the user typed is not acceptable (empty title, unknown kind, bad time).
    #[error("{0}")]
    Invalid(String),
    /// The lifecycle does not allow this move.
    #[error("{0}")]
    Transition(String),
    /// Something named by the user does not exist.
    #[error("{0}")]
    NotFound(String),
}

pub type Result<T, E = CoreError> = std::result::Result<T, E>;
