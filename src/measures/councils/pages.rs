//! The councils' figures on the dashboard (a card of tiles and a table per grid or per
//! community), and `/dash/councils`: the records one figure counts, which every tile and
//! cell links to with the same period and filters.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::clock::Millis;
use crate::measures::model::{Ends, Period};
use crate::state::AppState;
use crate::web::charts::percent;
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError, render};
use crate::web::session::PageUser;

use super::rules::day_in_china;
use super::{
    CouncilCounts, CouncilFilter, CouncilGroupBy, CouncilMeasures, CouncilRecords, Counted, service,
};

/// A day as the links write it: `2026-11-25`.
fn day(t: Millis) -> String {
    day_in_china(t).map(|d| d.to_string()).unwrap_or_default()
}

/// The records page of one figure: the period's first day and the midnight ending it.
pub fn href(p: Period, counted: Counted, more: &str) -> String {
    format!(
        "/dash/councils?counted={}&from={}&to={}{more}",
        counted.as_str(),
        day(p.from),
        day(p.to)
    )
}

/// A tile: a number (or a rate), what it is, and the records behind it.
pub struct Tile {
    pub label: String,
    pub value: String,
    pub href: String,
    /// A rate's parts: "15 / 20", each opening its records.
    pub parts: Option<(i64, String, i64, String)>,
    pub alert: bool,
}

/// A number in a table, opening its records.
pub struct Cell {
    pub shown: String,
    pub href: String,
}

pub struct GroupRow {
    pub name: String,
    pub cells: Vec<Cell>,
}

/// What the dashboard shows of the councils.
pub struct CouncilSection {
    pub tiles: Vec<Tile>,
    /// "per grid" or "per community".
    pub by: String,
    pub rows: Vec<GroupRow>,
    /// Consent campaigns run and reached, once the campaigns report them.
    pub campaigns: Option<(i64, i64)>,
}

fn tiles(p: Period, c: &CouncilCounts, r: &super::CouncilRates, more: &str) -> Vec<Tile> {
    let count = |key: &str, counted: Counted, alert: bool| Tile {
        label: text(key),
        value: c.of(counted).to_string(),
        href: href(p, counted, more),
        parts: None,
        alert: alert && c.of(counted) > 0,
    };
    let held = href(p, Counted::MeetingsHeld, more);
    vec![
        count(
            "council_measures.meetings_held",
            Counted::MeetingsHeld,
            false,
        ),
        Tile {
            label: text("council_measures.attendance_rate"),
            value: percent(r.attendance_rate),
            href: held.clone(),
            parts: Some((c.members_present, held.clone(), c.members_expected, held)),
            alert: false,
        },
        count(
            "council_measures.topics_raised",
            Counted::TopicsRaised,
            false,
        ),
        count(
            "council_measures.topics_discussed",
            Counted::TopicsDiscussed,
            false,
        ),
        count(
            "council_measures.topics_decided",
            Counted::TopicsDecided,
            false,
        ),
        Tile {
            label: text("council_measures.on_time_rate"),
            value: percent(r.on_time_rate),
            href: href(p, Counted::ItemsDue, more),
            parts: Some((
                c.items_on_time,
                href(p, Counted::ItemsOnTime, more),
                c.items_due,
                href(p, Counted::ItemsDue, more),
            )),
            alert: false,
        },
        count(
            "council_measures.items_overdue",
            Counted::ItemsOverdue,
            true,
        ),
    ]
}

/// The dashboard's council card for the measures of `p` grouped by `by`.
pub fn section(p: Period, m: &CouncilMeasures, by: CouncilGroupBy) -> CouncilSection {
    let rows = m
        .groups
        .iter()
        .map(|g| {
            let (name, more) = match (by, g.key) {
                (CouncilGroupBy::Grid, None) => (
                    text("council_measures.community_councils"),
                    "&no_grid=true".to_string(),
                ),
                (CouncilGroupBy::Grid, Some(k)) => {
                    (g.name.clone().unwrap_or_default(), format!("&grid_id={k}"))
                }
                (CouncilGroupBy::Community, k) => (
                    g.name.clone().unwrap_or_default(),
                    format!("&community_id={}", k.unwrap_or_default()),
                ),
                (CouncilGroupBy::Street, k) => (
                    g.name.clone().unwrap_or_default(),
                    format!("&street_id={}", k.unwrap_or_default()),
                ),
            };
            let c = &g.counts;
            let cell = |shown: String, counted: Counted| Cell {
                shown,
                href: href(p, counted, &more),
            };
            GroupRow {
                name,
                cells: vec![
                    cell(c.meetings_held.to_string(), Counted::MeetingsHeld),
                    cell(percent(g.rates.attendance_rate), Counted::MeetingsHeld),
                    cell(c.topics_raised.to_string(), Counted::TopicsRaised),
                    cell(c.topics_discussed.to_string(), Counted::TopicsDiscussed),
                    cell(c.topics_decided.to_string(), Counted::TopicsDecided),
                    cell(
                        format!("{} / {}", c.items_on_time, c.items_due),
                        Counted::ItemsDue,
                    ),
                    cell(c.items_overdue.to_string(), Counted::ItemsOverdue),
                ],
            }
        })
        .collect();
    CouncilSection {
        tiles: tiles(p, &m.total.counts, &m.total.rates, ""),
        by: text(match by {
            CouncilGroupBy::Grid => "council_measures.by_grid",
            CouncilGroupBy::Community => "council_measures.by_community",
            CouncilGroupBy::Street => "council_measures.by_street",
        }),
        rows,
        campaigns: m.campaigns.map(|c| (c.run, c.reached)),
    }
}

