//! Counting councils' meetings, topics, decisions and follow-through for the measures:
//! one scoped `GROUP BY` per kind of record, and the same filters for the records a
//! figure opens. `x` is the alias of the counted table, `c` its council (items are scoped
//! through their decision, `dd`, which carries the community's index).

use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::councils::model::records::{Decision, FollowItem, Meeting, Topic};
use crate::db::{DbResult, Exec, Q};

use super::{CouncilFilter, CouncilGroupBy};

/// The counting's scope and filters on `x` (a table with `community_id`) and `c`
/// (its council). The community comes first, so every query starts from a
/// `(community_id, …)` index: a street is its communities.
pub fn push_scope(q: &mut Q, a: &Actor, f: &CouncilFilter, x: &str) {
    match a.role {
        Role::Admin => {}
        Role::Street => {
            q.push(&format!(
                " AND {x}.community_id IN (SELECT id FROM communities WHERE street_id = "
            ))
            .push_bind(a.street_id.unwrap_or(-1))
            .push(")");
        }
        Role::Staff | Role::Secretary => {
            q.push(&format!(" AND {x}.community_id = "))
                .push_bind(a.community_id.unwrap_or(-1));
        }
        Role::GridWorker => {
            // Their grids' gazebo councils, and any council they chair.
            q.push(&format!(" AND {x}.community_id = "))
                .push_bind(a.community_id.unwrap_or(-1))
                .push(" AND (c.chair_user_id = ")
                .push_bind(a.user_id);
            for g in &a.grid_ids {
                q.push(" OR c.grid_id = ").push_bind(*g);
            }
            q.push(")");
        }
        _ => {
            q.push(" AND 1 = 0");
        }
    }
    if let Some(s) = f.street_id {
        q.push(&format!(
            " AND {x}.community_id IN (SELECT id FROM communities WHERE street_id = "
        ))
        .push_bind(s)
        .push(")");
    }
    if let Some(cid) = f.community_id {
        q.push(&format!(" AND {x}.community_id = ")).push_bind(cid);
    }
    if let Some(g) = f.grid_id {
        q.push(" AND c.grid_id = ").push_bind(g);
    }
    if f.no_grid {
        q.push(" AND c.grid_id IS NULL");
    }
}

fn key_sql(g: Option<CouncilGroupBy>, x: &str) -> String {
    match g {
        None => "CAST(NULL AS BIGINT)".into(),
        Some(CouncilGroupBy::Grid) => "c.grid_id".into(),
        Some(CouncilGroupBy::Community) => format!("{x}.community_id"),
        Some(CouncilGroupBy::Street) => format!("{x}.street_id"),
    }
}

fn group(q: &mut Q, g: Option<CouncilGroupBy>, x: &str) {
    if g.is_some() {
        q.push(" GROUP BY ").push(&key_sql(g, x));
    }
}

fn sum(expr: &str) -> String {
    format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)")
}

/// Per group: meetings held that started in `[from, to)`, their members and who came.
pub async fn meetings(
    ex: &mut impl Exec,
    a: &Actor,
    (from, to): (Millis, Millis),
    g: Option<CouncilGroupBy>,
    f: &CouncilFilter,
) -> DbResult<Vec<(Option<i64>, i64, i64, i64)>> {
    let mut q = Q::new(format!(
        "SELECT {k} AS k, COUNT(*) AS n, {m} AS members, {p} AS present \
         FROM council_meetings x JOIN councils c ON c.id = x.council_id \
         WHERE x.status = 'closed' AND x.starts_at >= ",
        k = key_sql(g, "x"),
        m = sum("x.members"),
        p = sum("x.present"),
    ));
    q.push_bind(from).push(" AND x.starts_at < ").push_bind(to);
    push_scope(&mut q, a, f, "x");
    group(&mut q, g, "x");
    q.fetch_all(ex).await
}

