//! Buildings (楼): in a compound, optionally in a grid, with their building head (楼长).

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
    compounds, delete_row, duplicate, fetch_page, filter_contains, filter_eq, refuse_if_used,
    unknown,
};
use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::error::{Code, Error, Result};
use crate::roster::model::{NAME_MAX, as_rfc3339, nullable};
use crate::roster::store::{self, NewBuilding, Place};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_buildings, create_building))
        .routes(routes!(get_building, patch_building, delete_building))
}

/// The most floors a building may have.
const FLOORS_MAX: i64 = 200;

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Building {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub compound_id: i64,
    pub grid_id: Option<i64>,
    pub name: String,
    pub floors: Option<i64>,
    /// The building head (楼长), a resident.
    pub head_resident_id: Option<i64>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Building {
    fn place(&self) -> Place {
        Place {
            street_id: self.street_id,
            community_id: self.community_id,
        }
    }

    fn loc(&self) -> Loc {
        Loc::at(self.place()).in_grid(self.grid_id)
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuildingQuery {
    pub community_id: Option<i64>,
    pub compound_id: Option<i64>,
    pub grid_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBuildingRequest {
    pub compound_id: Option<i64>,
    /// A grid of the same community.
    pub grid_id: Option<i64>,
    pub name: Option<String>,
    pub floors: Option<i64>,
    /// A resident of the same community.
    pub head_resident_id: Option<i64>,
}

/// Absent fields stay as they are; `null` clears the optional ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildingPatch {
    /// Another compound of the same community.
    pub compound_id: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub grid_id: Option<Option<i64>>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub floors: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub head_resident_id: Option<Option<i64>>,
}

const SELECT: &str = "SELECT x.id, x.street_id, x.community_id, x.compound_id, x.grid_id, \
                      x.name, x.floors, x.head_resident_id, x.created_at FROM buildings x";

async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Building>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

fn check_floors(floors: Option<i64>) -> Result<()> {
    match floors {
        Some(f) if !(1..=FLOORS_MAX).contains(&f) => {
            Err(Error::invalid("floors", Code::InvalidFloors).with("max", FLOORS_MAX))
        }
        _ => Ok(()),
    }
}

/// The compound a building goes into: one the caller sees, in `community` when given.
async fn check_compound(
    ex: &mut impl Exec,
    scope: &Scope,
    compound_id: i64,
    community: Option<i64>,
) -> Result<Place> {
    match compounds::find(ex, compound_id).await? {
        Some(c)
            if scope.may_read(Kind::Compound, Loc::at(place_of(&c)))
                && community.is_none_or(|id| id == c.community_id) =>
        {
            Ok(place_of(&c))
        }
        _ => Err(unknown("compound_id")),
    }
}

fn place_of(c: &compounds::Compound) -> Place {
    Place {
        street_id: c.street_id,
        community_id: c.community_id,
    }
}

/// A grid and a building head must belong to the building's community.
async fn check_refs(
    ex: &mut impl Exec,
    at: Place,
    grid_id: Option<i64>,
    head_resident_id: Option<i64>,
) -> Result<()> {
    if let Some(g) = grid_id
        && store::grid_place(ex, g).await? != Some(at)
    {
        return Err(unknown("grid_id"));
    }
    if let Some(r) = head_resident_id {
        let fits = store::resident_contact(ex, r)
            .await?
            .is_some_and(|c| c.community_id == at.community_id);
        if !fits {
            return Err(unknown("head_resident_id"));
        }
    }
    Ok(())
}

/// Buildings the caller can see.
#[utoipa::path(get, path = "/api/v1/buildings", tag = "roster", security(("bearer" = [])),
    params(BuildingQuery),
    responses((status = 200, body = Page<Building>), (status = 403, body = ErrorBody)))]
pub async fn list_buildings(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<BuildingQuery>,
) -> Result<Json<Page<Building>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Building, &mut q)?;
    filter_eq(&mut q, "x.community_id", f.community_id);
    filter_eq(&mut q, "x.compound_id", f.compound_id);
    filter_eq(&mut q, "x.grid_id", f.grid_id);
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    Ok(Json(
        fetch_page(q, paging, &mut conn, |b: &Building| b.id).await?,
    ))
}

/// One building.
#[utoipa::path(get, path = "/api/v1/buildings/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Building), (status = 404, body = ErrorBody)))]
pub async fn get_building(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Building>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let b = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Building, b.loc())?;
    Ok(Json(b))
}

/// Creates a building in a compound.
#[utoipa::path(post, path = "/api/v1/buildings", tag = "roster", security(("bearer" = [])),
    request_body = NewBuildingRequest,
    responses((status = 201, body = Building), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_building(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewBuildingRequest>,
) -> Result<(StatusCode, Json<Building>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Building)?;
    let compound_id = req
        .compound_id
        .ok_or_else(|| Error::required("compound_id"))?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    check_floors(req.floors)?;
    let mut tx = st.db.begin().await?;
    let at = check_compound(&mut tx, &scope, compound_id, None).await?;
    scope.check_write(Kind::Building, Loc::at(at).in_grid(req.grid_id))?;
    check_refs(&mut tx, at, req.grid_id, req.head_resident_id).await?;
    let new = NewBuilding {
        compound_id,
        grid_id: req.grid_id,
        name: &name,
        floors: req.floors,
    };
    let id = store::insert_building(&mut tx, at, &new, st.clock.now())
        .await
        .map_err(duplicate)?;
    if req.head_resident_id.is_some() {
        store::set_building_head(&mut tx, id, req.head_resident_id).await?;
    }
    let b = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(b)))
}

/// Changes a building; it may move to another compound or grid of its community.
#[utoipa::path(patch, path = "/api/v1/buildings/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = BuildingPatch,
    responses((status = 200, body = Building), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_building(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<BuildingPatch>,
) -> Result<Json<Building>> {
    let scope = Scope::of(&st, &actor).await?;
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    check_floors(req.floors.flatten())?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Building, old.loc())?;
    let at = old.place();
    if let Some(c) = req.compound_id {
        check_compound(&mut tx, &scope, c, Some(at.community_id)).await?;
    }
    let grid_id = req.grid_id.unwrap_or(old.grid_id);
    let head = req.head_resident_id.unwrap_or(old.head_resident_id);
    check_refs(
        &mut tx,
        at,
        req.grid_id.flatten(),
        req.head_resident_id.flatten(),
    )
    .await?;
    Q::new(
        "UPDATE buildings SET compound_id = $1, grid_id = $2, name = $3, floors = $4, \
         head_resident_id = $5 WHERE id = $6",
    )
    .bind(req.compound_id.unwrap_or(old.compound_id))
    .bind(grid_id)
    .bind(name.unwrap_or(old.name))
    .bind(req.floors.unwrap_or(old.floors))
    .bind(head)
    .bind(id)
    .execute(&mut tx)
    .await
    .map_err(duplicate)?;
    let b = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    tx.commit().await?;
    Ok(Json(b))
}

/// Deletes a building without households or demands.
#[utoipa::path(delete, path = "/api/v1/buildings/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: households or demands refer to it",
            body = ErrorBody)))]
pub async fn delete_building(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Building, old.loc())?;
    refuse_if_used(
        &mut tx,
        &[
            "SELECT id FROM households WHERE building_id = $1 LIMIT 1",
            "SELECT id FROM demands WHERE building_id = $1 LIMIT 1",
        ],
        id,
    )
    .await?;
    delete_row(&mut tx, "buildings", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
