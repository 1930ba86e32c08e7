//! The workbench (today's work and the reminders waiting), the filtered demand list, and
//! the orders page of volunteers and units.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::auth::Role;
use crate::demands::download;
use crate::demands::export::ExportQuery;
use crate::demands::model::{ListQuery, Status};
use crate::demands::rules::audience::Audience;
use crate::demands::service;
use crate::error::Error;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError, render};
use crate::web::session::PageUser;

use super::{Item, Nudge};

/// A block of the workbench: a title, a link to the whole list, the first rows.
pub struct Section {
    pub title: String,
    pub link: String,
    pub items: Vec<Item>,
    pub empty: String,
}

/// A figure at the top: a count, linked to the records behind it.
pub struct Kpi {
    pub label: String,
    pub value: i64,
    pub link: String,
    pub alert: bool,
}

#[derive(Template)]
#[template(path = "work/workbench.html")]
struct Workbench {
    page: Page,
    kpis: Vec<Kpi>,
    reminders: Vec<Nudge>,
    sections: Vec<Section>,
}

async fn section(
    st: &AppState,
    u: &PageUser,
    title_key: &str,
    link: String,
    f: ListQuery,
) -> Result<Section, Error> {
    let page = service::list(
        st,
        &u.actor,
        &ListQuery {
            limit: Some(10),
            ..f
        },
    )
    .await?;
    Ok(Section {
        title: text(title_key),
        link,
        items: page.items.iter().map(Item::of).collect(),
        empty: text("web.work.nothing"),
    })
}

/// What the background job reminded the caller about, still waiting.
async fn reminders(st: &AppState, u: &PageUser) -> Result<Vec<Nudge>, Error> {
    Ok(service::reminders(st, &u.actor)
        .await?
        .items
        .iter()
        .map(|r| Nudge::of(r.kind, &r.demand, false))
        .collect())
}

/// Today's work: what waits to be accepted, what is overdue, my grid or my orders, and the
/// reminders waiting.
pub async fn workbench(State(st): State<AppState>, u: PageUser) -> Result<Response, PageError> {
    let a = &u.actor;
    let n = service::counts(&st, a).await?;
    let kpi = |label: &str, value: i64, link: &str, alert: bool| Kpi {
        label: text(label),
        value,
        link: link.to_string(),
        alert,
    };
    let kpis = vec![
        kpi(
            "web.work.to_accept",
            n.to_accept,
            "/work/demands?status=submitted",
            false,
        ),
        kpi(
            "web.work.overdue",
            n.overdue,
            "/work/demands?overdue=true",
            n.overdue > 0,
        ),
        kpi(
            "web.work.to_dispatch",
            n.to_dispatch,
            "/work/demands?status=accepted",
            false,
        ),
        kpi(
            "web.work.in_hand",
            n.in_hand,
            "/work/demands?status=dispatched,in_progress",
            false,
        ),
        kpi(
            "web.work.to_feed_back",
            n.to_feed_back,
            "/work/demands?status=resolved",
            false,
        ),
        kpi(
            "web.work.to_rate",
            n.to_rate,
            "/work/demands?status=feedback_given",
            false,
        ),
        kpi(
            "web.work.due_today",
            n.due_today,
            "/work/demands?due_today=true",
            n.due_today > 0,
        ),
    ];
    let mut sections = Vec::new();
    // A grid worker's day starts with what is due today in their grid.
    if a.role == Role::GridWorker {
        sections.push(
            section(
                &st,
                &u,
                "web.work.today",
                "/work/demands?due_today=true".into(),
                ListQuery {
                    due_today: Some(true),
                    ..Default::default()
                },
            )
            .await?,
        );
    }
    sections.extend([
        section(
            &st,
            &u,
            "web.work.to_accept",
            "/work/demands?status=submitted".into(),
            ListQuery {
                status: Some("submitted".into()),
                ..Default::default()
            },
        )
        .await?,
        section(
            &st,
            &u,
            "web.work.overdue",
            "/work/demands?overdue=true".into(),
            ListQuery {
                overdue: Some(true),
                ..Default::default()
            },
        )
        .await?,
    ]);
    if let (Role::GridWorker, Some(&grid)) = (a.role, a.grid_ids.first()) {
        sections.push(
            section(
                &st,
                &u,
                "web.work.my_grid",
                format!("/work/demands?grid_id={grid}"),
                ListQuery {
                    grid_id: Some(grid),
                    status: Some("accepted,dispatched,in_progress,resolved".into()),
                    ..Default::default()
                },
            )
            .await?,
        );
    }
    Ok(render(&Workbench {
        page: Page::for_user(&u, text("web.nav.work"), "/work"),
        kpis,
        reminders: reminders(&st, &u).await?,
        sections,
    }))
}

