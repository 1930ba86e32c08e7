//! Follow-through (accountability): each decision becomes items with an owner, a due day,
//! progress and dated milestones, until done. A parent's progress is derived from its
//! children's; overdue items are flagged by the China day.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::Actor;
use crate::councils::model::inputs::{ItemInput, ProgressInput};
use crate::councils::model::records::{Council, Decision, FollowItem, Milestone};
use crate::councils::model::{FollowStatus, OutcomeKind, Progress};
use crate::councils::rules::follow;
use crate::councils::store::decisions;
use crate::db::Exec;
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::{audited, run, seen};

/// A decision with its follow-through, each item's progress as shown (derived for a
/// parent) and its milestones.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FollowThrough {
    pub decision: Decision,
    pub items: Vec<ItemView>,
    /// The decision's progress: the mean of its top-level items (none without items).
    pub progress: Option<i64>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ItemView {
    #[serde(flatten)]
    pub item: FollowItem,
    pub milestones: Vec<Milestone>,
}

async fn decision_seen(
    ex: &mut impl Exec,
    actor: &Actor,
    id: i64,
) -> Result<(Decision, Council, bool)> {
    let d = decisions::find(ex, id)
        .await?
        .ok_or_else(Error::not_found)?;
    let (c, runs, _) = seen(ex, actor, d.council_id).await?;
    if !runs && d.published_at.is_none() {
        return Err(Error::not_found());
    }
    Ok((d, c, runs))
}

pub async fn of_decision(st: &AppState, actor: &Actor, id: i64) -> Result<FollowThrough> {
    let mut conn = st.db.conn().await?;
    let (d, _, _) = decision_seen(&mut conn, actor, id).await?;
    build(&mut conn, d, st.clock.now()).await
}

async fn build(
    ex: &mut impl Exec,
    d: Decision,
    now: crate::clock::Millis,
) -> Result<FollowThrough> {
    let items = decisions::items_of(ex, d.id).await?;
    let rules: Vec<follow::Item> = items
        .iter()
        .map(|i| follow::Item {
            id: i.id,
            parent: i.parent_id,
            progress: Progress::new(i.progress).unwrap_or(Progress::NONE),
            status: i.status,
        })
        .collect();
    let shown = follow::rollup(&rules);
    let mut out = Vec::with_capacity(items.len());
    for mut item in items {
        if let Some(p) = shown.get(&item.id) {
            item.progress = i64::from(p.percent());
        }
        item.overdue = item
            .due_on
            .parse()
            .is_ok_and(|due| follow::overdue(due, item.status, now));
        let milestones = decisions::milestones(ex, item.id).await?;
        out.push(ItemView { item, milestones });
    }
    let top: Vec<Progress> = out
        .iter()
        .filter(|i| i.item.parent_id.is_none() && i.item.status != FollowStatus::Cancelled)
        .filter_map(|i| Progress::new(i.item.progress).ok())
        .collect();
    Ok(FollowThrough {
        decision: d,
        progress: follow::derived(&top).map(|p| i64::from(p.percent())),
        items: out,
    })
}

/// Adds an item (or a child of one) to a decision that was made.
pub async fn add_item(
    st: &AppState,
    actor: &Actor,
    decision_id: i64,
    i: ItemInput,
) -> Result<FollowThrough> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let d = decisions::find(&mut tx, decision_id)
        .await?
        .ok_or_else(Error::not_found)?;
    let c = run(&mut tx, actor, d.council_id).await?;
    if d.outcome != OutcomeKind::Decided {
        return Err(super::not_now(
            crate::councils::model::Labelled::key(d.outcome),
            "councils.step.follow",
        ));
    }
    if let Some(p) = i.parent_id {
        let parent = decisions::find_item(&mut tx, p).await?;
        if parent.is_none_or(|x| x.decision_id != d.id) {
            return Err(Error::invalid("parent_id", Code::UnknownReference));
        }
    }
    if let Some(u) = i.owner_user_id {
        super::councils::user_in(&mut tx, "owner_user_id", u, c.street_id).await?;
    }
    if let Some(u) = i.owner_unit_id {
        let found: Option<(i64,)> =
            crate::db::Q::new("SELECT id FROM units WHERE id = $1 AND street_id = $2")
                .bind(u)
                .bind(c.street_id)
                .fetch_optional(&mut tx)
                .await?;
        if found.is_none() {
            return Err(Error::invalid("owner_unit_id", Code::UnknownReference));
        }
    }
    let due = i.due_on.to_string();
    let id = decisions::insert_item(
        &mut tx,
        &decisions::NewItem {
            decision_id: d.id,
            parent_id: i.parent_id,
            street_id: c.street_id,
            community_id: c.community_id,
            title: &i.title,
            owner_user_id: i.owner_user_id,
            owner_unit_id: i.owner_unit_id,
            due_on: &due,
        },
        now,
    )
    .await?;
    audited(
        &mut tx,
        actor,
        now,
        ("follow_item", id),
        &c,
        "create",
        json!({"decision_id": d.id}),
    )
    .await?;
    let out = build(&mut tx, d, now).await?;
    tx.commit().await?;
    Ok(out)
}

/// Reports progress on an item: a dated milestone, and its status from the progress (done
/// at 100 %). An item with children takes its progress from them, so it is not reported.
pub async fn report(
    st: &AppState,
    actor: &Actor,
    item_id: i64,
    p: ProgressInput,
) -> Result<FollowThrough> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let item = decisions::find_item(&mut tx, item_id)
        .await?
        .ok_or_else(Error::not_found)?;
    let d = decisions::find(&mut tx, item.decision_id)
        .await?
        .ok_or_else(Error::not_found)?;
    // Its owner reports on it (a unit need not sit on the council); otherwise those who
    // run the council.
    let owner = (item.owner_user_id.is_some() && item.owner_user_id == Some(actor.user_id))
        || (item.owner_unit_id.is_some() && item.owner_unit_id == actor.unit_id);
    let c = if owner {
        crate::councils::store::find(&mut tx, d.council_id)
            .await?
            .ok_or_else(Error::not_found)?
    } else {
        run(&mut tx, actor, d.council_id).await?
    };
    if matches!(item.status, FollowStatus::Done | FollowStatus::Cancelled) {
        return Err(super::not_now(
            crate::councils::model::Labelled::key(item.status),
            "councils.step.progress",
        ));
    }
    let siblings = decisions::items_of(&mut tx, d.id).await?;
    if siblings.iter().any(|s| s.parent_id == Some(item.id)) {
        return Err(super::not_now(
            "councils.step.has_children".into(),
            "councils.step.progress",
        ));
    }
    let status = follow::status_for(p.progress, false);
    let percent = i64::from(p.progress.percent());
    decisions::set_progress(&mut tx, item.id, percent, status, now).await?;
    decisions::add_milestone(&mut tx, item.id, percent, &p.note, actor.user_id, now).await?;
    audited(
        &mut tx,
        actor,
        now,
        ("follow_item", item.id),
        &c,
        "progress",
        json!({"progress": percent}),
    )
    .await?;
    let out = build(&mut tx, d, now).await?;
    tx.commit().await?;
    Ok(out)
}
