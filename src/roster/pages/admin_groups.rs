//! `/admin/units`: the units work is dispatched to (of one community or serving the whole
//! street) — list, new, edit, delete (refused while anything refers to one) — through the
//! roster service the `/api/v1/units` endpoints use; and what the teams' pages
//! (`admin_teams`) share with them.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::{Class, Error, Result};
use crate::roster::model::{
    self, Community, CommunityFilter, NAME_MAX, Street, StreetFilter, UNIT_KINDS, Unit, UnitEdit,
    UnitFilter, UnitInput,
};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::status;
use crate::web::form::Refill;
use crate::web::i18n::text;
use crate::web::pages::{Page, error_page, render};
use crate::web::session::PageUser;
use crate::web::validate;

use super::admin_form::{Done, Fields, all, field};

pub(super) fn kinds(prefix: &str, codes: &[&str]) -> Vec<(String, String)> {
    codes
        .iter()
        .map(|k| (k.to_string(), text(&format!("web.admin.{prefix}.kind_{k}"))))
        .collect()
}

pub(super) fn flash(d: &Done, prefix: &str) -> Option<String> {
    let what = d.done.as_deref()?;
    matches!(what, "created" | "saved" | "deleted" | "members")
        .then(|| text(&format!("web.admin.{prefix}.done_{what}")))
}

/// A refused form answers with its status only for what the user can fix.
pub(super) fn fixable(e: &Error) -> bool {
    matches!(e.class(), Class::Invalid | Class::Conflict)
}

// ---- Units ----

pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub place: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct UnitsPage {
    page: Page,
    rows: Vec<UnitRow>,
    kinds: Vec<(String, String)>,
    places: Vec<(String, String)>,
    values: Fields,
    error: Option<String>,
}

impl Refill for UnitsPage {
    fn values(&self) -> &Fields {
        &self.values
    }
}

/// Where a new unit belongs: `c<id>` a community, `s<id>` a whole street.
fn places(streets: &[Street], communities: &[Community]) -> Vec<(String, String)> {
    let whole = text("web.admin.units.whole_street");
    communities
        .iter()
        .map(|c| (format!("c{}", c.id), c.name.clone()))
        .chain(
            streets
                .iter()
                .map(|s| (format!("s{}", s.id), format!("{} · {whole}", s.name))),
        )
        .collect()
}

fn place_of(u: &Unit, streets: &[Street], communities: &[Community]) -> String {
    match u.community_id {
        Some(c) => communities
            .iter()
            .find(|x| x.id == c)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        None => streets
            .iter()
            .find(|s| s.id == u.street_id)
            .map(|s| format!("{} · {}", s.name, text("web.admin.units.whole_street")))
            .unwrap_or_default(),
    }
}

async fn units_page(
    st: &AppState,
    u: &PageUser,
    values: Fields,
    error: Option<String>,
) -> Result<UnitsPage> {
    let streets: Vec<Street> = all(st, u, &StreetFilter::default()).await?;
    let communities: Vec<Community> = all(st, u, &CommunityFilter::default()).await?;
    let units: Vec<Unit> = all(st, u, &UnitFilter::default()).await?;
    let rows = units
        .iter()
        .map(|x| UnitRow {
            id: x.id,
            name: x.name.clone(),
            kind: text(&format!("web.admin.units.kind_{}", x.kind)),
            place: place_of(x, &streets, &communities),
            phone: x.phone.clone().unwrap_or_default(),
        })
        .collect();
    Ok(UnitsPage {
        page: Page::for_user(u, text("web.admin.units.title"), "/admin/units"),
        rows,
        kinds: kinds("units", &UNIT_KINDS),
        places: places(&streets, &communities),
        values,
        error,
    })
}

