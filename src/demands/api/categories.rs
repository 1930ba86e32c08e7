//! Demand categories and their deadlines: everyone reads them, admin sets them.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, Role};
use crate::db::Q;
use crate::state::AppState;

use crate::error::{Code, Error, Result};
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories))
        .routes(routes!(put_category))
}

/// A demand category with its deadlines.
#[derive(Serialize, ToSchema, sqlx::FromRow)]
pub struct Category {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Hours from receipt to acceptance.
    pub accept_hours: i64,
    /// Days from receipt to feedback to the resident.
    pub feedback_days: i64,
    pub active: bool,
    pub sort: i64,
}

/// Every category, inactive ones included.
#[utoipa::path(get, path = "/api/v1/categories", tag = "demands",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<Category>), (status = 401, body = ErrorBody)))]
pub async fn list_categories(
    State(st): State<AppState>,
    _actor: Actor,
) -> Result<Json<Vec<Category>>> {
    let mut c = st.db.conn().await?;
    Ok(Json(
        Q::new(
            "SELECT code, name_zh, name_en, accept_hours, feedback_days, active, sort \
             FROM categories ORDER BY sort, code",
        )
        .fetch_all(&mut c)
        .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub accept_hours: i64,
    pub feedback_days: i64,
    pub active: Option<bool>,
    pub sort: Option<i64>,
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
    if actor.role != Role::Admin {
        return Err(Error::forbidden());
    }
    let valid_code = !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !valid_code {
        return Err(Error::invalid("code", Code::InvalidCategoryCode));
    }
    if !(1..=24 * 30).contains(&r.accept_hours) {
        return Err(Error::out_of_range("accept_hours", 1, 720));
    }
    if !(1..=365).contains(&r.feedback_days) {
        return Err(Error::out_of_range("feedback_days", 1, 365));
    }
    let name_zh = validate::required("name_zh", r.name_zh.as_deref(), 20)?;
    let name_en =
        validate::optional("name_en", r.name_en.as_deref(), 40)?.unwrap_or_else(|| code.clone());
    let mut tx = st.db.begin().await?;
    Q::new(
        "INSERT INTO categories (code, name_zh, name_en, accept_hours, feedback_days, active, sort) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
         accept_hours = excluded.accept_hours, feedback_days = excluded.feedback_days, \
         active = excluded.active, sort = excluded.sort",
    )
    .bind(code.as_str())
    .bind(name_zh)
    .bind(name_en)
    .bind(r.accept_hours)
    .bind(r.feedback_days)
    .bind(r.active.unwrap_or(true))
    .bind(r.sort.unwrap_or(500))
    .execute(&mut tx)
    .await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Entry {
            at: st.clock.now(),
            user_id: actor.user_id,
            action: "set_category",
            object_kind: "category",
            object_id: 0,
            detail: &code,
            place: None,
        },
    )
    .await?;
    let c: Category = Q::new(
        "SELECT code, name_zh, name_en, accept_hours, feedback_days, active, sort \
         FROM categories WHERE code = $1",
    )
    .bind(code.as_str())
    .fetch_one(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(Json(c))
}
