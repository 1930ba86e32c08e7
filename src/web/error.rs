//! The one place where a domain [`Error`] becomes an answer: its class becomes a status,
//! its code is sent as it is, and its message is looked up as `error.<code>` in the
//! request's language with the error's values filled in. Pages show the same message.
//!
//! Internal causes are logged here, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{Arg, Class, Code, Error};

use super::i18n::{self, Lang};

/// The error shape of every API answer that is not a success.
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

/// The status of a class of errors.
pub fn status(class: Class) -> StatusCode {
    match class {
        Class::BadRequest => StatusCode::BAD_REQUEST,
        Class::Unauthorized => StatusCode::UNAUTHORIZED,
        Class::Forbidden => StatusCode::FORBIDDEN,
        Class::NotFound => StatusCode::NOT_FOUND,
        Class::Conflict => StatusCode::CONFLICT,
        Class::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Class::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Class::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        Class::Locked => StatusCode::LOCKED,
        Class::TooMany => StatusCode::TOO_MANY_REQUESTS,
        Class::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Class::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The error's message in the request's language.
pub fn message(e: &Error) -> String {
    message_in(i18n::current(), e)
}

/// The error's message in `lang`: `error.<code>` with `%{name}` filled from its values
/// (catalogue keys among them translated too).
pub fn message_in(lang: Lang, e: &Error) -> String {
    let mut text = i18n::text_in(lang, &format!("error.{}", e.code.as_str()));
    for (name, arg) in &e.args {
        let value = match arg {
            // The field at fault by the name people read on the form, where it has one.
            Arg::Text(t) if *name == "field" => field_name(lang, t),
            Arg::Text(t) => t.clone(),
            Arg::Key(k) => i18n::text_in(lang, k),
        };
        text = text.replace(&format!("%{{{name}}}"), &value);
    }
    text
}

/// A field's name in `lang` (`field.<name>`, else the roster's `web.roster.field.<name>`,
/// else the administration forms' `web.admin.field.<name>`), or its code when no
/// catalogue has a name for it.
pub fn field_name(lang: Lang, field: &str) -> String {
    ["field.", "web.roster.field.", "web.admin.field."]
        .iter()
        .find_map(|prefix| i18n::lookup(lang, &format!("{prefix}{field}")))
        .unwrap_or_else(|| field.to_string())
}

/// Logs what the user is not told: our faults with their cause, an unavailable database.
fn log(e: &Error) {
    match e.class() {
        Class::Internal => tracing::error!(error = %e, "internal error"),
        Class::Unavailable => tracing::warn!(error = %e, "database unavailable"),
        _ => {}
    }
}

/// The body of an error answer.
pub fn body(e: &Error) -> ErrorBody {
    ErrorBody {
        error: ErrorDetail {
            code: e.code.as_str().to_string(),
            message: message(e),
            field: e.field.clone(),
        },
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        log(&self);
        (status(self.class()), Json(body(&self))).into_response()
    }
}

/// A handler that panicked: the error body with a 500, never a dropped connection.
pub fn panicked(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let why = cause
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| cause.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    Error::internal(format!("a request handler panicked: {why}")).into_response()
}

impl Code {
    /// The status this code is answered with (for the API document and tests).
    pub fn status(self) -> StatusCode {
        status(self.class())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_fill_their_values_and_translate_keys() {
        let e = Error::new(Code::IllegalTransition)
            .with_key("status", "demand.status.closed")
            .with_key("step", "demand.action.accept");
        assert_eq!(
            message_in(Lang::Zh, &e),
            "诉求当前状态为“已关闭”，不能执行“受理”"
        );
        let m = message_in(Lang::En, &e);
        assert!(m.contains("closed") && m.contains("accept"), "{m}");
        let e = Error::too_long("title", 100);
        assert!(message_in(Lang::Zh, &e).contains("100"));
        // The field by its name on the form, in the reader's language.
        let e = Error::required("description");
        assert_eq!(message_in(Lang::Zh, &e), "缺少必填项：诉求内容");
        assert_eq!(
            message_in(Lang::En, &e),
            "Required field missing: Description"
        );
        assert_eq!(
            message_in(Lang::Zh, &Error::required("unit_no")),
            "缺少必填项：单元"
        );
        assert_eq!(
            message_in(Lang::En, &Error::required("zz")),
            "Required field missing: zz"
        );
    }

    #[test]
    fn every_class_has_its_status() {
        assert_eq!(Code::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(Code::Duplicate.status(), StatusCode::CONFLICT);
        assert_eq!(
            Code::UnknownReference.status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(Code::InvalidJson.status(), StatusCode::BAD_REQUEST);
        assert_eq!(Code::Internal.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