pub async fn units(State(st): State<AppState>, u: PageUser, Query(d): Query<Done>) -> Response {
    match units_page(&st, &u, Vec::new(), None).await {
        Ok(mut p) => {
            p.page.flash = flash(&d, "units");
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

/// `c<id>` or `s<id>` into (street, community).
fn place_choice(f: &Fields) -> Result<(Option<i64>, Option<i64>)> {
    let v = field(f, "place").unwrap_or_default().trim();
    let bad = || {
        Error::invalid("place", crate::error::Code::InvalidChoice).with("allowed", "c<id>, s<id>")
    };
    if v.is_empty() {
        return Ok((None, None));
    }
    let id: i64 = v.get(1..).and_then(|n| n.parse().ok()).ok_or_else(bad)?;
    match &v[..1] {
        "c" => Ok((None, Some(id))),
        "s" => Ok((Some(id), None)),
        _ => Err(bad()),
    }
}

pub async fn create_unit(
    State(st): State<AppState>,
    u: PageUser,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let made = async {
        let (street_id, community_id) = place_choice(&f)?;
        let new = UnitInput {
            street_id,
            community_id,
            kind: model::kind(field(&f, "kind"), &UNIT_KINDS)?,
            name: validate::required("name", field(&f, "name"), NAME_MAX)?,
            phone: model::phone("phone", field(&f, "phone"))?,
        };
        service::create_unit(&st, &u.actor, new).await
    }
    .await;
    match made {
        Ok(_) => Redirect::to("/admin/units?done=created").into_response(),
        Err(e) if fixable(&e) => {
            let code = status(e.class());
            match units_page(&st, &u, f, Some(crate::web::error::message(&e))).await {
                Ok(p) => (code, render(&p)).into_response(),
                Err(e) => error_page(e),
            }
        }
        Err(e) => error_page(e),
    }
}

#[derive(Template)]
#[template(path = "admin/unit.html")]
struct UnitPage {
    page: Page,
    unit: Unit,
    kinds: Vec<(String, String)>,
    values: Fields,
    error: Option<String>,
}

impl Refill for UnitPage {
    fn values(&self) -> &Fields {
        &self.values
    }
}

async fn unit_page(
    st: &AppState,
    u: &PageUser,
    id: i64,
    values: Option<Fields>,
    error: Option<String>,
) -> Result<UnitPage> {
    let unit: Unit = service::get(st, &u.actor, id).await?;
    let values = values.unwrap_or_else(|| {
        vec![
            ("name".into(), unit.name.clone()),
            ("kind".into(), unit.kind.clone()),
            ("phone".into(), unit.phone.clone().unwrap_or_default()),
        ]
    });
    let title = text("web.admin.units.unit_title").replace("%{name}", &unit.name);
    Ok(UnitPage {
        page: Page::for_user(u, title, &format!("/admin/units/{id}")),
        unit,
        kinds: kinds("units", &UNIT_KINDS),
        values,
        error,
    })
}

pub async fn unit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(d): Query<Done>,
) -> Response {
    match unit_page(&st, &u, id, None, None).await {
        Ok(mut p) => {
            p.page.flash = flash(&d, "units");
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

async fn unit_refused(
    st: &AppState,
    u: &PageUser,
    id: i64,
    values: Option<Fields>,
    e: Error,
) -> Response {
    if !fixable(&e) {
        return error_page(e);
    }
    let code = status(e.class());
    match unit_page(st, u, id, values, Some(crate::web::error::message(&e))).await {
        Ok(p) => (code, render(&p)).into_response(),
        Err(e) => error_page(e),
    }
}

pub async fn edit_unit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let saved = async {
        let e = UnitEdit {
            kind: Some(model::kind(field(&f, "kind"), &UNIT_KINDS)?),
            name: Some(validate::required("name", field(&f, "name"), NAME_MAX)?),
            phone: Some(model::phone("phone", field(&f, "phone"))?),
        };
        service::edit_unit(&st, &u.actor, id, e).await
    }
    .await;
    match saved {
        Ok(_) => Redirect::to(&format!("/admin/units/{id}?done=saved")).into_response(),
        Err(e) => unit_refused(&st, &u, id, Some(f), e).await,
    }
}

pub async fn delete_unit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    match service::delete::<Unit>(&st, &u.actor, id).await {
        Ok(()) => Redirect::to("/admin/units?done=deleted").into_response(),
        Err(e) => unit_refused(&st, &u, id, None, e).await,
    }
}
