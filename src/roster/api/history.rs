//! The history of a roster object: `GET /api/v1/roster/history?object_kind=&object_id=`,
//! who created, changed or deleted it, when, and which fields changed (personal fields by
//! name only), oldest first, a keyset page at a time.

use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::PageQuery;
use super::extract::{Answer, List};
use crate::roster::model::{HistoryEntry, Page};
use crate::roster::scope::Kind;
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::ErrorBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(roster_history))
}

/// Which object.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    pub object_kind: Kind,
    pub object_id: i64,
}

/// The changes of one object, oldest first. For the office of its community (staff,
/// secretary), its street and admin; a grid worker reads the history of the residents of
/// their own grids. Other roles are refused (403); an object out of reach, or that never
/// was, is not found.
#[utoipa::path(get, path = "/api/v1/roster/history", tag = "roster", security(("bearer" = [])),
    params(HistoryQuery, PageQuery),
    responses((status = 200, body = Page<HistoryEntry>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn roster_history(q: List<HistoryQuery>) -> Answer<Page<HistoryEntry>> {
    let (kind, id) = (q.filter.object_kind, q.filter.object_id);
    let page = service::history(&q.by.st, &q.by.actor, kind, id, q.paging).await?;
    Ok(Json(page))
}
