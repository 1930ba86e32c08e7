//! The demo community that `linli demo` serves and every integration test starts from:
//! 裕城社区 of 友谊街道, 桥西区, 石家庄市 (seed 002) — nine compounds, twelve grids, three
//! party branches, the community office, units, teams, households and residents — and the
//! small 东里社区 next door, so one community's staff can be shown not to see the other's.
//!
//! Everything is generated from fixed seeds: every run gives the same names and ids. It is
//! written in one transaction, so a failure leaves nothing behind. [`Size::Full`] adds two
//! months of demands, replayed through the demand service with backdated clocks.

mod accounts;
mod audit;
pub mod city;
mod city_people;
mod families;
mod history;
mod layout;
mod lifecycle;
pub(crate) mod names;
mod plan;
mod reports;
mod roster;
mod script;
pub(crate) mod stories;
#[cfg(test)]
mod tests;

use crate::auth::password::{self, DEMO_PASSWORD};
use crate::clock::{DAY, Millis};
use crate::db::Q;
use crate::demands::rules::Policy;
use crate::state::AppState;

/// How much of the community to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Seed 002's Yucheng: 60 buildings, 4,060 households, about 10,000 residents, and
    /// about 300 demands of the last two months.
    Full,
    /// For tests: the same compounds, grids and accounts, but one building per grid, two
    /// households per building, and no demands. Seeds in well under a second.
    Small,
}

/// What was created.
#[derive(Clone, Debug)]
pub struct Summary {
    /// "友谊街道 裕城社区".
    pub community: String,
    /// Residents of Yucheng.
    pub residents: usize,
    pub demands: usize,
    /// Households of Yucheng.
    pub households: usize,
    pub buildings: usize,
}

/// The demo accounts (password `linli-demo`) and what each is, for the README and the
/// banner of `linli demo`.
pub const LOGINS: &[(&str, &str)] = &[
    (
        "admin",
        "administrator: categories, deadlines, grids, accounts",
    ),
    (
        "street",
        "Youyi Street office: supervises its communities, takes escalated matters",
    ),
    (
        "secretary",
        "Party secretary of Yucheng community (Wang Lixia)",
    ),
    ("staff", "social worker of Yucheng (also staff02 … staff07)"),
    (
        "grid01 … grid12",
        "grid workers, one per grid (grid01: Li Jiazheng)",
    ),
    (
        "volunteer",
        "volunteer of the red detachment (Big sister Gao)",
    ),
    (
        "louzhang",
        "building head of Building 1, party member (Master Du)",
    ),
    ("resident", "Aunt Pan, 81, living alone in grid 1"),
    ("resident2", "Master Zhang, a resident of grid 2"),
    ("property", "Yucheng property management company"),
    ("gas", "Shijiazhuang Xin'ao gas company"),
    ("water", "Shijiazhuang water company"),
    ("power", "State Grid Qiaoxi power supply branch"),
    ("police", "Youyi police station"),
    ("owners", "owners' committee of Yucheng compound"),
    (
        "dongli",
        "social worker of the neighbouring Dongli community",
    ),
];

/// About how many demands the full demo has.
const DEMANDS: usize = 290;

fn db(e: crate::db::DbError) -> String {
    e.to_string()
}

/// A resident who died last month, anonymised at the family's request by the office (as
/// `rights::service::anonymise` does it, audited): the demo shows what is left of one.
async fn anonymise_one(state: &AppState) -> Result<(), String> {
    let mut c = state.db.conn().await.map_err(db)?;
    let staff = crate::auth::store::find_by_username(&mut c, "staff")
        .await
        .map_err(db)?
        .ok_or("the demo has no staff account")?;
    let actor = crate::auth::store::actor_of(&mut c, staff)
        .await
        .map_err(db)?;
    // The oldest resident without a sign-in and without a demand of their own.
    let (id,) = Q::new(
        "SELECT id FROM residents WHERE id NOT IN (SELECT resident_id FROM users \
         WHERE resident_id IS NOT NULL) AND id NOT IN (SELECT resident_id FROM demands \
         WHERE resident_id IS NOT NULL) AND birth_date IS NOT NULL \
         ORDER BY birth_date, id LIMIT 1",
    )
    .fetch_one::<(i64,)>(&mut c)
    .await
    .map_err(db)?;
    drop(c);
    let reason = crate::web::i18n::text_in(crate::web::i18n::Lang::Zh, "rights.demo_reason");
    crate::rights::service::anonymise(state, &actor, id, &reason)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(())
}

/// Creates the demo community in an empty, migrated database.
pub async fn seed(state: &AppState, size: Size) -> Result<Summary, String> {
    let demands = match size {
        Size::Full => DEMANDS,
        Size::Small => 0,
    };
    seed_with(state, size, demands).await
}

/// The roster of `size` with about `demands` demands of history.
async fn seed_with(state: &AppState, size: Size, demands: usize) -> Result<Summary, String> {
    let now = state.clock.now();
    let year = jiff::Timestamp::from_millisecond(now.0)
        .map_err(|e| e.to_string())?
        .to_zoned_datetime(crate::clock::china())
        .year();
    let plan = plan::plan(&size, year)?;
    // One hash for every demo account: Argon2 is slow on purpose.
    let hash = tokio::task::spawn_blocking(|| password::hash(DEMO_PASSWORD))
        .await
        .map_err(|e| e.to_string())??;

    let mut tx = state.db.begin().await.map_err(db)?;
    let streets = Q::new("SELECT COUNT(*) FROM streets")
        .fetch_one::<(i64,)>(&mut tx)
        .await
        .map_err(db)?
        .0;
    if streets > 0 {
        return Err("the database already holds communities; the demo needs an empty one (on PostgreSQL, `linli demo --reset` empties it)".into());
    }
    // The roster existed before the two months of history.
    let founded: Millis = now - 90 * DAY;
    let r = roster::write(&mut tx, &plan, founded).await?;
    let a = accounts::write(&mut tx, &plan, &r, &hash, founded).await?;
    let demands = match demands {
        0 => 0,
        count => {
            let s = &state.settings;
            let policy = Policy {
                rating_window: s.rating_window_days * DAY,
                reopen_window: s.reopen_window_days * DAY,
            };
            let w = script::World {
                plan: &plan,
                roster: &r,
                accounts: &a,
                now,
                rating_window: policy.rating_window,
            };
            history::write(&mut tx, &w, policy, count).await?
        }
    };
    if size == Size::Full {
        audit::write(&mut tx, &r, &a, now).await?;
    }
    tx.commit().await.map_err(db)?;
    if size == Size::Full {
        anonymise_one(state).await?;
    }
    Ok(Summary {
        community: format!("{} {}", roster::STREET, roster::YUCHENG),
        residents: plan.households.iter().map(|h| h.people.len()).sum(),
        demands,
        households: plan.households.len(),
        buildings: plan.buildings.len(),
    })
}