#[derive(Template)]
#[template(path = "work/list.html")]
struct ListPage {
    page: Page,
    items: Vec<Item>,
    filter: ListQuery,
    statuses: Vec<(String, String)>,
    next: Option<String>,
    title: String,
    /// The same filters as an Excel and a CSV download, for those who may export.
    exports: Option<(String, String)>,
    /// What the figure this list was opened from counts, when it was.
    figure: Option<String>,
    /// The filters the form does not show, kept when it is sent again.
    kept: Vec<(&'static str, String)>,
    /// How many demands the filters select, all pages together.
    total: i64,
}

impl ListPage {
    fn total_text(&self) -> String {
        let most = crate::demands::store::lists::COUNTED_UP_TO;
        if self.total > most {
            self.page
                .t_n("web.work.total_more", usize::try_from(most).unwrap_or(0))
        } else {
            self.page
                .t_n("web.work.total", usize::try_from(self.total).unwrap_or(0))
        }
    }
}

/// The query string of a list filter, for links (cursor excluded).
fn query_string(f: &ListQuery) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", crate::web::pages::url_escape(&v)));
        }
    };
    add("status", f.status.clone());
    add("community_id", f.community_id.map(|c| c.to_string()));
    add("grid_id", f.grid_id.map(|g| g.to_string()));
    add("category", f.category.clone());
    add("q", f.q.clone());
    add("overdue", f.overdue.filter(|o| *o).map(|_| "true".into()));
    add("mine", f.mine.filter(|o| *o).map(|_| "true".into()));
    add(
        "due_today",
        f.due_today.filter(|o| *o).map(|_| "true".into()),
    );
    add("from", f.from.clone());
    add("to", f.to.clone());
    add("channel", f.channel.map(|c| c.as_str().to_string()));
    add("level", f.level.map(|l| l.as_str().to_string()));
    add("urgency", f.urgency.map(|u| u.as_str().to_string()));
    add("counted", f.counted.map(|c| c.as_str().to_string()));
    add("no_grid", f.no_grid.filter(|o| *o).map(|_| "true".into()));
    add(
        "no_category",
        f.no_category.filter(|o| *o).map(|_| "true".into()),
    );
    add("resident_id", f.resident_id.map(|r| r.to_string()));
    parts.join("&")
}

/// The filters the list's form has no field for: sent again as hidden fields, so that
/// changing the status or the words keeps the figure the list came from (the period has
/// its own fields, filled in).
fn kept(f: &ListQuery) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut keep = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            out.push((k, v));
        }
    };
    keep("counted", f.counted.map(|c| c.as_str().to_string()));
    keep("community_id", f.community_id.map(|c| c.to_string()));
    keep("grid_id", f.grid_id.map(|g| g.to_string()));
    keep("category", f.category.clone());
    keep("channel", f.channel.map(|c| c.as_str().to_string()));
    keep("no_grid", f.no_grid.filter(|o| *o).map(|_| "true".into()));
    keep(
        "no_category",
        f.no_category.filter(|o| *o).map(|_| "true".into()),
    );
    keep("mine", f.mine.filter(|o| *o).map(|_| "true".into()));
    keep(
        "due_today",
        f.due_today.filter(|o| *o).map(|_| "true".into()),
    );
    keep("resident_id", f.resident_id.map(|r| r.to_string()));
    out
}

/// Every demand in reach, filtered, newest first, 50 a page.
pub async fn list(
    State(st): State<AppState>,
    u: PageUser,
    Query(f): Query<ListQuery>,
) -> Result<Response, PageError> {
    let page = service::list(&st, &u.actor, &f).await?;
    let total = service::total(&st, &u.actor, &f).await?;
    let qs = query_string(&f);
    let next = page.next_cursor.map(|c| {
        if qs.is_empty() {
            format!("/work/demands?cursor={c}")
        } else {
            format!("/work/demands?{qs}&cursor={c}")
        }
    });
    let export = |format: &str| {
        if qs.is_empty() {
            format!("/work/demands/export?format={format}")
        } else {
            format!("/work/demands/export?format={format}&{qs}")
        }
    };
    let statuses = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), text(&format!("demand.status.{s}"))))
        .collect();
    let exports = Audience::of(u.actor.role)
        .may_export()
        .then(|| (export("xlsx"), export("csv")));
    // What the figure counts, with its period (its dates are in the form's fields too).
    let figure = f.counted.map(|c| {
        let definition = text(&format!("web.figure.{}", c.as_str()));
        match f.from.as_deref() {
            Some(from) => crate::web::i18n::aside(
                &definition,
                &format!("{from} – {}", f.to.as_deref().unwrap_or_default()),
            ),
            None => definition,
        }
    });
    Ok(render(&ListPage {
        page: Page::for_user(&u, text("web.nav.demands"), "/work/demands"),
        items: page.items.iter().map(Item::of).collect(),
        figure,
        kept: kept(&f),
        filter: f,
        statuses,
        next,
        title: text("web.nav.demands"),
        exports,
        total,
    }))
}

/// The list's filters as a download (the links of the list page; the API has the same at
/// `/api/v1/demands/export`).
pub async fn export(
    State(st): State<AppState>,
    u: PageUser,
    Query(e): Query<ExportQuery>,
    Query(f): Query<ListQuery>,
) -> Result<Response, PageError> {
    let export = service::export(&st, &u.actor, &f, e.format, u.lang).await?;
    Ok(download::export(st, export).await?)
}

/// A unit's (or volunteer's) orders, the reminders about them, and every demand they work
/// or worked on.
pub async fn unit(State(st): State<AppState>, u: PageUser) -> Result<Response, PageError> {
    let sections = vec![
        section(
            &st,
            &u,
            "web.unit.orders",
            "/work/demands?mine=true".into(),
            ListQuery {
                mine: Some(true),
                ..Default::default()
            },
        )
        .await?,
        section(
            &st,
            &u,
            "web.unit.all",
            "/work/demands".into(),
            ListQuery::default(),
        )
        .await?,
    ];
    Ok(render(&Workbench {
        page: Page::for_user(&u, text("web.nav.unit"), "/unit"),
        kpis: Vec::new(),
        reminders: reminders(&st, &u).await?,
        sections,
    }))
}
