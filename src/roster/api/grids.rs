//! Grids (网格: a set of buildings of one community with one grid worker) and party
//! branches (网格党支部: covering one or more grids of their community) over HTTP.

use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Answer, Change, Create, Created, Deleted, Edit, List, New, One};
use super::{PageQuery, edit_nullable, name, nullable, rename};
use crate::auth::Actor;
use crate::error::Result;
use crate::roster::model::{
    self, BranchEdit, BranchFilter, BranchInput, Grid, GridEdit, GridFilter, GridInput, Page,
    PartyBranch,
};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_grids, create_grid))
        .routes(routes!(get_grid, patch_grid, delete_grid))
        .routes(routes!(put_grid_buildings))
        .routes(routes!(list_branches, create_branch))
        .routes(routes!(get_branch, patch_branch, delete_branch))
}

/// A polygon (GeoJSON or WKT) is kept as text of at most this many characters.
const POLYGON_MAX: usize = 100_000;

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

impl Create for NewGrid {
    type Made = Grid;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Grid> {
        let ids = self.building_ids.as_deref();
        let new = GridInput {
            community_id: self.community_id,
            name: name(self.name.as_deref())?,
            worker_user_id: self.worker_user_id,
            polygon: validate::optional("polygon", self.polygon.as_deref(), POLYGON_MAX)?,
            building_ids: ids.map(|b| model::ids("building_ids", b)).transpose()?,
        };
        service::create_grid(st, actor, new).await
    }
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

impl Edit for GridPatch {
    type Made = Grid;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Grid> {
        let polygon = self.polygon.as_ref().map(Option::as_deref);
        let e = GridEdit {
            name: rename(self.name.as_deref())?,
            worker_user_id: self.worker_user_id,
            polygon: edit_nullable("polygon", polygon, POLYGON_MAX)?,
        };
        service::edit_grid(st, actor, id, e).await
    }
}

/// The whole set of a grid's buildings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GridBuildings {
    pub building_ids: Vec<i64>,
}

impl Edit for GridBuildings {
    type Made = Grid;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Grid> {
        let ids = model::ids("building_ids", &self.building_ids)?;
        service::set_grid_buildings(st, actor, id, ids).await
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBranch {
    /// Defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub name: Option<String>,
    /// An account of the community.
    pub secretary_user_id: Option<i64>,
    /// Grids of the same community.
    pub grid_ids: Option<Vec<i64>>,
}

impl Create for NewBranch {
    type Made = PartyBranch;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<PartyBranch> {
        let new = BranchInput {
            community_id: self.community_id,
            name: name(self.name.as_deref())?,
            secretary_user_id: self.secretary_user_id,
            grid_ids: model::ids("grid_ids", self.grid_ids.as_deref().unwrap_or_default())?,
        };
        service::create_branch(st, actor, new).await
    }
}

/// Absent fields stay as they are; `grid_ids` replaces all the grids.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BranchPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub secretary_user_id: Option<Option<i64>>,
    pub grid_ids: Option<Vec<i64>>,
}

impl Edit for BranchPatch {
    type Made = PartyBranch;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<PartyBranch> {
        let grid_ids = self.grid_ids.as_deref();
        let e = BranchEdit {
            name: rename(self.name.as_deref())?,
            secretary_user_id: self.secretary_user_id,
            grid_ids: grid_ids.map(|g| model::ids("grid_ids", g)).transpose()?,
        };
        service::edit_branch(st, actor, id, e).await
    }
}

/// Grids the caller can see, with their buildings.
#[utoipa::path(get, path = "/api/v1/grids", tag = "roster", security(("bearer" = [])),
    params(GridFilter, PageQuery),
    responses((status = 200, body = Page<Grid>), (status = 403, body = ErrorBody)))]
pub async fn list_grids(q: List<GridFilter>) -> Answer<Page<Grid>> {
    q.run().await
}

/// One grid with its buildings.
#[utoipa::path(get, path = "/api/v1/grids/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Grid), (status = 404, body = ErrorBody)))]
pub async fn get_grid(r: One) -> Answer<Grid> {
    r.get().await
}

/// Creates a grid, with its worker and buildings, in one transaction.
#[utoipa::path(post, path = "/api/v1/grids", tag = "roster", security(("bearer" = [])),
    request_body = NewGrid,
    responses((status = 201, body = Grid), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_grid(r: New<NewGrid>) -> Created<Grid> {
    r.create().await
}

/// Changes a grid's name, worker or outline.
#[utoipa::path(patch, path = "/api/v1/grids/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = GridPatch,
    responses((status = 200, body = Grid), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_grid(r: Change<GridPatch>) -> Answer<Grid> {
    r.edit().await
}

/// Sets a grid's buildings: exactly those listed, each of the grid's community. Buildings
/// listed leave their previous grid; buildings not listed leave this one.
#[utoipa::path(put, path = "/api/v1/grids/{id}/buildings", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = GridBuildings,
    responses((status = 200, body = Grid), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`unknown_building`: not a building of the community",
            body = ErrorBody)))]
pub async fn put_grid_buildings(r: Change<GridBuildings>) -> Answer<Grid> {
    r.edit().await
}

/// Deletes a grid without buildings, branches or demands.
#[utoipa::path(delete, path = "/api/v1/grids/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: buildings, branches or demands refer to it",
            body = ErrorBody)))]
pub async fn delete_grid(r: One) -> Deleted {
    r.delete::<Grid>().await
}

/// Party branches the caller can see, with their grids.
#[utoipa::path(get, path = "/api/v1/party-branches", tag = "roster", security(("bearer" = [])),
    params(BranchFilter, PageQuery),
    responses((status = 200, body = Page<PartyBranch>), (status = 403, body = ErrorBody)))]
pub async fn list_branches(q: List<BranchFilter>) -> Answer<Page<PartyBranch>> {
    q.run().await
}

/// One party branch.
#[utoipa::path(get, path = "/api/v1/party-branches/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = PartyBranch), (status = 404, body = ErrorBody)))]
pub async fn get_branch(r: One) -> Answer<PartyBranch> {
    r.get().await
}

/// Creates a party branch with its grids.
#[utoipa::path(post, path = "/api/v1/party-branches", tag = "roster",
    security(("bearer" = [])), request_body = NewBranch,
    responses((status = 201, body = PartyBranch), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_branch(r: New<NewBranch>) -> Created<PartyBranch> {
    r.create().await
}

/// Changes a party branch; `grid_ids` replaces its grids.
#[utoipa::path(patch, path = "/api/v1/party-branches/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = BranchPatch,
    responses((status = 200, body = PartyBranch), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_branch(r: Change<BranchPatch>) -> Answer<PartyBranch> {
    r.edit().await
}

/// Deletes a party branch (its grids stay; they are only no longer covered by it).
#[utoipa::path(delete, path = "/api/v1/party-branches/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete_branch(r: One) -> Deleted {
    r.delete::<PartyBranch>().await
}
