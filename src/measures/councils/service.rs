//! The council measures' one door, for the API and the dashboard alike: the role gated as
//! for every measure, the counts read in the caller's scope, and the records behind each
//! figure read with the same filters.

use std::collections::BTreeMap;

use crate::auth::Actor;
use crate::clock::{Millis, rfc3339};
use crate::councils::model::FollowStatus;
use crate::db::Exec;
use crate::error::{Error, Result};
use crate::measures::model::Period;
use crate::state::AppState;

use super::rules::{self, day_in_china};
use super::store;
use super::{
    CampaignFigures, CouncilCounts, CouncilFilter, CouncilGroupBy, CouncilMeasure, CouncilMeasures,
    CouncilRecords, Counted,
};

fn gate(actor: &Actor) -> Result<()> {
    if crate::measures::rules::may_read(actor.role) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// The first and last China days of a period, as items' due days are written.
fn days(p: Period) -> (String, String) {
    let d = |t: Millis| day_in_china(t).map(|d| d.to_string()).unwrap_or_default();
    (d(p.from), d(Millis(p.to.0 - 1)))
}

/// The counts per group key (one group with a null key when not grouped).
pub async fn counts(
    ex: &mut impl Exec,
    actor: &Actor,
    now: Millis,
    p: Period,
    g: Option<CouncilGroupBy>,
    f: &CouncilFilter,
) -> Result<BTreeMap<Option<i64>, CouncilCounts>> {
    let span = (p.from, p.to);
    let mut out: BTreeMap<Option<i64>, CouncilCounts> = BTreeMap::new();
    for (k, n, members, present) in store::meetings(ex, actor, span, g, f).await? {
        let c = out.entry(k).or_default();
        c.meetings_held += n;
        c.members_expected += members;
        c.members_present += present;
    }
    for (k, n) in store::topics_raised(ex, actor, span, g, f).await? {
        out.entry(k).or_default().topics_raised += n;
    }
    for (k, n, decided) in store::outcomes(ex, actor, span, g, f).await? {
        let c = out.entry(k).or_default();
        c.topics_discussed += n;
        c.topics_decided += decided;
    }
    let (first, last) = days(p);
    let today = day_in_china(now).ok_or_else(|| Error::internal("no day"))?;
    for i in store::items_due(ex, actor, (&first, &last), g, f).await? {
        let Some(n) = judge(&i.due_on, &i.status, i.done_at, today) else {
            continue;
        };
        let c = out.entry(i.k).or_default();
        c.items_due += i64::from(n.due);
        c.items_on_time += i64::from(n.on_time);
        c.items_overdue += i64::from(n.overdue);
    }
    // Nothing at all counted: still one (empty) total.
    if g.is_none() {
        out.entry(None).or_default();
    } else {
        out.retain(|_, c| *c != CouncilCounts::default());
    }
    Ok(out)
}

fn judge(
    due_on: &str,
    status: &str,
    done_at: Option<Millis>,
    today: jiff::civil::Date,
) -> Option<rules::ItemCount> {
    let due = due_on.parse().ok()?;
    let status = FollowStatus::parse(status)?;
    Some(rules::item(
        due,
        status,
        done_at.and_then(day_in_china),
        today,
    ))
}

/// The council measures of the period in the caller's scope, overall and per group.
pub async fn measures(
    st: &AppState,
    actor: &Actor,
    p: Period,
    g: Option<CouncilGroupBy>,
    f: &CouncilFilter,
) -> Result<CouncilMeasures> {
    gate(actor)?;
    let now = st.clock.now();
    let mut c = st.db.conn().await?;
    let rows = counts(&mut c, actor, now, p, g, f).await?;
    let mut total = CouncilCounts::default();
    for r in rows.values() {
        total.add(r);
    }
    let groups = match g {
        None => Vec::new(),
        Some(g) => {
            let keys: Vec<i64> = rows.keys().flatten().copied().collect();
            let names: BTreeMap<i64, String> =
                store::names(&mut c, g, &keys).await?.into_iter().collect();
            rows.into_iter()
                .map(|(key, counts)| CouncilMeasure {
                    key,
                    name: key.and_then(|k| names.get(&k).cloned()),
                    rates: rules::rates(&counts),
                    counts,
                })
                .collect()
        }
    };
    Ok(CouncilMeasures {
        from: rfc3339(p.from),
        to: rfc3339(p.to),
        total: CouncilMeasure {
            key: None,
            name: None,
            rates: rules::rates(&total),
            counts: total,
        },
        groups,
        campaigns: campaign_figures(st, actor, p, f).await?,
    })
}

/// Consent campaigns run and reached in the period. The place for the campaigns'
/// figures (issue 15 items 5 and 7): `None` until the consent campaigns provide them.
pub async fn campaign_figures(
    _st: &AppState,
    _actor: &Actor,
    _p: Period,
    _f: &CouncilFilter,
) -> Result<Option<CampaignFigures>> {
    Ok(None)
}

/// The records a figure counts, in the caller's scope, with the same period and filters.
pub async fn records(
    st: &AppState,
    actor: &Actor,
    p: Period,
    counted: Counted,
    f: &CouncilFilter,
) -> Result<CouncilRecords> {
    gate(actor)?;
    let now = st.clock.now();
    let mut c = st.db.conn().await?;
    let span = (p.from, p.to);
    let mut out = CouncilRecords {
        from: rfc3339(p.from),
        to: rfc3339(p.to),
        ..Default::default()
    };
    match counted {
        Counted::MeetingsHeld => {
            out.meetings = store::meetings_held(&mut c, actor, span, f).await?
        }
        Counted::TopicsRaised => out.topics = store::topics(&mut c, actor, span, f).await?,
        Counted::TopicsDiscussed | Counted::TopicsDecided => {
            let decided = counted == Counted::TopicsDecided;
            out.decisions = store::decisions(&mut c, actor, span, decided, f).await?;
        }
        Counted::ItemsDue | Counted::ItemsOnTime | Counted::ItemsOverdue => {
            let (first, last) = days(p);
            let today = day_in_china(now).ok_or_else(|| Error::internal("no day"))?;
            let mut items = store::items(&mut c, actor, (&first, &last), f).await?;
            items.retain_mut(|i| {
                let Some(n) = judge(&i.due_on, i.status.as_str(), i.done_at, today) else {
                    return false;
                };
                i.overdue = n.overdue;
                match counted {
                    Counted::ItemsDue => n.due,
                    Counted::ItemsOnTime => n.on_time,
                    _ => n.overdue,
                }
            });
            out.items = items;
        }
    }
    Ok(out)
}
