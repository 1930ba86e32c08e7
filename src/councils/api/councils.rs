//! Councils and linkage teams: the list the caller sees, one with its members, a new one
//! with its schedule, members added, its meetings, and its calendar feed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::councils::model::inputs::{
    self, CouncilInput, LOCATION_MAX, MeetingInput, MemberInput, ROLE_MAX,
};
use crate::councils::model::records::{Council, CouncilView, Meeting, Member};
use crate::councils::model::{CouncilKind, MemberKind};
use crate::councils::service::{councils as service, meetings};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};

use super::{CalendarBody, calendar, word};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_councils, create_council))
        .routes(routes!(get_council))
        .routes(routes!(add_member))
        .routes(routes!(list_meetings, call_meeting))
        .routes(routes!(council_calendar))
        .routes(routes!(my_calendar))
}

/// The councils and linkage teams the caller sees: staff those of their scope, a
/// resident their community's and their own grid's, a unit or a member those it sits on.
#[utoipa::path(get, path = "/api/v1/councils", tag = "councils", security(("bearer" = [])),
    responses((status = 200, body = Vec<Council>)))]
pub async fn list_councils(State(st): State<AppState>, actor: Actor) -> Result<Json<Vec<Council>>> {
    Ok(Json(service::list(&st, &actor).await?))
}

/// A new council or linkage team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCouncil {
    /// Defaults to the caller's community (street and admin callers name it).
    pub community_id: Option<i64>,
    /// For a gazebo council of one grid.
    pub grid_id: Option<i64>,
    /// `council` (default) or `linkage_team`.
    #[schema(value_type = Option<CouncilKind>)]
    pub kind: Option<String>,
    /// 1–60 characters, unique in its community.
    pub name: Option<String>,
    /// The account that chairs it (a grid's party branch secretary).
    pub chair_user_id: Option<i64>,
    /// Its schedule as an RFC 5545 RRULE, e.g. `FREQ=WEEKLY;BYDAY=MO`; needs
    /// `first_starts_at`.
    pub recurrence: Option<String>,
    /// The first meeting of the schedule: RFC 3339, or a wall clock in China
    /// (`2026-12-07T19:00`).
    pub first_starts_at: Option<String>,
    /// 5–1,440; 60 when absent.
    pub duration_minutes: Option<i64>,
    /// Where it meets (up to 120 characters).
    pub location: Option<String>,
}

impl NewCouncil {
    fn parse(self) -> Result<CouncilInput> {
        Ok(CouncilInput {
            community_id: self.community_id,
            grid_id: self.grid_id,
            kind: word("kind", self.kind.as_deref(), CouncilKind::Council)?,
            name: inputs::name(self.name.as_deref())?,
            chair_user_id: self.chair_user_id,
            recurrence: inputs::recurrence(self.recurrence.as_deref())?,
            first_starts_at: inputs::moment("first_starts_at", self.first_starts_at.as_deref())?,
            duration_minutes: self.duration_minutes.unwrap_or(60),
            location: inputs::optional("location", self.location.as_deref(), LOCATION_MAX)?,
        })
    }
}

/// Creates a council of a community or one of its grids, and the meetings of its
/// schedule for the next 90 days. The community's office, the street and admins create
/// them.
#[utoipa::path(post, path = "/api/v1/councils", tag = "councils", security(("bearer" = [])),
    request_body = NewCouncil,
    responses(
        (status = 201, body = CouncilView),
        (status = 403, description = "Not the community's office, its street or an admin (`forbidden`)", body = ErrorBody),
        (status = 409, description = "The community has a council of that name (`duplicate`)", body = ErrorBody),
        (status = 422, description = "A missing or invalid field: an unknown grid, community or chair, a recurrence that cannot be parsed (`invalid_recurrence`), a duration out of range", body = ErrorBody),
    ))]
pub async fn create_council(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewCouncil>,
) -> Result<(StatusCode, Json<CouncilView>)> {
    let made = service::create(&st, &actor, req.parse()?).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// A council with its members, and whether the caller runs it.
#[utoipa::path(get, path = "/api/v1/councils/{id}", tag = "councils", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Council id")),
    responses((status = 200, body = CouncilView)))]
