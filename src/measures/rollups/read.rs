//! Reading the rollups: a period as whole months, the whole days around them, and the
//! minutes at its ends counted live, plus the clock-dependent part counted live.

use std::collections::BTreeMap;

use crate::auth::{Actor, Role};
use crate::clock::{Millis, day_of, day_start, month_of, month_start};
use crate::db::{DbResult, Exec, Q};
use crate::measures::model::{Filter, GroupBy, GroupRow};
use crate::measures::rates::Counts;

use super::{Dim, Grain};

/// Which dimension answers a question, or `None` when the rollups cannot: callers whose
/// scope is not a whole community, street or city (a grid worker's includes demands given
/// to them elsewhere; a unit's is what was dispatched to it), or filters on two of grid,
/// category and channel at once.
fn dim_for(actor: &Actor, group_by: Option<GroupBy>, f: &Filter) -> Option<Dim> {
    if !matches!(
        actor.role,
        Role::Admin | Role::Street | Role::Staff | Role::Secretary
    ) {
        return None;
    }
    let mut need = Vec::new();
    if f.grid_id.is_some() || group_by == Some(GroupBy::Grid) {
        need.push(Dim::Grid);
    }
    if f.category.is_some() || group_by == Some(GroupBy::Category) {
        need.push(Dim::Category);
    }
    if f.channel.is_some() || group_by == Some(GroupBy::Channel) {
        need.push(Dim::Channel);
    }
    need.dedup();
    match need.as_slice() {
        [] => Some(Dim::Grid),
        [d] => Some(*d),
        _ => None,
    }
}

