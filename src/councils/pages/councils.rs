//! `/work/councils`: the councils and linkage teams in the caller's scope, and a new one
//! with its grid, chair and schedule (an RRULE from its first meeting). And a council's
//! calendar under the session, for a phone's calendar to open.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::councils::model::CouncilKind;
use crate::councils::model::inputs::{self, CouncilInput, LOCATION_MAX};
use crate::councils::service::{choices, councils as service};
use crate::error::Result;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::{Page, error_page, render};
use crate::web::session::PageUser;

use super::{Fields, Refill, Refused, field, label, number, refusal, when};

pub struct Row {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub place: String,
    pub chair: String,
    pub schedule: String,
    pub location: String,
}

#[derive(Template)]
#[template(path = "councils/list.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
    grids: Vec<(i64, String)>,
    people: Vec<(i64, String)>,
    kinds: Vec<(&'static str, String)>,
    values: Fields,
    refused: Refused,
}

impl Refill for ListPage {
    fn values(&self) -> &Fields {
        &self.values
    }
    fn refused(&self) -> Option<&(String, String)> {
        self.refused.as_ref()
    }
}

impl ListPage {
    fn is(&self, name: &str, v: &str) -> bool {
        field(&self.values, name).map(str::trim) == Some(v)
    }
}

/// A schedule as people read it: `每周一 19:00 起（FREQ=WEEKLY;BYDAY=MO）`.
pub fn schedule(rrule: Option<&str>, first: Option<crate::clock::Millis>) -> String {
    match (rrule, first) {
        (Some(r), Some(f)) => text("council_pages.schedule")
            .replace("%{rule}", r)
            .replace("%{from}", &when(f)),
        _ => text("council_pages.no_schedule"),
    }
}

async fn list_page(
    st: &AppState,
    u: &PageUser,
    values: Fields,
    refused: Refused,
) -> Result<ListPage> {
    let all = service::list(st, &u.actor).await?;
    let ch = choices::of_community(st, &u.actor, None).await?;
    let grid_name = |g: Option<i64>| match g {
        None => label(crate::councils::model::ScopeKind::Community),
        Some(g) => ch
            .grids
            .iter()
            .find(|(id, _)| *id == g)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("{} {g}", label(crate::councils::model::ScopeKind::Grid))),
    };
    let rows = all
        .iter()
        .map(|c| Row {
            id: c.id,
            name: c.name.clone(),
            kind: label(c.kind),
            place: grid_name(c.grid_id),
            chair: c.chair_name.clone().unwrap_or_default(),
            schedule: schedule(c.recurrence.as_deref(), c.first_starts_at),
            location: c.location.clone(),
        })
        .collect();
    Ok(ListPage {
        page: Page::for_user(u, text("council_pages.title"), "/work/councils"),
        rows,
        grids: ch.grids,
        people: ch.people,
        kinds: CouncilKind::ALL
            .iter()
            .map(|k| (k.as_str(), label(*k)))
            .collect(),
        values,
        refused,
    })
}

pub async fn list(State(st): State<AppState>, u: PageUser) -> Response {
    let values = vec![
        ("recurrence".to_string(), "FREQ=WEEKLY;BYDAY=MO".to_string()),
        ("duration_minutes".to_string(), "90".to_string()),
    ];
    match list_page(&st, &u, values, None).await {
        Ok(p) => render(&p),
        Err(e) => error_page(e),
    }
}

fn council_input(f: &Fields) -> Result<CouncilInput> {
    let input = CouncilInput {
        community_id: None,
        grid_id: number(f, "grid_id")?,
        kind: inputs::word("kind", field(f, "kind"), CouncilKind::Council)?,
        name: inputs::name(field(f, "name"))?,
        chair_user_id: number(f, "chair_user_id")?,
        recurrence: inputs::recurrence(field(f, "recurrence"))?,
        first_starts_at: inputs::moment("first_starts_at", field(f, "first_starts_at"))?,
        duration_minutes: number(f, "duration_minutes")?.unwrap_or(60),
        location: inputs::optional("location", field(f, "location"), LOCATION_MAX)?,
    };
    input.check()?;
    Ok(input)
}

pub async fn create(State(st): State<AppState>, u: PageUser, Form(f): Form<Fields>) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let made = async { service::create(&st, &u.actor, council_input(&f)?).await }.await;
    match made {
        Ok(c) => {
            Redirect::to(&format!("/work/councils/{}?done=created", c.council.id)).into_response()
        }
        Err(e) => match refusal(&e) {
            Some(code) => {
                let why = Some(("create".to_string(), crate::web::error::message(&e)));
                super::or_error(list_page(&st, &u, f, why).await, code)
            }
            None => error_page(e),
        },
    }
}

/// A council's meetings as an iCalendar file, for whoever sees the council.
pub async fn calendar(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    match service::council_feed(&st, &u.actor, id).await {
        Ok(body) => {
            let mut res = (StatusCode::OK, body).into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"council-{id}.ics\""))
            {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(e) => error_page(e),
    }
}
