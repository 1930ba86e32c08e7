//! Adding a household to a building and changing its unit and room, in pages, read by
//! the model's parsers (the API's) and saved by the service; a refused form comes back as
//! typed with the field named, a saved one shows the building with a confirmation.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::roster::model::forms::{household_edit, new_household};
use crate::roster::model::{Building, Household};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::status;
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError, render};
use crate::web::session::PageUser;

use super::form::{Fields, field};

#[derive(Template)]
#[template(path = "roster/household_form.html")]
struct HouseholdForm {
    page: Page,
    action: String,
    back: String,
    building: String,
    unit_no: String,
    room: String,
    error: Option<String>,
}

fn form(
    u: &PageUser,
    title: &str,
    action: String,
    b: &Building,
    unit_no: &str,
    room: &str,
) -> HouseholdForm {
    HouseholdForm {
        page: Page::for_user(u, text(title), "/roster"),
        action,
        back: format!("/roster/buildings/{}", b.id),
        building: b.name.clone(),
        unit_no: unit_no.to_string(),
        room: room.to_string(),
        error: None,
    }
}

pub async fn new_page(
    State(st): State<AppState>,
    u: PageUser,
    Path(building): Path<i64>,
) -> Result<Response, PageError> {
    let b: Building = service::get(&st, &u.actor, building).await?;
    let action = format!("/roster/buildings/{building}/households/new");
    Ok(render(&form(
        &u,
        "web.roster.new_household",
        action,
        &b,
        "",
        "",
    )))
}

pub async fn new_submit(
    State(st): State<AppState>,
    u: PageUser,
    Path(building): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let b: Building = service::get(&st, &u.actor, building).await?;
    let (unit_no, room) = (field(&f, "unit_no"), field(&f, "room"));
    let saved = async {
        let new = new_household(Some(building), unit_no, room)?;
        service::create_household(&st, &u.actor, new).await
    }
    .await;
    match saved {
        Ok(_) => Ok(
            Redirect::to(&format!("/roster/buildings/{building}?saved=household")).into_response(),
        ),
        Err(e) => {
            let action = format!("/roster/buildings/{building}/households/new");
            let mut p = form(
                &u,
                "web.roster.new_household",
                action,
                &b,
                unit_no.unwrap_or(""),
                room.unwrap_or(""),
            );
            p.error = Some(crate::web::error::message(&e));
            Ok((status(e.class()), render(&p)).into_response())
        }
    }
}

pub async fn edit_page(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let h: Household = service::get(&st, &u.actor, id).await?;
    let b: Building = service::get(&st, &u.actor, h.building_id).await?;
    let action = format!("/roster/households/{id}/edit");
    Ok(render(&form(
        &u,
        "web.roster.edit_household",
        action,
        &b,
        &h.unit_no,
        &h.room,
    )))
}

pub async fn edit_submit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let h: Household = service::get(&st, &u.actor, id).await?;
    let b: Building = service::get(&st, &u.actor, h.building_id).await?;
    let (unit_no, room) = (field(&f, "unit_no"), field(&f, "room"));
    let saved = async {
        let e = household_edit(None, Some(unit_no.unwrap_or("")), Some(room.unwrap_or("")))?;
        service::edit_household(&st, &u.actor, id, e).await
    }
    .await;
    match saved {
        Ok(h) => Ok(Redirect::to(&format!(
            "/roster/buildings/{}?saved=household",
            h.building_id
        ))
        .into_response()),
        Err(e) => {
            let action = format!("/roster/households/{id}/edit");
            let mut p = form(
                &u,
                "web.roster.edit_household",
                action,
                &b,
                unit_no.unwrap_or(""),
                room.unwrap_or(""),
            );
            p.error = Some(crate::web::error::message(&e));
            Ok((status(e.class()), render(&p)).into_response())
        }
    }
}
