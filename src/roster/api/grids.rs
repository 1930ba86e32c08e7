//! Grids (网格): a set of buildings of one community with one grid worker.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page::{Page, Paging};
use super::scope::{Kind, Loc, Scope, push_in};
use super::{
    community_for_new, count_in_community, delete_row, distinct, duplicate, fetch_page,
    filter_contains, filter_eq, refuse_if_used, take_children, unknown,
};
use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::error::{Error, Result};
use crate::roster::model::{NAME_MAX, as_rfc3339, nullable};
use crate::roster::store::{self, Place};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_grids, create_grid))
        .routes(routes!(get_grid, patch_grid, delete_grid))
        .routes(routes!(put_grid_buildings))
}

/// A polygon (GeoJSON or WKT) is kept as text of at most this many characters.
const POLYGON_MAX: usize = 100_000;

#[derive(Debug, Serialize, ToSchema)]
pub struct Grid {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub name: String,
    /// The grid worker (a `grid_worker` account of the community).
    pub worker_user_id: Option<i64>,
    /// The grid's outline, GeoJSON or WKT, as given.
    pub polygon: Option<String>,
    pub building_ids: Vec<i64>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

#[derive(Debug, sqlx::FromRow)]
struct GridRow {
    id: i64,
    street_id: i64,
    community_id: i64,
    name: String,
    worker_user_id: Option<i64>,
    polygon: Option<String>,
    created_at: Millis,
}

impl GridRow {
    fn place(&self) -> Place {
        Place {
            street_id: self.street_id,
            community_id: self.community_id,
        }
    }

    fn into_grid(self, building_ids: Vec<i64>) -> Grid {
        Grid {
            id: self.id,
            street_id: self.street_id,
            community_id: self.community_id,
            name: self.name,
            worker_user_id: self.worker_user_id,
            polygon: self.polygon,
            building_ids,
            created_at: self.created_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridQuery {
    pub community_id: Option<i64>,
    pub worker_user_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrid {
    /// Defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub name: Option<String>,
    /// A `grid_worker` account of the same community.
    pub worker_user_id: Option<i64>,
    pub polygon: Option<String>,
    /// Buildings of the same community; they leave any grid they were in.
    pub building_ids: Option<Vec<i64>>,
}

/// Absent fields stay as they are; `null` clears the optional ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub worker_user_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub polygon: Option<Option<String>>,
}

/// The whole set of a grid's buildings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridBuildings {
    pub building_ids: Vec<i64>,
}

const SELECT: &str = "SELECT x.id, x.street_id, x.community_id, x.name, x.worker_user_id, \
                      x.polygon, x.created_at FROM grids x";

async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<GridRow>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// The buildings of some grids, by grid.
async fn buildings_of(ex: &mut impl Exec, grid_ids: &[i64]) -> DbResult<Vec<(i64, i64)>> {
    if grid_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT grid_id, id FROM buildings WHERE ");
    push_in(&mut q, "grid_id", grid_ids);
    q.push(" ORDER BY grid_id, id");
    q.fetch_all(ex).await
}

async fn grid(ex: &mut impl Exec, row: GridRow) -> DbResult<Grid> {
    let ids = buildings_of(ex, &[row.id]).await?;
    Ok(row.into_grid(ids.into_iter().map(|(_, b)| b).collect()))
}

/// The grid worker must be a `grid_worker` account of the grid's community.
async fn check_worker(ex: &mut impl Exec, user_id: Option<i64>, at: Place) -> Result<()> {
    let Some(user_id) = user_id else {
        return Ok(());
    };
    let fits = Q::new(
        "SELECT id FROM users WHERE id = $1 AND role = 'grid_worker' AND community_id = $2 \
         AND active = TRUE",
    )
    .bind(user_id)
    .bind(at.community_id)
    .fetch_optional::<(i64,)>(ex)
    .await?
    .is_some();
    if fits {
        Ok(())
    } else {
        Err(unknown("worker_user_id"))
    }
}

/// Makes `building_ids` (all of the grid's community) the grid's buildings.
async fn set_buildings(ex: &mut impl Exec, grid: &GridRow, building_ids: &[i64]) -> Result<()> {
    let ids = distinct("building_ids", building_ids)?;
    if count_in_community(ex, "buildings", &ids, grid.community_id).await? != ids.len() {
        return Err(unknown("building_ids"));
    }
    Q::new("UPDATE buildings SET grid_id = NULL WHERE grid_id = $1")
        .bind(grid.id)
        .execute(ex)
        .await?;
    if !ids.is_empty() {
        let mut q = Q::new("UPDATE buildings SET grid_id = ");
        q.push_bind(grid.id).push(" WHERE ");
        push_in(&mut q, "id", &ids);
        q.execute(ex).await?;
    }
    Ok(())
}

fn polygon(v: Option<&str>) -> Result<Option<String>> {
    validate::optional("polygon", v, POLYGON_MAX)
}

/// Grids the caller can see, with their buildings.
#[utoipa::path(get, path = "/api/v1/grids", tag = "roster", security(("bearer" = [])),
    params(GridQuery),
    responses((status = 200, body = Page<Grid>), (status = 403, body = ErrorBody)))]
pub async fn list_grids(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<GridQuery>,
) -> Result<Json<Page<Grid>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Grid, &mut q)?;
    filter_eq(&mut q, "x.community_id", f.community_id);
    filter_eq(&mut q, "x.worker_user_id", f.worker_user_id);
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    let page = fetch_page(q, paging, &mut conn, |g: &GridRow| g.id).await?;
    let ids: Vec<i64> = page.items.iter().map(|g| g.id).collect();
    let mut buildings = buildings_of(&mut conn, &ids).await?.into_iter().peekable();
    let items = page
        .items
        .into_iter()
        .map(|g| {
            let mine = take_children(&mut buildings, g.id);
            g.into_grid(mine)
        })
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One grid with its buildings.
#[utoipa::path(get, path = "/api/v1/grids/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Grid), (status = 404, body = ErrorBody)))]
pub async fn get_grid(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Grid>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let row = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Grid, Loc::at(row.place()))?;
    Ok(Json(grid(&mut conn, row).await?))
}

