//! The history of one roster object, read back from the audit log: who created, changed
//! or deleted it, when, and which fields changed. It is for the office of the object's
//! community (its street, admin) and for a grid worker the history of their own
//! residents. An object that is gone is placed where the log last saw it.

use serde::Deserialize;

use crate::audit::{self, Recorded};
use crate::auth::Actor;
use crate::db::Exec;
use crate::error::Result;
use crate::roster::model::{
    Building, ChangeAction, Community, Compound, FieldChange, Grid, HistoryEntry, Household, Page,
    Paging, PartyBranch, ResidentRow, Street, Team, Unit,
};
use crate::roster::scope::{Kind, Loc};
use crate::roster::store::{self, Stored};
use crate::state::AppState;

/// The changes of one object, oldest first, a keyset page at a time.
pub async fn history(
    st: &AppState,
    actor: &Actor,
    kind: Kind,
    id: i64,
    paging: Paging,
) -> Result<Page<HistoryEntry>> {
    let mut conn = st.db.conn().await?;
    let scope = super::scope_in(&mut conn, actor).await?;
    let loc = locate(&mut conn, kind, id).await?;
    scope.check_history(kind, loc)?;
    let actions = ChangeAction::ALL.map(ChangeAction::as_str);
    let limit = paging.limit + 1;
    let rows =
        audit::of_object(&mut conn, kind.as_str(), id, &actions, paging.after, limit).await?;
    Ok(paging.page(rows, |r| r.id).map(|r| entry(kind, r)))
}

/// Where the object is, or was when the log last saw it.
async fn locate(ex: &mut impl Exec, kind: Kind, id: i64) -> Result<Option<Loc>> {
    let now = match kind {
        Kind::Street => loc_of::<Street>(ex, id).await?,
        Kind::Community => loc_of::<Community>(ex, id).await?,
        Kind::Compound => loc_of::<Compound>(ex, id).await?,
        Kind::Building => loc_of::<Building>(ex, id).await?,
        Kind::Household => loc_of::<Household>(ex, id).await?,
        Kind::Resident => loc_of::<ResidentRow>(ex, id).await?,
        Kind::Grid => loc_of::<Grid>(ex, id).await?,
        Kind::Branch => loc_of::<PartyBranch>(ex, id).await?,
        Kind::Unit => loc_of::<Unit>(ex, id).await?,
        Kind::Team => loc_of::<Team>(ex, id).await?,
    };
    if now.is_some() {
        return Ok(now);
    }
    let was = audit::last_place(ex, kind.as_str(), id).await?;
    Ok(was.and_then(|(street, community)| {
        street.map(|street_id| Loc {
            street_id,
            community_id: community,
            grid_id: None,
        })
    }))
}

async fn loc_of<T: Stored>(ex: &mut impl Exec, id: i64) -> Result<Option<Loc>> {
    Ok(store::find::<T>(ex, id).await?.map(|t| t.loc()))
}

/// The part of an audit row's detail the history shows.
#[derive(Deserialize)]
struct Detail {
    #[serde(default)]
    changes: Vec<FieldChange>,
}

fn entry(kind: Kind, r: Recorded) -> HistoryEntry {
    let changes = serde_json::from_str::<Detail>(&r.detail)
        .map(|d| d.changes)
        .unwrap_or_default();
    HistoryEntry {
        id: r.id,
        at: r.at,
        user_id: r.user_id,
        user_name: r.user_name,
        action: ChangeAction::parse(&r.action).unwrap_or(ChangeAction::Update),
        object_kind: kind,
        object_id: r.object_id,
        street_id: r.street_id,
        community_id: r.community_id,
        changes,
    }
}
