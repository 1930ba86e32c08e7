//! `GET /api/v1/measures`: the rates over a period, overall and per group.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, Role};
use crate::clock::{DAY, parse_time, rfc3339};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::ApiQuery;

use super::rates::{Counts, Rates, rates};
use super::store::{self, Filter, GroupBy};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(measures))
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
    pub group_by: Option<GroupBy>,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub category: Option<String>,
    pub channel: Option<String>,
}

/// The counts and rates of one group.
#[derive(Serialize, ToSchema)]
pub struct Measure {
    /// The group's key (grid id, community id, street id, category code or channel);
    /// null for the total and for demands not yet placed in a grid or category.
    pub key: Option<String>,
    pub name: Option<String>,
    pub counts: Counts,
    pub rates: Rates,
}

#[derive(Serialize, ToSchema)]
pub struct Measures {
    pub from: String,
    pub to: String,
    pub total: Measure,
    pub groups: Vec<Measure>,
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
    if matches!(actor.role, Role::Resident | Role::Volunteer | Role::Unit) {
        return Err(Error::forbidden());
    }
    let now = st.clock.now();
    let bad = |f: &str| Error::query(f);
    let to = match q.to.as_deref() {
        Some(t) => parse_time(t).ok_or_else(|| bad("to"))?,
        None => now,
    };
    let from = match q.from.as_deref() {
        Some(f) => parse_time(f).ok_or_else(|| bad("from"))?,
        None => to - 30 * DAY,
    };
    if from >= to {
        return Err(bad("from"));
    }
    let filter = Filter {
        street_id: q.street_id,
        community_id: q.community_id,
        grid_id: q.grid_id,
        category: q.category,
        channel: q.channel,
    };
    let mut c = st.db.conn().await?;
    let rows = store::count(&mut c, &actor, now, from, to, q.group_by, &filter).await?;
    let mut total = Counts::default();
    for r in &rows {
        total.add(&r.counts);
    }
    let groups = if q.group_by.is_some() {
        rows.into_iter()
            .map(|r| Measure {
                name: match q.group_by {
                    // Channels have no table: their names are in the catalogue.
                    Some(GroupBy::Channel) => r
                        .key
                        .as_deref()
                        .map(|k| crate::web::i18n::text(&format!("demand.channel.{k}"))),
                    _ => r.name,
                },
                key: r.key,
                rates: rates(&r.counts),
                counts: r.counts,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(Measures {
        from: rfc3339(from),
        to: rfc3339(to),
        total: Measure {
            key: None,
            name: None,
            rates: rates(&total),
            counts: total,
        },
        groups,
    }))
}
