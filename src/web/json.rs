//! JSON in and out, with the API's error shape for bodies, paths and queries that do not
//! parse (axum's own rejections are plain text).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};

use crate::error::{Code, Error};

/// A JSON body: one that is not declared as JSON is a 415, one that is not JSON a 400
/// `invalid_json`, one of the wrong shape a 422 `invalid_body` naming the problem. A NUL
/// character anywhere in it (`\u0000`) is refused too: no field holds one, and PostgreSQL
/// cannot store or compare text that does.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<ApiJson<T>, Error> {
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .is_some_and(|m| m == "application/json" || m.ends_with("+json"));
        if !declared {
            return Err(Error::new(Code::UnsupportedMediaType));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| Error::new(Code::BodyTooLarge))?;
        let nul = bytes
            .windows(6)
            .any(|w| w[..5].eq_ignore_ascii_case(b"\\u000") && w[5] == b'0');
        if nul {
            return Err(Error::new(Code::InvalidBody).with("detail", "NUL (\\u0000)"));
        }
        let axum::Json(v) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(ApiJson(v))
    }
}

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

/// Middleware: a query string that carries a NUL character (`%00`) is refused as a whole
/// with `invalid_query`. No field of Linli holds one, and PostgreSQL cannot store or
/// compare text containing it, so it would otherwise reach the database as a failure.
pub async fn refuse_nul(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let nul = req.uri().query().is_some_and(|q| {
        q.as_bytes()
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
    });
    if nul {
        return Error::query("NUL").into_response();
    }
    next.run(req).await
}
