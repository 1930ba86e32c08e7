//! Demand categories and their deadlines: everyone reads them, admin sets them.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};

use super::super::model::{Category, CategoryRequest};
use super::super::service;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories))
        .routes(routes!(put_category))
}

/// Every category, inactive ones included.
#[utoipa::path(get, path = "/api/v1/categories", tag = "demands",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Category>), (status = 401, body = ErrorBody)))]
pub async fn list_categories(
    State(st): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<Category>>> {
    Ok(Json(service::categories(&st, &actor).await?))
}

/// Create or change a category and its deadlines (admin). New deadlines apply to demands
/// received or accepted from now on.
#[utoipa::path(put, path = "/api/v1/categories/{code}", tag = "demands",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "Category code, e.g. `water`")),
    request_body = CategoryRequest,
    responses((status = 200, body = Category), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn put_category(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(code): ApiPath<String>,
    ApiJson(r): ApiJson<CategoryRequest>,
) -> Result<Json<Category>> {
    Ok(Json(
        service::put_category(&st, &actor, r.parse(&code)?).await?,
    ))
}
