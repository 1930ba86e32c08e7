//! Photos and documents on a demand: uploaded as the request body, kept in the database
//! (so every node serves them), listed on the demand, downloaded within scope.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::clock::rfc3339;
use crate::db::Q;
use crate::state::AppState;

use crate::error::{Code, Error, Result};
use crate::web::error::ErrorBody;
use crate::web::json::{ApiPath, ApiQuery};

use super::super::model::Action;
use super::super::store::{self, NewEvent, push_scope};
use super::AttachmentView;

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

/// The types accepted, with the bytes each must start with.
const ACCEPTED: &[(&str, &[u8])] = &[
    ("image/jpeg", b"\xFF\xD8\xFF"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/gif", b"GIF8"),
    ("image/webp", b"RIFF"),
    ("application/pdf", b"%PDF-"),
];

fn unsupported() -> Error {
    Error::new(Code::UnsupportedFile)
}

/// Attach a photo (JPEG, PNG, GIF, WebP) or PDF to a demand: send the file as the body with
/// its `Content-Type`.
#[utoipa::path(post, path = "/api/v1/demands/{id}/attachments", tag = "demands",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Demand id"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, body = AttachmentView),
        (status = 404, body = ErrorBody),
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
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let view = attach(
        &st,
        &actor,
        id,
        &content_type,
        q.file_name.as_deref(),
        &body,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Checks a file and attaches it to a demand the actor can see, with its timeline event
/// (the API upload and the pages' photo form).
pub async fn attach(
    st: &AppState,
    actor: &Actor,
    id: i64,
    content_type: &str,
    file_name: Option<&str>,
    body: &[u8],
) -> Result<AttachmentView> {
    let content_type = content_type.to_string();
    let magic = ACCEPTED
        .iter()
        .find(|(t, _)| *t == content_type)
        .ok_or_else(unsupported)?
        .1;
    if body.is_empty() {
        return Err(Error::required("body"));
    }
    if !body.starts_with(magic) {
        return Err(unsupported());
    }
    let file_name = crate::web::validate::optional("file_name", file_name, 200)?
        .unwrap_or_else(|| "attachment".into())
        .replace(['/', '\\', '"'], "_");
    let now = st.clock.now();
    let sha = hex::encode(Sha256::digest(body));
    let size = body.len() as i64;

    let mut tx = st.db.begin().await?;
    let d = store::find_visible(&mut tx, actor, id)
        .await?
        .ok_or_else(Error::not_found)?;
    let aid = Q::new(
        "INSERT INTO attachments (demand_id, street_id, community_id, file_name, content_type, \
         size, sha256, data, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(d.id)
    .bind(d.street_id)
    .bind(d.community_id)
    .bind(file_name.as_str())
    .bind(content_type.as_str())
    .bind(size)
    .bind(sha.as_str())
    .bind(body.to_vec())
    .bind(actor.user_id)
    .bind(now)
    .insert_id(&mut tx)
    .await?;
    store::append_event(
        &mut tx,
        NewEvent {
            demand: &d,
            at: now,
            actor,
            action: Action::Attach,
            from: Some(d.status()),
            to: d.status(),
            level: d.level(),
            note: &file_name,
            data: serde_json::json!({ "attachment_id": aid, "size": size }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(AttachmentView {
        id: aid,
        url: format!("/api/v1/attachments/{aid}"),
        file_name,
        content_type,
        size,
        sha256: sha,
        uploaded_at: rfc3339(now),
    })
}

#[derive(sqlx::FromRow)]
struct FileRow {
    file_name: String,
    content_type: String,
    data: Vec<u8>,
}

/// Download an attachment of a demand you can see.
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
    file(&st, &actor, id).await
}

/// An attachment of a demand the actor can see, as a response (the API and the pages).
pub async fn file(st: &AppState, actor: &Actor, id: i64) -> Result<Response> {
    let mut q = Q::new(
        "SELECT a.file_name, a.content_type, a.data FROM attachments a \
         JOIN demands d ON d.community_id = a.community_id AND d.id = a.demand_id WHERE a.id = ",
    );
    q.push_bind(id);
    push_scope(&mut q, actor);
    let mut c = st.db.conn().await?;
    let f: FileRow = q
        .fetch_optional(&mut c)
        .await?
        .ok_or_else(Error::not_found)?;
    let disposition = format!(
        "inline; filename*=UTF-8''{}",
        f.file_name
            .bytes()
            .map(
                |b| if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            )
            .collect::<String>()
    );
    let mut res = f.data.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&f.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}