/// The counts of the demands received in `[from, to)`, read from the rollups for the whole
/// months inside the period and counted live for the days before and after them and for
/// the deadlines that have passed on unanswered demands. Equal to the live count by
/// construction (and by test); falls back to it where the rollups cannot answer.
pub async fn count(
    ex: &mut impl Exec,
    actor: &Actor,
    now: Millis,
    from: Millis,
    to: Millis,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<GroupRow>> {
    use crate::measures::store::count_live as live;
    let Some(dim) = dim_for(actor, group_by, f) else {
        return live(ex, actor, now, from, to, group_by, f).await;
    };
    // Whole days inside the period; the minutes outside them are counted live.
    let d0 = {
        let d = day_of(from);
        if day_start(d) == from { d } else { d + 1 }
    };
    let d1 = day_of(to);
    if d0 >= d1 {
        return live(ex, actor, now, from, to, group_by, f).await;
    }
    let (a, b) = (day_start(d0), day_start(d1));
    let mut parts = Vec::new();
    if from < a {
        parts.push(live(ex, actor, now, from, a, group_by, f).await?);
    }
    if b < to {
        parts.push(live(ex, actor, now, b, to, group_by, f).await?);
    }
    // Whole months inside the whole days; the days around them from the daily rows.
    let m0 = {
        let m = month_of(a);
        if month_start(m) == a { m } else { m + 1 }
    };
    let m1 = month_of(b);
    if m0 < m1 {
        let (ma, mb) = (day_of(month_start(m0)), day_of(month_start(m1)));
        parts.push(read(ex, actor, dim, Grain::Month, m0, m1, group_by, f).await?);
        if d0 < ma {
            parts.push(read(ex, actor, dim, Grain::Day, d0, ma, group_by, f).await?);
        }
        if mb < d1 {
            parts.push(read(ex, actor, dim, Grain::Day, mb, d1, group_by, f).await?);
        }
    } else {
        parts.push(read(ex, actor, dim, Grain::Day, d0, d1, group_by, f).await?);
    }
    parts.push(late(ex, actor, now, a, b, group_by, f).await?);
    Ok(merge(parts))
}

/// Sums groups with the same key.
fn merge(parts: Vec<Vec<GroupRow>>) -> Vec<GroupRow> {
    let mut by: BTreeMap<Option<String>, GroupRow> = BTreeMap::new();
    for row in parts.into_iter().flatten() {
        match by.get_mut(&row.key) {
            Some(g) => {
                g.counts.add(&row.counts);
                if g.name.is_none() {
                    g.name = row.name;
                }
            }
            None => {
                by.insert(row.key.clone(), row);
            }
        }
    }
    by.into_values().collect()
}

/// The key of a group, from the rollup row (alias `r`), and the name of group `t.k`.
fn group_sql(dim: Dim, g: Option<GroupBy>) -> (&'static str, &'static str) {
    match g {
        None => ("NULL", "NULL"),
        Some(GroupBy::Grid) => (
            "CAST(NULLIF(r.k, '') AS BIGINT)",
            "(SELECT g.name FROM grids g WHERE g.id = t.k)",
        ),
        Some(GroupBy::Community) => (
            "r.community_id",
            "(SELECT c.name FROM communities c WHERE c.id = t.k)",
        ),
        Some(GroupBy::Street) => (
            "r.street_id",
            "(SELECT s.name FROM streets s WHERE s.id = t.k)",
        ),
        Some(GroupBy::Category) => {
            debug_assert_eq!(dim, Dim::Category);
            match crate::web::i18n::current() {
                crate::web::i18n::Lang::Zh => (
                    "NULLIF(r.k, '')",
                    "(SELECT c.name_zh FROM categories c WHERE c.code = t.k)",
                ),
                crate::web::i18n::Lang::En => (
                    "NULLIF(r.k, '')",
                    "(SELECT c.name_en FROM categories c WHERE c.code = t.k)",
                ),
            }
        }
        Some(GroupBy::Channel) => ("r.k", "t.k"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn read(
    ex: &mut impl Exec,
    actor: &Actor,
    dim: Dim,
    grain: Grain,
    first: i64,
    last: i64,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<GroupRow>> {
    let (key, name) = group_sql(dim, group_by);
    let sum = |c: &str| format!("CAST(COALESCE(SUM(r.{c}), 0) AS BIGINT)");
    // `due_for_*` hold what was answered; the live part adds what is late unanswered.
    let mut q = Q::new(format!(
        "SELECT CAST(t.k AS TEXT) AS key, {name} AS name, t.* FROM (SELECT {key} AS k, \
         {} AS received, {} AS due_for_response, {} AS responded_on_time, {} AS rated, \
         {} AS solved, {} AS satisfied, {} AS basically_satisfied, {} AS unsatisfied, \
         {} AS due_for_feedback, {} AS fed_back_on_time, {} AS closed_unrated, \
         {} AS submitted, {} AS accepted, {} AS dispatched, {} AS in_progress, {} AS resolved, \
         {} AS feedback_given, {} AS closed, {} AS declined, {} AS merged \
         FROM demand_rollups r WHERE r.grain = $1 AND r.dim = $2 AND r.bucket >= $3 \
         AND r.bucket < $4",
        sum("received"),
        sum("responded"),
        sum("responded_on_time"),
        sum("rated"),
        sum("solved"),
        sum("satisfied"),
        sum("basically_satisfied"),
        sum("unsatisfied"),
        sum("fed_back"),
        sum("fed_back_on_time"),
        sum("closed_unrated"),
        sum("submitted"),
        sum("accepted"),
        sum("dispatched"),
        sum("in_progress"),
        sum("resolved"),
        sum("feedback_given"),
        sum("closed"),
        sum("declined"),
        sum("merged"),
    ))
    .bind(grain.as_str())
    .bind(dim.as_str())
    .bind(first)
    .bind(last);
    match actor.role {
        Role::Street => {
            q.push(" AND r.street_id = ").push_bind(actor.street_id);
        }
        Role::Staff | Role::Secretary => {
            q.push(" AND r.community_id = ")
                .push_bind(actor.community_id);
        }
        _ => {}
    }
    if let Some(s) = f.street_id {
        q.push(" AND r.street_id = ").push_bind(s);
    }
    if let Some(c) = f.community_id {
        q.push(" AND r.community_id = ").push_bind(c);
    }
    if let Some(g) = f.grid_id {
        q.push(" AND r.k = ").push_bind(g.to_string());
    }
    if let Some(c) = f.category.as_deref() {
        q.push(" AND r.k = ").push_bind(c);
    }
    if let Some(c) = f.channel.as_deref() {
        q.push(" AND r.k = ").push_bind(c);
    }
    if group_by.is_some() {
        q.push(" GROUP BY ").push(key);
    }
    q.push(") t ORDER BY t.k");
    let rows: Vec<GroupRow> = q.fetch_all(ex).await?;
    // A period with no rollup rows sums to one row of zeros, as the live count does.
    Ok(rows)
}

/// Which demands still wait, whose deadline has passed, and the count they add to.
type Late = (&'static str, &'static str, fn(i64) -> Counts);

/// The demands received in `[from, to)` still unanswered whose deadline has passed: the
/// clock-dependent part of `due_for_response` and `due_for_feedback`.
async fn late(
    ex: &mut impl Exec,
    actor: &Actor,
    now: Millis,
    from: Millis,
    to: Millis,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<GroupRow>> {
    let parts: [Late; 2] = [
        (
            "d.responded_at IS NULL AND d.status <> 'merged'",
            "d.accept_due_at < $1",
            |n| Counts {
                due_for_response: n,
                ..Default::default()
            },
        ),
        (
            "d.first_feedback_at IS NULL AND d.status NOT IN ('merged', 'declined')",
            "d.feedback_due_at < $1",
            |n| Counts {
                due_for_feedback: n,
                ..Default::default()
            },
        ),
    ];
    let mut out = Vec::new();
    for (waiting, late, counts) in parts {
        let rows = crate::measures::store::count_expr(
            ex,
            actor,
            &format!("CASE WHEN {late} THEN 1 ELSE 0 END"),
            waiting,
            now,
            from,
            to,
            group_by,
            f,
        )
        .await?;
        out.extend(rows.into_iter().map(|r| GroupRow {
            key: r.key,
            name: r.name,
            counts: counts(r.n),
        }));
    }
    Ok(out)
}
