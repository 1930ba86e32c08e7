//! What every capability's HTTP side shares: language, JSON in and out, errors.

pub mod charts;
pub mod error;
pub mod i18n;
pub mod json;
pub mod pages;
pub mod session;
pub mod validate;

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
