//! Two months of demands, replayed through the real demand service: every step is taken by
//! its account at its backdated moment, so timelines, deadlines, levels, summons and ratings
//! are what the service would have written had it all happened live.

use std::collections::HashMap;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::auth::Actor;
use crate::auth::store as users;
use crate::clock::{MINUTE, Millis};
use crate::db::Tx;
use crate::demands::model::Command;
use crate::demands::rules::Policy;
use crate::demands::service::{self, Ctx};

use super::accounts::Accounts;
use super::reports;
use super::script::{Op, Script, Who, World};

const HISTORY_SEED: u64 = 60;

/// Writes about `count` demands; returns how many there are.
pub async fn write(
    tx: &mut Tx,
    w: &World<'_>,
    policy: Policy,
    count: usize,
) -> Result<usize, String> {
    let mut rng = StdRng::seed_from_u64(HISTORY_SEED);
    let scripts = reports::scripts(w, &mut rng, count);
    let actors = actors(tx, w.accounts).await?;
    replay(tx, &scripts, &actors, policy, w.now - MINUTE).await
}

/// Every account as the service sees it.
async fn actors(tx: &mut Tx, a: &Accounts) -> Result<HashMap<&'static str, Actor>, String> {
    let mut out = HashMap::new();
    for (name, id) in &a.users {
        let u = users::find(tx, *id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("demo account {name} is missing"))?;
        out.insert(
            *name,
            users::actor_of(tx, u).await.map_err(|e| e.to_string())?,
        );
    }
    Ok(out)
}

/// Takes every step up to `until` in the order they happened, across all demands.
async fn replay(
    tx: &mut Tx,
    scripts: &[Script],
    actors: &HashMap<&'static str, Actor>,
    policy: Policy,
    until: Millis,
) -> Result<usize, String> {
    let mut order: Vec<(Millis, usize, usize)> = scripts
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.steps.iter().enumerate().map(move |(j, st)| (st.at, i, j)))
        .filter(|(at, _, _)| *at <= until)
        .collect();
    order.sort_unstable();
    let system = Actor::system();
    let mut ids: Vec<Option<i64>> = vec![None; scripts.len()];
    for (at, i, j) in order {
        let step = &scripts[i].steps[j];
        let actor = match step.who {
            Who::User(u) => actors
                .get(u)
                .ok_or_else(|| format!("demo history: no account {u}"))?,
            Who::System => &system,
        };
        let ctx = Ctx {
            actor,
            now: at,
            policy,
        };
        let fail = |e: crate::error::Error| {
            format!(
                "demo history: demand {i}, step {j} by {:?}: {} ({})",
                step.who,
                e.code,
                crate::web::error::message(&e)
            )
        };
        let id = ids[i];
        let missing = || format!("demo history: demand {i} acted on before its intake");
        match &step.op {
            Op::Intake(n) => {
                let row = service::intake::intake(tx, &ctx, n.clone())
                    .await
                    .map_err(fail)?;
                ids[i] = Some(row.id);
            }
            Op::Act(cmd) => {
                let id = id.ok_or_else(missing)?;
                service::act_in(tx, &ctx, id, cmd.clone())
                    .await
                    .map_err(fail)?;
            }
            Op::MergeInto(p) => {
                let id = id.ok_or_else(missing)?;
                let into = ids[*p].ok_or_else(missing)?;
                let cmd = Command::Merge {
                    into,
                    note: Some("同一问题已有居民反映，合并办理。".into()),
                };
                service::act_in(tx, &ctx, id, cmd).await.map_err(fail)?;
            }
        }
    }
    Ok(ids.iter().flatten().count())
}
