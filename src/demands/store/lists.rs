//! The SQL of lists: the filters of a list (the same for the list, the export and the
//! dashboard's links), overdue work, the workbench's counts and reminders.

use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::demands::model::{Filters, OverdueGrid, ReminderKind};

use super::{ASSIGNEE_NAME, COLUMNS, DemandRow, push_scope};

/// Appends ` AND …`: only open demands past a deadline (not accepted in time, or not fed
/// back in time). Written as `id IN (the overdue demands)` so the planner starts from the
/// few overdue demands (partial indexes on open demands) and not from the whole history,
/// kept to the caller's community or street so it stays on one shard (a grid worker's: to
/// the grids they keep).
pub fn push_overdue(q: &mut Q, now: Millis, a: &Actor) {
    q.push(
        " AND d.id IN (SELECT o.id FROM demands o WHERE o.status IN ('submitted', 'accepted', \
         'dispatched', 'in_progress', 'resolved') AND o.feedback_due_at < ",
    )
    .push_bind(now);
    push_place(q, a);
    q.push(
        " UNION ALL SELECT o.id FROM demands o WHERE o.status = 'submitted' AND o.accept_due_at < ",
    )
    .push_bind(now);
    push_place(q, a);
    q.push(")");
}

/// Appends ` AND …` keeping the demands `o` of a subquery to the caller's community or
/// street (a grid worker's: to the grids they keep), so it stays on one shard and reads
/// the index of that place.
fn push_place(q: &mut Q, a: &Actor) {
    match a.role {
        // A grid worker's overdue work is that of their grids.
        Role::GridWorker => {
            q.push(" AND o.grid_id IN (SELECT g.id FROM grids g WHERE g.worker_user_id = ")
                .push_bind(a.user_id)
                .push(")");
        }
        Role::Staff | Role::Secretary if a.community_id.is_some() => {
            q.push(" AND o.community_id = ").push_bind(a.community_id);
        }
        Role::Street if a.street_id.is_some() => {
            q.push(" AND o.street_id = ").push_bind(a.street_id);
        }
        _ => {}
    }
}

/// Appends ` AND …`: open orders given to the caller, a team they are in, or their unit.
pub fn push_mine(q: &mut Q, a: &Actor) {
    q.push(" AND d.status IN ('dispatched', 'in_progress') AND (")
        .push("(d.assignee_kind = 'user' AND d.assignee_id = ")
        .push_bind(a.user_id)
        .push(") OR (d.assignee_kind = 'unit' AND d.assignee_id = ")
        .push_bind(a.unit_id.unwrap_or(-1))
        .push(") OR (d.assignee_kind = 'team' AND d.assignee_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = ")
        .push_bind(a.user_id)
        .push(")))");
}

/// Appends ` AND …` for the demands (alias `d`) the actor may see that pass the filters:
/// the list and the export select the same rows. The page (`limit`, `cursor`) is left to
/// the caller.
pub fn push_filters(q: &mut Q, actor: &Actor, f: &Filters, now: Millis) {
    push_scope(q, actor);
    if !f.statuses.is_empty() {
        q.push(" AND d.status IN (");
        for (i, st) in f.statuses.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push_bind(st.as_str());
        }
        q.push(")");
    }
    if let Some(c) = f.community_id {
        q.push(" AND d.community_id = ").push_bind(c);
    }
    if let Some(g) = f.grid_id {
        q.push(" AND d.grid_id = ").push_bind(g);
    }
    if let Some(r) = f.resident_id {
        q.push(" AND d.resident_id = ").push_bind(r);
    }
    if let Some(c) = f.category.as_deref() {
        q.push(" AND d.category = ").push_bind(c);
    }
    if let Some(c) = f.channel {
        q.push(" AND d.channel = ").push_bind(c.as_str());
    }
    if let Some(l) = f.level {
        q.push(" AND d.level = ").push_bind(l.as_str());
    }
    if let Some(u) = f.urgency {
        q.push(" AND d.urgency = ").push_bind(u.as_str());
    }
    if let Some(t) = f.from {
        q.push(" AND d.created_at >= ").push_bind(t);
    }
    if let Some(t) = f.to {
        q.push(" AND d.created_at < ").push_bind(t);
    }
    if f.no_grid {
        q.push(" AND d.grid_id IS NULL");
    }
    if f.no_category {
        q.push(" AND d.category IS NULL");
    }
    if let Some(c) = f.counted {
        c.push(q, now);
    }
    if f.overdue {
        push_overdue(q, now, actor);
    }
    if f.mine {
        push_mine(q, actor);
    }
    if f.due_today {
        push_due_today(q, now, actor);
    }
    if let Some(words) = f.words.as_deref() {
        let pattern = format!(
            "%{}%",
            words
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        q.push(" AND d.title LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'");
    }
}