/// Creates a grid, with its worker and buildings, in one transaction.
#[utoipa::path(post, path = "/api/v1/grids", tag = "roster", security(("bearer" = [])),
    request_body = NewGrid,
    responses((status = 201, body = Grid), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_grid(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewGrid>,
) -> Result<(StatusCode, Json<Grid>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Grid)?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    let polygon = polygon(req.polygon.as_deref())?;
    let mut tx = st.db.begin().await?;
    let at = community_for_new(&mut tx, &scope, req.community_id).await?;
    scope.check_write(Kind::Grid, Loc::at(at))?;
    check_worker(&mut tx, req.worker_user_id, at).await?;
    let id = store::insert_grid(&mut tx, at, &name, req.worker_user_id, st.clock.now())
        .await
        .map_err(duplicate)?;
    if polygon.is_some() {
        Q::new("UPDATE grids SET polygon = $1 WHERE id = $2")
            .bind(polygon)
            .bind(id)
            .execute(&mut tx)
            .await?;
    }
    let row = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    if let Some(b) = &req.building_ids {
        set_buildings(&mut tx, &row, b).await?;
    }
    let g = grid(&mut tx, row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(g)))
}

/// Changes a grid's name, worker or outline.
#[utoipa::path(patch, path = "/api/v1/grids/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = GridPatch,
    responses((status = 200, body = Grid), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_grid(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<GridPatch>,
) -> Result<Json<Grid>> {
    let scope = Scope::of(&st, &actor).await?;
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    let new_polygon = match &req.polygon {
        Some(p) => Some(polygon(p.as_deref())?),
        None => None,
    };
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Grid, Loc::at(old.place()))?;
    check_worker(&mut tx, req.worker_user_id.flatten(), old.place()).await?;
    Q::new("UPDATE grids SET name = $1, worker_user_id = $2, polygon = $3 WHERE id = $4")
        .bind(name.unwrap_or(old.name))
        .bind(req.worker_user_id.unwrap_or(old.worker_user_id))
        .bind(new_polygon.unwrap_or(old.polygon))
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(duplicate)?;
    let row = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    let g = grid(&mut tx, row).await?;
    tx.commit().await?;
    Ok(Json(g))
}

/// Sets a grid's buildings: exactly those listed, each of the grid's community. Buildings
/// listed leave their previous grid; buildings not listed leave this one.
#[utoipa::path(put, path = "/api/v1/grids/{id}/buildings", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = GridBuildings,
    responses((status = 200, body = Grid), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`unknown_building`: not a building of the community",
            body = ErrorBody)))]
pub async fn put_grid_buildings(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<GridBuildings>,
) -> Result<Json<Grid>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let row = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Grid, Loc::at(row.place()))?;
    set_buildings(&mut tx, &row, &req.building_ids).await?;
    let g = grid(&mut tx, row).await?;
    tx.commit().await?;
    Ok(Json(g))
}

/// Deletes a grid without buildings, branches or demands.
#[utoipa::path(delete, path = "/api/v1/grids/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: buildings, branches or demands refer to it",
            body = ErrorBody)))]
pub async fn delete_grid(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Grid, Loc::at(old.place()))?;
    refuse_if_used(
        &mut tx,
        &[
            "SELECT id FROM buildings WHERE grid_id = $1 LIMIT 1",
            "SELECT branch_id FROM branch_grids WHERE grid_id = $1 LIMIT 1",
            "SELECT id FROM demands WHERE grid_id = $1 LIMIT 1",
        ],
        id,
    )
    .await?;
    delete_row(&mut tx, "grids", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
