//! The one error type of the API: a status, a stable machine code, a message in the
//! user's language, and the field at fault when there is one.
//!
//! Internal causes are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::db::DbError;
use crate::tr;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// An error: `code` is stable and meant for programs, `message` is for people.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `illegal_transition`, `invalid_phone`.
    pub code: String,
    /// Human-readable message in the request's language (zh-CN by default).
    pub message: String,
    /// The request field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: String) -> ApiError {
        ApiError {
            status,
            code,
            message,
            field: None,
        }
    }

    /// A field that fails validation: 422 with the field named.
    pub fn invalid(field: &str, code: &'static str, message: String) -> ApiError {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code,
            message,
            field: Some(field.to_string()),
        }
    }

    pub fn required(field: &str) -> ApiError {
        ApiError::invalid(
            field,
            "missing_field",
            tr!("error.missing_field", field = field),
        )
    }

    pub fn too_long(field: &str, max: usize) -> ApiError {
        ApiError::invalid(
            field,
            "text_too_long",
            tr!("error.text_too_long", field = field, max = max),
        )
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", tr!("error.not_found"))
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            tr!("error.unauthorized"),
        )
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", tr!("error.forbidden"))
    }

    pub fn bad_request(code: &'static str, message: String) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn conflict(code: &'static str, message: String) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    /// Something went wrong on our side: log the cause, tell the user only that.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            tr!("error.internal"),
        )
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> ApiError {
        match e {
            DbError::Conflict(what) => {
                tracing::info!(constraint = %what, "write refused by a constraint");
                ApiError::conflict("conflict", tr!("error.conflict"))
            }
            DbError::Other(sqlx::Error::RowNotFound) => ApiError::not_found(),
            // The database is away: say so, and that it is worth trying again.
            DbError::Other(
                e @ (sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed),
            ) => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    tr!("error.database_unavailable"),
                )
            }
            DbError::Other(e) => ApiError::internal(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                field: self.field,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

/// Answers routes that do not exist with the same error shape.
pub async fn fallback() -> ApiError {
    ApiError::not_found()
}
