//! The dashboard for the community and the street: the three rates and the on-time rate,
//! the trend, per-grid load and overdue work, categories and channels. It draws what the
//! measures' service answers; each figure links to exactly the demands it counts
//! (`counted=` names the figure's definition in `demands::figures`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::clock::Millis;
use crate::demands::figures::Counted;
use crate::state::AppState;
use crate::web::charts::{self, Bar, Period as Bars};
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError, render};
use crate::web::routes::{PageRoutes, STAFF};
use crate::web::session::PageUser;

use super::model::{Dashboard, Ends, Period};
use super::rates::{Counts, rates};
use super::service;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/dash", STAFF, dashboard)
        .get("/dash/definitions", STAFF, definitions)
        .get("/dash/councils", STAFF, super::councils::pages::records)
}

/// One rate as its definition reads: its name, and its two parts with what each counts
/// (each opening its demands).
pub struct RateDefinition {
    pub code: &'static str,
    pub name: String,
    pub part_code: &'static str,
    pub part_name: String,
    pub part_def: String,
    pub whole_code: &'static str,
    pub whole_name: String,
    pub whole_def: String,
}

#[derive(Template)]
#[template(path = "definitions.html")]
struct Definitions {
    page: Page,
    rates: Vec<RateDefinition>,
    /// Each active category's name, accept deadline (hours) and feedback deadline (days).
    deadlines: Vec<(String, i64, i64)>,
}

/// How the rates are defined, in the reader's language, each part opening its demands;
/// and the deadlines they are measured against.
async fn definitions(State(st): State<AppState>, u: PageUser) -> Result<Response, PageError> {
    let rate = |code: &'static str, part: Counted, whole: Counted| RateDefinition {
        code,
        name: text(&format!("web.dash.{code}")),
        part_code: part.as_str(),
        part_name: text(&format!("web.definitions.part.{}", part.as_str())),
        part_def: text(&format!("web.figure.{}", part.as_str())),
        whole_code: whole.as_str(),
        whole_name: text(&format!("web.definitions.part.{}", whole.as_str())),
        whole_def: text(&format!("web.figure.{}", whole.as_str())),
    };
    let rates = vec![
        rate(
            "response",
            Counted::RespondedOnTime,
            Counted::DueForResponse,
        ),
        rate("resolution", Counted::Solved, Counted::Rated),
        rate("satisfaction", Counted::Pleased, Counted::Rated),
        rate("on_time", Counted::FedBackOnTime, Counted::DueForFeedback),
    ];
    let lang = u.lang;
    let deadlines = crate::demands::service::categories(&st, &u.actor)
        .await?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| (c.name(lang).to_string(), c.accept_hours, c.feedback_days))
        .collect();
    Ok(render(&Definitions {
        page: Page::for_user(&u, text("web.dash.definitions"), "/dash"),
        rates,
        deadlines,
    }))
}

