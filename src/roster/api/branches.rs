//! Party branches (网格党支部): a branch covers one or more grids of its community.

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
    check_user, community_for_new, count_in_community, delete_row, distinct, duplicate, fetch_page,
    filter_contains, filter_eq, take_children, unknown,
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
        .routes(routes!(list_branches, create_branch))
        .routes(routes!(get_branch, patch_branch, delete_branch))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyBranch {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub name: String,
    pub secretary_user_id: Option<i64>,
    pub grid_ids: Vec<i64>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

#[derive(Debug, sqlx::FromRow)]
struct BranchRow {
    id: i64,
    street_id: i64,
    community_id: i64,
    name: String,
    secretary_user_id: Option<i64>,
    created_at: Millis,
}

impl BranchRow {
    fn place(&self) -> Place {
        Place {
            street_id: self.street_id,
            community_id: self.community_id,
        }
    }

    fn into_branch(self, grid_ids: Vec<i64>) -> PartyBranch {
        PartyBranch {
            id: self.id,
            street_id: self.street_id,
            community_id: self.community_id,
            name: self.name,
            secretary_user_id: self.secretary_user_id,
            grid_ids,
            created_at: self.created_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BranchQuery {
    pub community_id: Option<i64>,
    /// Branches covering this grid.
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
pub struct NewBranch {
    /// Defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub name: Option<String>,
    /// An account of the community.
    pub secretary_user_id: Option<i64>,
    /// Grids of the same community.
    pub grid_ids: Option<Vec<i64>>,
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

const SELECT: &str = "SELECT x.id, x.street_id, x.community_id, x.name, x.secretary_user_id, \
                      x.created_at FROM party_branches x";

async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<BranchRow>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// The grids of some branches, by branch.
async fn grids_of(ex: &mut impl Exec, branch_ids: &[i64]) -> DbResult<Vec<(i64, i64)>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT branch_id, grid_id FROM branch_grids WHERE ");
    push_in(&mut q, "branch_id", branch_ids);
    q.push(" ORDER BY branch_id, grid_id");
    q.fetch_all(ex).await
}

async fn branch(ex: &mut impl Exec, row: BranchRow) -> DbResult<PartyBranch> {
    let ids = grids_of(ex, &[row.id]).await?;
    Ok(row.into_branch(ids.into_iter().map(|(_, g)| g).collect()))
}

/// Grid ids without repeats, all of the community.
async fn check_grids(ex: &mut impl Exec, grid_ids: &[i64], at: Place) -> Result<Vec<i64>> {
    let ids = distinct("grid_ids", grid_ids)?;
    if count_in_community(ex, "grids", &ids, at.community_id).await? != ids.len() {
        return Err(unknown("grid_ids"));
    }
    Ok(ids)
}

/// Party branches the caller can see, with their grids.
#[utoipa::path(get, path = "/api/v1/party-branches", tag = "roster", security(("bearer" = [])),
    params(BranchQuery),
    responses((status = 200, body = Page<PartyBranch>), (status = 403, body = ErrorBody)))]
pub async fn list_branches(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<BranchQuery>,
) -> Result<Json<Page<PartyBranch>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Branch, &mut q)?;
    filter_eq(&mut q, "x.community_id", f.community_id);
    if let Some(g) = f.grid_id {
        q.push(" AND x.id IN (SELECT branch_id FROM branch_grids WHERE grid_id = ")
            .push_bind(g)
            .push(")");
    }
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    let page = fetch_page(q, paging, &mut conn, |b: &BranchRow| b.id).await?;
    let ids: Vec<i64> = page.items.iter().map(|b| b.id).collect();
    let mut grids = grids_of(&mut conn, &ids).await?.into_iter().peekable();
    let items = page
        .items
        .into_iter()
        .map(|b| {
            let mine = take_children(&mut grids, b.id);
            b.into_branch(mine)
        })
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One party branch.
#[utoipa::path(get, path = "/api/v1/party-branches/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = PartyBranch), (status = 404, body = ErrorBody)))]
pub async fn get_branch(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<PartyBranch>> {
    let scope = Scope::of(&st, &actor).await?;
    let mut conn = st.db.conn().await?;
    let row = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
    scope.check_read(Kind::Branch, Loc::at(row.place()))?;
    Ok(Json(branch(&mut conn, row).await?))
}

/// Creates a party branch with its grids.
#[utoipa::path(post, path = "/api/v1/party-branches", tag = "roster",
    security(("bearer" = [])), request_body = NewBranch,
    responses((status = 201, body = PartyBranch), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_branch(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewBranch>,
) -> Result<(StatusCode, Json<PartyBranch>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Branch)?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    let mut tx = st.db.begin().await?;
    let at = community_for_new(&mut tx, &scope, req.community_id).await?;
    scope.check_write(Kind::Branch, Loc::at(at))?;
    check_user(&mut tx, "secretary_user_id", req.secretary_user_id, at).await?;
    let grid_ids = check_grids(&mut tx, req.grid_ids.as_deref().unwrap_or_default(), at).await?;
    let id = store::insert_party_branch(
        &mut tx,
        at,
        &name,
        req.secretary_user_id,
        &grid_ids,
        st.clock.now(),
    )
    .await
    .map_err(duplicate)?;
    let row = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    let b = branch(&mut tx, row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(b)))
}

/// Changes a party branch; `grid_ids` replaces its grids.
#[utoipa::path(patch, path = "/api/v1/party-branches/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = BranchPatch,
    responses((status = 200, body = PartyBranch), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_branch(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<BranchPatch>,
) -> Result<Json<PartyBranch>> {
    let scope = Scope::of(&st, &actor).await?;
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    let at = old.place();
    scope.check_write(Kind::Branch, Loc::at(at))?;
    check_user(
        &mut tx,
        "secretary_user_id",
        req.secretary_user_id.flatten(),
        at,
    )
    .await?;
    Q::new("UPDATE party_branches SET name = $1, secretary_user_id = $2 WHERE id = $3")
        .bind(name.unwrap_or(old.name))
        .bind(req.secretary_user_id.unwrap_or(old.secretary_user_id))
        .bind(id)
        .execute(&mut tx)
        .await
        .map_err(duplicate)?;
    if let Some(g) = &req.grid_ids {
        let grid_ids = check_grids(&mut tx, g, at).await?;
        Q::new("DELETE FROM branch_grids WHERE branch_id = $1")
            .bind(id)
            .execute(&mut tx)
            .await?;
        for g in grid_ids {
            Q::new("INSERT INTO branch_grids (branch_id, grid_id) VALUES ($1, $2)")
                .bind(id)
                .bind(g)
                .execute(&mut tx)
                .await?;
        }
    }
    let row = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    let b = branch(&mut tx, row).await?;
    tx.commit().await?;
    Ok(Json(b))
}

/// Deletes a party branch (its grids stay; they are only no longer covered by it).
#[utoipa::path(delete, path = "/api/v1/party-branches/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete_branch(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Branch, Loc::at(old.place()))?;
    Q::new("DELETE FROM branch_grids WHERE branch_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    delete_row(&mut tx, "party_branches", id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
