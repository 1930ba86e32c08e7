//! The roster over HTTP: `/api/v1/{streets, communities, compounds, buildings, households,
//! residents, grids, party-branches, units, teams}`, each with list, read, create, update and
//! delete, plus the buildings of a grid and the members of a team.
//!
//! Every handler parses its input first, then asks [`scope::Scope`] whether the caller may
//! do it, then reads and writes in one transaction. What each list holds, and what the
//! helpers below share: keyset pages, foreign-id checks, refusals of deletes in use.

pub mod branches;
pub mod buildings;
pub mod communities;
pub mod compounds;
pub mod grids;
pub mod households;
pub mod page;
pub mod residents;
pub mod residents_write;
pub mod scope;
pub mod streets;
pub mod teams;
pub mod units;

use utoipa_axum::router::OpenApiRouter;

use crate::db::{DbError, Exec, FromBoth, Q};
use crate::error::{Code, Error, Result};
use crate::roster::store::{self, Place};
use crate::state::AppState;
use page::{Page, Paging, contains_pattern};

use scope::{Kind, Loc, Scope};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(streets::router())
        .merge(communities::router())
        .merge(compounds::router())
        .merge(buildings::router())
        .merge(households::router())
        .merge(residents::router())
        .merge(residents_write::router())
        .merge(grids::router())
        .merge(branches::router())
        .merge(units::router())
        .merge(teams::router())
}

/// Finishes a list query (its table aliased `x`): the cursor, the order, one row past the
/// limit to know whether another page follows.
async fn fetch_page<T: FromBoth>(
    mut q: Q,
    paging: Paging,
    ex: &mut impl Exec,
    id: impl Fn(&T) -> i64,
) -> Result<Page<T>> {
    q.push(" AND x.id > ").push_bind(paging.after);
    q.push(" ORDER BY x.id LIMIT ").push_bind(paging.limit + 1);
    let rows = q.fetch_all::<T>(ex).await?;
    Ok(paging.page(rows, id))
}

/// `AND column = value` when the filter is given.
fn filter_eq(q: &mut Q, column: &str, v: Option<i64>) {
    if let Some(v) = v {
        q.push(" AND ").push(column).push(" = ").push_bind(v);
    }
}

/// `AND column LIKE '%text%'` when the filter is given and not blank.
fn filter_contains(q: &mut Q, column: &str, v: Option<&str>) {
    if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
        q.push(" AND ")
            .push(column)
            .push(" LIKE ")
            .push_bind(contains_pattern(v))
            .push(" ESCAPE '\\'");
    }
}

/// A foreign id that names nothing the caller can see: 422 with the field named.
fn unknown(field: &str) -> Error {
    let code = match field {
        "street_id" => Code::UnknownStreet,
        "community_id" => Code::UnknownCommunity,
        "compound_id" => Code::UnknownCompound,
        "building_id" | "building_ids" => Code::UnknownBuilding,
        "household_id" => Code::UnknownHousehold,
        "grid_id" | "grid_ids" => Code::UnknownGrid,
        "head_resident_id" => Code::UnknownResident,
        "worker_user_id" => Code::UnknownWorker,
        _ => Code::UnknownUser,
    };
    Error::invalid(field, code)
}

/// A unique constraint refused the write: the same name (or ID number) is already there.
fn duplicate(e: DbError) -> Error {
    match e {
        DbError::Duplicate(what) => {
            tracing::info!(constraint = %what, "roster write refused as a duplicate");
            Error::new(Code::Duplicate)
        }
        e => e.into(),
    }
}

/// Refuses to delete what other rows still point at. Each query takes the id as `$1` and
/// answers a row when something refers to it.
async fn refuse_if_used(ex: &mut impl Exec, refs: &[&'static str], id: i64) -> Result<()> {
    for sql in refs {
        let used = Q::new(*sql)
            .bind(id)
            .fetch_optional::<(i64,)>(ex)
            .await?
            .is_some();
        if used {
            return Err(in_use());
        }
    }
    Ok(())
}

fn in_use() -> Error {
    Error::new(Code::InUse)
}

/// Deletes one row; a foreign key still pointing at it (from a table the checks above do
/// not know yet) is `in_use` too.
async fn delete_row(ex: &mut impl Exec, table: &'static str, id: i64) -> Result<()> {
    let sql = format!("DELETE FROM {table} WHERE id = $1");
    match Q::new(sql).bind(id).execute(ex).await {
        Ok(_) => Ok(()),
        Err(DbError::Dangling(_)) => Err(in_use()),
        Err(e) => Err(e.into()),
    }
}

/// The community a new object goes into: the one named, which the caller must see, or the
/// caller's own.
async fn community_for_new(
    ex: &mut impl Exec,
    scope: &Scope,
    community_id: Option<i64>,
) -> Result<Place> {
    let Some(id) = community_id else {
        return scope
            .community()
            .ok_or_else(|| Error::required("community_id"));
    };
    match store::community_place(ex, id).await? {
        Some(p) if scope.may_read(Kind::Community, Loc::at(p)) => Ok(p),
        _ => Err(unknown("community_id")),
    }
}

/// Checks a user reference of a create or patch: an active account of this community, or
/// of its street without a community (the people of units).
async fn check_user(
    ex: &mut impl Exec,
    field: &'static str,
    user_id: Option<i64>,
    at: Place,
) -> Result<()> {
    let Some(user_id) = user_id else {
        return Ok(());
    };
    let fits = Q::new(
        "SELECT id FROM users WHERE id = $1 AND active = TRUE \
         AND (community_id = $2 OR (community_id IS NULL AND street_id = $3))",
    )
    .bind(user_id)
    .bind(at.community_id)
    .bind(at.street_id)
    .fetch_optional::<(i64,)>(ex)
    .await?
    .is_some();
    if fits { Ok(()) } else { Err(unknown(field)) }
}

/// The most ids one request may list (buildings of a grid, members of a team, …).
const IDS_MAX: usize = 1000;

/// A list of ids without repeats, at most [`IDS_MAX`] long.
fn distinct(field: &str, ids: &[i64]) -> Result<Vec<i64>> {
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.len() > IDS_MAX {
        return Err(Error::invalid(field, Code::TooManyIds).with("max", IDS_MAX));
    }
    Ok(out)
}

/// An optional text field of a patch: the new value when it was sent (blank clears it),
/// else the old one.
fn keep(sent: bool, new: Option<String>, old: String) -> String {
    if sent { new.unwrap_or_default() } else { old }
}

/// How many of `ids` are rows of `table` in this community.
async fn count_in_community(
    ex: &mut impl Exec,
    table: &str,
    ids: &[i64],
    community_id: i64,
) -> Result<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut q = Q::new(format!(
        "SELECT COUNT(*) FROM {table} WHERE community_id = "
    ));
    q.push_bind(community_id).push(" AND ");
    scope::push_in(&mut q, "id", ids);
    let n = q.fetch_one::<(i64,)>(ex).await?.0;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Rows of a child table as `(owner id, value)`, ordered by owner id.
type Children<V> = std::iter::Peekable<std::vec::IntoIter<(i64, V)>>;

/// The values of one owner, taken from the front of `rows`: owners must be visited in the
/// same (ascending) order as the rows are sorted.
fn take_children<V>(rows: &mut Children<V>, owner: i64) -> Vec<V> {
    let mut out = Vec::new();
    while let Some((_, v)) = rows.next_if(|(o, _)| *o == owner) {
        out.push(v);
    }
    out
}
