//! Dashboards for the community and the street: the three rates and the on-time rate,
//! the trend, per-grid load and overdue work, categories and channels. Each figure links
//! to the records behind it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::auth::Role;
use crate::clock::{DAY, Millis, parse_time};
use crate::db::Q;
use crate::demands::store::push_scope;
use crate::error::Error;
use crate::state::AppState;
use crate::web::charts::{self, Bar, Period};
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError, render};
use crate::web::routes::{PageRoutes, STAFF};
use crate::web::session::PageUser;

use super::rates::{Counts, rates};
use super::store::{self, Filter, GroupBy, GroupRow};
use crate::clock::{day_of, day_start};

pub fn routes() -> PageRoutes {
    PageRoutes::new().get("/dash", STAFF, dashboard)
}

#[derive(Deserialize, Default)]
pub struct DashQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

pub struct RateKpi {
    pub label: String,
    pub value: String,
    pub detail: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "dash.html")]
struct Dash {
    page: Page,
    from: String,
    to: String,
    kpis: Vec<RateKpi>,
    trend: String,
    grids: String,
    categories: String,
    channels: String,
    communities: Vec<CommunityRow>,
}

pub struct CommunityRow {
    pub name: String,
    pub received: i64,
    pub response: String,
    pub resolution: String,
    pub satisfaction: String,
    pub on_time: String,
    pub href: String,
}

/// `2026-11-25`.
fn day(ms: Millis) -> String {
    crate::clock::format_local(ms)
        .get(..10)
        .unwrap_or("")
        .to_string()
}

fn total(rows: &[GroupRow]) -> Counts {
    let mut t = Counts::default();
    for r in rows {
        t.add(&r.counts);
    }
    t
}