pub async fn get_council(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CouncilView>> {
    Ok(Json(service::get(&st, &actor, id).await?))
}

/// A member to add: a resident of the community, an account or a unit of the street.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    #[schema(value_type = MemberKind)]
    pub kind: Option<String>,
    /// The resident's, account's or unit's id.
    pub id: Option<i64>,
    /// What they are on it (组长, 楼长, 物业经理…), up to 30 characters.
    pub role: Option<String>,
}

/// Adds a member. Those who run the council (its chair, the community's office, the
/// street, admins) add them.
#[utoipa::path(post, path = "/api/v1/councils/{id}/members", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Council id")),
    request_body = NewMember,
    responses(
        (status = 201, body = Member),
        (status = 403, description = "The caller sees the council but does not run it (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Already a member (`duplicate`)", body = ErrorBody),
        (status = 422, description = "A missing kind or id, or one not of the community (`unknown_resident`, `unknown_user`, `unknown_unit`)", body = ErrorBody),
    ))]
pub async fn add_member(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewMember>,
) -> Result<(StatusCode, Json<Member>)> {
    if req.kind.is_none() {
        return Err(Error::required("kind"));
    }
    let m = MemberInput {
        kind: word("kind", req.kind.as_deref(), MemberKind::Resident)?,
        id: req.id.ok_or_else(|| Error::required("id"))?,
        role: inputs::optional("role", req.role.as_deref(), ROLE_MAX)?,
    };
    let made = service::add_member(&st, &actor, id, m).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// A council's meetings from a week ago to the end of its schedule (90 days ahead).
#[utoipa::path(get, path = "/api/v1/councils/{id}/meetings", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Council id")),
    responses((status = 200, body = Vec<Meeting>)))]
pub async fn list_meetings(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Meeting>>> {
    Ok(Json(service::meetings(&st, &actor, id).await?))
}

/// An ad-hoc meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeeting {
    /// RFC 3339, or a wall clock in China (`2026-12-07T19:00`).
    pub starts_at: Option<String>,
    /// After `starts_at`, in the same forms.
    pub ends_at: Option<String>,
    /// The council's place when absent.
    pub location: Option<String>,
}

/// Calls an ad-hoc meeting of a council (besides those of its schedule).
#[utoipa::path(post, path = "/api/v1/councils/{id}/meetings", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Council id")),
    request_body = NewMeeting,
    responses(
        (status = 201, body = Meeting),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "The council meets at that moment already (`duplicate`)", body = ErrorBody),
        (status = 422, description = "A missing or invalid time (`invalid_time`), an end before the start (`ends_before_start`)", body = ErrorBody),
    ))]
pub async fn call_meeting(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewMeeting>,
) -> Result<(StatusCode, Json<Meeting>)> {
    let starts_at = inputs::moment("starts_at", req.starts_at.as_deref())?
        .ok_or_else(|| Error::required("starts_at"))?;
    let ends_at = inputs::moment("ends_at", req.ends_at.as_deref())?
        .ok_or_else(|| Error::required("ends_at"))?;
    let location =
        crate::web::validate::optional("location", req.location.as_deref(), LOCATION_MAX)?;
    let m = MeetingInput::new(starts_at, ends_at, location)?;
    let made = meetings::call(&st, &actor, id, m).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// A council's meetings as an RFC 5545 calendar (`text/calendar`): the last 90 days and
/// what is scheduled, cancelled ones marked so, each with a stable UID.
#[utoipa::path(get, path = "/api/v1/councils/{id}/calendar.ics", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Council id")),
    responses((status = 200, description = "The calendar",
        content((CalendarBody = "text/calendar")))))]
pub async fn council_calendar(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    let body = service::council_feed(&st, &actor, id).await?;
    Ok(calendar(body, &format!("council-{id}.ics")))
}

/// The meetings of every council the caller sees, as one RFC 5545 calendar.
#[utoipa::path(get, path = "/api/v1/me/councils.ics", tag = "councils",
    security(("bearer" = [])),
    responses((status = 200, description = "The calendar",
        content((CalendarBody = "text/calendar")))))]
pub async fn my_calendar(State(st): State<AppState>, actor: Actor) -> Result<Response> {
    let body = service::my_feed(&st, &actor).await?;
    Ok(calendar(body, "councils.ics"))
}
