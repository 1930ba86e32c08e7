//! `/admin/accounts/{id}/totp/reset`: the admin ends an account's second factor (a lost
//! phone and no recovery code left), through `auth::service::totp`, audited there.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use crate::auth::service::totp;
use crate::state::AppState;
use crate::web::session::PageUser;

use super::accounts::{done, refused};
use super::{Fields, field};

pub async fn reset(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    match totp::reset_by_admin(&st, &u.actor, id).await {
        Ok(_) => done(id, "totp_reset"),
        Err(e) => refused(&st, &u, id, "totp", None, e).await,
    }
}
