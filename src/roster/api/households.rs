//! Households (户): a flat of a building (unit and room number). A grid worker sees the
//! households of the buildings in their grids.

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
use crate::roster::model::as_rfc3339;
use crate::roster::store::{self, BuildingPlace, Place};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_households, create_household))
        .routes(routes!(get_household, patch_household, delete_household))
}

const UNIT_NO_MAX: usize = 10;
const ROOM_MAX: usize = 20;

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Household {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub building_id: i64,
    /// The building's grid.
    pub grid_id: Option<i64>,
    /// Staircase unit (单元), may be empty.
    pub unit_no: String,
    pub room: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Household {
    fn loc(&self) -> Loc {
        Loc::at(Place {
            street_id: self.street_id,
            community_id: self.community_id,
        })
        .in_grid(self.grid_id)
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseholdQuery {
    pub community_id: Option<i64>,
    pub compound_id: Option<i64>,
    pub building_id: Option<i64>,
    pub grid_id: Option<i64>,
    /// Room number contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHousehold {
    pub building_id: Option<i64>,
    pub unit_no: Option<String>,
    pub room: Option<String>,
}

/// Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdPatch {
    /// Another building of the same community.
    pub building_id: Option<i64>,
    pub unit_no: Option<String>,
    pub room: Option<String>,
}

const SELECT: &str = "SELECT x.id, x.street_id, x.community_id, x.building_id, b.grid_id, \
                      x.unit_no, x.room, x.created_at \
                      FROM households x JOIN buildings b ON b.id = x.building_id";

async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Household>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// A building the caller sees, in `community` when given.
async fn check_building(
    ex: &mut impl Exec,
    scope: &Scope,
    building_id: i64,
    community: Option<i64>,
) -> Result<BuildingPlace> {
    match store::building_place(ex, building_id).await? {
        Some(b)
            if scope.may_read(Kind::Building, building_loc(b))
                && community.is_none_or(|c| c == b.community_id) =>
        {
            Ok(b)
        }
        _ => Err(unknown("building_id")),
    }
}

fn building_loc(b: BuildingPlace) -> Loc {
    Loc::at(Place {
        street_id: b.street_id,
        community_id: b.community_id,
    })
    .in_grid(b.grid_id)
}

/// Households the caller can see.
#[utoipa::path(get, path = "/api/v1/households", tag = "roster", security(("bearer" = [])),
    params(HouseholdQuery),
    responses((status = 200, body = Page<Household>), (status = 403, body = ErrorBody)))]
pub async fn list_households(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<HouseholdQuery>,
) -> Result<Json<Page<Household>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Household, &mut q)?;
    filter_eq(&mut q, "x.community_id", f.community_id);
    filter_eq(&mut q, "b.compound_id", f.compound_id);
    filter_eq(&mut q, "x.building_id", f.building_id);
    filter_eq(&mut q, "b.grid_id", f.grid_id);
    filter_contains(&mut q, "x.room", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    Ok(Json(
        fetch_page(q, paging, &mut conn, |h: &Household| h.id).await?,
    ))
}

/// One household.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Household), (status = 404, body = ErrorBody)))]
pub async fn get_household(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Household>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let h = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Household, h.loc())?;
    Ok(Json(h))
}

/// Creates a household in a building.
#[utoipa::path(post, path = "/api/v1/households", tag = "roster", security(("bearer" = [])),
    request_body = NewHousehold,
    responses((status = 201, body = Household), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_household(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewHousehold>,
) -> Result<(StatusCode, Json<Household>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Household)?;
    let building_id = req
        .building_id
        .ok_or_else(|| Error::required("building_id"))?;
    let unit_no = validate::optional("unit_no", req.unit_no.as_deref(), UNIT_NO_MAX)?;
    let room = validate::required("room", req.room.as_deref(), ROOM_MAX)?;
    let mut tx = st.db.begin().await?;
    let b = check_building(&mut tx, &scope, building_id, None).await?;
    scope.check_write(Kind::Household, building_loc(b))?;
    let at = Place {
        street_id: b.street_id,
        community_id: b.community_id,
    };
    let id = store::insert_household(
        &mut tx,
        at,
        building_id,
        unit_no.as_deref().unwrap_or(""),
        &room,
        st.clock.now(),
    )
    .await
    .map_err(duplicate)?;
    let h = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(h)))
}

/// Changes a household; it may move to another building of its community.
#[utoipa::path(patch, path = "/api/v1/households/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = HouseholdPatch,
    responses((status = 200, body = Household), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_household(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<HouseholdPatch>,
) -> Result<Json<Household>> {
    let scope = Scope::of(&st, &actor).await?;
    let unit_no = validate::optional("unit_no", req.unit_no.as_deref(), UNIT_NO_MAX)?;
    let room = match req.room.as_deref() {
        Some(r) => Some(validate::required("room", Some(r), ROOM_MAX)?),
        None => None,
    };
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Household, old.loc())?;
    if let Some(b) = req.building_id {
        let to = check_building(&mut tx, &scope, b, Some(old.community_id)).await?;
        scope.check_write(Kind::Household, building_loc(to))?;
    }
    Q::new("UPDATE households SET building_id = $1, unit_no = $2, room = $3 WHERE id = $4")
        .bind(req.building_id.unwrap_or(old.building_id))
        .bind(keep(req.unit_no.is_some(), unit_no, old.unit_no))
        .bind(room.unwrap_or(old.room))
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(duplicate)?;
    let h = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok(Json(h))
}

/// Deletes a household without residents or demands.
#[utoipa::path(delete, path = "/api/v1/households/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: residents or demands refer to it",
            body = ErrorBody)))]
pub async fn delete_household(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Household, old.loc())?;
    refuse_if_used(
        &mut tx,
        &[
            "SELECT id FROM residents WHERE household_id = $1 LIMIT 1",
            "SELECT id FROM demands WHERE household_id = $1 LIMIT 1",
        ],
        id,
    )
    .await?;
    delete_row(&mut tx, "households", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
