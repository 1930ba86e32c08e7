//! Compounds (小区/院): the residential estates of a community.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page::{Page, Paging};
use super::scope::{Kind, Loc, Scope};
use super::{
    community_for_new, delete_row, duplicate, fetch_page, filter_contains, filter_eq, keep,
    refuse_if_used,
};
use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::error::{Error, Result};
use crate::roster::model::{ADDRESS_MAX, NAME_MAX, as_rfc3339};
use crate::roster::store::{self, Place};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_compounds, create_compound))
        .routes(routes!(get_compound, patch_compound, delete_compound))
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Compound {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub name: String,
    pub address: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Compound {
    fn loc(&self) -> Loc {
        Loc::at(Place {
            street_id: self.street_id,
            community_id: self.community_id,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompoundQuery {
    pub community_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCompound {
    /// Defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub name: Option<String>,
    pub address: Option<String>,
}

/// Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompoundPatch {
    pub name: Option<String>,
    pub address: Option<String>,
}

const SELECT: &str = "SELECT x.id, x.street_id, x.community_id, x.name, x.address, \
                      x.created_at FROM compounds x";

pub(super) async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Compound>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// Compounds the caller can see.
#[utoipa::path(get, path = "/api/v1/compounds", tag = "roster", security(("bearer" = [])),
    params(CompoundQuery),
    responses((status = 200, body = Page<Compound>), (status = 403, body = ErrorBody)))]
pub async fn list_compounds(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<CompoundQuery>,
) -> Result<Json<Page<Compound>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Compound, &mut q)?;
    filter_eq(&mut q, "x.community_id", f.community_id);
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    Ok(Json(
        fetch_page(q, paging, &mut conn, |c: &Compound| c.id).await?,
    ))
}

/// One compound.
#[utoipa::path(get, path = "/api/v1/compounds/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Compound), (status = 404, body = ErrorBody)))]
pub async fn get_compound(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Compound>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let c = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Compound, c.loc())?;
    Ok(Json(c))
}

/// Creates a compound in a community.
#[utoipa::path(post, path = "/api/v1/compounds", tag = "roster", security(("bearer" = [])),
    request_body = NewCompound,
    responses((status = 201, body = Compound), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_compound(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewCompound>,
) -> Result<(StatusCode, Json<Compound>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Compound)?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    let address = validate::optional("address", req.address.as_deref(), ADDRESS_MAX)?;
    let mut tx = st.db.begin().await?;
    let at = community_for_new(&mut tx, &scope, req.community_id).await?;
    scope.check_write(Kind::Compound, Loc::at(at))?;
    let id = store::insert_compound(
        &mut tx,
        at,
        &name,
        address.as_deref().unwrap_or(""),
        st.clock.now(),
    )
    .await
    .map_err(duplicate)?;
    let c = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// Changes a compound's name or address.
#[utoipa::path(patch, path = "/api/v1/compounds/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = CompoundPatch,
    responses((status = 200, body = Compound), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_compound(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CompoundPatch>,
) -> Result<Json<Compound>> {
    let scope = Scope::of(&st, &actor).await?;
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    let address = validate::optional("address", req.address.as_deref(), ADDRESS_MAX)?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Compound, old.loc())?;
    Q::new("UPDATE compounds SET name = $1, address = $2 WHERE id = $3")
        .bind(name.unwrap_or(old.name))
        .bind(keep(req.address.is_some(), address, old.address))
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(duplicate)?;
    let c = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok(Json(c))
}

/// Deletes a compound without buildings.
#[utoipa::path(delete, path = "/api/v1/compounds/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: it still has buildings", body = ErrorBody)))]
pub async fn delete_compound(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Compound, old.loc())?;
    refuse_if_used(
        &mut tx,
        &["SELECT id FROM buildings WHERE compound_id = $1 LIMIT 1"],
        id,
    )
    .await?;
    delete_row(&mut tx, "compounds", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
