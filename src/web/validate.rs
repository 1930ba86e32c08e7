//! Checking free text at the edge: trimmed, present when required, not too long.

use crate::error::{Code, Error, Result};

/// A required text field: trimmed, non-empty, at most `max` characters.
pub fn required(field: &str, v: Option<&str>, max: usize) -> Result<String> {
    match optional(field, v, max)? {
        Some(s) => Ok(s),
        None => Err(Error::required(field)),
    }
}

/// An optional text field: trimmed; empty means absent; at most `max` characters.
pub fn optional(field: &str, v: Option<&str>, max: usize) -> Result<Option<String>> {
    let Some(s) = v.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.chars().count() > max {
        return Err(Error::too_long(field, max));
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(Error::invalid(field, Code::InvalidText));
    }
    Ok(Some(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_required_and_bounded() {
        assert_eq!(required("t", Some("  漏水 "), 10).unwrap(), "漏水");
        assert_eq!(
            required("t", Some("   "), 10).unwrap_err().code,
            "missing_field"
        );
        assert_eq!(required("t", None, 10).unwrap_err().code, "missing_field");
        assert_eq!(
            required("t", Some("水管漏水已经三天了"), 5)
                .unwrap_err()
                .code,
            "text_too_long"
        );
        assert_eq!(optional("t", Some(""), 5).unwrap(), None);
        assert_eq!(
            optional("t", Some("a\u{0}b"), 5).unwrap_err().code,
            "invalid_text"
        );
    }
}
