//! Recording a demand at the counter or on the phone: find the resident in a few
//! keystrokes (name, the last digits of a phone, or the room), pick, describe, save.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::{Actor, Role};
use crate::db::Q;
use crate::demands::model::{Channel, MAX_TEXT, MAX_TITLE, Urgency};
use crate::demands::service::{self, Ctx, NewDemand};
use crate::error::{Code, Error, Result};
use crate::roster::ids::mask_phone;
use crate::state::AppState;
use crate::web::error::{message, status};
use crate::web::i18n::text;
use crate::web::pages::{Page, render};
use crate::web::session::PageUser;
use crate::web::validate;

use super::act::Fields;
use super::demand::categories;

/// A resident found by the search.
#[derive(sqlx::FromRow)]
pub struct Found {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub compound: String,
    pub building: String,
    pub unit_no: String,
    pub room: String,
}

impl Found {
    pub fn address(&self) -> String {
        format!(
            "{} {} {} {}",
            self.compound, self.building, self.unit_no, self.room
        )
    }
    pub fn masked_phone(&self) -> String {
        self.phone.as_deref().map(mask_phone).unwrap_or_default()
    }
}

/// Residents in the caller's reach whose name, phone ending or room matches `q`.
pub async fn find_residents(st: &AppState, a: &Actor, q: &str) -> Result<Vec<Found>> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let mut sql = Q::new(
        "SELECT r.id, r.name, r.phone, c.name AS compound, b.name AS building, h.unit_no, h.room \
         FROM residents r \
         JOIN households h ON h.community_id = r.community_id AND h.id = r.household_id \
         JOIN buildings b ON b.id = h.building_id JOIN compounds c ON c.id = b.compound_id \
         WHERE (r.name LIKE ",
    );
    sql.push_bind(format!("%{escaped}%"))
        .push(" ESCAPE '\\' OR r.phone LIKE ")
        .push_bind(format!("%{escaped}"))
        .push(" ESCAPE '\\' OR (b.name || h.unit_no || h.room) LIKE ")
        .push_bind(format!("%{escaped}%"))
        .push(" ESCAPE '\\')");
    match a.role {
        Role::Admin => {}
        Role::Street => {
            sql.push(" AND r.street_id = ").push_bind(a.street_id);
        }
        Role::GridWorker => {
            sql.push(" AND r.community_id = ")
                .push_bind(a.community_id)
                .push(" AND b.grid_id IN (SELECT g.id FROM grids g WHERE g.worker_user_id = ")
                .push_bind(a.user_id)
                .push(")");
        }
        Role::Staff | Role::Secretary => {
            sql.push(" AND r.community_id = ").push_bind(a.community_id);
        }
        _ => return Err(Error::forbidden()),
    }
    sql.push(" ORDER BY r.id LIMIT 20");
    let mut c = st.db.conn().await?;
    Ok(sql.fetch_all(&mut c).await?)
}

#[derive(Template)]
#[template(path = "work/intake.html")]
struct IntakePage {
    page: Page,
    q: String,
    found: Vec<Found>,
    categories: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    error: Option<String>,
    values: Fields,
}

impl IntakePage {
    fn value(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
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
    let found = find_residents(st, a, q).await?;
    let categories = categories(st).await?;
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
    })
}

pub async fn form(
    State(st): State<AppState>,
    u: PageUser,
    Query(s): Query<SearchQuery>,
) -> Response {
    match intake_page(&st, &u, s.q.as_deref().unwrap_or(""), None, Vec::new()).await {
        Ok(p) => render(&p),
        Err(e) => super::demand::error_page(e),
    }
}

#[derive(Template)]
#[template(path = "work/found.html")]
struct FoundList {
    page: Page,
    found: Vec<Found>,
}

/// The search results alone, for the page's script to swap in as someone types.
pub async fn search(
    State(st): State<AppState>,
    u: PageUser,
    Query(s): Query<SearchQuery>,
) -> Response {
    match find_residents(&st, &u.actor, s.q.as_deref().unwrap_or("")).await {
        Ok(found) => match (FoundList {
            page: Page::for_user(&u, String::new(), "/work/demands/new"),
            found,
        })
        .render()
        {
            Ok(html) => Html(html).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        Err(e) => (status(e.class()), message(&e)).into_response(),
    }
}

fn field<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

fn parse(f: &Fields) -> Result<NewDemand> {
    let number = |name: &str| -> Result<Option<i64>> {
        field(f, name)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| Error::invalid(name, Code::InvalidNumber))
            })
            .transpose()
    };
    Ok(NewDemand {
        channel: field(f, "channel").and_then(Channel::parse),
        title: validate::optional("title", field(f, "title"), MAX_TITLE)?,
        description: validate::required("description", field(f, "description"), MAX_TEXT)?,
        category: validate::optional("category", field(f, "category"), 40)?,
        urgency: field(f, "urgency").and_then(Urgency::parse),
        community_id: None,
        building_id: None,
        household_id: None,
        resident_id: number("resident_id")?,
        reporter_name: validate::optional("reporter_name", field(f, "reporter_name"), 50)?,
        reporter_phone: validate::optional("reporter_phone", field(f, "reporter_phone"), 30)?,
        location: validate::optional("location", field(f, "location"), 200)?,
    })
}

pub async fn submit(State(st): State<AppState>, u: PageUser, Form(f): Form<Fields>) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let saved = async {
        let n = parse(&f)?;
        let mut tx = st.db.begin().await?;
        let ctx = Ctx {
            actor: &u.actor,
            now: st.clock.now(),
            policy: st.policy(),
        };
        let row = service::intake(&mut tx, &ctx, n).await?;
        tx.commit().await?;
        Ok::<_, Error>(row.id)
    }
    .await;
    match saved {
        Ok(id) => Redirect::to(&format!("/work/demands/{id}?done=intake")).into_response(),
        Err(e) => match intake_page(&st, &u, "", Some(message(&e)), f).await {
            Ok(p) => (status(e.class()), render(&p)).into_response(),
            Err(e) => super::demand::error_page(e),
        },
    }
}
