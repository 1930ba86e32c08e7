//! A posted form, read into the service's input the way the API reads JSON: text trimmed
//! and bounded, numbers and choices parsed, and what does not parse refused with the code
//! the API would give (an unknown choice is never quietly replaced by a default).

use crate::demands::model::{MAX_NOTE, Word};
use crate::error::{Code, Error, Result};
use crate::web::validate;

pub use crate::web::form::{Fields, field, given, number};

/// An optional note, bounded.
pub fn note(f: &Fields, name: &str) -> Result<Option<String>> {
    validate::optional(name, field(f, name), MAX_NOTE)
}

/// A required note, bounded.
pub fn required(f: &Fields, name: &str) -> Result<String> {
    validate::required(name, field(f, name), MAX_NOTE)
}

/// One of the model's words (`phone`, `urgent`…), or nothing when the field is blank.
pub fn choice<W: Word>(f: &Fields, name: &str) -> Result<Option<W>> {
    match given(f, name).map(str::trim) {
        None => Ok(None),
        Some(v) => W::from_code(v)
            .map(Some)
            .ok_or_else(|| Error::invalid(name, Code::InvalidChoice).with("allowed", W::codes())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demands::model::FeedbackMethod;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_choice_is_one_of_its_words_or_refused() {
        let f = form(&[
            ("method", "visit"),
            ("bad", "carrier_pigeon"),
            ("blank", " "),
        ]);
        assert_eq!(
            choice::<FeedbackMethod>(&f, "method").unwrap(),
            Some(FeedbackMethod::Visit)
        );
        assert_eq!(choice::<FeedbackMethod>(&f, "blank").unwrap(), None);
        assert_eq!(choice::<FeedbackMethod>(&f, "absent").unwrap(), None);
        let e = choice::<FeedbackMethod>(&f, "bad").unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::InvalidChoice, Some("bad"))
        );
        assert_eq!(number(&f, "method").unwrap_err().code, Code::InvalidNumber);
    }
}
