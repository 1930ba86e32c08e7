//! What the roster's forms share: a posted form's fields as sent, and a number field.

use crate::error::{Code, Error, Result};

pub use crate::web::form::{Fields, all, field};

/// A number field: none when blank, refused on `name` when it is not a number.
pub fn number(v: Option<&str>, name: &str) -> Result<Option<i64>> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| Error::invalid(name, Code::InvalidNumber)),
    }
}
