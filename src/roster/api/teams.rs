//! Teams (队伍): volunteer teams, the "red detachment", linkage teams (五方联动) and
//! governance teams of a community, with their leader and members. Everyone on the roster
//! can look the teams of their community up to dispatch to.

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
    check_user, community_for_new, delete_row, distinct, duplicate, fetch_page, filter_contains,
    filter_eq, refuse_if_used, take_children, unknown,
};
use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::error::{Error, Result};
use crate::roster::model::{self, NAME_MAX, TEAM_KINDS, as_rfc3339, nullable};
use crate::roster::store::{self, Place};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teams, create_team))
        .routes(routes!(get_team, patch_team, delete_team))
        .routes(routes!(put_team_members))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Team {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    /// volunteer, red_detachment, linkage, governance.
    pub kind: String,
    pub name: String,
    pub leader_user_id: Option<i64>,
    pub member_user_ids: Vec<i64>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

#[derive(Debug, sqlx::FromRow)]
struct TeamRow {
    id: i64,
    street_id: i64,
    community_id: i64,
    kind: String,
    name: String,
    leader_user_id: Option<i64>,
    created_at: Millis,
}

impl TeamRow {
    fn place(&self) -> Place {
        Place {
            street_id: self.street_id,
            community_id: self.community_id,
        }
    }

    fn into_team(self, member_user_ids: Vec<i64>) -> Team {
        Team {
            id: self.id,
            street_id: self.street_id,
            community_id: self.community_id,
            kind: self.kind,
            name: self.name,
            leader_user_id: self.leader_user_id,
            member_user_ids,
            created_at: self.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    pub community_id: Option<i64>,
    pub kind: Option<String>,
    /// Teams this account is a member of.
    pub member_user_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
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

/// The whole membership of a team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamMembers {
    pub user_ids: Vec<i64>,
}

const SELECT: &str = "SELECT x.id, x.street_id, x.community_id, x.kind, x.name, \
                      x.leader_user_id, x.created_at FROM teams x";

async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<TeamRow>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// The members of some teams, by team.
async fn members_of(ex: &mut impl Exec, team_ids: &[i64]) -> DbResult<Vec<(i64, i64)>> {
    if team_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT team_id, user_id FROM team_members WHERE ");
    push_in(&mut q, "team_id", team_ids);
    q.push(" ORDER BY team_id, user_id");
    q.fetch_all(ex).await
}

async fn team(ex: &mut impl Exec, row: TeamRow) -> DbResult<Team> {
    let ids = members_of(ex, &[row.id]).await?;
    Ok(row.into_team(ids.into_iter().map(|(_, u)| u).collect()))
}

/// Makes `user_ids` (accounts of the team's community or street units) the members.
async fn set_members(ex: &mut impl Exec, team: &TeamRow, user_ids: &[i64]) -> Result<()> {
    let ids = distinct("user_ids", user_ids)?;
    if !ids.is_empty() {
        let mut q = Q::new("SELECT COUNT(*) FROM users WHERE active = TRUE AND (community_id = ");
        q.push_bind(team.community_id)
            .push(" OR (community_id IS NULL AND street_id = ")
            .push_bind(team.street_id)
            .push(")) AND ");
        push_in(&mut q, "id", &ids);
        let n = q.fetch_one::<(i64,)>(ex).await?.0;
        if usize::try_from(n).ok() != Some(ids.len()) {
            return Err(unknown("user_ids"));
        }
    }
    Q::new("DELETE FROM team_members WHERE team_id = $1")
        .bind(team.id)
        .execute(ex)
        .await?;
    for u in ids {
        store::add_team_member(ex, team.id, u).await?;
    }
    Ok(())
}

/// Teams the caller can see, with their members.
#[utoipa::path(get, path = "/api/v1/teams", tag = "roster", security(("bearer" = [])),
    params(TeamQuery),
    responses((status = 200, body = Page<Team>), (status = 403, body = ErrorBody)))]
pub async fn list_teams(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<TeamQuery>,
) -> Result<Json<Page<Team>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Team, &mut q)?;
    filter_eq(&mut q, "x.community_id", f.community_id);
    if let Some(k) = f.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        q.push(" AND x.kind = ").push_bind(k);
    }
    if let Some(u) = f.member_user_id {
        q.push(" AND x.id IN (SELECT team_id FROM team_members WHERE user_id = ")
            .push_bind(u)
            .push(")");
    }
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    let page = fetch_page(q, paging, &mut conn, |t: &TeamRow| t.id).await?;
    let ids: Vec<i64> = page.items.iter().map(|t| t.id).collect();
    let mut members = members_of(&mut conn, &ids).await?.into_iter().peekable();
    let items = page
        .items
        .into_iter()
        .map(|t| {
            let mine = take_children(&mut members, t.id);
            t.into_team(mine)
        })
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One team with its members.
#[utoipa::path(get, path = "/api/v1/teams/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
pub async fn get_team(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Team>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let row = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Team, Loc::at(row.place()))?;
    Ok(Json(team(&mut conn, row).await?))
}

