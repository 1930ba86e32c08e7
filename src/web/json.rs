//! JSON in and out, with the API's error shape for bodies, paths and queries that do not
//! parse (axum's own rejections are plain text).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};

use crate::error::{Code, Error};

/// A JSON body; a body that does not parse is a 400/422 `invalid_body` naming the problem.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct ApiJson<T>(pub T);

/// A path parameter; one that does not parse (`/demands/abc`) is a 404.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct ApiPath<T>(pub T);

/// Query parameters; ones that do not parse are a 400 `invalid_query`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct ApiQuery<T>(pub T);

impl From<JsonRejection> for Error {
    fn from(r: JsonRejection) -> Error {
        let detail = r.body_text();
        let detail = detail
            .strip_prefix("Failed to deserialize the JSON body into the target type: ")
            .unwrap_or(&detail)
            .to_string();
        match r {
            JsonRejection::JsonDataError(_) => Error::new(Code::InvalidBody).with("detail", detail),
            JsonRejection::MissingJsonContentType(_) => Error::new(Code::UnsupportedMediaType),
            JsonRejection::BytesRejection(_) => Error::new(Code::BodyTooLarge),
            _ => Error::new(Code::InvalidJson).with("detail", detail),
        }
    }
}

impl From<PathRejection> for Error {
    fn from(_: PathRejection) -> Error {
        Error::not_found()
    }
}

impl From<QueryRejection> for Error {
    fn from(r: QueryRejection) -> Error {
        Error::query(&r.body_text())
    }
}
