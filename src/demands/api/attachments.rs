//! Photos and documents on a demand: uploaded as the request body, kept in the database
//! (so every node serves them), listed on the demand, downloaded within scope.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiPath, ApiQuery};

use super::super::download as send;
use super::super::model::{AttachmentView, Upload};
use super::super::service;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload))
        .routes(routes!(download))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name as the user knows it, e.g. `漏水.jpg`.
    pub file_name: Option<String>,
}

/// Attach a photo (JPEG, PNG, GIF, WebP) or PDF to an open demand you work on (or that
/// your household raised): send the file as the body with its `Content-Type`.
#[utoipa::path(post, path = "/api/v1/demands/{id}/attachments", tag = "demands",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Demand id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, body = AttachmentView),
        (status = 403, description = "You only read this demand (`not_allowed`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The demand is closed, declined or merged (`illegal_transition`)", body = ErrorBody),
        (status = 413, description = "Larger than the configured limit", body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG, GIF, WebP or PDF", body = ErrorBody),
    ))]
pub async fn upload(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<AttachmentView>)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let file = Upload::parse(
        content_type,
        q.file_name.as_deref(),
        body.to_vec(),
        st.settings.max_body_bytes,
    )?;
    let view = service::attach(&st, &actor, id, file).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Download an attachment of a demand you can see.
///
/// Sent under its name (`Content-Disposition`: `inline` for a photo, `attachment` for a
/// PDF) and the type its bytes were checked as at upload, with `nosniff`.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "demands",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, body = ErrorBody),
    ))]
pub async fn download(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    Ok(send::attachment(service::file(&st, &actor, id).await?))
}
