//! Errors at the edge: a closed [`ErrorCode`] plus one human sentence. This is what the
//! CLI prints and what crosses IPC as `{code, message}`; the code is what the window
//! branches on (an unreachable server is not a broken database, a refused token is not a
//! typo), the message is what it shows.
use firebreak_core::CoreError;
use firebreak_store::StoreError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input is wrong; saying it differently fixes it.
    InvalidInput,
    /// The lifecycle forbids this status change now.
    InvalidTransition,
    NotFound,
    /// A short id matches more than one incident.
    Ambiguous,
    /// The local database failed.
    Storage,
    /// The team server (or another system) cannot be reached or is overloaded right now;
    /// the same act may work later.
    Unavailable,
    /// The team server refused the token (401) or this member's access to the team (403).
    Unauthorized,
    /// The server already holds something different under the same name or id (409).
    Conflict,
    Internal,
}

impl ErrorCode {
    /// The code for an HTTP error status a server answered with: 401/403 unauthorized,
    /// 404 not found, 409 conflict, 408/429/5xx unavailable, any other 4xx invalid input.
    pub fn for_http_status(status: u16) -> ErrorCode {
        match status {
            401 | 403 => ErrorCode::Unauthorized,
            404 => ErrorCode::NotFound,
            409 => ErrorCode::Conflict,
            408 | 429 | 500.. => ErrorCode::Unavailable,
            _ => ErrorCode::InvalidInput,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        let code = match e {
            CoreError::Invalid(_) => ErrorCode::InvalidInput,
            CoreError::Transition(_) => ErrorCode::InvalidTransition,
            CoreError::NotFound(_) => ErrorCode::NotFound,
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match e {
            StoreError::NotFound(_) => ErrorCode::NotFound,
            StoreError::Ambiguous(_) => ErrorCode::Ambiguous,
            StoreError::Invalid(_) => ErrorCode::InvalidInput,
            _ => ErrorCode::Storage,
        };
        ApiError::new(code, e.to_string())
    }
}

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_statuses_map_to_what_the_window_must_tell_apart() {
        let code = ErrorCode::for_http_status;
        assert_eq!(code(401), ErrorCode::Unauthorized);
        assert_eq!(code(403), ErrorCode::Unauthorized);
        assert_eq!(code(404), ErrorCode::NotFound);
        assert_eq!(code(409), ErrorCode::Conflict);
        for s in [408, 429, 500, 502, 503, 504] {
            assert_eq!(code(s), ErrorCode::Unavailable, "{s}");
        }
        for s in [400, 413, 422] {
            assert_eq!(code(s), ErrorCode::InvalidInput, "{s}");
        }
    }

    #[test]
    fn codes_cross_ipc_in_snake_case() {
        let e = ApiError::new(ErrorCode::Unavailable, "cannot reach the sync server");
        assert_eq!(
            serde_json::to_value(&e).unwrap_or_default(),
            serde_json::json!({"code": "unavailable", "message": "cannot reach the sync server"})
        );
        assert_eq!(serde_json::to_value(ErrorCode::Unauthorized).unwrap_or_default(), "unauthorized");
        assert_eq!(serde_json::to_value(ErrorCode::Conflict).unwrap_or_default(), "conflict");
    }
}
