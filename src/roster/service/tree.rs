//! The top of the tree: streets and communities (admin keeps them), and the compounds of
//! a community.

use crate::auth::Actor;
use crate::error::Result;
use crate::roster::model::{
    Community, CommunityInput, Compound, CompoundInput, SiteEdit, Street, StreetEdit, StreetInput,
};
use crate::roster::scope::Kind;
use crate::roster::store;
use crate::state::AppState;

use super::refs;
use super::write::Write;

pub async fn create_street(st: &AppState, actor: &Actor, new: StreetInput) -> Result<Street> {
    let mut w = Write::create(st, actor, Kind::Street).await?;
    let id = store::insert_street(&mut w.tx, &new.name, &new.district, &new.city, w.now).await?;
    w.created(id).await
}

pub async fn edit_street(st: &AppState, actor: &Actor, id: i64, e: StreetEdit) -> Result<Street> {
    super::edit(st, actor, id, |s| e.apply(s)).await
}

pub async fn create_community(
    st: &AppState,
    actor: &Actor,
    new: CommunityInput,
) -> Result<Community> {
    let mut w = Write::create(st, actor, Kind::Community).await?;
    refs::street(&mut w, new.street_id).await?;
    let id =
        store::insert_community(&mut w.tx, new.street_id, &new.name, &new.address, w.now).await?;
    w.created(id).await
}

pub async fn edit_community(
    st: &AppState,
    actor: &Actor,
    id: i64,
    e: SiteEdit,
) -> Result<Community> {
    super::edit(st, actor, id, |c| e.community(c)).await
}

pub async fn create_compound(st: &AppState, actor: &Actor, new: CompoundInput) -> Result<Compound> {
    let mut w = Write::create(st, actor, Kind::Compound).await?;
    let at = refs::new_in_community(&mut w, Kind::Compound, new.community_id).await?;
    let id = store::insert_compound(&mut w.tx, at, &new.name, &new.address, w.now).await?;
    w.created(id).await
}

pub async fn edit_compound(st: &AppState, actor: &Actor, id: i64, e: SiteEdit) -> Result<Compound> {
    super::edit(st, actor, id, |c| e.compound(c)).await
}