/// A demand of a list, with its assignee's name.
#[derive(sqlx::FromRow)]
pub struct Listed {
    #[sqlx(flatten)]
    pub d: DemandRow,
    pub assignee_name: Option<String>,
}

/// One page of the list, newest first: `limit + 1` rows at most, so the caller knows
/// whether another page follows.
pub async fn page(
    ex: &mut impl Exec,
    actor: &Actor,
    f: &Filters,
    now: Millis,
) -> DbResult<Vec<Listed>> {
    let mut q = Q::new(format!(
        "SELECT {COLUMNS}, {ASSIGNEE_NAME} AS assignee_name FROM demands d WHERE 1 = 1"
    ));
    push_filters(&mut q, actor, f, now);
    if let Some(c) = f.cursor {
        q.push(" AND d.id < ").push_bind(c);
    }
    q.push(" ORDER BY d.id DESC LIMIT ").push_bind(f.limit + 1);
    q.fetch_all(ex).await
}

/// Overdue work per grid in the actor's scope (of one community, if given).
pub async fn overdue_by_grid(
    ex: &mut impl Exec,
    actor: &Actor,
    community_id: Option<i64>,
    now: Millis,
) -> DbResult<Vec<OverdueGrid>> {
    let mut q = Q::new(
        "SELECT d.community_id, d.grid_id, g.name AS grid_name, \
         CAST(SUM(CASE WHEN d.status = 'submitted' AND d.accept_due_at < $1 \
             AND d.feedback_due_at >= $1 THEN 1 ELSE 0 END) AS BIGINT) AS accept_overdue, \
         CAST(SUM(CASE WHEN d.feedback_due_at < $1 THEN 1 ELSE 0 END) AS BIGINT) AS feedback_overdue \
         FROM demands d LEFT JOIN grids g ON g.id = d.grid_id WHERE 1 = 1",
    )
    .bind(now);
    push_scope(&mut q, actor);
    push_overdue(&mut q, now, actor);
    if let Some(c) = community_id {
        q.push(" AND d.community_id = ").push_bind(c);
    }
    q.push(" GROUP BY d.community_id, d.grid_id, g.name ORDER BY d.community_id, d.grid_id");
    q.fetch_all(ex).await
}

/// Open work in the actor's scope, by status (only the statuses the workbench counts: the
/// index on (community_id, status, id) reads just those).
pub async fn open_by_status(ex: &mut impl Exec, actor: &Actor) -> DbResult<Vec<(String, i64)>> {
    let mut q = Q::new(
        "SELECT d.status, COUNT(*) FROM demands d \
         WHERE d.status IN ('submitted', 'accepted', 'dispatched', 'in_progress', 'resolved', \
         'feedback_given')",
    );
    push_scope(&mut q, actor);
    q.push(" GROUP BY d.status");
    q.fetch_all(ex).await
}

/// A list's total is counted exactly up to this; beyond it the list says "more than".
pub const COUNTED_UP_TO: i64 = 10_000;

/// How many demands pass the filters (the list's total: the same rows its pages show),
/// counted up to [`COUNTED_UP_TO`] + 1: a whole street's history is not scanned to print
/// one number above a list (a count of 10,001 means "more than 10,000").
pub async fn count(ex: &mut impl Exec, actor: &Actor, f: &Filters, now: Millis) -> DbResult<i64> {
    let mut q = Q::new("SELECT COUNT(*) FROM (SELECT 1 FROM demands d WHERE 1 = 1");
    push_filters(&mut q, actor, f, now);
    q.push(" LIMIT ")
        .push_bind(COUNTED_UP_TO + 1)
        .push(") AS n");
    Ok(q.fetch_one::<(i64,)>(ex).await?.0)
}