/// Per group: topics raised in `[from, to)`.
pub async fn topics_raised(
    ex: &mut impl Exec,
    a: &Actor,
    (from, to): (Millis, Millis),
    g: Option<CouncilGroupBy>,
    f: &CouncilFilter,
) -> DbResult<Vec<(Option<i64>, i64)>> {
    let mut q = Q::new(format!(
        "SELECT {k} AS k, COUNT(*) AS n FROM council_topics x \
         JOIN councils c ON c.id = x.council_id WHERE x.created_at >= ",
        k = key_sql(g, "x"),
    ));
    q.push_bind(from).push(" AND x.created_at < ").push_bind(to);
    push_scope(&mut q, a, f, "x");
    group(&mut q, g, "x");
    q.fetch_all(ex).await
}

/// Per group: outcomes recorded in `[from, to)`, and how many of them were decisions.
pub async fn outcomes(
    ex: &mut impl Exec,
    a: &Actor,
    (from, to): (Millis, Millis),
    g: Option<CouncilGroupBy>,
    f: &CouncilFilter,
) -> DbResult<Vec<(Option<i64>, i64, i64)>> {
    let mut q = Q::new(format!(
        "SELECT {k} AS k, COUNT(*) AS n, {d} AS decided FROM council_decisions x \
         JOIN councils c ON c.id = x.council_id WHERE x.decided_at >= ",
        k = key_sql(g, "x"),
        d = sum("CASE WHEN x.outcome = 'decided' THEN 1 ELSE 0 END"),
    ));
    q.push_bind(from).push(" AND x.decided_at < ").push_bind(to);
    push_scope(&mut q, a, f, "x");
    group(&mut q, g, "x");
    q.fetch_all(ex).await
}

/// An item due in the period as the figures judge it: its group, due day, status and
/// when it was done.
#[derive(sqlx::FromRow)]
pub struct DueItem {
    pub k: Option<i64>,
    pub due_on: String,
    pub status: String,
    pub done_at: Option<Millis>,
}

/// Items (without children, not cancelled) due on the days `[first, last]` (YYYY-MM-DD).
const ITEMS_WHERE: &str = " WHERE x.status <> 'cancelled' \
    AND NOT EXISTS (SELECT 1 FROM follow_items ch WHERE ch.parent_id = x.id) AND x.due_on >= ";

pub async fn items_due(
    ex: &mut impl Exec,
    a: &Actor,
    (first, last): (&str, &str),
    g: Option<CouncilGroupBy>,
    f: &CouncilFilter,
) -> DbResult<Vec<DueItem>> {
    let mut q = Q::new(format!(
        "SELECT {k} AS k, x.due_on, x.status, x.done_at FROM follow_items x \
         JOIN council_decisions dd ON dd.id = x.decision_id \
         JOIN councils c ON c.id = dd.council_id{ITEMS_WHERE}",
        k = key_sql(g, "dd"),
    ));
    q.push_bind(first).push(" AND x.due_on <= ").push_bind(last);
    push_scope(&mut q, a, f, "dd");
    q.fetch_all(ex).await
}

/// Names of the groups' keys.
pub async fn names(
    ex: &mut impl Exec,
    g: CouncilGroupBy,
    keys: &[i64],
) -> DbResult<Vec<(i64, String)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let table = match g {
        CouncilGroupBy::Grid => "grids",
        CouncilGroupBy::Community => "communities",
        CouncilGroupBy::Street => "streets",
    };
    let mut q = Q::new(format!("SELECT id, name FROM {table} WHERE id IN ("));
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*k);
    }
    q.push(")");
    q.fetch_all(ex).await
}

