//! Units (共建单位: property companies, utilities, police stations, member units, of one
//! community or of the whole street) and teams (队伍: volunteer teams, the "red
//! detachment", linkage and governance teams of a community) over HTTP. Everyone on the
//! roster, volunteers, units and residents included, looks them up to dispatch to.

use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Answer, Change, Create, Created, Deleted, Edit, List, New, One};
use super::{PageQuery, edit_kind, edit_phone, name, nullable, rename};
use crate::auth::Actor;
use crate::error::Result;
use crate::roster::model::{
    self, Page, TEAM_KINDS, Team, TeamEdit, TeamFilter, TeamInput, UNIT_KINDS, Unit, UnitEdit,
    UnitFilter, UnitInput,
};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::ErrorBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_units, create_unit))
        .routes(routes!(get_unit, patch_unit, delete_unit))
        .routes(routes!(list_teams, create_team))
        .routes(routes!(get_team, patch_team, delete_team))
        .routes(routes!(put_team_members))
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

impl Create for NewUnit {
    type Made = Unit;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Unit> {
        let new = UnitInput {
            street_id: self.street_id,
            community_id: self.community_id,
            kind: model::kind(self.kind.as_deref(), &UNIT_KINDS)?,
            name: name(self.name.as_deref())?,
            phone: model::phone("phone", self.phone.as_deref())?,
        };
        service::create_unit(st, actor, new).await
    }
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

impl Edit for UnitPatch {
    type Made = Unit;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Unit> {
        let e = UnitEdit {
            kind: edit_kind(self.kind.as_deref(), &UNIT_KINDS)?,
            name: rename(self.name.as_deref())?,
            phone: edit_phone(self.phone.as_ref().map(Option::as_deref))?,
        };
        service::edit_unit(st, actor, id, e).await
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTeam {
    /// Defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub kind: Option<String>,
    pub name: Option<String>,
    /// An account of the community (or of a unit of its street).
    pub leader_user_id: Option<i64>,
    pub member_user_ids: Option<Vec<i64>>,
}

impl Create for NewTeam {
    type Made = Team;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Team> {
        let members = self.member_user_ids.as_deref();
        let new = TeamInput {
            community_id: self.community_id,
            kind: model::kind(self.kind.as_deref(), &TEAM_KINDS)?,
            name: name(self.name.as_deref())?,
            leader_user_id: self.leader_user_id,
            member_user_ids: members.map(|m| model::ids("user_ids", m)).transpose()?,
        };
        service::create_team(st, actor, new).await
    }
}

/// Absent fields stay as they are; `null` clears the leader.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamPatch {
    pub kind: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub leader_user_id: Option<Option<i64>>,
}

impl Edit for TeamPatch {
    type Made = Team;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Team> {
        let e = TeamEdit {
            kind: edit_kind(self.kind.as_deref(), &TEAM_KINDS)?,
            name: rename(self.name.as_deref())?,
            leader_user_id: self.leader_user_id,
        };
        service::edit_team(st, actor, id, e).await
    }
}

/// The whole membership of a team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMembers {
    pub user_ids: Vec<i64>,
}

impl Edit for TeamMembers {
    type Made = Team;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Team> {
        let ids = model::ids("user_ids", &self.user_ids)?;
        service::set_team_members(st, actor, id, ids).await
    }
}

/// Units the caller can see: those of their community and street-wide ones.
#[utoipa::path(get, path = "/api/v1/units", tag = "roster", security(("bearer" = [])),
    params(UnitFilter, PageQuery),
    responses((status = 200, body = Page<Unit>), (status = 403, body = ErrorBody)))]
pub async fn list_units(q: List<UnitFilter>) -> Answer<Page<Unit>> {
    q.run().await
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Unit), (status = 404, body = ErrorBody)))]
pub async fn get_unit(r: One) -> Answer<Unit> {
    r.get().await
}

/// Creates a unit of a community, or of a whole street.
#[utoipa::path(post, path = "/api/v1/units", tag = "roster", security(("bearer" = [])),
    request_body = NewUnit,
    responses((status = 201, body = Unit), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_unit(r: New<NewUnit>) -> Created<Unit> {
    r.create().await
}

/// Changes a unit's kind, name or phone.
#[utoipa::path(patch, path = "/api/v1/units/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = UnitPatch,
    responses((status = 200, body = Unit), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_unit(r: Change<UnitPatch>) -> Answer<Unit> {
    r.edit().await
}

/// Deletes a unit without accounts or work given to it.
#[utoipa::path(delete, path = "/api/v1/units/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: accounts or demands refer to it",
            body = ErrorBody)))]
pub async fn delete_unit(r: One) -> Deleted {
    r.delete::<Unit>().await
}

/// Teams the caller can see, with their members.
#[utoipa::path(get, path = "/api/v1/teams", tag = "roster", security(("bearer" = [])),
    params(TeamFilter, PageQuery),
    responses((status = 200, body = Page<Team>), (status = 403, body = ErrorBody)))]
pub async fn list_teams(q: List<TeamFilter>) -> Answer<Page<Team>> {
    q.run().await
}

/// One team with its members.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
pub async fn get_team(r: One) -> Answer<Team> {
    r.get().await
}

/// Creates a team with its leader and members.
#[utoipa::path(post, path = "/api/v1/teams", tag = "roster", security(("bearer" = [])),
    request_body = NewTeam,
    responses((status = 201, body = Team), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_team(r: New<NewTeam>) -> Created<Team> {
    r.create().await
}

/// Changes a team's kind, name or leader.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TeamPatch,
    responses((status = 200, body = Team), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_team(r: Change<TeamPatch>) -> Answer<Team> {
    r.edit().await
}

/// Sets a team's members: exactly the accounts listed.
#[utoipa::path(put, path = "/api/v1/teams/{id}/members", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = TeamMembers,
    responses((status = 200, body = Team), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`unknown_user`: not an account of the community",
            body = ErrorBody)))]
pub async fn put_team_members(r: Change<TeamMembers>) -> Answer<Team> {
    r.edit().await
}

/// Deletes a team (and its memberships) that no work was given to.
#[utoipa::path(delete, path = "/api/v1/teams/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: demands were given to it", body = ErrorBody)))]
pub async fn delete_team(r: One) -> Deleted {
    r.delete::<Team>().await
}
