//! What the roster's forms share: a posted form's fields as sent, and a refusal told in
//! the user's language with the field named as the page labels it.

use crate::error::{Arg, Code, Error, Result};
use crate::web::error::message;
use crate::web::i18n::text;

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

/// The refusal's message in the request's language, the field named by its label
/// (`身份证号`, not `id_number`).
pub fn refusal(e: &Error) -> String {
    let mut e = e.clone();
    if let Some(f) = e.field.clone() {
        let key = format!("web.roster.field.{f}");
        if !text(&key).contains(&key) {
            for (name, arg) in e.args.iter_mut() {
                if *name == "field" {
                    *arg = Arg::Key(key.clone());
                }
            }
        }
    }
    message(&e)
}
