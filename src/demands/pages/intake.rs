//! Recording a demand at the counter or on the phone: find the resident in a few
//! keystrokes (name, the last digits of a phone, or the room), pick, describe, save. Saved
//! through the same door and write path as the API's intake. Each form shown carries an
//! id of its own (`client_id`): sent twice, it records one demand.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::demands::model::{Channel, ClientId, MAX_TEXT, MAX_TITLE, ResidentMatches, Urgency};
use crate::demands::service::{self, NewDemand};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::error::{message, status};
use crate::web::i18n::text;
use crate::web::pages::{Page, render};
use crate::web::session::PageUser;
use crate::web::validate;

use super::demand::error_page;
use super::form::{Fields, choice, field, given, number};

#[derive(Template)]
#[template(path = "work/intake.html")]
struct IntakePage {
    page: Page,
    q: String,
    found: Found,
    categories: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    error: Option<String>,
    values: Fields,
    max_title: usize,
    max_text: usize,
    /// This form's intake id: a second send of it is the demand the first recorded.
    client_id: String,
}

/// The residents a search found, as the list under the search box shows them.
struct Found {
    /// What was searched for, sent with the form so a form sent back finds them again.
    q: String,
    matches: ResidentMatches,
    /// Whether anything was searched for: "nobody found" only after a search.
    searched: bool,
    /// The resident already chosen (a form sent back keeps them), else the only match.
    chosen: Option<i64>,
}

impl Found {
    fn new(matches: ResidentMatches, q: &str, chosen: Option<i64>) -> Found {
        let only = match matches.found.as_slice() {
            [one] => Some(one.id),
            _ => None,
        };
        Found {
            q: q.to_string(),
            searched: !q.trim().is_empty(),
            chosen: chosen
                .filter(|c| matches.found.iter().any(|r| r.id == *c))
                .or(only),
            matches,
        }
    }

    fn is_chosen(&self, id: &i64) -> bool {
        self.chosen == Some(*id)
    }
}

impl IntakePage {
    fn value(&self, name: &str) -> String {
        field(&self.values, name).unwrap_or_default().to_string()
    }

    /// The reporter's fields stay open once something was typed in them.
    fn reporter_open(&self) -> bool {
        ["reporter_name", "reporter_phone", "anonymous"]
            .iter()
            .any(|f| given(&self.values, f).is_some())
    }
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    pub q: Option<String>,
}

async fn intake_page(
    st: &AppState,
    u: &PageUser,
    q: &str,
    error: Option<String>,
    values: Fields,
) -> Result<IntakePage> {
    let a = &u.actor;
    let chosen = field(&values, "resident_id").and_then(|v| v.parse().ok());
    let found = Found::new(service::find_residents(st, a, q).await?, q, chosen);
    let categories = super::category_options(service::categories(st, a).await?);
    let channels = Channel::ALL
        .iter()
        .filter(|c| **c != Channel::Api && **c != Channel::Online)
        .map(|c| (c.as_str().to_string(), text(&format!("demand.channel.{c}"))))
        .collect();
    Ok(IntakePage {
        page: Page::for_user(u, text("web.nav.intake"), "/work/demands/new"),
        q: q.to_string(),
        found,
        categories,
        channels,
        error,
        values,
        max_title: MAX_TITLE,
        max_text: MAX_TEXT,
        client_id: ClientId::fresh().as_str().to_string(),
    })
}

pub async fn form(
    State(st): State<AppState>,
    u: PageUser,
    Query(s): Query<SearchQuery>,
) -> Response {
    match intake_page(&st, &u, s.q.as_deref().unwrap_or(""), None, Vec::new()).await {
        Ok(p) => super::not_kept(render(&p)),
        Err(e) => error_page(e),
    }
}

#[derive(Template)]
#[template(path = "work/found.html")]
struct FoundList {
    page: Page,
    found: Found,
}

/// The search results alone, for the page's script to swap in as someone types.
pub async fn search(
    State(st): State<AppState>,
    u: PageUser,
    Query(s): Query<SearchQuery>,
) -> Response {
    let q = s.q.as_deref().unwrap_or("");
    match service::find_residents(&st, &u.actor, q).await {
        Ok(found) => match (FoundList {
            page: Page::for_user(&u, String::new(), "/work/demands/new"),
            found: Found::new(found, q, None),
        })
        .render()
        {
            Ok(html) => Html(html).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Err(e) => (status(e.class()), message(&e)).into_response(),
    }
}

/// The counter's form as the intake the API takes.
fn parse(f: &Fields) -> Result<NewDemand> {
    Ok(NewDemand {
        channel: choice::<Channel>(f, "channel")?,
        title: validate::optional("title", given(f, "title"), MAX_TITLE)?,
        description: validate::required("description", given(f, "description"), MAX_TEXT)?,
        category: validate::optional("category", given(f, "category"), 40)?,
        urgency: choice::<Urgency>(f, "urgency")?,
        community_id: None,
        building_id: None,
        household_id: None,
        resident_id: number(f, "resident_id")?,
        reporter_name: validate::optional("reporter_name", given(f, "reporter_name"), 50)?,
        reporter_phone: validate::optional("reporter_phone", given(f, "reporter_phone"), 30)?,
        location: validate::optional("location", given(f, "location"), 200)?,
        anonymous: field(f, "anonymous") == Some("on"),
        client_id: ClientId::parse(given(f, "client_id"))?,
    })
}

pub async fn submit(State(st): State<AppState>, u: PageUser, Form(f): Form<Fields>) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let saved = async {
        let n = parse(&f)?;
        // Sent twice, the second is the demand the first recorded: its page either way.
        Ok::<_, Error>(service::intake(&st, &u.actor, n).await?.demand.id)
    }
    .await;
    match saved {
        Ok(id) => Redirect::to(&format!("/work/demands/{id}?done=intake")).into_response(),
        // Everything typed is kept, the search and the resident chosen in it included.
        Err(e) => match intake_page(
            &st,
            &u,
            field(&f, "q").unwrap_or_default(),
            Some(message(&e)),
            f.clone(),
        )
        .await
        {
            Ok(p) => (status(e.class()), super::not_kept(render(&p))).into_response(),
            Err(e) => error_page(e),
        },
    }
}
