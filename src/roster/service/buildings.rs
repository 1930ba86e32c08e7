//! Buildings (in a compound, optionally in a grid, with their building head) and the
//! households in them. Either may move within its community, never out of it.

use crate::auth::Actor;
use crate::error::Result;
use crate::roster::model::{
    Building, BuildingEdit, BuildingInput, Household, HouseholdEdit, HouseholdInput,
};
use crate::roster::scope::{Kind, Loc};
use crate::roster::store::{self, NewBuilding, Stored};
use crate::state::AppState;

use super::refs;
use super::write::Write;

pub async fn create_building(st: &AppState, actor: &Actor, new: BuildingInput) -> Result<Building> {
    let mut w = Write::create(st, actor, Kind::Building).await?;
    let at = refs::compound(&mut w, new.compound_id, None).await?;
    w.scope
        .check_write(Kind::Building, Loc::at(at).in_grid(new.grid_id))?;
    refs::building_refs(&mut w, at, new.grid_id, new.head_resident_id).await?;
    let row = NewBuilding {
        compound_id: new.compound_id,
        grid_id: new.grid_id,
        name: &new.name,
        floors: new.floors,
    };
    let id = store::insert_building(&mut w.tx, at, &row, w.now).await?;
    if new.head_resident_id.is_some() {
        store::set_building_head(&mut w.tx, id, new.head_resident_id).await?;
    }
    w.created(id).await
}

pub async fn edit_building(
    st: &AppState,
    actor: &Actor,
    id: i64,
    e: BuildingEdit,
) -> Result<Building> {
    let mut w = Write::begin(st, actor).await?;
    let old: Building = w.load(id).await?;
    let at = refs::place_of(old.loc())?;
    if let Some(c) = e.compound_id {
        refs::compound(&mut w, c, Some(at.community_id)).await?;
    }
    let (grid, head) = (e.grid_id.flatten(), e.head_resident_id.flatten());
    refs::building_refs(&mut w, at, grid, head).await?;
    store::save(&mut w.tx, &e.apply(old.clone())).await?;
    w.updated(&old).await
}

pub async fn create_household(
    st: &AppState,
    actor: &Actor,
    new: HouseholdInput,
) -> Result<Household> {
    let mut w = Write::create(st, actor, Kind::Household).await?;
    let loc = refs::building(&mut w, new.building_id, None).await?;
    w.scope.check_write(Kind::Household, loc)?;
    let at = refs::place_of(loc)?;
    let id = store::insert_household(
        &mut w.tx,
        at,
        new.building_id,
        &new.unit_no,
        &new.room,
        w.now,
    )
    .await?;
    w.created(id).await
}

pub async fn edit_household(
    st: &AppState,
    actor: &Actor,
    id: i64,
    e: HouseholdEdit,
) -> Result<Household> {
    let mut w = Write::begin(st, actor).await?;
    let old: Household = w.load(id).await?;
    if let Some(b) = e.building_id {
        let to = refs::building(&mut w, b, Some(old.community_id)).await?;
        w.scope.check_write(Kind::Household, to)?;
    }
    store::save(&mut w.tx, &e.apply(old.clone())).await?;
    w.updated(&old).await
}
