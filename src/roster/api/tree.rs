//! The top of the tree over HTTP: streets (街道) and communities (社区), which admin keeps
//! and everyone on the roster reads their own of, and compounds (小区/院), the residential
//! estates of a community.

use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Answer, Change, Create, Created, Deleted, Edit, List, New, One};
use super::{PageQuery, edit_text, name, rename, text};
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::roster::model::{
    ADDRESS_MAX, Community, CommunityFilter, CommunityInput, Compound, CompoundFilter,
    CompoundInput, NAME_MAX, Page, SiteEdit, Street, StreetEdit, StreetFilter, StreetInput,
};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::ErrorBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_streets, create_street))
        .routes(routes!(get_street, patch_street, delete_street))
        .routes(routes!(list_communities, create_community))
        .routes(routes!(get_community, patch_community, delete_community))
        .routes(routes!(list_compounds, create_compound))
        .routes(routes!(get_compound, patch_compound, delete_compound))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStreet {
    pub name: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
}

impl Create for NewStreet {
    type Made = Street;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Street> {
        let new = StreetInput {
            name: name(self.name.as_deref())?,
            district: text("district", self.district.as_deref(), NAME_MAX)?,
            city: text("city", self.city.as_deref(), NAME_MAX)?,
        };
        service::create_street(st, actor, new).await
    }
}

/// Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StreetPatch {
    pub name: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
}

impl Edit for StreetPatch {
    type Made = Street;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Street> {
        let e = StreetEdit {
            name: rename(self.name.as_deref())?,
            district: edit_text("district", self.district.as_deref(), NAME_MAX)?,
            city: edit_text("city", self.city.as_deref(), NAME_MAX)?,
        };
        service::edit_street(st, actor, id, e).await
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommunity {
    pub street_id: Option<i64>,
    pub name: Option<String>,
    pub address: Option<String>,
}

impl Create for NewCommunity {
    type Made = Community;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Community> {
        let new = CommunityInput {
            street_id: self.street_id.ok_or_else(|| Error::required("street_id"))?,
            name: name(self.name.as_deref())?,
            address: text("address", self.address.as_deref(), ADDRESS_MAX)?,
        };
        service::create_community(st, actor, new).await
    }
}

/// Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityPatch {
    pub name: Option<String>,
    pub address: Option<String>,
}

impl Edit for CommunityPatch {
    type Made = Community;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Community> {
        let e = site_edit(self.name.as_deref(), self.address.as_deref())?;
        service::edit_community(st, actor, id, e).await
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCompound {
    /// Defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub name: Option<String>,
    pub address: Option<String>,
}

impl Create for NewCompound {
    type Made = Compound;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Compound> {
        let new = CompoundInput {
            community_id: self.community_id,
            name: name(self.name.as_deref())?,
            address: text("address", self.address.as_deref(), ADDRESS_MAX)?,
        };
        service::create_compound(st, actor, new).await
    }
}

/// Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompoundPatch {
    pub name: Option<String>,
    pub address: Option<String>,
}

impl Edit for CompoundPatch {
    type Made = Compound;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Compound> {
        let e = site_edit(self.name.as_deref(), self.address.as_deref())?;
        service::edit_compound(st, actor, id, e).await
    }
}

/// The edit of a community or a compound: its name and address.
fn site_edit(name: Option<&str>, address: Option<&str>) -> Result<SiteEdit> {
    Ok(SiteEdit {
        name: rename(name)?,
        address: edit_text("address", address, ADDRESS_MAX)?,
    })
}

/// Streets the caller can see.
#[utoipa::path(get, path = "/api/v1/streets", tag = "roster", security(("bearer" = [])),
    params(StreetFilter, PageQuery),
    responses((status = 200, body = Page<Street>), (status = 403, body = ErrorBody)))]
pub async fn list_streets(q: List<StreetFilter>) -> Answer<Page<Street>> {
    q.run().await
}

