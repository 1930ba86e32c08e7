//! Carrying out what people ask of a demand, in one transaction each: load it in the
//! caller's scope, let the rules decide, write the change and its timeline event.
//!
//! Handlers, the demo replay and the background jobs all come through here.

mod act;
pub mod intake;
mod targets;

use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{Exec, Q};
use crate::error::Result;

use super::rules::{Facts, Policy, Relation, SummonState};
use super::store::DemandRow;

pub use act::{Command, act};
pub use intake::{NewDemand, intake};
pub use targets::{SummonTarget, Target};

impl crate::state::AppState {
    /// The windows of the demand lifecycle, from the settings.
    pub fn policy(&self) -> Policy {
        Policy {
            rating_window: self.settings.rating_window_days * crate::clock::DAY,
            reopen_window: self.settings.reopen_window_days * crate::clock::DAY,
        }
    }
}

/// Who acts, and when.
#[derive(Clone, Copy, Debug)]
pub struct Ctx<'a> {
    pub actor: &'a Actor,
    pub now: Millis,
    pub policy: Policy,
}

/// What the rules need to know about a demand, and how the caller stands to it.
pub async fn facts_and_relation(
    ex: &mut impl Exec,
    actor: &Actor,
    d: &DemandRow,
) -> Result<(Facts, Relation)> {
    let pending = Q::new(
        "SELECT COUNT(*) FROM demand_summons WHERE community_id = $1 AND demand_id = $2 \
         AND reported_back_at IS NULL",
    )
    .bind(d.community_id)
    .bind(d.id)
    .fetch_one::<(i64,)>(ex)
    .await?
    .0;
    let facts = Facts {
        status: Some(d.status()),
        level: Some(d.level()),
        has_assignee: d.assignee_kind.is_some(),
        summons_pending: pending as usize,
        feedback_at: d.feedback_at,
        closed_at: d.closed_at,
    };
    let summons = own_summons(ex, actor, d).await?.map(|s| s.state());
    let rel = Relation {
        own_grid: d.grid_id.is_some_and(|g| actor.grid_ids.contains(&g)),
        assignee: is_assignee(actor, d),
        summons,
        reporter: actor.role == crate::auth::Role::Resident,
        system: actor.is_system(),
    };
    Ok((facts, rel))
}

/// The caller holds the order: it was dispatched to them, a team they are in, or their unit.
pub fn is_assignee(a: &Actor, d: &DemandRow) -> bool {
    match (d.assignee_kind.as_deref(), d.assignee_id) {
        (Some("user"), Some(id)) => id == a.user_id,
        (Some("team"), Some(id)) => a.team_ids.contains(&id),
        (Some("unit"), Some(id)) => a.unit_id == Some(id),
        _ => false,
    }
}

/// The caller's own summons on a demand (as a person, or through their unit).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OwnSummons {
    pub id: i64,
    pub reported_in_at: Option<Millis>,
    pub reported_back_at: Option<Millis>,
}

impl OwnSummons {
    pub fn state(&self) -> SummonState {
        match (self.reported_in_at, self.reported_back_at) {
            (_, Some(_)) => SummonState::ReportedBack,
            (Some(_), None) => SummonState::ReportedIn,
            _ => SummonState::Waiting,
        }
    }
}

pub async fn own_summons(
    ex: &mut impl Exec,
    a: &Actor,
    d: &DemandRow,
) -> Result<Option<OwnSummons>> {
    // The one furthest from done first: a person summoned twice reports on the open one.
    Ok(Q::new(
        "SELECT id, reported_in_at, reported_back_at FROM demand_summons \
         WHERE community_id = $4 AND demand_id = $1 AND ((target_kind = 'user' AND target_id = $2) \
         OR (target_kind = 'unit' AND target_id = $3)) \
         ORDER BY reported_back_at IS NOT NULL, reported_in_at IS NOT NULL, id LIMIT 1",
    )
    .bind(d.id)
    .bind(a.user_id)
    .bind(a.unit_id.unwrap_or(-1))
    .bind(d.community_id)
    .fetch_optional(ex)
    .await?)
}