/// Creates a team with its leader and members.
#[utoipa::path(post, path = "/api/v1/teams", tag = "roster", security(("bearer" = [])),
    request_body = NewTeam,
    responses((status = 201, body = Team), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_team(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewTeam>,
) -> Result<(StatusCode, Json<Team>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Team)?;
    let kind = model::kind(req.kind.as_deref(), &TEAM_KINDS)?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    let mut tx = st.db.begin().await?;
    let at = community_for_new(&mut tx, &scope, req.community_id).await?;
    scope.check_write(Kind::Team, Loc::at(at))?;
    check_user(&mut tx, "leader_user_id", req.leader_user_id, at).await?;
    let id = store::insert_team(
        &mut tx,
        at,
        &kind,
        &name,
        req.leader_user_id,
        &[],
        st.clock.now(),
    )
    .await
    .map_err(duplicate)?;
    let row = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    if let Some(m) = &req.member_user_ids {
        set_members(&mut tx, &row, m).await?;
    }
    let t = team(&mut tx, row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// Changes a team's kind, name or leader.
#[utoipa::path(patch, path = "/api/v1/teams/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TeamPatch,
    responses((status = 200, body = Team), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_team(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<TeamPatch>,
) -> Result<Json<Team>> {
    let scope = Scope::of(&st, &actor).await?;
    let kind = match req.kind.as_deref() {
        Some(k) => Some(model::kind(Some(k), &TEAM_KINDS)?),
        None => None,
    };
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Team, Loc::at(old.place()))?;
    check_user(
        &mut tx,
        "leader_user_id",
        req.leader_user_id.flatten(),
        old.place(),
    )
    .await?;
    Q::new("UPDATE teams SET kind = $1, name = $2, leader_user_id = $3 WHERE id = $4")
        .bind(kind.unwrap_or(old.kind))
        .bind(name.unwrap_or(old.name))
        .bind(req.leader_user_id.unwrap_or(old.leader_user_id))
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(duplicate)?;
    let row = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    let t = team(&mut tx, row).await?;
    tx.commit().await?;
    Ok(Json(t))
}

/// Sets a team's members: exactly the accounts listed.
#[utoipa::path(put, path = "/api/v1/teams/{id}/members", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = TeamMembers,
    responses((status = 200, body = Team), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`unknown_user`: not an account of the community",
            body = ErrorBody)))]
pub async fn put_team_members(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<TeamMembers>,
) -> Result<Json<Team>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let row = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Team, Loc::at(row.place()))?;
    set_members(&mut tx, &row, &req.user_ids).await?;
    let t = team(&mut tx, row).await?;
    tx.commit().await?;
    Ok(Json(t))
}

/// Deletes a team (and its memberships) that no work was given to.
#[utoipa::path(delete, path = "/api/v1/teams/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: demands were given to it", body = ErrorBody)))]
pub async fn delete_team(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Team, Loc::at(old.place()))?;
    refuse_if_used(
        &mut tx,
        &[
            "SELECT id FROM demand_assignments WHERE target_kind = 'team' AND target_id = $1 \
           LIMIT 1",
        ],
        id,
    )
    .await?;
    Q::new("DELETE FROM team_members WHERE team_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    delete_row(&mut tx, "teams", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
