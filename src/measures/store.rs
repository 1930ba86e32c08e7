//! Counting demands for the measures: one scoped `GROUP BY` over the demands received in
//! the period.

use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::demands::figures::Counted;
use crate::demands::model::Status;
use crate::demands::store::push_scope;

use super::model::{Filter, GridLoad, GroupBy, GroupRow};

/// The aggregates of [`Counts`]: the parts of the rates from their one definition
/// ([`Counted`]), then the demands in each status. `$1` is the moment of counting.
fn counts_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        // Every part but those the counts hold otherwise (pleased is satisfied plus
        // basically; closed is a status).
        let parts = Counted::ALL
            .into_iter()
            .filter(|c| !matches!(c, Counted::Pleased | Counted::Closed))
            .map(|c| c.sum("$1"));
        let statuses = Status::ALL.iter().map(|s| {
            format!(
                "CAST(COALESCE(SUM(CASE WHEN d.status = '{s}' THEN 1 ELSE 0 END), 0) AS BIGINT) AS {s}"
            )
        });
        parts
            .into_iter()
            .chain(statuses)
            .collect::<Vec<_>>()
            .join(", ")
    })
}

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
    select(actor, now, from, to, group_by, f, counts_sql(), None)
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
    let (key, name) = group_by.map(group_sql).unwrap_or(("NULL", "NULL"));
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

/// Open and overdue demands per grid (and of those not placed in a grid yet).
pub async fn open_by_grid(c: &mut impl Exec, a: &Actor, now: Millis) -> DbResult<Vec<GridLoad>> {
    // Overdue work, from the few overdue demands.
    let mut lq = Q::new("SELECT d.grid_id, COUNT(*) AS n FROM demands d WHERE 1 = 1");
    push_scope(&mut lq, a);
    crate::demands::store::lists::push_overdue(&mut lq, now, a);
    lq.push(" GROUP BY d.grid_id");
    let late: Vec<(Option<i64>, i64)> = lq.fetch_all(c).await?;
    let late_of = |g: Option<i64>| late.iter().find(|l| l.0 == g).map_or(0, |l| l.1);
    // Open work: where the caller's scope is whole communities, the rollups hold every
    // demand's current status by grid; otherwise count the open demands themselves.
    let whole = matches!(
        a.role,
        Role::Staff | Role::Secretary | Role::Street | Role::Admin
    );
    let open: Vec<(Option<i64>, Option<String>, i64)> = if whole {
        let mut q = Q::new(
            "SELECT t.g, (SELECT g.name FROM grids g WHERE g.id = t.g) AS name, t.n FROM \
                 (SELECT CAST(NULLIF(r.k, '') AS BIGINT) AS g, CAST(SUM(r.submitted + \
                 r.accepted + r.dispatched + r.in_progress + r.resolved) AS BIGINT) AS n \
                 FROM demand_rollups r WHERE r.grain = 'month' AND r.dim = 'grid'",
        );
        match a.role {
            Role::Street => {
                q.push(" AND r.street_id = ").push_bind(a.street_id);
            }
            Role::Admin => {}
            _ => {
                q.push(" AND r.community_id = ").push_bind(a.community_id);
            }
        }
        q.push(" GROUP BY r.k) t WHERE t.n > 0 ORDER BY t.g");
        q.fetch_all(c).await?
    } else {
        let mut q = Q::new(
            "SELECT d.grid_id, (SELECT g.name FROM grids g WHERE g.id = d.grid_id) AS name, \
                 COUNT(*) AS n FROM demands d WHERE d.status IN ('submitted', 'accepted', \
                 'dispatched', 'in_progress', 'resolved')",
        );
        push_scope(&mut q, a);
        q.push(" GROUP BY d.grid_id ORDER BY d.grid_id");
        q.fetch_all(c).await?
    };
    Ok(open
        .into_iter()
        .map(|(grid_id, name, open)| GridLoad {
            grid_id,
            name,
            open,
            overdue: late_of(grid_id),
        })
        .collect())
}

/// The key column of a grouping, and the name of a group given its key `t.k`.
fn group_sql(g: GroupBy) -> (&'static str, &'static str) {
    match g {
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
