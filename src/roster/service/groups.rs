//! Grids (a set of buildings of one community with one grid worker) and party branches
//! (covering grids of their community). A grid's buildings are written as a whole set;
//! the buildings that come or go are recorded in their own history too.

use crate::auth::Actor;
use crate::error::Result;
use crate::roster::model::{
    BranchEdit, BranchInput, Building, Grid, GridEdit, GridInput, PartyBranch,
};
use crate::roster::scope::Kind;
use crate::roster::store::{self, Place, Stored};
use crate::state::AppState;

use super::refs;
use super::write::Write;

/// Creates a grid, with its worker and buildings, in one transaction.
pub async fn create_grid(st: &AppState, actor: &Actor, new: GridInput) -> Result<Grid> {
    let mut w = Write::create(st, actor, Kind::Grid).await?;
    let at = refs::new_in_community(&mut w, Kind::Grid, new.community_id).await?;
    refs::worker(&mut w, new.worker_user_id, at).await?;
    let id = store::insert_grid(&mut w.tx, at, &new.name, new.worker_user_id, w.now).await?;
    if let Some(p) = &new.polygon {
        store::set_grid_polygon(&mut w.tx, id, p).await?;
    }
    if let Some(b) = &new.building_ids {
        move_buildings(&mut w, id, at, b).await?;
    }
    w.created(id).await
}

/// Changes a grid's name, worker or outline.
pub async fn edit_grid(st: &AppState, actor: &Actor, id: i64, e: GridEdit) -> Result<Grid> {
    let mut w = Write::begin(st, actor).await?;
    let old: Grid = w.load(id).await?;
    let at = refs::place_of(old.loc())?;
    refs::worker(&mut w, e.worker_user_id.flatten(), at).await?;
    store::save(&mut w.tx, &e.apply(old.clone())).await?;
    w.updated(&old).await
}

/// Sets a grid's buildings: exactly those listed, each of the grid's community.
pub async fn set_grid_buildings(
    st: &AppState,
    actor: &Actor,
    id: i64,
    building_ids: Vec<i64>,
) -> Result<Grid> {
    let mut w = Write::begin(st, actor).await?;
    let old: Grid = w.load(id).await?;
    let at = refs::place_of(old.loc())?;
    move_buildings(&mut w, id, at, &building_ids).await?;
    w.updated(&old).await
}

/// Makes `building_ids` the grid's buildings: listed ones leave their previous grid,
/// others leave this one; each building that moves has it in its history.
async fn move_buildings(
    w: &mut Write,
    grid_id: i64,
    at: Place,
    building_ids: &[i64],
) -> Result<()> {
    refs::in_community(w, "building_ids", "buildings", building_ids, at).await?;
    let mut moving = store::grid_building_ids(&mut w.tx, grid_id).await?;
    moving.extend_from_slice(building_ids);
    moving.sort_unstable();
    moving.dedup();
    let before = store::find_many::<Building>(&mut w.tx, &moving).await?;
    store::set_grid_buildings(&mut w.tx, grid_id, building_ids).await?;
    w.touched(&before).await
}

/// Creates a party branch with its grids.
pub async fn create_branch(st: &AppState, actor: &Actor, new: BranchInput) -> Result<PartyBranch> {
    let mut w = Write::create(st, actor, Kind::Branch).await?;
    let at = refs::new_in_community(&mut w, Kind::Branch, new.community_id).await?;
    refs::user(&mut w, "secretary_user_id", new.secretary_user_id, at).await?;
    refs::in_community(&mut w, "grid_ids", "grids", &new.grid_ids, at).await?;
    let id = store::insert_party_branch(
        &mut w.tx,
        at,
        &new.name,
        new.secretary_user_id,
        &new.grid_ids,
        w.now,
    )
    .await?;
    w.created(id).await
}

/// Changes a party branch; `grid_ids` replaces its grids.
pub async fn edit_branch(
    st: &AppState,
    actor: &Actor,
    id: i64,
    mut e: BranchEdit,
) -> Result<PartyBranch> {
    let mut w = Write::begin(st, actor).await?;
    let old: PartyBranch = w.load(id).await?;
    let at = refs::place_of(old.loc())?;
    refs::user(
        &mut w,
        "secretary_user_id",
        e.secretary_user_id.flatten(),
        at,
    )
    .await?;
    let grid_ids = e.grid_ids.take();
    store::save(&mut w.tx, &e.apply(old.clone())).await?;
    if let Some(g) = grid_ids {
        refs::in_community(&mut w, "grid_ids", "grids", &g, at).await?;
        store::set_branch_grids(&mut w.tx, id, &g).await?;
    }
    w.updated(&old).await
}
