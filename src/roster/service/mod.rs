//! The roster's only door: the API and the pages both come through here. Every step
//! resolves the caller's scope, reads and writes in one transaction, records each write
//! in the audit log (who, when, what changed), and answers domain values already masked
//! for the caller, or a domain [`Error`].
//!
//! What every kind shares is written once: reading one object, listing a keyset page of
//! them, deleting one nothing refers to ([`get`], [`list`], [`delete`]), and the frame of
//! a write ([`write::Write`]). Creates and edits, which differ by kind, are in the files
//! of their kinds.

mod buildings;
mod consents;
pub mod export;
mod groups;
mod history;
mod refs;
mod residents;
mod teams;
mod tree;
mod write;

use serde::Serialize;

use crate::auth::Actor;
use crate::db::Exec;
use crate::error::{Code, Error, Result};
use crate::roster::model::{
    Audited, Building, Community, Compound, Grid, Household, Page, Paging, PartyBranch, Street,
    Team, Unit,
};
use crate::roster::scope::Scope;
use crate::roster::store::{self, Filter, Stored};
use crate::state::AppState;

pub use buildings::{create_building, create_household, edit_building, edit_household};
pub use consents::{
    child_consents, guardians_for, household_consents, my_family, record_consent, withdraw_consent,
};
pub use groups::{create_branch, create_grid, edit_branch, edit_grid, set_grid_buildings};
pub use history::history;
pub use residents::{
    ResidentList, addresses, create_resident, edit_resident, get_resident, list_residents,
    resident_list,
};
pub use teams::{create_team, create_unit, edit_team, edit_unit, set_team_members};
pub use tree::{
    create_community, create_compound, create_street, edit_community, edit_compound, edit_street,
};

use write::Write;

/// Kinds given out as they are stored: every kind but residents, whose personal fields
/// are masked first (see [`get_resident`], [`list_residents`]).
pub trait Public: Stored + Serialize {}

impl Public for Street {}
impl Public for Community {}
impl Public for Compound {}
impl Public for Building {}
impl Public for Household {}
impl Public for Grid {}
impl Public for PartyBranch {}
impl Public for Unit {}
impl Public for Team {}

/// The caller's scope, with the place of their community read from `ex`.
pub async fn scope_in(ex: &mut impl Exec, actor: &Actor) -> Result<Scope> {
    let community = match Scope::needs_community(actor) {
        Some(c) => store::community_place(ex, c).await?,
        None => None,
    };
    Ok(Scope::new(actor, community))
}

/// The caller's scope, as the roster sees it.
pub async fn scope(st: &AppState, actor: &Actor) -> Result<Scope> {
    let mut conn = st.db.conn().await?;
    scope_in(&mut conn, actor).await
}

/// One object the caller can see (404 otherwise).
pub async fn get<T: Public>(st: &AppState, actor: &Actor, id: i64) -> Result<T> {
    let mut conn = st.db.conn().await?;
    let scope = scope_in(&mut conn, actor).await?;
    let item = store::find::<T>(&mut conn, id)
        .await?
        .ok_or_else(Error::not_found)?;
    scope.check_read(T::KIND, item.loc())?;
    Ok(item)
}

/// A page of the objects the caller can see that the filter keeps (403 for a kind the
/// caller may not list).
pub async fn list<F>(
    st: &AppState,
    actor: &Actor,
    filter: &F,
    paging: Paging,
) -> Result<Page<F::Item>>
where
    F: Filter,
    F::Item: Public,
{
    let mut conn = st.db.conn().await?;
    let scope = scope_in(&mut conn, actor).await?;
    if !scope.may_list(F::Item::KIND) {
        return Err(Error::forbidden());
    }
    Ok(store::list(&mut conn, &scope, filter, paging).await?)
}

/// Deletes an object the caller keeps, with the rows it owns; refused (`in_use`) while
/// anything refers to it. The delete is recorded with what the object was.
pub async fn delete<T: Stored + Audited>(st: &AppState, actor: &Actor, id: i64) -> Result<()> {
    let mut w = Write::begin(st, actor).await?;
    let old = w.load::<T>(id).await?;
    if !store::delete::<T>(&mut w.tx, id).await? {
        return Err(Error::new(Code::InUse));
    }
    w.deleted(&old).await
}

/// An edit that needs no check beyond the caller's scope: the object as `apply` makes it,
/// saved and recorded.
async fn edit<T>(st: &AppState, actor: &Actor, id: i64, apply: impl FnOnce(T) -> T) -> Result<T>
where
    T: Stored + Audited + Clone,
{
    let mut w = Write::begin(st, actor).await?;
    let old: T = w.load(id).await?;
    store::save(&mut w.tx, &apply(old.clone())).await?;
    w.updated(&old).await
}

/// The display names of the workers of some grids the caller was given.
pub async fn worker_names(st: &AppState, grids: &[Grid]) -> Result<Vec<(i64, String)>> {
    let ids: Vec<i64> = grids.iter().filter_map(|g| g.worker_user_id).collect();
    let mut conn = st.db.conn().await?;
    Ok(store::user_names(&mut conn, &ids).await?)
}
