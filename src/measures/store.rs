//! Counting demands for the measures: one scoped `GROUP BY` over the demands received in
//! the period.

use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::demands::store::push_scope;

use super::rates::Counts;

/// What to group by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Grid,
    Community,
    Street,
    Category,
    Channel,
}

impl GroupBy {
    /// The key column, and the name of a group given its key `t.k`.
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            GroupBy::Grid => ("d.grid_id", "(SELECT g.name FROM grids g WHERE g.id = t.k)"),
            GroupBy::Community => (
                "d.community_id",
                "(SELECT c.name FROM communities c WHERE c.id = t.k)",
            ),
            GroupBy::Street => (
                "d.street_id",
                "(SELECT s.name FROM streets s WHERE s.id = t.k)",
            ),
            GroupBy::Category => match crate::web::i18n::current() {
                crate::web::i18n::Lang::Zh => (
                    "d.category",
                    "(SELECT c.name_zh FROM categories c WHERE c.code = t.k)",
                ),
                crate::web::i18n::Lang::En => (
                    "d.category",
                    "(SELECT c.name_en FROM categories c WHERE c.code = t.k)",
                ),
            },
            GroupBy::Channel => ("d.channel", "t.k"),
        }
    }
}

/// Filters besides the period.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub category: Option<String>,
    pub channel: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct GroupRow {
    pub key: Option<String>,
    pub name: Option<String>,
    #[sqlx(flatten)]
    pub counts: Counts,
}

const COUNTS: &str = "\
    CAST(COALESCE(SUM(CASE WHEN d.status <> 'merged' THEN 1 ELSE 0 END), 0) AS BIGINT) AS received, \
    CAST(COALESCE(SUM(CASE WHEN d.status <> 'merged' AND (d.responded_at IS NOT NULL OR d.accept_due_at < $1) THEN 1 ELSE 0 END), 0) AS BIGINT) AS due_for_response, \
    CAST(COALESCE(SUM(CASE WHEN d.status <> 'merged' AND d.responded_at <= d.accept_due_at THEN 1 ELSE 0 END), 0) AS BIGINT) AS responded_on_time, \
    CAST(COALESCE(SUM(CASE WHEN d.rating_solved IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS rated, \
    CAST(COALESCE(SUM(CASE WHEN d.rating_solved = TRUE THEN 1 ELSE 0 END), 0) AS BIGINT) AS solved, \
    CAST(COALESCE(SUM(CASE WHEN d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'satisfied' THEN 1 ELSE 0 END), 0) AS BIGINT) AS satisfied, \
    CAST(COALESCE(SUM(CASE WHEN d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'basically' THEN 1 ELSE 0 END), 0) AS BIGINT) AS basically_satisfied, \
    CAST(COALESCE(SUM(CASE WHEN d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'unsatisfied' THEN 1 ELSE 0 END), 0) AS BIGINT) AS unsatisfied, \
    CAST(COALESCE(SUM(CASE WHEN d.status NOT IN ('merged', 'declined') AND (d.first_feedback_at IS NOT NULL OR d.feedback_due_at < $1) THEN 1 ELSE 0 END), 0) AS BIGINT) AS due_for_feedback, \
    CAST(COALESCE(SUM(CASE WHEN d.status NOT IN ('merged', 'declined') AND d.first_feedback_at <= d.feedback_due_at THEN 1 ELSE 0 END), 0) AS BIGINT) AS fed_back_on_time, \
    CAST(COALESCE(SUM(CASE WHEN d.close_kind = 'unrated' THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed_unrated, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'submitted' THEN 1 ELSE 0 END), 0) AS BIGINT) AS submitted, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'accepted' THEN 1 ELSE 0 END), 0) AS BIGINT) AS accepted, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'dispatched' THEN 1 ELSE 0 END), 0) AS BIGINT) AS dispatched, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'in_progress' THEN 1 ELSE 0 END), 0) AS BIGINT) AS in_progress, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'resolved' THEN 1 ELSE 0 END), 0) AS BIGINT) AS resolved, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'feedback_given' THEN 1 ELSE 0 END), 0) AS BIGINT) AS feedback_given, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'closed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'declined' THEN 1 ELSE 0 END), 0) AS BIGINT) AS declined, \
    CAST(COALESCE(SUM(CASE WHEN d.status = 'merged' THEN 1 ELSE 0 END), 0) AS BIGINT) AS merged";

/// Counts of the demands received in `[from, to)` the actor can see, per group (or one
/// group with a null key when `group_by` is `None`): from the rollups where they can
/// answer, else counted live.
pub async fn count(
    ex: &mut impl Exec,
    actor: &Actor,
    now: Millis,
    from: Millis,
    to: Millis,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<GroupRow>> {
    super::rollups::count(ex, actor, now, from, to, group_by, f).await
}

/// The same counts by one `GROUP BY` over the demands table: what the rollups must equal,
/// and the baseline of the dashboard benchmark.
pub async fn count_live(
    ex: &mut impl Exec,
    actor: &Actor,
    now: Millis,
    from: Millis,
    to: Millis,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<GroupRow>> {
    select(actor, now, from, to, group_by, f, COUNTS, None)
        .fetch_all(ex)
        .await
}

/// `SUM(expr)` per group over the demands received in `[from, to)` that also pass `only`.
#[allow(clippy::too_many_arguments)]
pub async fn count_expr(
    ex: &mut impl Exec,
    actor: &Actor,
    expr: &str,
    only: &str,
    now: Millis,
    from: Millis,
    to: Millis,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<Sum>> {
    let sum = format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT) AS n");
    select(actor, now, from, to, group_by, f, &sum, Some(only))
        .fetch_all(ex)
        .await
}

/// One group's `SUM`, from [`count_expr`].
#[derive(sqlx::FromRow)]
pub struct Sum {
    pub key: Option<String>,
    pub name: Option<String>,
    pub n: i64,
}

/// `SELECT key, name, <aggregates>` over the demands received in `[from, to)` the actor
/// can see, filtered and grouped. `$1` is `now`.
#[allow(clippy::too_many_arguments)]
fn select(
    actor: &Actor,
    now: Millis,
    from: Millis,
    to: Millis,
    group_by: Option<GroupBy>,
    f: &Filter,
    aggregates: &str,
    only: Option<&str>,
) -> Q {
    let (key, name) = group_by.map(GroupBy::sql).unwrap_or(("NULL", "NULL"));
    let mut q = Q::new(format!(
        "SELECT CAST(t.k AS TEXT) AS key, {name} AS name, t.* FROM (SELECT {key} AS k, {aggregates} \
         FROM demands d WHERE d.created_at >= $2 AND d.created_at < $3"
    ))
    .bind(now)
    .bind(from)
    .bind(to);
    if let Some(only) = only {
        q.push(" AND ").push(only);
    }
    push_scope(&mut q, actor);
    if let Some(s) = f.street_id {
        q.push(" AND d.street_id = ").push_bind(s);
    }
    if let Some(c) = f.community_id {
        q.push(" AND d.community_id = ").push_bind(c);
    }
    if let Some(g) = f.grid_id {
        q.push(" AND d.grid_id = ").push_bind(g);
    }
    if let Some(c) = f.category.as_deref() {
        q.push(" AND d.category = ").push_bind(c);
    }
    if let Some(c) = f.channel.as_deref() {
        q.push(" AND d.channel = ").push_bind(c);
    }
    if group_by.is_some() {
        q.push(" GROUP BY ").push(key);
    }
    q.push(") t ORDER BY t.k");
    q
}
