//! Guardians' consents (PIPL art. 31), kept on the household: a child under 14 is
//! registered with one (see `POST /api/v1/residents`), and more are recorded or withdrawn
//! here. Each is written to the audit log on the child. A guardian signed in as a resident
//! reads their household's children at `GET /api/v1/me/family`, and gives a consent in
//! their own name (`method` `online`) or withdraws one through the same two operations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Answer, Created, One};
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::roster::model::child::{ConsentInput, ConsentMethod, Family, GuardianConsent};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::ApiJson;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(household_consents, record_consent))
        .routes(routes!(withdraw_consent))
        .routes(routes!(my_family))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConsent {
    /// The child (under 14, of this household).
    pub child_id: Option<i64>,
    /// The guardian: a resident of 18 or over of the same household.
    pub guardian_id: Option<i64>,
    /// `written`, `in_person` or `online`.
    pub method: Option<String>,
}

impl NewConsent {
    fn parse(self) -> Result<ConsentInput> {
        Ok(ConsentInput {
            child_id: self.child_id.ok_or_else(|| Error::required("child_id"))?,
            guardian_id: self
                .guardian_id
                .ok_or_else(|| Error::required("guardian_id"))?,
            method: ConsentMethod::required("method", self.method.as_deref())?,
        })
    }
}

/// The guardians' consents recorded on a household, newest first, withdrawn ones too.
#[utoipa::path(get, path = "/api/v1/households/{id}/consents", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<GuardianConsent>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn household_consents(r: One) -> Answer<Vec<GuardianConsent>> {
    Ok(Json(
        service::household_consents(&r.by.st, &r.by.actor, r.id).await?,
    ))
}

/// Records a guardian's consent for a child of the household: the office, with the
/// guardian and how they gave it; or a guardian signed in as a resident of the household,
/// in their own name (`guardian_id` their own record) and `online`.
#[utoipa::path(post, path = "/api/v1/households/{id}/consents", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = NewConsent,
    responses((status = 201, body = GuardianConsent), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`consent_in_force`: the child has one already", body = ErrorBody),
        (status = 422, description = "`not_a_child`, `invalid_guardian`, `unknown_reference`; `invalid_choice` for a guardian on the portal naming a method other than `online`", body = ErrorBody)))]
pub async fn record_consent(
    r: One,
    ApiJson(body): ApiJson<NewConsent>,
) -> Created<GuardianConsent> {
    let c = body.parse()?;
    let made = service::record_consent(&r.by.st, &r.by.actor, r.id, c).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Withdraws a guardian's consent. The child's record stays until it is anonymised or
/// removed, which its page then asks for.
#[utoipa::path(post, path = "/api/v1/consents/{id}/withdraw", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GuardianConsent), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`consent_withdrawn`: withdrawn already", body = ErrorBody)))]
pub async fn withdraw_consent(r: One) -> Answer<GuardianConsent> {
    Ok(Json(
        service::withdraw_consent(&r.by.st, &r.by.actor, r.id).await?,
    ))
}

/// The children under 14 of the signed-in resident's household (masked names) with their
/// guardians' consents, and whether the resident (18 or over) may give or withdraw one
/// through `POST /api/v1/households/{id}/consents` (as the guardian, `online`) and
/// `POST /api/v1/consents/{id}/withdraw`.
#[utoipa::path(get, path = "/api/v1/me/family", tag = "roster", security(("bearer" = [])),
    responses((status = 200, body = Family),
        (status = 403, description = "The account is no resident's of a household (`forbidden`)", body = ErrorBody)))]
pub async fn my_family(State(st): State<AppState>, actor: Actor) -> Answer<Family> {
    Ok(Json(service::my_family(&st, &actor).await?))
}
