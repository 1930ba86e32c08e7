//! `/api/v1/accounts`: the admin's accounts — list, create, change the role and what it is
//! attached to, reset the password, lock and open, end its tokens. Only an admin; every
//! step goes through `auth::service::accounts`, as the admin's pages and `linli admin` do.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};

use super::super::service::accounts::{
    self, Account, AccountChange, AccountFilter, AccountPage, NewAccount, WithPassword,
};
use super::super::{Actor, Role};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, put_account))
        .routes(routes!(reset_password))
        .routes(routes!(lock_account, unlock_account))
        .routes(routes!(revoke_all_tokens))
        .routes(routes!(reset_totp))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    /// Only accounts of this role.
    pub role: Option<Role>,
    /// A part of the username or of the display name.
    pub q: Option<String>,
    /// Page size, 1-200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

/// The accounts, by id, with how many the filter keeps in all. Admin only.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "auth", security(("bearer" = [])),
    params(AccountQuery),
    responses(
        (status = 200, body = AccountPage),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A limit out of range (`out_of_range`), a search too long (`text_too_long`)", body = ErrorBody),
    ))]
pub async fn list_accounts(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<AccountQuery>,
) -> Result<Json<AccountPage>> {
    let f = AccountFilter {
        role: q.role,
        q: q.q,
    };
    Ok(Json(
        accounts::list_accounts(&st, &actor, &f, q.limit, q.cursor).await?,
    ))
}

/// Creates an account attached to what its role needs: a resident their `resident_id`, a
/// unit account its `unit_id`, a street account its `street_id`, a grid worker, volunteer,
/// staff or secretary their `community_id` (the street follows from it); an admin nothing.
/// Without a `password` one is generated and answered once. A grid worker is given their
/// grid with `PATCH /api/v1/grids/{id}` (`worker_user_id`). Admin only.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "auth", security(("bearer" = [])),
    request_body = NewAccount,
    responses(
        (status = 201, description = "Created", body = WithPassword),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A field missing or wrong (`missing_field`, `invalid_username`, `username_taken`, `text_too_long`, `password_too_short`, `password_too_long`, `password_too_simple`, `password_is_demo`, `password_common`, `unknown_street`, `unknown_community`, `unknown_reference`, `unknown_resident`)", body = ErrorBody),
    ))]
pub async fn create_account(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(n): ApiJson<NewAccount>,
) -> Result<(StatusCode, Json<WithPassword>)> {
    let made = accounts::create_account(&st, &actor, n).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// One account. Admin only.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, body = Account),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    ))]
pub async fn get_account(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Account>> {
    Ok(Json(accounts::get_account(&st, &actor, id).await?))
}

/// Sets an account's display name, role and attachment as a whole (as for a new account;
/// what the role does not need is cleared). A grid worker who becomes something else, or
/// moves to another community, leaves their grids. An admin keeps their own role. Admin
/// only.
#[utoipa::path(put, path = "/api/v1/accounts/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    request_body = AccountChange,
    responses(
        (status = 200, body = Account),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A field missing or wrong (`missing_field`, `text_too_long`, `unknown_street`, `unknown_community`, `unknown_reference`, `unknown_resident`), or one's own role (`own_account`)", body = ErrorBody),
    ))]
pub async fn put_account(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(ch): ApiJson<AccountChange>,
) -> Result<Json<Account>> {
    Ok(Json(accounts::change_account(&st, &actor, id, ch).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    /// As the password policy asks (`password_policy`: by default 12 characters or more,
    /// not a common password; under `dengbao` none of the account's last 5); without it
    /// one is generated and answered once.
    pub password: Option<String>,
}

/// Sets a new password; the account is unlocked after failed sign-ins. Admin only.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/password", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    request_body = NewPassword,
    responses(
        (status = 200, body = WithPassword),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 422, description = "A password the policy refuses: too short (`password_too_short`) or long (`password_too_long`), of too few kinds of characters (`password_too_simple`, policy `dengbao`), the demo password (`password_is_demo`), a common one (`password_common`), one of the account's last (`password_reused`, policy `dengbao`)", body = ErrorBody),
    ))]
pub async fn reset_password(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(p): ApiJson<NewPassword>,
) -> Result<Json<WithPassword>> {
    let done = accounts::reset_password(&st, &actor, id, p.password.as_deref()).await?;
    Ok(Json(done))
}

/// Locks an account: it cannot sign in and none of its tokens works until it is opened.
/// An admin does not lock themselves. Admin only.
#[utoipa::path(post, path = "/api/v1/accounts/{id}/lock", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, body = Account),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
        (status = 422, description = "One's own account (`own_account`)", body = ErrorBody),
    ))]
pub async fn lock_account(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Account>> {
    Ok(Json(accounts::set_locked(&st, &actor, id, true).await?))
}

/// Opens an account: locked by an admin or after failed sign-ins, it may sign in again.
/// Admin only.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/lock", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, body = Account),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    ))]
pub async fn unlock_account(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Account>> {
    Ok(Json(accounts::set_locked(&st, &actor, id, false).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revoked {
    /// How many live tokens were ended.
    pub revoked: u64,
}

/// Ends every live token of an account at once: its page and API sessions and its API
/// tokens (one token: `DELETE /api/v1/tokens/{id}`). Admin only.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/tokens", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, body = Revoked),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    ))]
pub async fn revoke_all_tokens(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Revoked>> {
    let revoked = accounts::revoke_all_tokens(&st, &actor, id).await?;
    Ok(Json(Revoked { revoked }))
}

/// Ends an account's second factor (TOTP) and its recovery codes, for a lost phone: it
/// signs in with its password alone and, if its role requires a second factor, enrols
/// again before anything else. Audited. Admin only.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/totp", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The account's id")),
    responses(
        (status = 200, body = Account),
        (status = 403, description = "Not an admin (`forbidden`)", body = ErrorBody),
    ))]
pub async fn reset_totp(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Account>> {
    Ok(Json(
        super::super::service::totp::reset_by_admin(&st, &actor, id).await?,
    ))
}
