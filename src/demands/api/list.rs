//! Lists of demands: filtered, scoped, paginated by keyset (newest first); the overdue
//! summary; what waits for the caller.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Actor;
use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::ApiQuery;

use super::super::model::{DemandPage, ListQuery, OverdueSummary, Reminders};
use super::super::service;

/// Demands the caller can see, newest first, filtered.
#[utoipa::path(get, path = "/api/v1/demands", tag = "demands",
    security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = DemandPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn list_demands(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<ListQuery>,
) -> Result<Json<DemandPage>> {
    Ok(Json(service::list(&st, &actor, &f).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverdueQuery {
    pub community_id: Option<i64>,
}

/// Overdue work per grid, within the caller's scope. The demands themselves:
/// `GET /api/v1/demands?overdue=true&grid_id=…`.
#[utoipa::path(get, path = "/api/v1/demands/overdue", tag = "demands",
    security(("bearer" = [])),
    params(OverdueQuery),
    responses((status = 200, body = OverdueSummary), (status = 401, body = ErrorBody)))]
pub async fn overdue_summary(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<OverdueQuery>,
) -> Result<Json<OverdueSummary>> {
    Ok(Json(
        service::overdue_summary(&st, &actor, f.community_id).await?,
    ))
}

/// What waits for the caller, newest first: for staff, the demands the background job
/// reminded about that are still where they were (not accepted in time, not fed back in
/// time, a rating to ask again for); for volunteers and units, those of their open orders;
/// for a resident, their household's demands waiting for a rating. The workbench and the
/// portal's first screen show the same.
#[utoipa::path(get, path = "/api/v1/demands/reminders", tag = "demands",
    security(("bearer" = [])),
    responses((status = 200, body = Reminders), (status = 401, body = ErrorBody)))]
pub async fn reminders(State(st): State<AppState>, actor: Actor) -> Result<Json<Reminders>> {
    Ok(Json(service::reminders(&st, &actor).await?))
}
