//! The measures' one door: the API and the dashboard both ask here, so the role is gated
//! and the counts are read the same way for both.

use crate::auth::Actor;
use crate::clock::rfc3339;
use crate::error::{Error, Result};
use crate::state::AppState;

use super::model::{Dashboard, Measure, Measures, Period, Question, Week};
use super::model::{Filter, GroupBy, GroupRow};
use super::rates::{Counts, rates};
use super::rules::{self, TREND_WEEKS};
use super::store;

fn gate(actor: &Actor) -> Result<()> {
    if rules::may_read(actor.role) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

fn total(rows: &[GroupRow]) -> Counts {
    let mut t = Counts::default();
    for r in rows {
        t.add(&r.counts);
    }
    t
}

/// The rates of the demands received in the question's period, within the caller's
/// scope, overall and per group.
pub async fn measures(st: &AppState, actor: &Actor, q: Question) -> Result<Measures> {
    gate(actor)?;
    let now = st.clock.now();
    let Period { from, to } = q.period;
    let mut c = st.db.conn().await?;
    let rows = store::count(&mut c, actor, now, from, to, q.group_by, &q.filter).await?;
    let all = total(&rows);
    let groups = match q.group_by {
        None => Vec::new(),
        Some(g) => rows
            .into_iter()
            .map(|r| Measure {
                name: match g {
                    // Channels have no table: their names are in the catalogue.
                    GroupBy::Channel => r
                        .key
                        .as_deref()
                        .map(|k| crate::web::i18n::text(&format!("demand.channel.{k}"))),
                    _ => r.name,
                },
                key: r.key,
                rates: rates(&r.counts),
                counts: r.counts,
            })
            .collect(),
    };
    Ok(Measures {
        from: rfc3339(from),
        to: rfc3339(to),
        total: Measure {
            key: None,
            name: None,
            rates: rates(&all),
            counts: all,
        },
        groups,
    })
}

/// Everything the dashboard shows for `period`: the rates, twelve weeks of trend, open
/// and overdue work per grid, categories, channels, and communities side by side for
/// those above one.
pub async fn dashboard(st: &AppState, actor: &Actor, period: Period) -> Result<Dashboard> {
    gate(actor)?;
    let now = st.clock.now();
    let Period { from, to } = period;
    let none = Filter::default();
    let mut c = st.db.conn().await?;
    let all = store::count(&mut c, actor, now, from, to, None, &none).await?;
    let mut weeks = Vec::new();
    for w in period.weeks_back(TREND_WEEKS) {
        let rows = store::count(&mut c, actor, now, w.from, w.to, None, &none).await?;
        weeks.push(Week {
            period: w,
            counts: total(&rows),
        });
    }
    let grids = store::open_by_grid(&mut c, actor, now).await?;
    let categories =
        store::count(&mut c, actor, now, from, to, Some(GroupBy::Category), &none).await?;
    let channels =
        store::count(&mut c, actor, now, from, to, Some(GroupBy::Channel), &none).await?;
    let communities = if rules::sees_communities(actor.role) {
        store::count(
            &mut c,
            actor,
            now,
            from,
            to,
            Some(GroupBy::Community),
            &none,
        )
        .await?
    } else {
        Vec::new()
    };
    Ok(Dashboard {
        period,
        total: total(&all),
        weeks,
        grids,
        categories,
        channels,
        communities,
    })
}
