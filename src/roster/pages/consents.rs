//! A child's guardian's consent on their record page: the consents recorded, withdrawing
//! one, and recording one from the household's adults (PIPL art. 31).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::clock::format_local;
use crate::error::Error;
use crate::roster::model::Resident;
use crate::roster::model::child::{ConsentInput, ConsentMethod, GuardianConsent};
use crate::roster::service;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::PageError;
use crate::web::session::PageUser;

use super::form::{Fields, field};

/// What the record of a child shows of their guardian's consent.
pub struct ConsentBox {
    pub rows: Vec<ConsentLine>,
    /// None in force: the page says so and offers to record one.
    pub missing: bool,
    pub form: Option<ConsentForm>,
}

pub struct ConsentLine {
    pub guardian: String,
    pub method: String,
    pub given_at: String,
    pub state: String,
    /// The form's action that withdraws it, while in force.
    pub withdraw: Option<String>,
}

pub struct ConsentForm {
    pub action: String,
    pub child_id: i64,
    pub guardians: Vec<(i64, String)>,
    pub methods: Vec<(&'static str, String)>,
}

fn method_label(m: ConsentMethod) -> String {
    text(&format!("web.roster.consent.method.{}", m.as_str()))
}

/// The consent box of a resident's page: for a child only.
pub async fn for_record(
    st: &AppState,
    u: &PageUser,
    r: &Resident,
) -> Result<Option<ConsentBox>, PageError> {
    if !r.child {
        return Ok(None);
    }
    let consents = service::child_consents(st, &u.actor, r.id).await?;
    let missing = !consents.iter().any(GuardianConsent::in_force);
    let rows = consents.iter().map(line).collect();
    let form = match (missing, r.household_id) {
        (true, Some(h)) => Some(ConsentForm {
            action: format!("/roster/households/{h}/consents"),
            child_id: r.id,
            guardians: service::guardians_for(st, &u.actor, h).await?,
            methods: ConsentMethod::ALL
                .iter()
                .map(|m| (m.as_str(), method_label(*m)))
                .collect(),
        }),
        _ => None,
    };
    Ok(Some(ConsentBox {
        rows,
        missing,
        form,
    }))
}

fn line(c: &GuardianConsent) -> ConsentLine {
    ConsentLine {
        guardian: c.guardian_name.clone(),
        method: method_label(c.method),
        given_at: format_local(c.given_at),
        state: match c.withdrawn_at {
            None => text("web.roster.consent.in_force"),
            Some(at) => text("web.roster.consent.withdrawn_at").replace("%{at}", &format_local(at)),
        },
        withdraw: c
            .in_force()
            .then(|| format!("/roster/consents/{}/withdraw", c.id)),
    }
}

/// Records a consent from the record's form, and goes back to the child's record.
pub async fn record(
    State(st): State<AppState>,
    u: PageUser,
    Path(household): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let number = |k: &str| field(&f, k).and_then(|v| v.trim().parse::<i64>().ok());
    let child = number("child_id").ok_or_else(|| PageError(Error::required("child_id")))?;
    let guardian =
        number("guardian_id").ok_or_else(|| PageError(Error::required("guardian_id")))?;
    let method = ConsentMethod::required("method", field(&f, "method"))?;
    let c = ConsentInput {
        child_id: child,
        guardian_id: guardian,
        method,
    };
    service::record_consent(&st, &u.actor, household, c).await?;
    Ok(Redirect::to(&format!("/roster/residents/{child}?saved=consent")).into_response())
}

/// Withdraws a consent, and goes back to the child's record.
pub async fn withdraw(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return Ok(r.into_response());
    }
    let c = service::withdraw_consent(&st, &u.actor, id).await?;
    let to = format!("/roster/residents/{}?saved=consent_withdrawn", c.child_id);
    Ok(Redirect::to(&to).into_response())
}
