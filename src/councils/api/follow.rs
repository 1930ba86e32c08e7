//! Follow-through of a decision: its items with owners, due days, progress and dated
//! milestones.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::councils::model::Progress;
use crate::councils::model::inputs::{self, BODY_MAX, ItemInput, ProgressInput};
use crate::councils::service::follow::{self as service, FollowThrough};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_follow_through))
        .routes(routes!(add_item))
        .routes(routes!(report_progress))
}

/// A decision with its follow-through: each item's progress (a parent's derived from its
/// children), whether it is overdue, and its milestones. Residents see it once the
/// decision is published.
#[utoipa::path(get, path = "/api/v1/decisions/{id}/follow-through", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Decision id")),
    responses((status = 200, body = FollowThrough)))]
pub async fn get_follow_through(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<FollowThrough>> {
    Ok(Json(service::of_decision(&st, &actor, id).await?))
}

/// An item of follow-through.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// 1–120 characters.
    pub title: Option<String>,
    /// An item of the same decision this one is part of.
    pub parent_id: Option<i64>,
    /// The account that owns it.
    pub owner_user_id: Option<i64>,
    /// Or the unit (the property company…).
    pub owner_unit_id: Option<i64>,
    /// YYYY-MM-DD.
    pub due_on: Option<String>,
}

/// Adds an item to a decision's follow-through (a decision that was made, not one that
/// could not be).
#[utoipa::path(post, path = "/api/v1/decisions/{id}/items", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Decision id")),
    request_body = NewItem,
    responses(
        (status = 201, body = FollowThrough),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Nothing was decided (`council_state`)", body = ErrorBody),
        (status = 422, description = "A missing title or due day; an unknown parent, owner or unit", body = ErrorBody),
    ))]
pub async fn add_item(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewItem>,
) -> Result<(StatusCode, Json<FollowThrough>)> {
    let i = ItemInput {
        title: inputs::title(req.title.as_deref())?,
        parent_id: req.parent_id,
        owner_user_id: req.owner_user_id,
        owner_unit_id: req.owner_unit_id,
        due_on: inputs::day("due_on", req.due_on.as_deref())?
            .ok_or_else(|| Error::required("due_on"))?,
    };
    let out = service::add_item(&st, &actor, id, i).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Progress reported.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProgress {
    /// 0–100; 100 is done.
    #[schema(minimum = 0, maximum = 100)]
    pub progress: Option<i64>,
    /// What was done, up to 2,000 characters.
    pub note: Option<String>,
}

/// Reports progress on an item: a dated milestone; done at 100 %.
#[utoipa::path(post, path = "/api/v1/follow-items/{id}/progress", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Follow-through item id")),
    request_body = NewProgress,
    responses(
        (status = 200, body = FollowThrough),
        (status = 403, description = "Not its owner, nor one who runs the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Done or cancelled already, or an item whose progress comes from its children (`council_state`)", body = ErrorBody),
        (status = 422, description = "A progress outside 0–100 (`out_of_range`)", body = ErrorBody),
    ))]
pub async fn report_progress(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewProgress>,
) -> Result<Json<FollowThrough>> {
    let p = ProgressInput {
        progress: Progress::new(req.progress.ok_or_else(|| Error::required("progress"))?)?,
        note: inputs::optional("note", req.note.as_deref(), BODY_MAX)?,
    };
    Ok(Json(service::report(&st, &actor, id, p).await?))
}
