//! Units (共建单位): property companies, utilities, police stations, member units. A unit
//! belongs to a street, and to one of its communities or to the whole street. Everyone on
//! the roster, volunteers, units and residents included, can look units up to dispatch to.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page::{Page, Paging};
use super::scope::{Kind, Loc, Reach, Scope};
use super::{
    community_for_new, delete_row, duplicate, fetch_page, filter_contains, filter_eq,
    refuse_if_used, unknown,
};
use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::error::{Error, Result};
use crate::roster::model::{self, NAME_MAX, UNIT_KINDS, as_rfc3339, nullable};
use crate::roster::store;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units, create_unit))
        .routes(routes!(get_unit, patch_unit, delete_unit))
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Unit {
    pub id: i64,
    pub street_id: i64,
    /// None: the unit serves the whole street.
    pub community_id: Option<i64>,
    /// property, gas, water, power, heating, police, owners_committee, member, other.
    pub kind: String,
    pub name: String,
    pub phone: Option<String>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Unit {
    fn loc(&self) -> Loc {
        Loc {
            street_id: self.street_id,
            community_id: self.community_id,
            grid_id: None,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    pub community_id: Option<i64>,
    pub kind: Option<String>,
    /// Name contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    /// For a street-wide unit (admin and street accounts).
    pub street_id: Option<i64>,
    /// For a unit of one community; defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// Absent fields stay as they are; `null` clears the phone.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    pub kind: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
}

const SELECT: &str = "SELECT x.id, x.street_id, x.community_id, x.kind, x.name, x.phone, \
                      x.created_at FROM units x";

async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Unit>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// Where a new unit goes: the community named (or the caller's), else the street named (or
/// the caller's).
async fn loc_for_new(
    ex: &mut impl Exec,
    scope: &Scope,
    street_id: Option<i64>,
    community_id: Option<i64>,
) -> Result<Loc> {
    if community_id.is_some() || (street_id.is_none() && scope.community().is_some()) {
        let at = community_for_new(ex, scope, community_id).await?;
        if street_id.is_some_and(|s| s != at.street_id) {
            return Err(unknown("community_id"));
        }
        return Ok(Loc::at(at));
    }
    let street_id = match (street_id, scope.reach) {
        (Some(s), _) => s,
        (None, Reach::Street(s)) => s,
        (None, _) => return Err(Error::required("street_id")),
    };
    let known = Q::new("SELECT id FROM streets WHERE id = $1")
        .bind(street_id)
        .fetch_optional::<(i64,)>(ex)
        .await?
        .is_some();
    if !known || !scope.may_read(Kind::Street, Loc::street(street_id)) {
        return Err(unknown("street_id"));
    }
    Ok(Loc::street(street_id))
}

/// Units the caller can see: those of their community and street-wide ones.
#[utoipa::path(get, path = "/api/v1/units", tag = "roster", security(("bearer" = [])),
    params(UnitQuery),
    responses((status = 200, body = Page<Unit>), (status = 403, body = ErrorBody)))]
pub async fn list_units(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<UnitQuery>,
) -> Result<Json<Page<Unit>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Unit, &mut q)?;
    filter_eq(&mut q, "x.community_id", f.community_id);
    if let Some(k) = f.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        q.push(" AND x.kind = ").push_bind(k);
    }
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    Ok(Json(
        fetch_page(q, paging, &mut conn, |u: &Unit| u.id).await?,
    ))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Unit), (status = 404, body = ErrorBody)))]
pub async fn get_unit(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Unit>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let u = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Unit, u.loc())?;
    Ok(Json(u))
}

/// Creates a unit of a community, or of a whole street.
#[utoipa::path(post, path = "/api/v1/units", tag = "roster", security(("bearer" = [])),
    request_body = NewUnit,
    responses((status = 201, body = Unit), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_unit(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewUnit>,
) -> Result<(StatusCode, Json<Unit>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Unit)?;
    let kind = model::kind(req.kind.as_deref(), &UNIT_KINDS)?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    let phone = model::phone("phone", req.phone.as_deref())?;
    let mut tx = st.db.begin().await?;
    let loc = loc_for_new(&mut tx, &scope, req.street_id, req.community_id).await?;
    scope.check_write(Kind::Unit, loc)?;
    let id = store::insert_unit(
        &mut tx,
        loc.street_id,
        loc.community_id,
        &kind,
        &name,
        phone.as_ref().map(|p| p.as_str()),
        st.clock.now(),
    )
    .await
    .map_err(duplicate)?;
    let u = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(u)))
}

/// Changes a unit's kind, name or phone.
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = UnitPatch,
    responses((status = 200, body = Unit), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_unit(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UnitPatch>,
) -> Result<Json<Unit>> {
    let scope = Scope::of(&st, &actor).await?;
    let kind = match req.kind.as_deref() {
        Some(k) => Some(model::kind(Some(k), &UNIT_KINDS)?),
        None => None,
    };
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    let phone = match &req.phone {
        Some(p) => Some(model::phone("phone", p.as_deref())?.map(|p| p.into_string())),
        None => None,
    };
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Unit, old.loc())?;
    Q::new("UPDATE units SET kind = $1, name = $2, phone = $3 WHERE id = $4")
        .bind(kind.unwrap_or(old.kind))
        .bind(name.unwrap_or(old.name))
        .bind(phone.unwrap_or(old.phone))
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(duplicate)?;
    let u = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok(Json(u))
}

/// Deletes a unit without accounts or work given to it.
#[utoipa::path(delete, path = "/api/v1/units/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: accounts or demands refer to it",
            body = ErrorBody)))]
pub async fn delete_unit(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Unit, old.loc())?;
    refuse_if_used(
        &mut tx,
        &[
            "SELECT id FROM users WHERE unit_id = $1 LIMIT 1",
            "SELECT id FROM demand_assignments WHERE target_kind = 'unit' AND target_id = $1 \
             LIMIT 1",
            "SELECT id FROM demand_summons WHERE target_kind = 'unit' AND target_id = $1 LIMIT 1",
        ],
        id,
    )
    .await?;
    delete_row(&mut tx, "units", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
