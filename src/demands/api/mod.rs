//! `/api/v1/demands`: the JSON adapter of the demand loop. Each handler extracts the
//! request, parses it into the service's input, calls the service (`demands::service`, the
//! only door) and serializes what it gives back. Nothing here decides a rule.

mod actions;
mod attachments;
mod categories;
mod export;
mod list;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};
use crate::web::validate;

use super::model::{
    Channel, ClientId, DemandDetail, DemandView, MAX_NOTE, MAX_TEXT, MAX_TITLE, Urgency,
};
use super::service::{self, NewDemand};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list::list_demands, create_demand))
        .routes(routes!(get_demand))
        .routes(routes!(list::overdue_summary))
        .routes(routes!(list::reminders))
        .routes(routes!(export::export_demands))
        .merge(actions::router())
        .merge(attachments::router())
        .merge(categories::router())
}

/// A demand as received. Residents raise demands for their own household; staff, grid
/// workers and volunteers record them for residents (`resident_id`, `household_id` or
/// `building_id`, or just a name and phone for someone not on the roster).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    /// phone, wechat, walk_in, online, visit, patrol, council or api. Residents: online or
    /// wechat (default online); others default to walk_in.
    pub channel: Option<Channel>,
    /// Up to 100 characters; the start of the description when absent.
    pub title: Option<String>,
    /// What is wrong, up to 2,000 characters.
    pub description: Option<String>,
    /// A category code; may also be set when the demand is accepted.
    pub category: Option<String>,
    pub urgency: Option<Urgency>,
    /// Only for street and admin callers, who are above one community.
    pub community_id: Option<i64>,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub reporter_name: Option<String>,
    /// A mainland mobile (`13812345678`) or landline (`0311-87654321`) number.
    pub reporter_phone: Option<String>,
    pub location: Option<String>,
    /// The caller asked not to be named. A demand brought by a person (phone, wechat,
    /// walk_in) names them (`resident_id`, `household_id`, `reporter_name` or `reporter_phone`) or
    /// says this; otherwise it is refused with `reporter_needed`.
    pub anonymous: Option<bool>,
    /// An id the client makes for this intake (8–64 of `A–Z a–z 0–9 _ -`, a UUID say),
    /// so that sending it again — a retry when no answer came — stores it once: the
    /// second answer is `200` with the demand recorded the first time. Another caller's
    /// id is refused (`client_id_taken`).
    #[schema(min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$")]
    pub client_id: Option<String>,
}

impl IntakeRequest {
    fn parse(self) -> Result<NewDemand> {
        Ok(NewDemand {
            channel: self.channel,
            title: validate::optional("title", self.title.as_deref(), MAX_TITLE)?,
            description: validate::required("description", self.description.as_deref(), MAX_TEXT)?,
            category: validate::optional("category", self.category.as_deref(), 40)?,
            urgency: self.urgency,
            community_id: self.community_id,
            building_id: self.building_id,
            household_id: self.household_id,
            resident_id: self.resident_id,
            reporter_name: validate::optional("reporter_name", self.reporter_name.as_deref(), 50)?,
            reporter_phone: validate::optional(
                "reporter_phone",
                self.reporter_phone.as_deref(),
                30,
            )?,
            location: validate::optional("location", self.location.as_deref(), 200)?,
            anonymous: self.anonymous.unwrap_or(false),
            client_id: ClientId::parse(self.client_id.as_deref())?,
        })
    }
}

/// Raise or record a demand. With a `client_id`, sending it again stores nothing more:
/// the same caller gets the demand the first send recorded.
#[utoipa::path(post, path = "/api/v1/demands", tag = "demands",
    security(("bearer" = [])),
    request_body = IntakeRequest,
    responses(
        (status = 201, description = "Recorded; status `submitted` (the phone masked)", body = DemandView),
        (status = 200, description = "Its `client_id` was sent before by the same caller: the demand recorded then, as it is now (the phone masked); nothing written", body = DemandView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "`client_id_taken`: the `client_id` names someone else's demand (which is not shown)", body = ErrorBody),
        (status = 422, description = "Missing or invalid field (`invalid_client_id`: not 8–64 of `A–Z a–z 0–9 _ -`)", body = ErrorBody),
    ))]
pub async fn create_demand(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<IntakeRequest>,
) -> Result<(StatusCode, Json<DemandView>)> {
    let r = service::intake(&st, &actor, req.parse()?).await?;
    let status = if r.first {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(r.demand)))
}

/// Why the caller needs the reporter's number whole.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealQuery {
    /// Show the reporter's phone number whole, for this reason (1–100 characters, e.g.
    /// `回电`), written to the audit log with the view.
    pub reveal: Option<String>,
}

/// A demand with its timeline, summoned units, attachments and the caller's next steps,
/// as the caller may read it: residents see what the portal shows (no staff names, no
/// internal notes, no reminders); volunteers and units see no reminders. The reporter's
/// number is masked; with `reveal` (a reason) it is whole for those who call back (the
/// office, the grid's worker, whoever holds the open order: `may_reveal_phone` says
/// whether the caller is one) and the view is audited with its reason; the others are
/// refused.
#[utoipa::path(get, path = "/api/v1/demands/{id}", tag = "demands",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Demand id"), RevealQuery),
    responses((status = 200, body = DemandDetail),
        (status = 403, description = "`forbidden`: the number whole asked for by someone who may not see it", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "An empty or too long reason (`missing_field`, `text_too_long`)", body = ErrorBody)))]
pub async fn get_demand(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<RevealQuery>,
) -> Result<Json<DemandDetail>> {
    Ok(Json(
        service::detail(&st, &actor, id, q.reveal.as_deref()).await?,
    ))
}

/// A free-text note of a step, bounded.
fn note(field: &str, v: Option<&str>) -> Result<Option<String>> {
    validate::optional(field, v, MAX_NOTE)
}

/// A required free-text field of a step, bounded.
fn reason(field: &str, v: Option<&str>) -> Result<String> {
    validate::required(field, v, MAX_NOTE)
}
