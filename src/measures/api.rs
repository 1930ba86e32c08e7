//! `GET /api/v1/measures`: the rates over a period, overall and per group.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::ApiQuery;

use super::model::{Ends, Measures, Period, Question};
use super::model::{Filter, GroupBy};
use super::service;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(measures))
        .merge(super::councils::api::router())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasuresQuery {
    /// Start of the period (received at or after): `2026-11-01` (China time) or RFC 3339.
    /// Default: 30 days before `to`.
    pub from: Option<String>,
    /// End of the period (received before). Default: now.
    pub to: Option<String>,
    /// grid, community, street, category or channel. Without it, only the total.
    #[param(inline)]
    pub group_by: Option<GroupBy>,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub category: Option<String>,
    pub channel: Option<String>,
}

/// The response, resolution, satisfaction and on-time feedback rates of the demands
/// received in a period, within the caller's scope. See the definitions in the API
/// description.
#[utoipa::path(get, path = "/api/v1/measures", tag = "measures",
    security(("bearer" = [])),
    params(MeasuresQuery),
    responses((status = 200, body = Measures), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub async fn measures(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<MeasuresQuery>,
) -> Result<Json<Measures>> {
    let period = Period::parse(
        q.from.as_deref(),
        q.to.as_deref(),
        st.clock.now(),
        Ends::Before,
    )?;
    let question = Question {
        period,
        group_by: q.group_by,
        filter: Filter {
            street_id: q.street_id,
            community_id: q.community_id,
            grid_id: q.grid_id,
            category: q.category,
            channel: q.channel,
        },
    };
    Ok(Json(service::measures(&st, &actor, question).await?))
}