pub async fn dashboard(
    State(st): State<AppState>,
    u: PageUser,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    let a = &u.actor;
    if matches!(a.role, Role::Resident | Role::Volunteer | Role::Unit) {
        return Err(Error::forbidden().into());
    }
    let now = st.clock.now();
    // Whole days, as people pick them: `to` is the last day shown (today by default), and
    // the period ends at the midnight after it. Whole days are also what the rollups read
    // without counting anything live.
    let to = match q.to.as_deref() {
        Some(d) if d.len() == 10 => parse_time(d).map(|t| t + DAY),
        Some(t) => parse_time(t),
        None => None,
    }
    .unwrap_or_else(|| day_start(day_of(now) + 1));
    let from = q
        .from
        .as_deref()
        .and_then(parse_time)
        .filter(|f| *f < to)
        .unwrap_or(to - 30 * DAY);
    let (f, t) = (day(from), day(to - 1));
    let period = format!("from={f}&to={}", day(to));
    let none = Filter::default();
    let mut c = st.db.conn().await?;

    let all = store::count(&mut c, a, now, from, to, None, &none).await?;
    let counts = total(&all);
    let r = rates(&counts);
    let kpis = vec![
        RateKpi {
            label: text("web.dash.response"),
            value: charts::percent(r.response_rate),
            detail: format!("{} / {}", counts.responded_on_time, counts.due_for_response),
            href: format!("/work/demands?{period}"),
        },
        RateKpi {
            label: text("web.dash.resolution"),
            value: charts::percent(r.resolution_rate),
            detail: format!("{} / {}", counts.solved, counts.rated),
            href: format!("/work/demands?{period}&status=closed"),
        },
        RateKpi {
            label: text("web.dash.satisfaction"),
            value: charts::percent(r.satisfaction_rate),
            detail: format!(
                "{} / {}",
                counts.satisfied + counts.basically_satisfied,
                counts.rated
            ),
            href: format!("/work/demands?{period}&status=closed"),
        },
        RateKpi {
            label: text("web.dash.on_time"),
            value: charts::percent(r.on_time_rate),
            detail: format!("{} / {}", counts.fed_back_on_time, counts.due_for_feedback),
            href: format!("/work/demands?{period}&overdue=true"),
        },
    ];

    // Twelve weeks, ending with the period's end: received and closed each week.
    let mut periods = Vec::new();
    for w in (0..12).rev() {
        let end = to - w * 7 * DAY;
        let start = end - 7 * DAY;
        let rows = store::count(&mut c, a, now, start, end, None, &none).await?;
        let n = total(&rows);
        periods.push(Period {
            label: day(start).get(5..).unwrap_or("").to_string(),
            first: n.received,
            second: n.closed,
            href: format!("/work/demands?from={}&to={}", day(start), day(end)),
        });
    }
    let trend = charts::trend(
        &text("web.dash.trend"),
        (&text("web.dash.received"), &text("web.dash.closed")),
        &periods,
    );

    let by_grid = open_by_grid(&mut c, a, now).await?;
    let grids = charts::bars(
        &text("web.dash.grid_load"),
        &by_grid
            .iter()
            .map(|(id, name, open, late)| Bar {
                label: name.clone().unwrap_or_else(|| text("web.dash.no_grid")),
                value: *open as f64,
                shown: if *late > 0 {
                    format!("{open}（{} {late}）", text("web.work.overdue"))
                } else {
                    open.to_string()
                },
                href: match id {
                    Some(g) => format!(
                        "/work/demands?grid_id={g}&status=submitted,accepted,dispatched,in_progress,resolved"
                    ),
                    None => "/work/demands?status=submitted,accepted,dispatched,in_progress,resolved"
                        .into(),
                },
                alert: *late > 0,
            })
            .collect::<Vec<_>>(),
        None,
    );

    let by_category =
        store::count(&mut c, a, now, from, to, Some(GroupBy::Category), &none).await?;
    let categories = charts::bars(
        &text("web.dash.categories"),
        &by_category
            .iter()
            .map(|g| Bar {
                label: g
                    .name
                    .clone()
                    .unwrap_or_else(|| text("web.demand.uncategorised")),
                value: g.counts.received as f64,
                shown: g.counts.received.to_string(),
                href: format!(
                    "/work/demands?{period}&category={}",
                    g.key.clone().unwrap_or_default()
                ),
                alert: false,
            })
            .collect::<Vec<_>>(),
        None,
    );
    let by_channel = store::count(&mut c, a, now, from, to, Some(GroupBy::Channel), &none).await?;
    let channels = charts::bars(
        &text("web.dash.channels"),
        &by_channel
            .iter()
            .map(|g| {
                let k = g.key.clone().unwrap_or_default();
                Bar {
                    label: text(&format!("demand.channel.{k}")),
                    value: g.counts.received as f64,
                    shown: g.counts.received.to_string(),
                    href: format!("/work/demands?{period}&channel={k}"),
                    alert: false,
                }
            })
            .collect::<Vec<_>>(),
        None,
    );
    let communities = if matches!(a.role, Role::Street | Role::Admin) {
        store::count(&mut c, a, now, from, to, Some(GroupBy::Community), &none)
            .await?
            .iter()
            .map(|g| {
                let r = rates(&g.counts);
                CommunityRow {
                    name: g.name.clone().unwrap_or_default(),
                    received: g.counts.received,
                    response: charts::percent(r.response_rate),
                    resolution: charts::percent(r.resolution_rate),
                    satisfaction: charts::percent(r.satisfaction_rate),
                    on_time: charts::percent(r.on_time_rate),
                    href: format!(
                        "/work/demands?{period}&community_id={}",
                        g.key.clone().unwrap_or_default()
                    ),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&Dash {
        page: Page::for_user(&u, text("web.nav.dash"), "/dash"),
        from: f,
        to: t,
        kpis,
        trend,
        grids,
        categories,
        channels,
        communities,
    }))
}

/// Open and overdue demands per grid: (grid, name, open, overdue).
async fn open_by_grid(
    c: &mut crate::db::Conn,
    a: &crate::auth::Actor,
    now: Millis,
) -> crate::db::DbResult<Vec<(Option<i64>, Option<String>, i64, i64)>> {
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
        .map(|(g, name, n)| (g, name, n, late_of(g)))
        .collect())
}
