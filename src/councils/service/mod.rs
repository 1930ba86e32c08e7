//! The councils' only door: each step loads what it acts on in the caller's scope (out of
//! scope is 404, seen but not run is 403), applies the rules, and writes the change with
//! its audit row in one transaction.

pub mod choices;
pub mod councils;
pub mod follow;
pub mod meetings;
pub mod topics;
pub mod votes;

use crate::audit::{self, Entry};
use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::councils::model::records::Council;
use crate::councils::rules::access::{self, Place, Ties};
use crate::councils::store;
use crate::db::{Exec, Tx};
use crate::error::{Code, Error, Result};

/// How far ahead a council's schedule is kept as meetings.
pub const HORIZON_DAYS: i64 = 90;

fn place(c: &Council) -> Place {
    Place {
        street_id: c.street_id,
        community_id: c.community_id,
        grid_id: c.grid_id,
        chair_user_id: c.chair_user_id,
    }
}

async fn ties(ex: &mut impl Exec, actor: &Actor, c: &Council) -> Result<Ties> {
    let own_grid = match (actor.role, actor.resident_id) {
        (Role::Resident, Some(r)) if c.grid_id.is_some() => store::grid_of_resident(ex, r).await?,
        _ => None,
    };
    let member =
        store::is_member(ex, c.id, actor.user_id, actor.resident_id, actor.unit_id).await?;
    Ok(Ties { own_grid, member })
}

/// A council the caller sees (404 otherwise), and whether they run it.
pub async fn seen(ex: &mut impl Exec, actor: &Actor, id: i64) -> Result<(Council, bool, Ties)> {
    let c = store::find(ex, id).await?.ok_or_else(Error::not_found)?;
    let t = ties(ex, actor, &c).await?;
    if !access::sees(actor, place(&c), t) {
        return Err(Error::not_found());
    }
    let runs = access::runs(actor, place(&c));
    Ok((c, runs, t))
}

/// A council the caller runs: 404 when they do not see it, 403 when they only see it.
pub async fn run(ex: &mut impl Exec, actor: &Actor, id: i64) -> Result<Council> {
    let (c, runs, _) = seen(ex, actor, id).await?;
    if !runs {
        return Err(Error::forbidden());
    }
    Ok(c)
}

/// A step not possible in the state something is in (`council_state`), naming both.
pub fn not_now(status_key: String, step_key: &str) -> Error {
    Error::new(Code::CouncilState)
        .with_key("status", status_key)
        .with_key("step", step_key.to_string())
}

/// Writes one audit row about a council's object, committed with the change.
pub async fn audited(
    tx: &mut Tx,
    actor: &Actor,
    now: Millis,
    (kind, id): (&str, i64),
    c: &Council,
    action: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let detail = detail.to_string();
    audit::record(
        tx,
        Entry {
            at: now,
            user_id: actor.user_id,
            action,
            object_kind: kind,
            object_id: id,
            detail: &detail,
            place: Some(crate::roster::store::Place {
                street_id: c.street_id,
                community_id: c.community_id,
            }),
        },
    )
    .await?;
    Ok(())
}