/// One street.
#[utoipa::path(get, path = "/api/v1/streets/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Street), (status = 404, body = ErrorBody)))]
pub async fn get_street(r: One) -> Answer<Street> {
    r.get().await
}

/// Creates a street (admin).
#[utoipa::path(post, path = "/api/v1/streets", tag = "roster", security(("bearer" = [])),
    request_body = NewStreet,
    responses((status = 201, body = Street), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_street(r: New<NewStreet>) -> Created<Street> {
    r.create().await
}

/// Changes a street (admin).
#[utoipa::path(patch, path = "/api/v1/streets/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StreetPatch,
    responses((status = 200, body = Street), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_street(r: Change<StreetPatch>) -> Answer<Street> {
    r.edit().await
}

/// Deletes a street that nothing belongs to any more (admin).
#[utoipa::path(delete, path = "/api/v1/streets/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: communities, units or accounts belong to it",
            body = ErrorBody)))]
pub async fn delete_street(r: One) -> Deleted {
    r.delete::<Street>().await
}

/// Communities the caller can see.
#[utoipa::path(get, path = "/api/v1/communities", tag = "roster", security(("bearer" = [])),
    params(CommunityFilter, PageQuery),
    responses((status = 200, body = Page<Community>), (status = 403, body = ErrorBody)))]
pub async fn list_communities(q: List<CommunityFilter>) -> Answer<Page<Community>> {
    q.run().await
}

/// One community.
#[utoipa::path(get, path = "/api/v1/communities/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Community), (status = 404, body = ErrorBody)))]
pub async fn get_community(r: One) -> Answer<Community> {
    r.get().await
}

/// Creates a community in a street (admin).
#[utoipa::path(post, path = "/api/v1/communities", tag = "roster", security(("bearer" = [])),
    request_body = NewCommunity,
    responses((status = 201, body = Community), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_community(r: New<NewCommunity>) -> Created<Community> {
    r.create().await
}

/// Changes a community's name or address (admin).
#[utoipa::path(patch, path = "/api/v1/communities/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = CommunityPatch,
    responses((status = 200, body = Community), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_community(r: Change<CommunityPatch>) -> Answer<Community> {
    r.edit().await
}

/// Deletes an empty community (admin).
#[utoipa::path(delete, path = "/api/v1/communities/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: something still belongs to it",
            body = ErrorBody)))]
pub async fn delete_community(r: One) -> Deleted {
    r.delete::<Community>().await
}

/// Compounds the caller can see.
#[utoipa::path(get, path = "/api/v1/compounds", tag = "roster", security(("bearer" = [])),
    params(CompoundFilter, PageQuery),
    responses((status = 200, body = Page<Compound>), (status = 403, body = ErrorBody)))]
pub async fn list_compounds(q: List<CompoundFilter>) -> Answer<Page<Compound>> {
    q.run().await
}

/// One compound.
#[utoipa::path(get, path = "/api/v1/compounds/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Compound), (status = 404, body = ErrorBody)))]
pub async fn get_compound(r: One) -> Answer<Compound> {
    r.get().await
}

/// Creates a compound in a community.
#[utoipa::path(post, path = "/api/v1/compounds", tag = "roster", security(("bearer" = [])),
    request_body = NewCompound,
    responses((status = 201, body = Compound), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_compound(r: New<NewCompound>) -> Created<Compound> {
    r.create().await
}

/// Changes a compound's name or address.
#[utoipa::path(patch, path = "/api/v1/compounds/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = CompoundPatch,
    responses((status = 200, body = Compound), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_compound(r: Change<CompoundPatch>) -> Answer<Compound> {
    r.edit().await
}

/// Deletes a compound without buildings.
#[utoipa::path(delete, path = "/api/v1/compounds/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: it still has buildings", body = ErrorBody)))]
pub async fn delete_compound(r: One) -> Deleted {
    r.delete::<Compound>().await
}