/// Appends ` AND …`: open demands with a deadline falling today (China time): to feed back
/// by today, or (not accepted yet) to accept by today. Shaped like [`push_overdue`], each
/// part reading the partial index of open deadlines of the caller's place.
pub fn push_due_today(q: &mut Q, now: Millis, a: &Actor) {
    let start = crate::clock::day_start(crate::clock::day_of(now));
    let end = start + crate::clock::DAY;
    q.push(
        " AND d.id IN (SELECT o.id FROM demands o WHERE o.status IN ('submitted', 'accepted', \
         'dispatched', 'in_progress', 'resolved') AND o.feedback_due_at >= ",
    )
    .push_bind(start)
    .push(" AND o.feedback_due_at < ")
    .push_bind(end);
    push_place(q, a);
    q.push(" UNION ALL SELECT o.id FROM demands o WHERE o.status = 'submitted' AND o.accept_due_at >= ")
        .push_bind(start)
        .push(" AND o.accept_due_at < ")
        .push_bind(end);
    push_place(q, a);
    q.push(")");
}

/// How many demands in the actor's scope are overdue now.
pub async fn overdue_count(ex: &mut impl Exec, actor: &Actor, now: Millis) -> DbResult<i64> {
    let mut q = Q::new("SELECT COUNT(*) FROM demands d WHERE 1 = 1");
    push_scope(&mut q, actor);
    push_overdue(&mut q, now, actor);
    Ok(q.fetch_one::<(i64,)>(ex).await?.0)
}

/// Which reminders an audience is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminded {
    /// What the background job flagged, still where it was: not accepted, not fed back, not
    /// rated.
    Flagged,
    /// The same, of the caller's own open orders only.
    FlaggedOrders,
    /// Every demand fed back and waiting for a rating (the resident's).
    ToRate,
}

/// A reminded demand, with its assignee's name and why.
#[derive(sqlx::FromRow)]
pub struct RemindedRow {
    #[sqlx(flatten)]
    pub d: DemandRow,
    pub assignee_name: Option<String>,
    pub reminder: String,
}

impl RemindedRow {
    pub fn kind(&self) -> ReminderKind {
        ReminderKind::parse(&self.reminder).unwrap_or(ReminderKind::FeedbackOverdue)
    }
}

/// The demands in the actor's scope to put in front of them, newest first.
pub async fn reminders(
    ex: &mut impl Exec,
    actor: &Actor,
    which: Reminded,
    limit: i64,
) -> DbResult<Vec<RemindedRow>> {
    let mut q = Q::new(format!(
        "SELECT {COLUMNS}, {ASSIGNEE_NAME} AS assignee_name, \
         CASE WHEN d.status = 'feedback_given' THEN 'rating' \
         WHEN d.status = 'submitted' AND d.accept_overdue_at IS NOT NULL THEN 'accept_overdue' \
         ELSE 'feedback_overdue' END AS reminder FROM demands d WHERE "
    ));
    match which {
        Reminded::ToRate => {
            q.push("d.status = 'feedback_given'");
        }
        // Like the overdue list: from the few flagged open demands, never the history.
        Reminded::Flagged | Reminded::FlaggedOrders => {
            q.push(
                "d.id IN (SELECT o.id FROM demands o WHERE o.status = 'submitted' \
                 AND o.accept_overdue_at IS NOT NULL",
            );
            push_place(&mut q, actor);
            q.push(
                " UNION ALL SELECT o.id FROM demands o WHERE o.status IN ('submitted', \
                 'accepted', 'dispatched', 'in_progress', 'resolved') \
                 AND o.feedback_overdue_at IS NOT NULL",
            );
            push_place(&mut q, actor);
            q.push(
                " UNION ALL SELECT o.id FROM demands o WHERE o.status = 'feedback_given' \
                 AND o.rating_reminded_at IS NOT NULL",
            );
            push_place(&mut q, actor);
            q.push(")");
        }
    }
    push_scope(&mut q, actor);
    if which == Reminded::FlaggedOrders {
        push_mine(&mut q, actor);
    }
    q.push(" ORDER BY d.id DESC LIMIT ").push_bind(limit);
    q.fetch_all(ex).await
}
