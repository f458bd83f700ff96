//! Every failure as JSON `{code, message}` with the fitting status, including axum's own
//! rejections (bad JSON, unknown fields, oversized bodies), which are plain text otherwise.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::domain::{DomainError, Ticket};
use crate::store::StoreError;
use crate::store::wire::ErrorBody;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// The ticket as it is now, for conflicts.
    pub ticket: Option<Box<Ticket>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            ticket: None,
        }
    }

    pub fn unauthorized(message: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn with_ticket(mut self, ticket: Ticket) -> Self {
        self.ticket = Some(Box::new(ticket));
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_string(),
            message: self.message,
            ticket: self.ticket,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        let (status, code) = match &e {
            StoreError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            StoreError::Conflict { .. } => (StatusCode::CONFLICT, "version_conflict"),
            StoreError::Domain(DomainError::BadId(_)) => (StatusCode::BAD_REQUEST, "bad_id"),
            StoreError::Domain(DomainError::IllegalTransition { .. }) => {
                (StatusCode::CONFLICT, "illegal_transition")
            }
            StoreError::Domain(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_history"),
            StoreError::KeyReused { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
            }
            StoreError::Sqlite(_)
            | StoreError::Corrupt(_)
            | StoreError::TooNew { .. }
            | StoreError::Io { .. }
            | StoreError::Remote { .. }
            | StoreError::Offline(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        Self::new(status, code, message)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        StoreError::from(e).into()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let (code, message) = match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "请求体过大".to_string()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                "unsupported_media_type",
                "请求体须为 JSON（Content-Type: application/json）".to_string(),
            ),
            StatusCode::BAD_REQUEST => (
                "malformed_json",
                format!("JSON 格式错误：{}", r.body_text()),
            ),
            _ => (
                "invalid_body",
                format!("请求内容不符合要求：{}", r.body_text()),
            ),
        };
        Self::new(r.status(), code, message)
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::bad_request(format!("查询参数有误：{}", r.body_text()))
    }
}
