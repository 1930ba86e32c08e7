//! The demand loop's only door. The API and the pages both call these functions and
//! nothing below them; each takes the state, the caller and a domain input, checks scope,
//! lets the rules decide, writes in one transaction (with its timeline entry or audit row)
//! and gives back a domain value shaped for the caller (`rules::audience`), or an `Error`.
//!
//! | door | what |
//! |---|---|
//! | [`intake()`] | a new demand (through the writer, batched) |
//! | [`act()`] | every lifecycle step after intake |
//! | [`detail`] | a demand with its story and the caller's next steps (whole views audited) |
//! | [`list`], [`export`], [`overdue_summary`], [`counts`], [`reminders`] | many at a time |
//! | [`attach`], [`file`] | photos and documents |
//! | [`categories`], [`put_category`], [`choices`], [`find_residents`] | what forms choose from |
//!
//! The background jobs and the demo replay take steps inside their own transactions with
//! [`act_in`] (and the replay records with [`intake::intake`]).

mod act;
mod catalog;
mod detail;
mod files;
pub mod intake;
mod lists;
mod shape;
mod step;
mod targets;

use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{Exec, Q};
use crate::error::Result;

use super::rules::{Facts, Policy, Relation, SummonState};
use super::store::DemandRow;

pub use act::act_in;
pub use catalog::{categories, choices, find_residents, put_category};
pub use detail::detail;
pub use files::{attach, file};
pub use intake::NewDemand;
pub use lists::{counts, export, list, overdue_summary, reminders, total};
pub use step::{Recorded, act, intake};

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
