//! Accounts, passwords, tokens, and the caller of each request.

pub mod api;
pub mod password;
pub mod role;
pub mod store;
pub mod tokens;

pub use role::{Actor, Role};

/// Login, logout and the caller.
pub fn router() -> crate::web::routes::Routes {
    crate::web::routes::Routes::api(api::router())
}