/// The meetings held that [`meetings`] counts, in order.
pub async fn meetings_held(
    ex: &mut impl Exec,
    a: &Actor,
    (from, to): (Millis, Millis),
    f: &CouncilFilter,
) -> DbResult<Vec<Meeting>> {
    let mut q = Q::new(
        "SELECT x.id, x.council_id, x.street_id, x.community_id, c.name AS council_name, \
         x.starts_at, x.ends_at, x.location, x.status, x.minutes, x.members, x.present, \
         x.sequence, x.closed_at FROM council_meetings x JOIN councils c ON c.id = x.council_id \
         WHERE x.status = 'closed' AND x.starts_at >= ",
    );
    q.push_bind(from).push(" AND x.starts_at < ").push_bind(to);
    push_scope(&mut q, a, f, "x");
    q.push(" ORDER BY x.starts_at, x.id");
    q.fetch_all(ex).await
}

/// The topics raised that [`topics_raised`] counts, newest first.
pub async fn topics(
    ex: &mut impl Exec,
    a: &Actor,
    (from, to): (Millis, Millis),
    f: &CouncilFilter,
) -> DbResult<Vec<Topic>> {
    let mut q = Q::new(
        "SELECT x.id, x.council_id, x.street_id, x.community_id, x.title, x.body, x.source, \
         x.raised_by, x.raised_by_resident, x.demand_id, x.meeting_id, x.status, x.vote_unit, \
         x.ballot, x.majority, x.base, x.tie, x.abstentions, x.created_at, x.updated_at \
         FROM council_topics x JOIN councils c ON c.id = x.council_id WHERE x.created_at >= ",
    );
    q.push_bind(from).push(" AND x.created_at < ").push_bind(to);
    push_scope(&mut q, a, f, "x");
    q.push(" ORDER BY x.created_at DESC, x.id DESC");
    q.fetch_all(ex).await
}

/// The outcomes [`outcomes`] counts (only decisions when `decided`), newest first.
pub async fn decisions(
    ex: &mut impl Exec,
    a: &Actor,
    (from, to): (Millis, Millis),
    decided: bool,
    f: &CouncilFilter,
) -> DbResult<Vec<Decision>> {
    let mut q = Q::new(
        "SELECT x.id, x.topic_id, x.meeting_id, x.council_id, x.street_id, x.community_id, \
         t.title AS topic_title, x.outcome, x.option_id, x.tally, x.terms, x.terms_kind, \
         x.terms_until, x.decided_at, x.published_at FROM council_decisions x \
         JOIN council_topics t ON t.id = x.topic_id JOIN councils c ON c.id = x.council_id \
         WHERE x.decided_at >= ",
    );
    q.push_bind(from).push(" AND x.decided_at < ").push_bind(to);
    if decided {
        q.push(" AND x.outcome = 'decided'");
    }
    push_scope(&mut q, a, f, "x");
    q.push(" ORDER BY x.decided_at DESC, x.id DESC");
    q.fetch_all(ex).await
}

/// The items [`items_due`] reads, soonest due first (the service keeps those a figure
/// counts).
pub async fn items(
    ex: &mut impl Exec,
    a: &Actor,
    (first, last): (&str, &str),
    f: &CouncilFilter,
) -> DbResult<Vec<FollowItem>> {
    let mut q = Q::new(format!(
        "SELECT x.id, x.decision_id, x.parent_id, x.street_id, x.community_id, x.title, \
         x.owner_user_id, x.owner_unit_id, COALESCE(u.display_name, n.name) AS owner_name, \
         x.due_on, x.progress, x.status, x.demand_id, x.done_at FROM follow_items x \
         JOIN council_decisions dd ON dd.id = x.decision_id \
         JOIN councils c ON c.id = dd.council_id \
         LEFT JOIN users u ON u.id = x.owner_user_id \
         LEFT JOIN units n ON n.id = x.owner_unit_id{ITEMS_WHERE}"
    ));
    q.push_bind(first).push(" AND x.due_on <= ").push_bind(last);
    push_scope(&mut q, a, f, "dd");
    q.push(" ORDER BY x.due_on, x.id");
    q.fetch_all(ex).await
}