#[derive(Deserialize, Default)]
pub struct DashQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A rate: its value, and its two parts, each opening the demands it counts.
pub struct RateKpi {
    pub label: String,
    pub value: String,
    pub part: i64,
    pub part_href: String,
    pub whole: i64,
    pub whole_href: String,
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
    councils: super::councils::pages::CouncilSection,
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

/// The demand list of one figure: the demands received in `p` that it counts.
fn records(p: Period, counted: Counted, more: &str) -> String {
    format!(
        "/work/demands?from={}&to={}&counted={}{more}",
        day(p.from),
        day(p.to),
        counted.as_str()
    )
}

/// The open statuses, as the list filters them.
const OPEN: &str = "submitted,accepted,dispatched,in_progress,resolved";

fn kpis(p: Period, c: &Counts) -> Vec<RateKpi> {
    let r = rates(c);
    let kpi =
        |label: &str, value: Option<f64>, part: (i64, Counted), whole: (i64, Counted)| RateKpi {
            label: text(label),
            value: charts::percent(value),
            part: part.0,
            part_href: records(p, part.1, ""),
            whole: whole.0,
            whole_href: records(p, whole.1, ""),
        };
    vec![
        kpi(
            "web.dash.response",
            r.response_rate,
            (c.responded_on_time, Counted::RespondedOnTime),
            (c.due_for_response, Counted::DueForResponse),
        ),
        kpi(
            "web.dash.resolution",
            r.resolution_rate,
            (c.solved, Counted::Solved),
            (c.rated, Counted::Rated),
        ),
        kpi(
            "web.dash.satisfaction",
            r.satisfaction_rate,
            (c.satisfied + c.basically_satisfied, Counted::Pleased),
            (c.rated, Counted::Rated),
        ),
        kpi(
            "web.dash.on_time",
            r.on_time_rate,
            (c.fed_back_on_time, Counted::FedBackOnTime),
            (c.due_for_feedback, Counted::DueForFeedback),
        ),
    ]
}

fn trend(d: &Dashboard) -> String {
    let periods: Vec<Bars> = d
        .weeks
        .iter()
        .map(|w| Bars {
            label: day(w.period.from).get(5..).unwrap_or("").to_string(),
            first: w.counts.received,
            second: w.counts.closed,
            href: records(w.period, Counted::Received, ""),
        })
        .collect();
    charts::trend(
        &text("web.dash.trend"),
        (&text("web.dash.received"), &text("web.dash.closed")),
        &periods,
    )
}

fn grid_load(d: &Dashboard) -> String {
    let bars: Vec<Bar> = d
        .grids
        .iter()
        .map(|g| Bar {
            label: g.name.clone().unwrap_or_else(|| text("web.dash.no_grid")),
            value: g.open as f64,
            shown: if g.overdue > 0 {
                crate::web::i18n::aside(
                    &g.open.to_string(),
                    &format!("{} {}", text("web.work.overdue"), g.overdue),
                )
            } else {
                g.open.to_string()
            },
            href: match g.grid_id {
                Some(id) => format!("/work/demands?grid_id={id}&status={OPEN}"),
                None => format!("/work/demands?no_grid=true&status={OPEN}"),
            },
            alert: g.overdue > 0,
        })
        .collect();
    charts::bars(&text("web.dash.grid_load"), &bars, None)
}

fn received_by(
    title: &str,
    p: Period,
    rows: &[crate::measures::model::GroupRow],
    label: impl Fn(Option<&str>, Option<&str>) -> String,
    filter: impl Fn(Option<&str>) -> String,
) -> String {
    let bars: Vec<Bar> = rows
        .iter()
        .map(|g| Bar {
            label: label(g.key.as_deref(), g.name.as_deref()),
            value: g.counts.received as f64,
            shown: g.counts.received.to_string(),
            href: records(p, Counted::Received, &filter(g.key.as_deref())),
            alert: false,
        })
        .collect();
    charts::bars(&text(title), &bars, None)
}

fn communities(d: &Dashboard) -> Vec<CommunityRow> {
    d.communities
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
                href: records(
                    d.period,
                    Counted::Received,
                    &format!("&community_id={}", g.key.as_deref().unwrap_or_default()),
                ),
            }
        })
        .collect()
}

pub async fn dashboard(
    State(st): State<AppState>,
    u: PageUser,
    Query(q): Query<DashQuery>,
) -> Result<Response, PageError> {
    let now = st.clock.now();
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), now, Ends::Through)?;
    let d = service::dashboard(&st, &u.actor, period).await?;
    let p = d.period;
    let by = if super::rules::sees_communities(u.actor.role) {
        super::councils::CouncilGroupBy::Community
    } else {
        super::councils::CouncilGroupBy::Grid
    };
    let cm =
        super::councils::service::measures(&st, &u.actor, p, Some(by), &Default::default()).await?;
    let councils = super::councils::pages::section(p, &cm, by);
    let categories = received_by(
        "web.dash.categories",
        p,
        &d.categories,
        |_, name| {
            name.map(str::to_string)
                .unwrap_or_else(|| text("web.demand.uncategorised"))
        },
        |key| match key {
            Some(k) => format!("&category={k}"),
            None => "&no_category=true".into(),
        },
    );
    let channels = received_by(
        "web.dash.channels",
        p,
        &d.channels,
        |key, _| text(&format!("demand.channel.{}", key.unwrap_or_default())),
        |key| format!("&channel={}", key.unwrap_or_default()),
    );
    Ok(render(&Dash {
        page: Page::for_user(&u, text("web.nav.dash"), "/dash"),
        from: day(p.from),
        to: day(p.to - 1),
        kpis: kpis(p, &d.total),
        trend: trend(&d),
        grids: grid_load(&d),
        categories,
        channels,
        communities: communities(&d),
        councils,
    }))
}
