//! A posted form as every page reads it: its fields as sent, the first or every value of
//! one, and a number field. What a capability's forms add (its words, its limits) stays in
//! its own pages.

use crate::error::{Code, Error, Result};

/// The form's fields, as sent (a key may repeat: `summon`, `tag`).
pub type Fields = Vec<(String, String)>;

/// The first value of a field, as sent.
pub fn field<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The first value of a field, unless it is blank.
pub fn given<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    field(f, name).filter(|v| !v.trim().is_empty())
}

/// Every value of a repeated field.
pub fn all<'a>(f: &'a Fields, name: &str) -> Vec<&'a str> {
    f.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// A number field: none when blank, refused on `name` when it is not a number.
pub fn number(f: &Fields, name: &str) -> Result<Option<i64>> {
    match given(f, name).map(str::trim) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| Error::invalid(name, Code::InvalidNumber)),
    }
}
