//! Streets (街道): the top of the tree. Created and changed by admin only.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page::{Page, Paging};
use super::scope::{Kind, Loc, Scope};
use super::{delete_row, duplicate, fetch_page, filter_contains, keep, refuse_if_used};
use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::error::{Error, Result};
use crate::roster::model::{NAME_MAX, as_rfc3339};
use crate::roster::store;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_streets, create_street))
        .routes(routes!(get_street, patch_street, delete_street))
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Street {
    pub id: i64,
    pub name: String,
    pub district: String,
    pub city: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreetQuery {
    /// Name contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStreet {
    pub name: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
}

/// Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StreetPatch {
    pub name: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
}

const SELECT: &str = "SELECT x.id, x.name, x.district, x.city, x.created_at FROM streets x";

async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Street>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// Streets the caller can see.
#[utoipa::path(get, path = "/api/v1/streets", tag = "roster", security(("bearer" = [])),
    params(StreetQuery),
    responses((status = 200, body = Page<Street>), (status = 403, body = ErrorBody)))]
pub async fn list_streets(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<StreetQuery>,
) -> Result<Json<Page<Street>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Street, &mut q)?;
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    Ok(Json(
        fetch_page(q, paging, &mut conn, |s: &Street| s.id).await?,
    ))
}

/// One street.
#[utoipa::path(get, path = "/api/v1/streets/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Street), (status = 404, body = ErrorBody)))]
pub async fn get_street(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Street>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let s = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Street, Loc::street(s.id))?;
    Ok(Json(s))
}

/// Creates a street (admin).
#[utoipa::path(post, path = "/api/v1/streets", tag = "roster", security(("bearer" = [])),
    request_body = NewStreet,
    responses((status = 201, body = Street), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_street(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewStreet>,
) -> Result<(StatusCode, Json<Street>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Street)?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    let district = validate::optional("district", req.district.as_deref(), NAME_MAX)?;
    let city = validate::optional("city", req.city.as_deref(), NAME_MAX)?;
    let mut tx = st.db.begin().await?;
    let id = store::insert_street(
        &mut tx,
        &name,
        district.as_deref().unwrap_or(""),
        city.as_deref().unwrap_or(""),
        st.clock.now(),
    )
    .await
    .map_err(duplicate)?;
    let s = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(s)))
}

/// Changes a street (admin).
#[utoipa::path(patch, path = "/api/v1/streets/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StreetPatch,
    responses((status = 200, body = Street), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_street(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<StreetPatch>,
) -> Result<Json<Street>> {
    let scope = Scope::of(&st, &actor).await?;
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    let district = validate::optional("district", req.district.as_deref(), NAME_MAX)?;
    let city = validate::optional("city", req.city.as_deref(), NAME_MAX)?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Street, Loc::street(old.id))?;
    Q::new("UPDATE streets SET name = $1, district = $2, city = $3 WHERE id = $4")
        .bind(name.unwrap_or(old.name))
        .bind(keep(req.district.is_some(), district, old.district))
        .bind(keep(req.city.is_some(), city, old.city))
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(duplicate)?;
    let s = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok(Json(s))
}

/// Deletes a street that nothing belongs to any more (admin).
#[utoipa::path(delete, path = "/api/v1/streets/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: communities, units or accounts belong to it",
            body = ErrorBody)))]
pub async fn delete_street(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Street, Loc::street(old.id))?;
    refuse_if_used(
        &mut tx,
        &[
            "SELECT id FROM communities WHERE street_id = $1 LIMIT 1",
            "SELECT id FROM units WHERE street_id = $1 LIMIT 1",
            "SELECT id FROM users WHERE street_id = $1 LIMIT 1",
        ],
        id,
    )
    .await?;
    delete_row(&mut tx, "streets", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
