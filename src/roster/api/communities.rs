//! Communities (社区): created and changed by admin only; everyone on the roster reads their
//! own.

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
    delete_row, duplicate, fetch_page, filter_contains, filter_eq, keep, refuse_if_used, unknown,
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
        .routes(routes!(list_communities, create_community))
        .routes(routes!(get_community, patch_community, delete_community))
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Community {
    pub id: i64,
    pub street_id: i64,
    pub name: String,
    pub address: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Community {
    fn loc(&self) -> Loc {
        Loc::at(Place {
            street_id: self.street_id,
            community_id: self.id,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunityQuery {
    pub street_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommunity {
    pub street_id: Option<i64>,
    pub name: Option<String>,
    pub address: Option<String>,
}

/// Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityPatch {
    pub name: Option<String>,
    pub address: Option<String>,
}

const SELECT: &str = "SELECT x.id, x.street_id, x.name, x.address, x.created_at FROM communities x";

async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Community>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// Communities the caller can see.
#[utoipa::path(get, path = "/api/v1/communities", tag = "roster", security(("bearer" = [])),
    params(CommunityQuery),
    responses((status = 200, body = Page<Community>), (status = 403, body = ErrorBody)))]
pub async fn list_communities(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<CommunityQuery>,
) -> Result<Json<Page<Community>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Community, &mut q)?;
    filter_eq(&mut q, "x.street_id", f.street_id);
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    Ok(Json(
        fetch_page(q, paging, &mut conn, |c: &Community| c.id).await?,
    ))
}

/// One community.
#[utoipa::path(get, path = "/api/v1/communities/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Community), (status = 404, body = ErrorBody)))]
pub async fn get_community(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Community>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let c = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Community, c.loc())?;
    Ok(Json(c))
}

/// Creates a community in a street (admin).
#[utoipa::path(post, path = "/api/v1/communities", tag = "roster", security(("bearer" = [])),
    request_body = NewCommunity,
    responses((status = 201, body = Community), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_community(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewCommunity>,
) -> Result<(StatusCode, Json<Community>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Community)?;
    let street_id = req.street_id.ok_or_else(|| Error::required("street_id"))?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    let address = validate::optional("address", req.address.as_deref(), ADDRESS_MAX)?;
    let mut tx = st.db.begin().await?;
    let street_known = Q::new("SELECT id FROM streets WHERE id = $1")
        .bind(street_id)
        .fetch_optional::<(i64,)>(&mut tx)
        .await?
        .is_some();
    if !street_known || !scope.may_read(Kind::Street, Loc::street(street_id)) {
        return Err(unknown("street_id"));
    }
    let id = store::insert_community(
        &mut tx,
        street_id,
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

/// Changes a community's name or address (admin).
#[utoipa::path(patch, path = "/api/v1/communities/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = CommunityPatch,
    responses((status = 200, body = Community), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_community(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CommunityPatch>,
) -> Result<Json<Community>> {
    let scope = Scope::of(&st, &actor).await?;
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    let address = validate::optional("address", req.address.as_deref(), ADDRESS_MAX)?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Community, old.loc())?;
    Q::new("UPDATE communities SET name = $1, address = $2 WHERE id = $3")
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

/// Deletes an empty community (admin).
#[utoipa::path(delete, path = "/api/v1/communities/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: something still belongs to it",
            body = ErrorBody)))]
pub async fn delete_community(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Community, old.loc())?;
    refuse_if_used(
        &mut tx,
        &[
            "SELECT id FROM compounds WHERE community_id = $1 LIMIT 1",
            "SELECT id FROM grids WHERE community_id = $1 LIMIT 1",
            "SELECT id FROM residents WHERE community_id = $1 LIMIT 1",
            "SELECT id FROM units WHERE community_id = $1 LIMIT 1",
            "SELECT id FROM teams WHERE community_id = $1 LIMIT 1",
            "SELECT id FROM party_branches WHERE community_id = $1 LIMIT 1",
            "SELECT id FROM users WHERE community_id = $1 LIMIT 1",
            "SELECT id FROM demands WHERE community_id = $1 LIMIT 1",
        ],
        id,
    )
    .await?;
    delete_row(&mut tx, "communities", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