#[derive(Deserialize)]
pub struct RecordsQuery {
    pub counted: Counted,
    pub from: Option<String>,
    pub to: Option<String>,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub no_grid: Option<bool>,
}

/// One row of the records table, in words.
pub struct RecordRow {
    pub when: String,
    pub what: String,
    pub detail: String,
    pub state: String,
    pub alert: bool,
}

#[derive(Template)]
#[template(path = "council_records.html")]
struct Records {
    page: Page,
    from: String,
    to: String,
    heads: [String; 4],
    rows: Vec<RecordRow>,
}

fn rows(r: CouncilRecords) -> ([String; 4], Vec<RecordRow>) {
    use crate::councils::model::Labelled;
    let t = |k: &str| text(&format!("council_measures.col.{k}"));
    let at = |m: Millis| crate::clock::format_local(m);
    if !r.meetings.is_empty() {
        let heads = [t("starts_at"), t("council"), t("attendance"), t("minutes")];
        let rows = r
            .meetings
            .into_iter()
            .map(|m| RecordRow {
                when: at(m.starts_at),
                what: m.council_name,
                detail: format!("{} / {}", m.present, m.members),
                state: m.minutes.chars().take(60).collect(),
                alert: false,
            })
            .collect();
        return (heads, rows);
    }
    if !r.topics.is_empty() {
        let heads = [t("raised_at"), t("topic"), t("source"), t("status")];
        let rows = r
            .topics
            .into_iter()
            .map(|x| RecordRow {
                when: at(x.created_at),
                what: x.title,
                detail: text(&x.source.key()),
                state: text(&x.status.key()),
                alert: false,
            })
            .collect();
        return (heads, rows);
    }
    if !r.decisions.is_empty() {
        let heads = [t("decided_at"), t("topic"), t("terms"), t("outcome")];
        let rows = r
            .decisions
            .into_iter()
            .map(|d| RecordRow {
                when: at(d.decided_at),
                what: d.topic_title.clone(),
                detail: d.terms.clone(),
                state: text(&d.outcome.key()),
                alert: false,
            })
            .collect();
        return (heads, rows);
    }
    let heads = [t("due_on"), t("item"), t("owner"), t("progress")];
    let rows = r
        .items
        .into_iter()
        .map(|i| RecordRow {
            when: i.due_on.clone(),
            what: i.title.clone(),
            detail: i.owner_name.clone().unwrap_or_default(),
            state: format!("{}% · {}", i.progress, text(&i.status.key())),
            alert: i.overdue,
        })
        .collect();
    (heads, rows)
}

/// `/dash/councils`: the records one figure counts.
pub async fn records(
    State(st): State<AppState>,
    u: PageUser,
    Query(q): Query<RecordsQuery>,
) -> Result<Response, PageError> {
    let p = Period::parse(
        q.from.as_deref(),
        q.to.as_deref(),
        st.clock.now(),
        Ends::Before,
    )?;
    let f = CouncilFilter {
        street_id: q.street_id,
        community_id: q.community_id,
        grid_id: q.grid_id,
        no_grid: q.no_grid.unwrap_or(false),
    };
    let r = service::records(&st, &u.actor, p, q.counted, &f).await?;
    let (heads, rows) = rows(r);
    let title = text(&format!("council_measures.figure.{}", q.counted.as_str()));
    Ok(render(&Records {
        page: Page::for_user(&u, title, "/dash"),
        from: day(p.from),
        to: day(Millis(p.to.0 - 1)),
        heads,
        rows,
    }))
}
