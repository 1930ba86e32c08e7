//! The JSON side of accounts: signing in and out, the caller, and the caller's tokens.
//! Both call `auth::service`, as the login page does; the admin's accounts too
//! (`accounts`), as the admin's pages do.

mod accounts;
mod session;
mod tokens;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub use session::{LoginRequest, LoginResponse, Me};

pub fn router() -> OpenApiRouter<AppState> {
    session::router()
        .merge(tokens::router())
        .merge(accounts::router())
}
