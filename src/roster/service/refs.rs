//! The references a roster write makes (a community, a compound, a building, a household,
//! a grid, an account), each checked once: it must name something the caller can see, in
//! the right community. One that does not is a 422 naming the field, whether it exists
//! or is only out of reach (its existence is not leaked).

use crate::error::{Code, Error, Result};
use crate::roster::model::Compound;
use crate::roster::scope::{Kind, Loc, Reach};
use crate::roster::store::{self, Place};

use super::write::Write;

/// A foreign id that names nothing the caller can use.
pub fn unknown(field: &str) -> Error {
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

fn known(ok: bool, field: &str) -> Result<()> {
    if ok { Ok(()) } else { Err(unknown(field)) }
}

/// The community a new object goes into: the one named, which the caller must see, or
/// the caller's own.
pub async fn community_for_new(w: &mut Write, community_id: Option<i64>) -> Result<Place> {
    let Some(id) = community_id else {
        return w
            .scope
            .community()
            .ok_or_else(|| Error::required("community_id"));
    };
    match store::community_place(&mut w.tx, id).await? {
        Some(p) if w.scope.may_read(Kind::Community, Loc::at(p)) => Ok(p),
        _ => Err(unknown("community_id")),
    }
}

/// The community a new object of this kind goes into (see [`community_for_new`]), which
/// the caller must keep.
pub async fn new_in_community(
    w: &mut Write,
    kind: Kind,
    community_id: Option<i64>,
) -> Result<Place> {
    let at = community_for_new(w, community_id).await?;
    w.scope.check_write(kind, Loc::at(at))?;
    Ok(at)
}

/// A street the caller sees.
pub async fn street(w: &mut Write, street_id: i64) -> Result<()> {
    let exists = store::street_exists(&mut w.tx, street_id).await?;
    known(
        exists && w.scope.may_read(Kind::Street, Loc::street(street_id)),
        "street_id",
    )
}

/// Where a new unit goes: the community named (or the caller's), else the street named
/// (or the caller's).
pub async fn unit_loc(
    w: &mut Write,
    street_id: Option<i64>,
    community_id: Option<i64>,
) -> Result<Loc> {
    if community_id.is_some() || (street_id.is_none() && w.scope.community().is_some()) {
        let at = community_for_new(w, community_id).await?;
        known(street_id.is_none_or(|s| s == at.street_id), "community_id")?;
        return Ok(Loc::at(at));
    }
    let street_id = match (street_id, w.scope.reach) {
        (Some(s), _) | (None, Reach::Street(s)) => s,
        (None, _) => return Err(Error::required("street_id")),
    };
    street(w, street_id).await?;
    Ok(Loc::street(street_id))
}

/// A compound the caller sees, in `community` when given.
pub async fn compound(w: &mut Write, compound_id: i64, community: Option<i64>) -> Result<Place> {
    let found = store::find::<Compound>(&mut w.tx, compound_id).await?;
    let place = found.filter(|c| {
        let loc = store::Stored::loc(c);
        w.scope.may_read(Kind::Compound, loc) && community.is_none_or(|id| id == c.community_id)
    });
    place
        .map(|c| Place {
            street_id: c.street_id,
            community_id: c.community_id,
        })
        .ok_or_else(|| unknown("compound_id"))
}

/// A building the caller sees, in `community` when given: where it is.
pub async fn building(w: &mut Write, building_id: i64, community: Option<i64>) -> Result<Loc> {
    let loc = store::building_place(&mut w.tx, building_id)
        .await?
        .map(|b| {
            let at = Place {
                street_id: b.street_id,
                community_id: b.community_id,
            };
            Loc::at(at).in_grid(b.grid_id)
        });
    match loc {
        Some(l)
            if w.scope.may_read(Kind::Building, l)
                && community.is_none_or(|c| Some(c) == l.community_id) =>
        {
            Ok(l)
        }
        _ => Err(unknown("building_id")),
    }
}

/// A building's grid and head must belong to its community.
pub async fn building_refs(
    w: &mut Write,
    at: Place,
    grid_id: Option<i64>,
    head_resident_id: Option<i64>,
) -> Result<()> {
    if let Some(g) = grid_id {
        known(
            store::grid_place(&mut w.tx, g).await? == Some(at),
            "grid_id",
        )?;
    }
    if let Some(r) = head_resident_id {
        let head = store::resident_contact(&mut w.tx, r).await?;
        known(
            head.is_some_and(|c| c.community_id == at.community_id),
            "head_resident_id",
        )?;
    }
    Ok(())
}

/// Where a resident of this household lives: a household the caller sees.
pub async fn household(w: &mut Write, household_id: i64) -> Result<Loc> {
    let loc = store::household_place(&mut w.tx, household_id)
        .await?
        .map(|h| {
            let at = Place {
                street_id: h.street_id,
                community_id: h.community_id,
            };
            Loc::at(at).in_grid(h.grid_id)
        });
    match loc {
        Some(l) if w.scope.may_read(Kind::Household, l) => Ok(l),
        _ => Err(unknown("household_id")),
    }
}

/// Accounts a branch or team refers to: active, of its community or of its street
/// without a community (the people of units).
pub async fn users(w: &mut Write, field: &str, user_ids: &[i64], at: Place) -> Result<()> {
    let n = store::count_users_of(&mut w.tx, user_ids, at).await?;
    known(n == user_ids.len(), field)
}

/// One such account, when given.
pub async fn user(w: &mut Write, field: &str, user_id: Option<i64>, at: Place) -> Result<()> {
    match user_id {
        Some(u) => users(w, field, &[u], at).await,
        None => Ok(()),
    }
}

/// A grid's worker: a `grid_worker` account of the grid's community.
pub async fn worker(w: &mut Write, user_id: Option<i64>, at: Place) -> Result<()> {
    match user_id {
        Some(u) => known(
            store::is_grid_worker_of(&mut w.tx, u, at.community_id).await?,
            "worker_user_id",
        ),
        None => Ok(()),
    }
}

/// Ids that must all be rows of `table` in this community.
pub async fn in_community(
    w: &mut Write,
    field: &str,
    table: &'static str,
    ids: &[i64],
    at: Place,
) -> Result<()> {
    let n = store::count_in_community(&mut w.tx, table, ids, at.community_id).await?;
    known(n == ids.len(), field)
}

/// Where a resident is, as a place: every resident belongs to a community.
pub fn place_of(loc: Loc) -> Result<Place> {
    loc.community_id
        .map(|community_id| Place {
            street_id: loc.street_id,
            community_id,
        })
        .ok_or_else(|| Error::internal("a resident's place without a community"))
}
