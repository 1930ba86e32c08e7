//! The roster's words: the values its service gives back (already masked for the caller),
//! the inputs it takes (parsed at the edge), resident identity (ID number, birth date,
//! gender), tags, kinds, and the small parsers every roster request goes through. Pure
//! functions, tested without a database.

mod address;
mod age;
pub mod child;
pub mod forms;
mod history;
mod identity;
mod inputs;
mod page;
pub mod sealed;
mod values;

pub use address::AddressQuery;
pub use age::{AgeBand, Born};
pub use history::{Audited, ChangeAction, Field, FieldChange, HistoryEntry, Recorded};
pub use identity::{Gender, Identity, IdentityEdit, IdentityInput, birth_date, gender, id_number};
pub use inputs::*;
pub use page::{Page, Paging, contains_pattern};
pub use values::*;

use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use super::ids::Phone;
use crate::error::{Code, Error, Result};

/// Names of streets, communities, compounds, buildings, people, grids, units, teams.
pub const NAME_MAX: usize = 50;
/// Addresses and other longer free text.
pub const ADDRESS_MAX: usize = 200;
/// A resident may carry at most this many tags, each at most `TAG_MAX` characters.
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX: usize = 20;

/// The tags the roster knows; others are free tags.
pub const KNOWN_TAGS: [&str; 7] = [
    "elderly_alone",
    "limited_mobility",
    "disabled",
    "party_member",
    "volunteer",
    "low_income",
    "floating",
];

/// Tags a visitor must know before knocking (the elderly living alone, limited mobility):
/// copied onto a demand at intake and shown to whoever goes.
pub const VISIT_TAGS: [&str; 2] = ["elderly_alone", "limited_mobility"];

/// Tags that are sensitive personal facts (PIPL): shown like a health note, only to those
/// who see a resident's personal fields whole, never in lists.
pub const SENSITIVE_TAGS: [&str; 2] = ["disabled", "low_income"];

/// Whether a tag is one of [`SENSITIVE_TAGS`].
pub fn is_sensitive(tag: &str) -> bool {
    SENSITIVE_TAGS.contains(&tag)
}

/// What a unit (共建单位) is.
pub const UNIT_KINDS: [&str; 9] = [
    "property",
    "gas",
    "water",
    "power",
    "heating",
    "police",
    "owners_committee",
    "member",
    "other",
];

/// What a team (队伍) is.
pub const TEAM_KINDS: [&str; 4] = ["volunteer", "red_detachment", "linkage", "governance"];

/// A required `kind` that must be one of `allowed`.
pub fn kind(v: Option<&str>, allowed: &[&str]) -> Result<String> {
    let v = v.map(str::trim).ok_or_else(|| Error::required("kind"))?;
    if allowed.contains(&v) {
        return Ok(v.to_string());
    }
    Err(Error::invalid("kind", Code::InvalidKind).with("allowed", allowed.join(", ")))
}

/// Timestamps go out as RFC 3339 in China Standard Time.
pub fn as_rfc3339<S: Serializer>(ms: &crate::clock::Millis, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::clock::rfc3339(*ms))
}

/// An optional timestamp, as [`as_rfc3339`] (null when absent).
pub fn as_rfc3339_opt<S: Serializer>(
    ms: &Option<crate::clock::Millis>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => as_rfc3339(ms, s),
        None => s.serialize_none(),
    }
}

/// A phone number, or absent when blank.
pub fn phone(field: &str, v: Option<&str>) -> Result<Option<Phone>> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    Phone::parse(v)
        .map(Some)
        .ok_or_else(|| Error::invalid(field, Code::InvalidPhone))
}

/// Tags: trimmed, blank ones dropped, duplicates merged, at most 20 of at most 20 characters.
pub fn tags(v: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in v.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if t.chars().count() > TAG_MAX || t.chars().any(char::is_control) {
            return Err(Error::invalid("tags", Code::InvalidTag).with("max", TAG_MAX));
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    if out.len() > TAGS_MAX {
        return Err(Error::invalid("tags", Code::TooManyTags).with("max", TAGS_MAX));
    }
    Ok(out)
}

/// Whether the personal fields of a resident are shown whole or masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pii {
    Masked,
    Whole,
}

/// The most floors a building may have.
pub const FLOORS_MAX: i64 = 200;

/// A building's number of floors, 1 to [`FLOORS_MAX`], when given.
pub fn floors(v: Option<i64>) -> Result<Option<i64>> {
    match v {
        Some(f) if !(1..=FLOORS_MAX).contains(&f) => {
            Err(Error::invalid("floors", Code::InvalidFloors).with("max", FLOORS_MAX))
        }
        v => Ok(v),
    }
}

/// The most ids one request may list (buildings of a grid, members of a team, …).
pub const IDS_MAX: usize = 1000;

/// A list of ids without repeats, at most [`IDS_MAX`] long.
pub fn ids(field: &str, ids: &[i64]) -> Result<Vec<i64>> {
    let mut out: Vec<i64> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.len() > IDS_MAX {
        return Err(Error::invalid(field, Code::TooManyIds).with("max", IDS_MAX));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn tags_are_trimmed_merged_and_bounded() {
        let t = tags(&[
            " elderly_alone".into(),
            "".into(),
            "elderly_alone".into(),
            "爱心".into(),
        ]);
        assert_eq!(t.unwrap(), vec!["elderly_alone", "爱心"]);
        assert_eq!(tags(&["x".repeat(21)]).unwrap_err().code, "invalid_tag");
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert_eq!(tags(&many).unwrap_err().code, "too_many_tags");
        assert_eq!(tags(&many[..20]).unwrap().len(), 20);
    }

    #[test]
    fn kinds_are_one_of_a_list() {
        assert_eq!(kind(Some("police"), &UNIT_KINDS).unwrap(), "police");
        assert_eq!(
            kind(Some("army"), &UNIT_KINDS).unwrap_err().code,
            "invalid_kind"
        );
        assert_eq!(kind(None, &TEAM_KINDS).unwrap_err().code, "missing_field");
    }

    #[test]
    fn phones_are_parsed_or_refused_with_the_field() {
        assert_eq!(phone("phone", Some(" ")).unwrap(), None);
        assert_eq!(
            phone("phone", Some("138 1234 5678"))
                .unwrap()
                .unwrap()
                .as_str(),
            "13812345678"
        );
        let e = phone("phone", Some("12345")).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::InvalidPhone, Some("phone"))
        );
    }
}
