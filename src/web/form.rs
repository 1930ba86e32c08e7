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

/// A page that shows its form again with what was typed (`values`), and which of its
/// forms was refused and why (`refused`: the form's name and the message). Its templates
/// call `value("name")`, `picked("name", id)` and `error_of("form")`.
pub trait Refill {
    fn values(&self) -> &Fields;

    fn refused(&self) -> Option<&(String, String)> {
        None
    }

    /// What was typed in a field, or nothing.
    fn value(&self, name: &str) -> String {
        field(self.values(), name).unwrap_or_default().to_string()
    }

    /// Whether `id` is what a select or radio field `name` holds.
    fn picked(&self, name: &str, id: &i64) -> bool {
        field(self.values(), name).map(str::trim) == Some(id.to_string().as_str())
    }

    /// Why the form `form` was refused, when it was.
    fn error_of(&self, form: &str) -> Option<String> {
        self.refused()
            .filter(|(f, _)| f == form)
            .map(|(_, m)| m.clone())
    }
}
