//! A meeting: its agenda (the negotiation list), opening and closing it, cancelling it,
//! the attendance and the minutes.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::councils::model::inputs::MINUTES_MAX;
use crate::councils::model::records::MeetingView;
use crate::councils::service::meetings as service;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};
use crate::web::validate;

/// The most members one attendance lists.
const MAX_PRESENT: usize = 2000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_meeting))
        .routes(routes!(put_on_agenda))
        .routes(routes!(open_meeting))
        .routes(routes!(close_meeting))
        .routes(routes!(cancel_meeting))
        .routes(routes!(put_attendance))
        .routes(routes!(put_minutes))
}

/// A meeting with its agenda (each topic with its options and count) and who came.
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "councils", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Meeting id")),
    responses((status = 200, body = MeetingView)))]
pub async fn get_meeting(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MeetingView>> {
    Ok(Json(service::get(&st, &actor, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    /// A topic raised on the same council's demand list.
    pub topic_id: Option<i64>,
}

/// Puts a raised topic on the meeting's agenda (the negotiation list).
#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = AgendaItem,
    responses(
        (status = 200, body = MeetingView),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "The meeting is closed or cancelled, or the topic is not raised (`council_state`)", body = ErrorBody),
        (status = 422, description = "No topic, or one of another council (`unknown_reference`)", body = ErrorBody),
    ))]
pub async fn put_on_agenda(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<AgendaItem>,
) -> Result<Json<MeetingView>> {
    let topic = req.topic_id.ok_or_else(|| Error::required("topic_id"))?;
    Ok(Json(service::put_on_agenda(&st, &actor, id, topic).await?))
}

/// Opens a scheduled meeting: the membership is counted as it is now, and votes can be
/// cast on its agenda.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/open", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Meeting id")),
    responses(
        (status = 200, body = MeetingView),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Not scheduled (`council_state`)", body = ErrorBody),
    ))]
pub async fn open_meeting(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MeetingView>> {
    Ok(Json(service::open(&st, &actor, id).await?))
}

/// Closes a meeting in session: from now on its votes cannot change.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/close", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Meeting id")),
    responses(
        (status = 200, body = MeetingView),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Not in session (`council_state`)", body = ErrorBody),
    ))]
pub async fn close_meeting(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MeetingView>> {
    Ok(Json(service::close(&st, &actor, id).await?))
}

/// Cancels a scheduled meeting; its agenda goes back to the demand list, and calendars
/// show it cancelled.
#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancel", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Meeting id")),
    responses(
        (status = 200, body = MeetingView),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Not scheduled (`council_state`)", body = ErrorBody),
    ))]
pub async fn cancel_meeting(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MeetingView>> {
    Ok(Json(service::cancel(&st, &actor, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    /// The members present (ids of the council's members), exactly; up to 2,000.
    pub member_ids: Option<Vec<i64>>,
}

/// Takes attendance: exactly the members listed came. Counted against the membership.
#[utoipa::path(put, path = "/api/v1/meetings/{id}/attendance", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = Attendance,
    responses(
        (status = 200, body = MeetingView),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "The meeting is closed or cancelled (`council_state`)", body = ErrorBody),
        (status = 422, description = "No list, too long a list, or someone not a member (`unknown_reference`)", body = ErrorBody),
    ))]
pub async fn put_attendance(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Attendance>,
) -> Result<Json<MeetingView>> {
    let ids = req
        .member_ids
        .ok_or_else(|| Error::required("member_ids"))?;
    if ids.len() > MAX_PRESENT {
        return Err(Error::out_of_range("member_ids", 0, MAX_PRESENT as i64));
    }
    Ok(Json(service::attendance(&st, &actor, id, ids).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Minutes {
    /// The minutes (纪要), up to 20,000 characters; empty clears them.
    pub text: Option<String>,
}

/// Writes the minutes, during the meeting and after it (a correction is audited).
#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = Minutes,
    responses(
        (status = 200, body = MeetingView),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "The meeting was cancelled (`council_state`)", body = ErrorBody),
        (status = 422, description = "Too long (`text_too_long`)", body = ErrorBody),
    ))]
pub async fn put_minutes(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Minutes>,
) -> Result<Json<MeetingView>> {
    let text = validate::optional("text", req.text.as_deref(), MINUTES_MAX)?.unwrap_or_default();
    Ok(Json(service::minutes(&st, &actor, id, text).await?))
}
