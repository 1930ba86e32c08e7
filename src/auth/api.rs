//! `POST /api/v1/login`, `POST /api/v1/logout`, `GET /api/v1/me`.

use std::sync::LazyLock;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::{HOUR, MINUTE, rfc3339};
use crate::error::{Code, Error, Result};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::ApiJson;

use super::{Actor, Role, password, store, tokens};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send it back as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: String,
    pub user: Me,
}

/// The caller, as the API sees them.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub household_id: Option<i64>,
    pub grid_ids: Vec<i64>,
    pub team_ids: Vec<i64>,
}

impl From<&Actor> for Me {
    fn from(a: &Actor) -> Me {
        Me {
            id: a.user_id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role,
            street_id: a.street_id,
            community_id: a.community_id,
            unit_id: a.unit_id,
            household_id: a.household_id,
            grid_ids: a.grid_ids.clone(),
            team_ids: a.team_ids.clone(),
        }
    }
}

/// A hash to verify against when the username is unknown, so that the answer takes as
/// long as for a known one.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password::hash("no such user here").unwrap_or_default());

fn bad_credentials() -> Error {
    Error::new(Code::BadCredentials)
}

/// Log in with a username and password; answers a bearer token.
///
/// Five failures in a row lock the account for fifteen minutes (both configurable).
#[utoipa::path(post, path = "/api/v1/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 423, description = "Account locked after repeated failures", body = ErrorBody),
    ))]
pub async fn login(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let user = authenticate(&st, req.username.trim(), &req.password).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    let expires_at = now + st.settings.session_hours * HOUR;
    let token = tokens::issue(&mut tx, user.id, "session", "login", now, Some(expires_at)).await?;
    let actor = store::actor_of(&mut tx, user).await?;
    tx.commit().await?;
    tracing::info!(user_id = actor.user_id, "logged in");
    Ok(Json(LoginResponse {
        token,
        expires_at: rfc3339(expires_at),
        user: Me::from(&actor),
    }))
}

/// Checks a username and password, counting failures and locking the account after too
/// many; shared by the API and the login page.
pub async fn authenticate(st: &AppState, username: &str, password: &str) -> Result<store::UserRow> {
    let now = st.clock.now();
    let user = {
        let mut c = st.db.conn().await?;
        store::find_by_username(&mut c, username).await?
    };
    let Some(user) = user.filter(|u| u.active) else {
        password::verify_async(password.to_string(), DUMMY_HASH.clone()).await;
        return Err(bad_credentials());
    };
    if let Some(until) = user.locked_until.filter(|&t| t > now) {
        let minutes = ((until - now) + MINUTE - 1) / MINUTE;
        return Err(Error::new(Code::AccountLocked).with("minutes", minutes));
    }
    let ok = password::verify_async(password.to_string(), user.password_hash.clone()).await;
    let mut tx = st.db.begin().await?;
    if !ok {
        let s = &st.settings;
        store::record_failure(
            &mut tx,
            user.id,
            s.lockout_failures,
            now + s.lockout_minutes * MINUTE,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(user_id = user.id, "login failed");
        return Err(bad_credentials());
    }
    store::record_success(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(user)
}

/// Ends the session: the token stops working at once.
#[utoipa::path(post, path = "/api/v1/logout", tag = "auth",
    security(("bearer" = [])),
    responses((status = 204, description = "Logged out"), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(st): State<AppState>,
    _actor: Actor,
    headers: HeaderMap,
) -> Result<StatusCode> {
    if let Some(token) = tokens::bearer(&headers) {
        let mut tx = st.db.begin().await?;
        tokens::revoke(&mut tx, token, st.clock.now()).await?;
        tx.commit().await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Who am I: the account behind the token, with its community, grids and teams.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(actor: Actor) -> Json<Me> {
    Json(Me::from(&actor))
}
