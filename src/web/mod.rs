//! What every capability's HTTP side shares: language, JSON in and out, errors.

pub mod error;
pub mod i18n;
pub mod json;
pub mod validate;

pub fn index_page() -> String { String::new() }
