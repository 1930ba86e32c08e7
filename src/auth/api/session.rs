//! `POST /api/v1/login`, `POST /api/v1/logout`, `GET /api/v1/me`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::rfc3339;
use crate::error::Result;
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::ErrorBody;
use crate::web::json::ApiJson;

use super::super::model::{Credentials, TokenKind};
use super::super::{Actor, Role, service, tokens};

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
    /// For an account with a second factor: the six digits its authenticator app shows
    /// now, or one of its recovery codes (each works once).
    #[serde(default)]
    pub totp: Option<String>,
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

/// Log in with a username and password (and, for an account with a second factor, its
/// current code as `totp`); answers a bearer token.
///
/// Five failures in a row (wrong passwords or wrong codes) lock the account for fifteen
/// minutes, except from addresses it signed in from in the last 30 days; twenty failures
/// within fifteen minutes from one client address lock the address for fifteen minutes,
/// for every account (all configurable). A code is accepted once. An account whose role
/// requires a second factor (`totp_required_roles`: admin and street by default) and has
/// none, or whose password has expired (`password_policy` `dengbao`), is given no token:
/// it signs in on the login page first, which takes it to the step.
#[utoipa::path(post, path = "/api/v1/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 401, description = "Wrong username or password (`bad_credentials`); the account has a second factor and no `totp` was given (`totp_required`); the code is wrong or was used already (`totp_invalid`)", body = ErrorBody),
        (status = 403, description = "The account must first enrol a second factor on the page `/account/totp` (`totp_enrolment_required`) or change its expired password on `/account/password` (`password_expired`)", body = ErrorBody),
        (status = 423, description = "The account is locked after repeated failures and this address is not one it signed in from before (`account_locked`)", body = ErrorBody),
        (status = 429, description = "Too many failures from this address; no password is checked from it for a while (`address_locked`)", body = ErrorBody),
    ))]
pub async fn login(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let credentials = Credentials {
        username: req.username.trim(),
        password: &req.password,
        code: req.totp.as_deref(),
    };
    let signed_in = service::sign_in(&st, credentials, &from, TokenKind::Session).await?;
    Ok(Json(LoginResponse {
        token: signed_in.token,
        expires_at: rfc3339(signed_in.expires_at),
        user: Me::from(&signed_in.actor),
    }))
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
