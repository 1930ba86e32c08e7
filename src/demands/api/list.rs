//! Lists of demands: filtered, scoped, paginated by keyset (newest first).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Actor;
use crate::clock::{Millis, parse_time};
use crate::db::Q;
use crate::state::AppState;

use crate::error::{Error, Result};
use crate::web::error::ErrorBody;
use crate::web::json::ApiQuery;

use super::super::model::{Channel, Level, Status, Urgency};
use super::super::store::{COLUMNS, DemandRow, push_scope};
use super::view::{ASSIGNEE_NAME, DemandView, view};

#[derive(Deserialize, IntoParams, Default, Clone, Debug)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One status or several, comma-separated: `submitted,accepted`.
    pub status: Option<String>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub category: Option<String>,
    pub channel: Option<Channel>,
    pub level: Option<Level>,
    pub urgency: Option<Urgency>,
    /// Received at or after (`2026-11-01` in China time, or RFC 3339).
    pub from: Option<String>,
    /// Received before (`2026-12-01` in China time, or RFC 3339).
    pub to: Option<String>,
    /// Only open demands past a deadline (not accepted in time, or not fed back in time).
    pub overdue: Option<bool>,
    /// Only demands given to the caller, their teams or their unit, still open.
    pub mine: Option<bool>,
    /// Words in the title.
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DemandPage {
    pub items: Vec<DemandView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    d: DemandRow,
    assignee_name: Option<String>,
}

fn bad(field: &str) -> Error {
    Error::query(field)
}

/// Appends ` AND …`: only open demands past a deadline (not accepted in time, or not fed
/// back in time). Written as `id IN (the overdue demands)` so the planner starts from the
/// few overdue demands (partial indexes on open demands) and not from the whole history,
/// kept to the caller's community or street so it stays on one shard (a grid worker's: to
/// the grids they keep).
pub fn push_overdue(q: &mut Q, now: Millis, a: &crate::auth::Actor) {
    use crate::auth::Role;
    let place = |q: &mut Q| match a.role {
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
    };
    q.push(
        " AND d.id IN (SELECT o.id FROM demands o WHERE o.status IN ('submitted', 'accepted', \
         'dispatched', 'in_progress', 'resolved') AND o.feedback_due_at < ",
    )
    .push_bind(now);
    place(q);
    q.push(
        " UNION ALL SELECT o.id FROM demands o WHERE o.status = 'submitted' AND o.accept_due_at < ",
    )
    .push_bind(now);
    place(q);
    q.push(")");
}

/// Demands the caller can see, newest first, filtered.
#[utoipa::path(get, path = "/api/v1/demands", tag = "demands",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = DemandPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn list_demands(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<ListQuery>,
) -> Result<Json<DemandPage>> {
    Ok(Json(fetch(&st, &actor, &f).await?))
}

