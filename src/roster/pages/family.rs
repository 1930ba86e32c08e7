//! `/me/family` on the portal: a guardian sees the children under 14 of their household
//! (masked names) with their consents, gives one in their own name (online) and
//! withdraws one (PIPL art. 31: a guardian may withdraw at any time).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::clock::format_local;
use crate::error::{Class, Error};
use crate::roster::model::child::{ConsentInput, ConsentMethod, Family, GuardianConsent};
use crate::roster::service;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError, render};
use crate::web::session::PageUser;

use super::form::{Fields, field};

#[derive(Template)]
#[template(path = "me/family.html")]
struct FamilyPage {
    page: Page,
    children: Vec<Child>,
    may_consent: bool,
    saved: Option<String>,
    error: Option<String>,
}

struct Child {
    id: i64,
    name: String,
    /// The consent in force: who gave it, how, when; and the action that withdraws it.
    in_force: Option<(String, String)>,
    /// Earlier consents, withdrawn.
    earlier: Vec<String>,
    /// The action that gives one (none in force, and the caller may).
    give: Option<String>,
}

fn said(c: &GuardianConsent) -> String {
    text("web.portal.family.given")
        .replace("%{guardian}", &c.guardian_name)
        .replace("%{at}", &format_local(c.given_at))
        .replace(
            "%{method}",
            &text(&format!("web.roster.consent.method.{}", c.method.as_str())),
        )
}

fn shown(u: &PageUser, f: &Family, saved: Option<String>, error: Option<String>) -> FamilyPage {
    let children = f
        .children
        .iter()
        .map(|c| {
            let in_force = c.consents.iter().find(|g| g.in_force());
            Child {
                id: c.id,
                name: c.name.clone(),
                in_force: in_force
                    .map(|g| (said(g), format!("/me/family/consents/{}/withdraw", g.id))),
                earlier: c
                    .consents
                    .iter()
                    .filter_map(|g| {
                        g.withdrawn_at.map(|at| {
                            format!(
                                "{} {}",
                                said(g),
                                text("web.roster.consent.withdrawn_at")
                                    .replace("%{at}", &format_local(at))
                            )
                        })
                    })
                    .collect(),
                give: (in_force.is_none() && f.may_consent)
                    .then(|| format!("/me/family/{}/consents", f.household_id)),
            }
        })
        .collect();
    FamilyPage {
        page: Page::for_user(u, text("web.portal.family.title"), "/me"),
        children,
        may_consent: f.may_consent,
        saved,
        error,
    }
}

#[derive(Deserialize)]
pub struct Shown {
    saved: Option<String>,
}

pub async fn page(
    State(st): State<AppState>,
    u: PageUser,
    Query(q): Query<Shown>,
) -> Result<Response, PageError> {
    let f = service::my_family(&st, &u.actor).await?;
    let saved = match q.saved.as_deref() {
        Some("consent") => Some(text("web.portal.family.saved")),
        Some("withdrawn") => Some(text("web.portal.family.withdrawn")),
        _ => None,
    };
    Ok(render(&shown(&u, &f, saved, None)))
}

/// A refusal the guardian can act on shown on the page (422/409), anything else as the
/// error page.
async fn refused(st: &AppState, u: &PageUser, e: Error) -> Result<Response, PageError> {
    if !matches!(e.class(), Class::Invalid | Class::Conflict) {
        return Err(e.into());
    }
    let f = service::my_family(st, &u.actor).await?;
    let page = render(&shown(u, &f, None, Some(crate::web::error::message(&e))));
    Ok((crate::web::error::status(e.class()), page).into_response())
}

/// Gives the consent for a child of the household in the guardian's own name, online;
/// the box saying so must be ticked.
pub async fn give(
    State(st): State<AppState>,
    u: PageUser,
    Path(household): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let done = async {
        if field(&f, "agree") != Some("yes") {
            return Err(Error::required("agree"));
        }
        let child = field(&f, "child_id")
            .and_then(|v| v.trim().parse::<i64>().ok())
            .ok_or_else(|| Error::required("child_id"))?;
        let guardian = u.actor.resident_id.ok_or_else(Error::forbidden)?;
        let c = ConsentInput {
            child_id: child,
            guardian_id: guardian,
            method: ConsentMethod::Online,
        };
        service::record_consent(&st, &u.actor, household, c).await
    }
    .await;
    match done {
        Ok(_) => Ok(Redirect::to("/me/family?saved=consent").into_response()),
        Err(e) => refused(&st, &u, e).await,
    }
}

/// Withdraws a consent of the household.
pub async fn withdraw(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    match service::withdraw_consent(&st, &u.actor, id).await {
        Ok(_) => Ok(Redirect::to("/me/family?saved=withdrawn").into_response()),
        Err(e) => refused(&st, &u, e).await,
    }
}
