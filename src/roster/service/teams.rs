//! Units (共建单位: of one community, or serving the whole street) and teams (volunteer
//! teams, the red detachment, linkage and governance teams of a community) with their
//! leader and members: the ones work is dispatched to.

use crate::auth::Actor;
use crate::error::Result;
use crate::roster::model::{Team, TeamEdit, TeamInput, Unit, UnitEdit, UnitInput};
use crate::roster::scope::Kind;
use crate::roster::store::{self, Stored};
use crate::state::AppState;

use super::refs;
use super::write::Write;

/// Creates a unit of a community, or of a whole street.
pub async fn create_unit(st: &AppState, actor: &Actor, new: UnitInput) -> Result<Unit> {
    let mut w = Write::create(st, actor, Kind::Unit).await?;
    let loc = refs::unit_loc(&mut w, new.street_id, new.community_id).await?;
    w.scope.check_write(Kind::Unit, loc)?;
    let phone = new.phone.as_ref().map(|p| p.as_str());
    let id = store::insert_unit(
        &mut w.tx,
        loc.street_id,
        loc.community_id,
        &new.kind,
        &new.name,
        phone,
        w.now,
    )
    .await?;
    w.created(id).await
}

/// Changes a unit's kind, name or phone.
pub async fn edit_unit(st: &AppState, actor: &Actor, id: i64, e: UnitEdit) -> Result<Unit> {
    super::edit(st, actor, id, |u| e.apply(u)).await
}

/// Creates a team with its leader and members.
pub async fn create_team(st: &AppState, actor: &Actor, new: TeamInput) -> Result<Team> {
    let mut w = Write::create(st, actor, Kind::Team).await?;
    let at = refs::new_in_community(&mut w, Kind::Team, new.community_id).await?;
    refs::user(&mut w, "leader_user_id", new.leader_user_id, at).await?;
    let members = new.member_user_ids.unwrap_or_default();
    refs::users(&mut w, "user_ids", &members, at).await?;
    let (kind, name, leader) = (&new.kind, &new.name, new.leader_user_id);
    let id = store::insert_team(&mut w.tx, at, kind, name, leader, &members, w.now).await?;
    w.created(id).await
}

/// Changes a team's kind, name or leader.
pub async fn edit_team(st: &AppState, actor: &Actor, id: i64, e: TeamEdit) -> Result<Team> {
    let mut w = Write::begin(st, actor).await?;
    let old: Team = w.load(id).await?;
    let at = refs::place_of(old.loc())?;
    refs::user(&mut w, "leader_user_id", e.leader_user_id.flatten(), at).await?;
    store::save(&mut w.tx, &e.apply(old.clone())).await?;
    w.updated(&old).await
}

/// Sets a team's members: exactly the accounts listed.
pub async fn set_team_members(
    st: &AppState,
    actor: &Actor,
    id: i64,
    user_ids: Vec<i64>,
) -> Result<Team> {
    let mut w = Write::begin(st, actor).await?;
    let old: Team = w.load(id).await?;
    let at = refs::place_of(old.loc())?;
    refs::users(&mut w, "user_ids", &user_ids, at).await?;
    store::set_team_members(&mut w.tx, id, &user_ids).await?;
    w.updated(&old).await
}
