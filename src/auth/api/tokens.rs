//! `GET /api/v1/tokens`, `DELETE /api/v1/tokens/{id}`: the caller's tokens (an admin's:
//! anyone's), without the tokens themselves.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiPath, ApiQuery};

use super::super::Actor;
use super::super::model::TokenPage;
use super::super::service;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens))
        .routes(routes!(revoke_token))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// Whose tokens (admin only); the caller's own without it.
    pub user_id: Option<i64>,
    /// Page size, 1-200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

/// The live tokens of the caller (or, for an admin, of `user_id`), newest first: API
/// tokens, API sessions and page sessions, with when each was made, expires and was last
/// used. Never the token, nor its hash.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "auth", security(("bearer" = [])),
    params(TokenQuery),
    responses(
        (status = 200, body = TokenPage),
        (status = 403, description = "Someone else's tokens, and the caller is not an admin (`forbidden`)", body = ErrorBody),
        (status = 422, description = "No such account (`unknown_user`)", body = ErrorBody),
    ))]
pub async fn list_tokens(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<TokenQuery>,
) -> Result<Json<TokenPage>> {
    let page = service::list_tokens(&st, &actor, q.user_id, q.limit, q.cursor).await?;
    Ok(Json(page))
}

/// Revokes one of the caller's tokens (an admin: anyone's): it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The token's id, from `GET /api/v1/tokens`")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_token(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    service::revoke_token(&st, &actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