/// Appends ` AND …` for the demands (alias `d`) the actor may see that pass the filters of
/// `f`: the list and the export select the same rows. The page (`limit`, `cursor`) is left
/// to the caller. A filter that does not parse is a 400 `invalid_query`.
pub fn push_filters(q: &mut Q, actor: &Actor, f: &ListQuery, now: Millis) -> Result<()> {
    push_scope(q, actor);
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        let statuses = s
            .split(',')
            .map(|x| Status::parse(x.trim()).ok_or_else(|| bad("status")))
            .collect::<Result<Vec<_>>>()?;
        q.push(" AND d.status IN (");
        for (i, st) in statuses.iter().enumerate() {
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
    if let Some(from) = f.from.as_deref() {
        let t = parse_time(from).ok_or_else(|| bad("from"))?;
        q.push(" AND d.created_at >= ").push_bind(t);
    }
    if let Some(to) = f.to.as_deref() {
        let t = parse_time(to).ok_or_else(|| bad("to"))?;
        q.push(" AND d.created_at < ").push_bind(t);
    }
    if f.overdue == Some(true) {
        push_overdue(q, now, actor);
    }
    if f.mine == Some(true) {
        q.push(" AND d.status IN ('dispatched', 'in_progress') AND (")
            .push("(d.assignee_kind = 'user' AND d.assignee_id = ")
            .push_bind(actor.user_id)
            .push(") OR (d.assignee_kind = 'unit' AND d.assignee_id = ")
            .push_bind(actor.unit_id.unwrap_or(-1))
            .push(") OR (d.assignee_kind = 'team' AND d.assignee_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = ")
            .push_bind(actor.user_id)
            .push(")))");
    }
    if let Some(words) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
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
    Ok(())
}

/// One page of the demands the actor can see, filtered (the API list and the pages).
pub async fn fetch(st: &AppState, actor: &Actor, f: &ListQuery) -> Result<DemandPage> {
    let now = st.clock.now();
    let limit = f.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(bad("limit"));
    }
    let mut q = Q::new(format!(
        "SELECT {COLUMNS}, {ASSIGNEE_NAME} AS assignee_name FROM demands d WHERE 1 = 1"
    ));
    push_filters(&mut q, actor, f, now)?;
    if let Some(c) = f.cursor {
        q.push(" AND d.id < ").push_bind(c);
    }
    q.push(" ORDER BY d.id DESC LIMIT ").push_bind(limit + 1);

    let mut c = st.db.conn().await?;
    let mut rows: Vec<ListRow> = q.fetch_all(&mut c).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.d.id)
    } else {
        None
    };
    Ok(DemandPage {
        items: rows
            .into_iter()
            .map(|r| view(&r.d, r.assignee_name, false, now))
            .collect(),
        next_cursor,
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverdueQuery {
    pub community_id: Option<i64>,
}

/// Overdue work of one grid (or of demands not yet placed in a grid).
#[derive(Serialize, ToSchema, sqlx::FromRow)]
pub struct OverdueGrid {
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
    /// Open demands not accepted within the accept deadline.
    pub accept_overdue: i64,
    /// Open demands not fed back within the feedback deadline.
    pub feedback_overdue: i64,
}

#[derive(Serialize, ToSchema)]
pub struct OverdueSummary {
    pub grids: Vec<OverdueGrid>,
    pub accept_overdue: i64,
    pub feedback_overdue: i64,
}

/// Overdue work per grid, within the caller's scope. The demands themselves:
/// `GET /api/v1/demands?overdue=true&grid_id=…`.
#[utoipa::path(get, path = "/api/v1/demands/overdue", tag = "demands",
    security(("bearer" = [])),
    params(OverdueQuery),
    responses((status = 200, body = OverdueSummary), (status = 401, body = ErrorBody)))]
pub async fn overdue_summary(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<OverdueQuery>,
) -> Result<Json<OverdueSummary>> {
    let now = st.clock.now();
    let mut q = Q::new(
        "SELECT d.community_id, d.grid_id, g.name AS grid_name, \
         CAST(SUM(CASE WHEN d.status = 'submitted' AND d.accept_due_at < $1 \
             AND d.feedback_due_at >= $1 THEN 1 ELSE 0 END) AS BIGINT) AS accept_overdue, \
         CAST(SUM(CASE WHEN d.feedback_due_at < $1 THEN 1 ELSE 0 END) AS BIGINT) AS feedback_overdue \
         FROM demands d LEFT JOIN grids g ON g.id = d.grid_id WHERE 1 = 1",
    )
    .bind(now);
    push_scope(&mut q, &actor);
    push_overdue(&mut q, now, &actor);
    if let Some(c) = f.community_id {
        q.push(" AND d.community_id = ").push_bind(c);
    }
    q.push(" GROUP BY d.community_id, d.grid_id, g.name ORDER BY d.community_id, d.grid_id");
    let mut c = st.db.conn().await?;
    let grids: Vec<OverdueGrid> = q.fetch_all(&mut c).await?;
    Ok(Json(OverdueSummary {
        accept_overdue: grids.iter().map(|g| g.accept_overdue).sum(),
        feedback_overdue: grids.iter().map(|g| g.feedback_overdue).sum(),
        grids,
    }))
}
