//! Buildings (楼: in a compound, optionally in a grid, with their building head 楼长) and
//! households (户: a flat of a building, its unit and room number) over HTTP. A grid
//! worker sees the households of the buildings in their grids.

use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Answer, Change, Create, Created, Deleted, Edit, List, New, One};
use super::{PageQuery, name, nullable, rename};
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::roster::model::{
    self, Building, BuildingEdit, BuildingFilter, BuildingInput, Household, HouseholdFilter, Page,
    forms,
};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::ErrorBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_buildings, create_building))
        .routes(routes!(get_building, patch_building, delete_building))
        .routes(routes!(list_households, create_household))
        .routes(routes!(get_household, patch_household, delete_household))
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

impl Create for NewBuildingRequest {
    type Made = Building;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Building> {
        let new = BuildingInput {
            compound_id: self
                .compound_id
                .ok_or_else(|| Error::required("compound_id"))?,
            name: name(self.name.as_deref())?,
            floors: model::floors(self.floors)?,
            grid_id: self.grid_id,
            head_resident_id: self.head_resident_id,
        };
        service::create_building(st, actor, new).await
    }
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

impl Edit for BuildingPatch {
    type Made = Building;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Building> {
        let e = BuildingEdit {
            name: rename(self.name.as_deref())?,
            floors: self.floors.map(model::floors).transpose()?,
            compound_id: self.compound_id,
            grid_id: self.grid_id,
            head_resident_id: self.head_resident_id,
        };
        service::edit_building(st, actor, id, e).await
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHousehold {
    pub building_id: Option<i64>,
    pub unit_no: Option<String>,
    pub room: Option<String>,
}

impl Create for NewHousehold {
    type Made = Household;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Household> {
        let new = forms::new_household(
            self.building_id,
            self.unit_no.as_deref(),
            self.room.as_deref(),
        )?;
        service::create_household(st, actor, new).await
    }
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

impl Edit for HouseholdPatch {
    type Made = Household;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Household> {
        let e = forms::household_edit(
            self.building_id,
            self.unit_no.as_deref(),
            self.room.as_deref(),
        )?;
        service::edit_household(st, actor, id, e).await
    }
}

/// Buildings the caller can see.
#[utoipa::path(get, path = "/api/v1/buildings", tag = "roster", security(("bearer" = [])),
    params(BuildingFilter, PageQuery),
    responses((status = 200, body = Page<Building>), (status = 403, body = ErrorBody)))]
pub async fn list_buildings(q: List<BuildingFilter>) -> Answer<Page<Building>> {
    q.run().await
}

/// One building.
#[utoipa::path(get, path = "/api/v1/buildings/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Building), (status = 404, body = ErrorBody)))]
pub async fn get_building(r: One) -> Answer<Building> {
    r.get().await
}

/// Creates a building in a compound.
#[utoipa::path(post, path = "/api/v1/buildings", tag = "roster", security(("bearer" = [])),
    request_body = NewBuildingRequest,
    responses((status = 201, body = Building), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_building(r: New<NewBuildingRequest>) -> Created<Building> {
    r.create().await
}

/// Changes a building; it may move to another compound or grid of its community.
#[utoipa::path(patch, path = "/api/v1/buildings/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = BuildingPatch,
    responses((status = 200, body = Building), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_building(r: Change<BuildingPatch>) -> Answer<Building> {
    r.edit().await
}

/// Deletes a building without households or demands.
#[utoipa::path(delete, path = "/api/v1/buildings/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: households or demands refer to it",
            body = ErrorBody)))]
pub async fn delete_building(r: One) -> Deleted {
    r.delete::<Building>().await
}

/// Households the caller can see.
#[utoipa::path(get, path = "/api/v1/households", tag = "roster", security(("bearer" = [])),
    params(HouseholdFilter, PageQuery),
    responses((status = 200, body = Page<Household>), (status = 403, body = ErrorBody)))]
pub async fn list_households(q: List<HouseholdFilter>) -> Answer<Page<Household>> {
    q.run().await
}

/// One household.
#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Household), (status = 404, body = ErrorBody)))]
pub async fn get_household(r: One) -> Answer<Household> {
    r.get().await
}

/// Creates a household in a building.
#[utoipa::path(post, path = "/api/v1/households", tag = "roster", security(("bearer" = [])),
    request_body = NewHousehold,
    responses((status = 201, body = Household), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_household(r: New<NewHousehold>) -> Created<Household> {
    r.create().await
}

/// Changes a household; it may move to another building of its community.
#[utoipa::path(patch, path = "/api/v1/households/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = HouseholdPatch,
    responses((status = 200, body = Household), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_household(r: Change<HouseholdPatch>) -> Answer<Household> {
    r.edit().await
}

/// Deletes a household without residents or demands.
#[utoipa::path(delete, path = "/api/v1/households/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: residents or demands refer to it",
            body = ErrorBody)))]
pub async fn delete_household(r: One) -> Deleted {
    r.delete::<Household>().await
}
