//! What every capability's HTTP side shares: language, JSON in and out, errors.

pub mod charts;
pub mod client;
pub mod error;
pub mod form;
pub mod headers;
pub mod i18n;
pub mod json;
mod landing;
pub mod login;
pub mod login_code;
pub mod pages;
pub mod plain_http;
pub mod routes;
pub mod session;
pub mod validate;

/// What every page shares: login, logout, the language switch, the stylesheet.
pub fn router() -> routes::Routes {
    routes::Routes::pages(login::routes())
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
