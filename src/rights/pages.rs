//! `/roster/residents/{id}/everything` (the office answering a request) and `/me/data` (the
//! resident themself): everything held about a resident as a page, and as a JSON file;
//! `POST /roster/residents/{id}/anonymise` with a reason, confirmed.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::Role;
use crate::clock::format_local;
use crate::error::Error;
use crate::state::AppState;
use crate::web::form::{Fields, field};
use crate::web::i18n::{text, text_or};
use crate::web::pages::{Page, PageError, render};
use crate::web::routes::{PageRoutes, RESIDENTS};
use crate::web::session::PageUser;

use super::model::Everything;
use super::service;

/// Who answers a request about a resident (the service narrows to those who see them
/// whole).
const OFFICE: &[Role] = &[Role::Staff, Role::Secretary, Role::Admin, Role::GridWorker];
/// Who anonymises.
const ANONYMISERS: &[Role] = &[Role::Staff, Role::Secretary, Role::Admin];

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/roster/residents/{id}/everything", OFFICE, page)
        .get("/roster/residents/{id}/everything.json", OFFICE, file)
        .post("/roster/residents/{id}/anonymise", ANONYMISERS, anonymise)
        .get("/me/data", RESIDENTS, my_page)
        .get("/me/data.json", RESIDENTS, my_file)
}

struct Line {
    at: String,
    title: String,
    status: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "rights/everything.html")]
struct EverythingPage {
    page: Page,
    facts: Vec<(String, String)>,
    accounts: Vec<Line>,
    demands: Vec<Line>,
    consents: Vec<Line>,
    audit: Vec<Line>,
    json: String,
    /// The anonymise form's action, for those who may.
    anonymise: Option<String>,
    anonymised: Option<String>,
    error: Option<String>,
}

fn facts(e: &Everything) -> Vec<(String, String)> {
    let r = &e.resident;
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let tag_sep = text("web.roster.tag_separator");
    vec![
        (text("web.rights.field.name"), r.name.clone()),
        (
            text("web.rights.field.gender"),
            r.gender
                .map(|g| text(&format!("web.roster.gender.{}", g.as_str())))
                .unwrap_or_default(),
        ),
        (text("web.rights.field.birth_date"), opt(&r.birth_date)),
        (text("web.rights.field.id_number"), opt(&r.id_number)),
        (text("web.rights.field.phone"), opt(&r.phone)),
        (text("web.rights.field.health"), opt(&r.health_note)),
        (text("web.rights.field.relation"), r.relation.clone()),
        (
            text("web.rights.field.address"),
            e.address.clone().unwrap_or_default(),
        ),
        (
            text("web.rights.field.tags"),
            r.tags
                .iter()
                .map(|t| {
                    text_or(
                        crate::web::i18n::current(),
                        &format!("web.roster.tag.{t}"),
                        t,
                    )
                })
                .collect::<Vec<_>>()
                .join(&tag_sep),
        ),
    ]
}

fn render_everything(
    u: &PageUser,
    e: &Everything,
    json: String,
    anonymise: Option<String>,
    error: Option<String>,
) -> Response {
    let title = text("web.rights.title").replace("%{name}", &e.resident.name);
    let p = EverythingPage {
        page: Page::for_user(u, title, "/roster"),
        facts: facts(e),
        accounts: e
            .accounts
            .iter()
            .map(|a| Line {
                at: format_local(a.created_at),
                title: a.username.clone(),
                status: text(&format!("web.role.{}", a.role)),
                detail: text(if a.active {
                    "web.admin.accounts.active"
                } else {
                    "web.admin.accounts.locked"
                }),
            })
            .collect(),
        demands: e
            .demands
            .iter()
            .map(|d| Line {
                at: format_local(d.created_at),
                title: format!("#{} {}", d.id, d.title),
                status: text(&format!("demand.status.{}", d.status)),
                detail: d.description.clone(),
            })
            .collect(),
        consents: e
            .consents
            .iter()
            .map(|c| Line {
                at: format_local(c.given_at),
                title: text("web.rights.consent_line")
                    .replace("%{child}", &c.child_name)
                    .replace("%{guardian}", &c.guardian_name),
                status: text(&format!("web.roster.consent.method.{}", c.method.as_str())),
                detail: match c.withdrawn_at {
                    None => text("web.roster.consent.in_force"),
                    Some(at) => {
                        text("web.roster.consent.withdrawn_at").replace("%{at}", &format_local(at))
                    }
                },
            })
            .collect(),
        audit: e
            .audit
            .iter()
            .map(|a| Line {
                at: format_local(a.at),
                title: a.who.clone().unwrap_or_else(|| text("web.audit.system")),
                status: crate::auditing::service::kind_in(u.lang, &a.action),
                detail: a.detail.clone(),
            })
            .collect(),
        json,
        anonymised: e.anonymised_at.map(format_local),
        anonymise: anonymise.filter(|_| e.anonymised_at.is_none()),
        error,
    };
    render(&p)
}

async fn page(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let e = service::everything(&st, &u.actor, id).await?;
    let form = ANONYMISERS
        .contains(&u.actor.role)
        .then(|| format!("/roster/residents/{id}/anonymise"));
    let json = format!("/roster/residents/{id}/everything.json");
    Ok(render_everything(&u, &e, json, form, None))
}

fn as_file(e: &Everything) -> Result<Response, PageError> {
    let body = serde_json::to_vec_pretty(e).map_err(Error::internal)?;
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let name = format!("resident-{}.json", e.resident.id);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

async fn file(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    as_file(&service::everything(&st, &u.actor, id).await?)
}

async fn my_page(State(st): State<AppState>, u: PageUser) -> Result<Response, PageError> {
    let id = u.actor.resident_id.ok_or_else(Error::forbidden)?;
    let e = service::everything(&st, &u.actor, id).await?;
    Ok(render_everything(
        &u,
        &e,
        "/me/data.json".into(),
        None,
        None,
    ))
}

async fn my_file(State(st): State<AppState>, u: PageUser) -> Result<Response, PageError> {
    let id = u.actor.resident_id.ok_or_else(Error::forbidden)?;
    as_file(&service::everything(&st, &u.actor, id).await?)
}

async fn anonymise(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let confirmed = field(&f, "confirm") == Some("yes");
    let done = match confirmed {
        false => Err(Error::required("confirm")),
        true => service::anonymise(&st, &u.actor, id, field(&f, "reason").unwrap_or("")).await,
    };
    match done {
        Ok(_) => {
            Ok(Redirect::to(&format!("/roster/residents/{id}?saved=anonymised")).into_response())
        }
        Err(e) if e.class() == crate::error::Class::Invalid => {
            let everything = service::everything(&st, &u.actor, id).await?;
            let msg = crate::web::error::message(&e);
            let form = Some(format!("/roster/residents/{id}/anonymise"));
            let json = format!("/roster/residents/{id}/everything.json");
            let page = render_everything(&u, &everything, json, form, Some(msg));
            Ok((crate::web::error::status(e.class()), page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
