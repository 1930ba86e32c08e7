//! Decisions (the results list) and their follow-through items and milestones.

use crate::clock::Millis;
use crate::councils::model::records::{Decision, FollowItem, Milestone};
use crate::councils::model::{FollowStatus, OutcomeKind, Terms};
use crate::db::{DbResult, Exec, Q};

const DECISION: &str = "SELECT d.id, d.topic_id, d.meeting_id, d.council_id, d.street_id, \
    d.community_id, t.title AS topic_title, d.outcome, d.option_id, d.tally, d.terms, \
    d.terms_kind, d.terms_until, d.decided_at, d.published_at \
    FROM council_decisions d JOIN council_topics t ON t.id = d.topic_id";

pub async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Decision>> {
    Q::new(format!("{DECISION} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

pub async fn of_topic(ex: &mut impl Exec, topic_id: i64) -> DbResult<Option<Decision>> {
    Q::new(format!("{DECISION} WHERE d.topic_id = $1"))
        .bind(topic_id)
        .fetch_optional(ex)
        .await
}

/// The decisions of many topics.
pub async fn of_topics(ex: &mut impl Exec, topic_ids: &[i64]) -> DbResult<Vec<Decision>> {
    if topic_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!("{DECISION} WHERE d.topic_id IN "));
    super::topics::push_ids(&mut q, topic_ids);
    q.fetch_all(ex).await
}

/// A council's results list, newest first; only those published when `published`.
pub async fn of_council(
    ex: &mut impl Exec,
    council_id: i64,
    published: bool,
) -> DbResult<Vec<Decision>> {
    let only = if published {
        " AND d.published_at IS NOT NULL"
    } else {
        ""
    };
    Q::new(format!(
        "{DECISION} WHERE d.council_id = $1{only} ORDER BY d.decided_at DESC, d.id DESC"
    ))
    .bind(council_id)
    .fetch_all(ex)
    .await
}

pub struct NewDecision<'a> {
    pub topic_id: i64,
    pub meeting_id: i64,
    pub council_id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub outcome: OutcomeKind,
    pub option_id: Option<i64>,
    pub tally: serde_json::Value,
    pub terms: Option<&'a Terms>,
    pub decided_by: i64,
}

pub async fn insert(ex: &mut impl Exec, d: &NewDecision<'_>, now: Millis) -> DbResult<i64> {
    let (text, kind, until) = match d.terms {
        Some(t) => (
            t.text().to_string(),
            Some(t.kind().as_str()),
            t.ends_on().map(|e| e.to_string()),
        ),
        None => (String::new(), None, None),
    };
    Q::new(
        "INSERT INTO council_decisions (topic_id, meeting_id, council_id, street_id, \
         community_id, outcome, option_id, tally, terms, terms_kind, terms_until, decided_at, \
         decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         RETURNING id",
    )
    .bind(d.topic_id)
    .bind(d.meeting_id)
    .bind(d.council_id)
    .bind(d.street_id)
    .bind(d.community_id)
    .bind(d.outcome.as_str())
    .bind(d.option_id)
    .bind(d.tally.clone())
    .bind(text)
    .bind(kind)
    .bind(until)
    .bind(now)
    .bind(if d.decided_by == 0 {
        None
    } else {
        Some(d.decided_by)
    })
    .insert_id(ex)
    .await
}

/// Puts a decision on the results list; false when it already was.
pub async fn publish(ex: &mut impl Exec, id: i64, now: Millis) -> DbResult<bool> {
    let n = Q::new(
        "UPDATE council_decisions SET published_at = $2 WHERE id = $1 AND published_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(n == 1)
}

const ITEM: &str = "SELECT f.id, f.decision_id, f.parent_id, f.street_id, f.community_id, \
    f.title, f.owner_user_id, f.owner_unit_id, COALESCE(u.display_name, n.name) AS owner_name, \
    f.due_on, f.progress, f.status, f.demand_id, f.done_at \
    FROM follow_items f LEFT JOIN users u ON u.id = f.owner_user_id \
    LEFT JOIN units n ON n.id = f.owner_unit_id";

pub async fn find_item(ex: &mut impl Exec, id: i64) -> DbResult<Option<FollowItem>> {
    Q::new(format!("{ITEM} WHERE f.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

pub async fn items_of(ex: &mut impl Exec, decision_id: i64) -> DbResult<Vec<FollowItem>> {
    Q::new(format!("{ITEM} WHERE f.decision_id = $1 ORDER BY f.id"))
        .bind(decision_id)
        .fetch_all(ex)
        .await
}

/// A community's open items due on or before `day` (YYYY-MM-DD), soonest first.
pub async fn open_due_by(
    ex: &mut impl Exec,
    community_id: i64,
    day: &str,
) -> DbResult<Vec<FollowItem>> {
    Q::new(format!(
        "{ITEM} WHERE f.community_id = $1 AND f.status IN ('planned','in_progress') \
         AND f.due_on <= $2 ORDER BY f.due_on, f.id"
    ))
    .bind(community_id)
    .bind(day)
    .fetch_all(ex)
    .await
}

pub struct NewItem<'a> {
    pub decision_id: i64,
    pub parent_id: Option<i64>,
    pub street_id: i64,
    pub community_id: i64,
    pub title: &'a str,
    pub owner_user_id: Option<i64>,
    pub owner_unit_id: Option<i64>,
    pub due_on: &'a str,
}

pub async fn insert_item(ex: &mut impl Exec, i: &NewItem<'_>, now: Millis) -> DbResult<i64> {
    Q::new(
        "INSERT INTO follow_items (decision_id, parent_id, street_id, community_id, title, \
         owner_user_id, owner_unit_id, due_on, progress, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 'planned', $9, $9) RETURNING id",
    )
    .bind(i.decision_id)
    .bind(i.parent_id)
    .bind(i.street_id)
    .bind(i.community_id)
    .bind(i.title)
    .bind(i.owner_user_id)
    .bind(i.owner_unit_id)
    .bind(i.due_on)
    .bind(now)
    .insert_id(ex)
    .await
}

/// Sets an item's progress and status (done when 100 %), stamping when it was done.
pub async fn set_progress(
    ex: &mut impl Exec,
    id: i64,
    progress: i64,
    status: FollowStatus,
    now: Millis,
) -> DbResult<()> {
    let done = (status == FollowStatus::Done).then_some(now);
    Q::new(
        "UPDATE follow_items SET progress = $2, status = $3, done_at = COALESCE(done_at, $4), \
         updated_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(progress)
    .bind(status.as_str())
    .bind(done)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn set_item_demand(
    ex: &mut impl Exec,
    id: i64,
    demand_id: i64,
    now: Millis,
) -> DbResult<()> {
    Q::new("UPDATE follow_items SET demand_id = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(demand_id)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn add_milestone(
    ex: &mut impl Exec,
    item_id: i64,
    progress: i64,
    note: &str,
    by: i64,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO follow_milestones (item_id, at, progress, note, by_user_id) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(item_id)
    .bind(now)
    .bind(progress)
    .bind(note)
    .bind(if by == 0 { None } else { Some(by) })
    .insert_id(ex)
    .await
}

pub async fn milestones(ex: &mut impl Exec, item_id: i64) -> DbResult<Vec<Milestone>> {
    Q::new(
        "SELECT id, item_id, at, progress, note FROM follow_milestones \
         WHERE item_id = $1 ORDER BY id",
    )
    .bind(item_id)
    .fetch_all(ex)
    .await
}
