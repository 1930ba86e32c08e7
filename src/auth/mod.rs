//! Accounts, passwords, tokens, and the caller of each request. Signing in and the
//! tokens a person holds go through `service`, which the API and the login page
//! (`web::login`) both call.

pub mod api;
pub mod lockout;
pub mod model;
pub mod pages;
pub mod password;
pub mod policy;
pub mod role;
pub mod rules;
pub mod service;
pub mod store;
pub mod tokens;
pub mod totp;
pub mod totp_store;

pub use role::{Actor, Role};

/// Login, logout, the caller and their tokens; the admin's accounts (API and pages).
pub fn router() -> crate::web::routes::Routes {
    crate::web::routes::Routes::new(api::router(), pages::routes())
}
