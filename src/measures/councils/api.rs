//! `GET /api/v1/measures/councils`: the council figures of a period, overall and per
//! group; `GET /api/v1/measures/councils/records`: the records one figure counts.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::Result;
use crate::measures::model::{Ends, Period};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::ApiQuery;

use super::{CouncilFilter, CouncilGroupBy, CouncilMeasures, CouncilRecords, Counted, service};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(council_measures))
        .routes(routes!(council_records))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouncilMeasuresQuery {
    /// Start of the period: `2026-01-01` (China time) or RFC 3339. Default: 30 days
    /// before `to`.
    pub from: Option<String>,
    /// End of the period (before). Default: now.
    pub to: Option<String>,
    /// grid, community or street. Without it, only the total.
    #[param(inline)]
    pub group_by: Option<CouncilGroupBy>,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    /// The gazebo councils of one grid.
    pub grid_id: Option<i64>,
    /// Only the community's own councils (the living room, linkage teams).
    pub no_grid: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CouncilRecordsQuery {
    /// The figure whose records to list.
    #[param(inline)]
    pub counted: Counted,
    pub from: Option<String>,
    pub to: Option<String>,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub no_grid: Option<bool>,
}

fn filter(
    street_id: Option<i64>,
    community_id: Option<i64>,
    grid_id: Option<i64>,
    no_grid: Option<bool>,
) -> CouncilFilter {
    CouncilFilter {
        street_id,
        community_id,
        grid_id,
        no_grid: no_grid.unwrap_or(false),
    }
}

/// Councils' meetings held and their attendance rate, topics raised, discussed and
/// decided, and follow-through items done on time, in a period and the caller's scope
/// (a grid worker: their grids' councils; the office: the community's; the street: its
/// communities'). Meetings count by when they started, topics by when they were raised,
/// outcomes by when they were recorded, items by their due day. `campaigns` is null
/// until consent campaigns report their figures.
#[utoipa::path(get, path = "/api/v1/measures/councils", tag = "measures",
    security(("bearer" = [])),
    params(CouncilMeasuresQuery),
    responses((status = 200, body = CouncilMeasures), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn council_measures(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<CouncilMeasuresQuery>,
) -> Result<Json<CouncilMeasures>> {
    let p = Period::parse(
        q.from.as_deref(),
        q.to.as_deref(),
        st.clock.now(),
        Ends::Before,
    )?;
    let f = filter(q.street_id, q.community_id, q.grid_id, q.no_grid);
    Ok(Json(
        service::measures(&st, &actor, p, q.group_by, &f).await?,
    ))
}

/// The records one council figure counts, with the same period, scope and filters:
/// meetings held (with their attendance), topics raised, outcomes (discussed, decided),
/// or follow-through items (due, on time, overdue).
#[utoipa::path(get, path = "/api/v1/measures/councils/records", tag = "measures",
    security(("bearer" = [])),
    params(CouncilRecordsQuery),
    responses((status = 200, body = CouncilRecords), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn council_records(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<CouncilRecordsQuery>,
) -> Result<Json<CouncilRecords>> {
    let p = Period::parse(
        q.from.as_deref(),
        q.to.as_deref(),
        st.clock.now(),
        Ends::Before,
    )?;
    let f = filter(q.street_id, q.community_id, q.grid_id, q.no_grid);
    Ok(Json(service::records(&st, &actor, p, q.counted, &f).await?))
}
