//! `GET /api/v1/residents/{id}/everything`, `GET /api/v1/me/everything`,
//! `POST /api/v1/residents/{id}/anonymise`: the data subject's rights.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};

use super::model::{AnonymiseRequest, Anonymised, Everything};
use super::service;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(resident_everything))
        .routes(routes!(my_everything))
        .routes(routes!(anonymise_resident))
}

/// Everything Linli holds about one resident, whole, as a machine-readable file for a
/// request under PIPL art. 45: the record, the address, the sign-in, the demands they
/// raised and the audit log's entries about them. For those who may see the resident
/// whole (the office, admin, the worker of their grid); audited.
#[utoipa::path(get, path = "/api/v1/residents/{id}/everything", tag = "rights", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Everything),
        (status = 403, description = "The caller may not see this resident whole (`forbidden`)", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn resident_everything(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Everything>> {
    Ok(Json(service::everything(&st, &actor, id).await?))
}

/// Everything Linli holds about the signed-in resident themself; audited.
#[utoipa::path(get, path = "/api/v1/me/everything", tag = "rights", security(("bearer" = [])),
    responses((status = 200, body = Everything),
        (status = 403, description = "The account is no resident's (`forbidden`)", body = ErrorBody)))]
pub async fn my_everything(State(st): State<AppState>, actor: Actor) -> Result<Json<Everything>> {
    let id = actor.resident_id.ok_or_else(Error::forbidden)?;
    Ok(Json(service::everything(&st, &actor, id).await?))
}

/// Anonymises a resident on request (PIPL art. 47) or when they died or left: name, ID
/// number, phone, birth date, health note, tags and household go; their sign-in is closed;
/// the demands they raised stay (the figures stay exact) without naming them. Not undone.
/// For the office (staff, secretary, admin) of the resident's community; audited with the
/// reason.
#[utoipa::path(post, path = "/api/v1/residents/{id}/anonymise", tag = "rights", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = AnonymiseRequest,
    responses((status = 200, body = Anonymised),
        (status = 403, description = "Not the office of the resident's community (`forbidden`)", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Anonymised already (`already_anonymised`)", body = ErrorBody),
        (status = 422, description = "No reason, or one too long (`missing_field`, `text_too_long`)", body = ErrorBody)))]
pub async fn anonymise_resident(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<AnonymiseRequest>,
) -> Result<Json<Anonymised>> {
    Ok(Json(service::anonymise(&st, &actor, id, &r.reason).await?))
}
