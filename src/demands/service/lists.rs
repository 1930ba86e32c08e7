//! The doors of what is read many at a time: a page of the list, the export of the same
//! rows, the overdue summary, the workbench's counts and reminders. All within the
//! caller's scope, every phone masked. The filters as sent are parsed once, here, for every
//! door that lists (the API, the pages, the export, the benchmark).

use crate::auth::Actor;
use crate::demands::export::{Export, Format};
use crate::demands::model::{
    DemandPage, ListQuery, OverdueSummary, REMINDERS, Reminder, Reminders, Status, WorkCounts,
};
use crate::demands::rules::audience::Audience;
use crate::demands::store::lists::{self, Reminded};
use crate::error::Result;
use crate::state::AppState;
use crate::web::i18n::Lang;

use super::shape;

/// One page of the demands the actor can see, filtered, newest first.
pub async fn list(st: &AppState, actor: &Actor, q: &ListQuery) -> Result<DemandPage> {
    let f = q.parse()?;
    let now = st.clock.now();
    let mut c = st.db.conn().await?;
    let mut rows = lists::page(&mut c, actor, &f, now).await?;
    let next_cursor = if rows.len() as i64 > f.limit {
        rows.truncate(f.limit as usize);
        rows.last().map(|r| r.d.id)
    } else {
        None
    };
    let aud = Audience::of(actor.role);
    Ok(DemandPage {
        items: rows
            .into_iter()
            .map(|r| shape::masked(&r.d, r.assignee_name, now, aud))
            .collect(),
        next_cursor,
    })
}

/// How many demands the list's filters select: its total, beside its pages.
pub async fn total(st: &AppState, actor: &Actor, q: &ListQuery) -> Result<i64> {
    let f = q.parse()?;
    let mut c = st.db.conn().await?;
    Ok(lists::count(&mut c, actor, &f, st.clock.now()).await?)
}

/// Every demand of the list's filters as a file, ready to be written (staff only: the
/// list's page is for everyone who works on demands, its files for the office).
pub async fn export(
    st: &AppState,
    actor: &Actor,
    q: &ListQuery,
    format: Format,
    lang: Lang,
) -> Result<Export> {
    let export = Export::prepare(st, actor, q, format, lang)?;
    // Who took which demands away, before a row is read: phones go masked, but names
    // and addresses go whole.
    // The words searched may be a phone: the log says some were given, not which.
    let said = ListQuery {
        q: q.q.as_ref().map(|_| "(given)".to_string()),
        ..q.unpaged()
    };
    let detail = format!(
        "format={}; role={}; {said:?}",
        format.extension(),
        actor.role.as_str(),
    );
    let entry = crate::audit::Entry {
        at: st.clock.now(),
        user_id: actor.user_id,
        action: "export",
        object_kind: "demand",
        object_id: 0,
        detail: &detail,
        place: None,
    };
    let mut tx = st.db.begin().await?;
    crate::audit::record_in(&mut tx, entry, actor.street_id, actor.community_id).await?;
    tx.commit().await?;
    Ok(export)
}

/// Overdue work per grid, within the caller's scope (of one community, if given).
pub async fn overdue_summary(
    st: &AppState,
    actor: &Actor,
    community_id: Option<i64>,
) -> Result<OverdueSummary> {
    let mut c = st.db.conn().await?;
    let grids = lists::overdue_by_grid(&mut c, actor, community_id, st.clock.now()).await?;
    Ok(OverdueSummary {
        accept_overdue: grids.iter().map(|g| g.accept_overdue).sum(),
        feedback_overdue: grids.iter().map(|g| g.feedback_overdue).sum(),
        grids,
    })
}

/// Open work in the caller's scope, by where it stands.
pub async fn counts(st: &AppState, actor: &Actor) -> Result<WorkCounts> {
    let mut c = st.db.conn().await?;
    let by_status = lists::open_by_status(&mut c, actor).await?;
    let count = |s: Status| {
        by_status
            .iter()
            .find(|(x, _)| x == s.as_str())
            .map_or(0, |r| r.1)
    };
    let now = st.clock.now();
    let today = ListQuery {
        due_today: Some(true),
        ..Default::default()
    }
    .parse()?;
    Ok(WorkCounts {
        to_accept: count(Status::Submitted),
        to_dispatch: count(Status::Accepted),
        overdue: lists::overdue_count(&mut c, actor, now).await?,
        in_hand: count(Status::Dispatched) + count(Status::InProgress),
        to_feed_back: count(Status::Resolved),
        to_rate: count(Status::FeedbackGiven),
        due_today: lists::count(&mut c, actor, &today, now).await?,
    })
}

/// What waits for the caller (see [`Reminders`]): the portal's first screen shows a
/// resident what to rate; the workbench shows staff what the background job reminded about.
pub async fn reminders(st: &AppState, actor: &Actor) -> Result<Reminders> {
    let aud = Audience::of(actor.role);
    let which = match aud {
        Audience::Household => Reminded::ToRate,
        Audience::Worker => Reminded::FlaggedOrders,
        Audience::Staff => Reminded::Flagged,
    };
    let now = st.clock.now();
    let mut c = st.db.conn().await?;
    let rows = lists::reminders(&mut c, actor, which, REMINDERS).await?;
    Ok(Reminders {
        items: rows
            .into_iter()
            .map(|r| Reminder {
                kind: r.kind(),
                demand: shape::masked(&r.d, r.assignee_name.clone(), now, aud),
            })
            .collect(),
    })
}
