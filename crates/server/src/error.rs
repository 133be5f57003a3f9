//! [`AppError`]: every failure a route can answer with. Internal details are logged
//! and replaced by a generic message; the client gets `{code, message}`.
use crate::storage::StorageError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use firebreak_sync::wire::{ErrorBody, POLL_RETRY_AFTER, TOO_MANY_POLLS};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("missing bearer token")]
    MissingToken,
    #[error("the token is unknown or revoked")]
    BadToken,
    #[error("this token does not give access to team {0:?}")]
    WrongTeam(String),
    #[error("{0}")]
    Invalid(String),
    #[error("no such route")]
    NotFound,
    #[error("{0}")]
    TooLarge(String),
    /// A pull asked to wait, but its member or team already holds as many as allowed:
    /// answered at once with 429 and `Retry-After`, for the client to try later.
    #[error("{0}")]
    TooManyPolls(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::MissingToken => (StatusCode::UNAUTHORIZED, "missing_token"),
            AppError::BadToken => (StatusCode::UNAUTHORIZED, "invalid_token"),
            AppError::WrongTeam(_) => (StatusCode::FORBIDDEN, "wrong_team"),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_request"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            AppError::TooManyPolls(_) => (StatusCode::TOO_MANY_REQUESTS, TOO_MANY_POLLS),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<StorageError> for AppError {
    fn from(e: StorageError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                "the server failed; the error is in its log".to_string()
            }
            other => {
                tracing::info!(code, error = %other, "request refused");
                other.to_string()
            }
        };
        let retry = matches!(self, AppError::TooManyPolls(_));
        let body = ErrorBody { code: code.to_string(), message };
        let mut resp = (status, Json(body)).into_response();
        if retry {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, POLL_RETRY_AFTER.as_secs().into());
        }
        resp
    }
}
