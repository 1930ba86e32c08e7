//! `/api/v1/councils`, `/api/v1/meetings`, `/api/v1/topics`, `/api/v1/decisions`,
//! `/api/v1/follow-items`: the JSON adapter of councils and linkage teams. Each handler
//! extracts the request, parses it into the service's input (`councils::model::inputs`,
//! the same parsers the pages use), calls the service and serializes what it gives back.
//! Nothing here decides a rule.

mod councils;
mod follow;
mod meetings;
mod topics;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;

use crate::councils::model::Word;
use crate::councils::model::inputs;
use crate::error::Result;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(councils::router())
        .merge(meetings::router())
        .merge(topics::router())
        .merge(follow::router())
}

/// A word of the request, given by its code (or its default when absent).
fn word<W: Word>(field: &str, v: Option<&str>, default: W) -> Result<W> {
    inputs::word(field, v, default)
}

/// The bytes of an iCalendar file (for the API document).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String)]
pub struct CalendarBody(#[allow(dead_code)] pub String);

/// An RFC 5545 calendar as a file a phone's calendar subscribes to.
fn calendar(body: String, name: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
