//! The roster's words and rules: resident identity (ID number, birth date, gender), tags,
//! kinds, and the small parsers every roster request goes through. Pure functions,
//! tested without a database.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

use super::ids::{IdCardNumber, Phone};
use crate::error::{Code, Error, Result};

/// Names of streets, communities, compounds, buildings, people, grids, units, teams.
pub const NAME_MAX: usize = 50;
/// Addresses and other longer free text.
pub const ADDRESS_MAX: usize = 200;
/// A resident may carry at most this many tags, each at most `TAG_MAX` characters.
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX: usize = 20;

/// The tags the roster knows; others are free tags.
pub const KNOWN_TAGS: [&str; 6] = [
    "elderly_alone",
    "disabled",
    "party_member",
    "volunteer",
    "low_income",
    "floating",
];

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

/// For PATCH bodies: tells "absent" (`None`) from "set to null" (`Some(None)`).
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Timestamps go out as RFC 3339 in China Standard Time.
pub fn as_rfc3339<S: Serializer>(ms: &crate::clock::Millis, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::clock::rfc3339(*ms))
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

/// A resident's gender as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Gender> {
        match s {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// Who a resident is on paper: the ID number and what it says, consistent with each other.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    pub id_number: Option<IdCardNumber>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    pub gender: Option<Gender>,
}

/// The identity fields as they arrive (or as they are stored).
#[derive(Clone, Copy, Debug, Default)]
pub struct IdentityInput<'a> {
    pub id_number: Option<&'a str>,
    pub birth_date: Option<&'a str>,
    pub gender: Option<Gender>,
}

impl Identity {
    /// Parses the ID number (check digit included); takes the birth date and gender from it
    /// when they are not given, and refuses them when they contradict it.
    pub fn parse(i: IdentityInput<'_>) -> Result<Identity> {
        let id_number = match present(i.id_number) {
            Some(s) => Some(
                IdCardNumber::parse(s)
                    .ok_or_else(|| Error::invalid("id_number", Code::InvalidIdNumber))?,
            ),
            None => None,
        };
        let birth_date = match present(i.birth_date) {
            Some(s) => Some(
                s.parse::<jiff::civil::Date>()
                    .map_err(|_| Error::invalid("birth_date", Code::InvalidBirthDate))?
                    .to_string(),
            ),
            None => None,
        };
        let Some(id) = id_number else {
            return Ok(Identity {
                id_number: None,
                birth_date,
                gender: i.gender,
            });
        };
        let from_id = id.birth_date();
        if birth_date.as_ref().is_some_and(|b| *b != from_id) {
            return Err(Error::invalid("birth_date", Code::BirthDateMismatch));
        }
        let gender_from_id = if id.is_male() {
            Gender::Male
        } else {
            Gender::Female
        };
        if i.gender.is_some_and(|g| g != gender_from_id) {
            return Err(Error::invalid("gender", Code::GenderMismatch));
        }
        Ok(Identity {
            id_number: Some(id),
            birth_date: Some(from_id),
            gender: Some(gender_from_id),
        })
    }
}

/// A trimmed value, or none when blank.
fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// A PATCH of the identity fields over what is stored. A new ID number brings its own birth
/// date and gender unless the patch gives them too; a birth date or gender patched alone is
/// checked against the stored ID number.
pub fn patch_identity<'a>(
    stored: IdentityInput<'a>,
    id_number: Option<Option<&'a str>>,
    birth_date: Option<Option<&'a str>>,
    gender: Option<Option<Gender>>,
) -> Result<Identity> {
    let new_id = id_number.flatten().is_some();
    let merged = IdentityInput {
        id_number: id_number.unwrap_or(stored.id_number),
        birth_date: birth_date.unwrap_or(if new_id { None } else { stored.birth_date }),
        gender: gender.unwrap_or(if new_id { None } else { stored.gender }),
    };
    Identity::parse(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::ids::check_digit;

    fn id(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17))
    }

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
    fn the_id_number_gives_birth_date_and_gender() {
        let n = id("14010519800229123"); // 17th digit 3: a man
        let i = Identity::parse(IdentityInput {
            id_number: Some(&n),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(i.birth_date.as_deref(), Some("1980-02-29"));
        assert_eq!(i.gender, Some(Gender::Male));
        let bad = Identity::parse(IdentityInput {
            id_number: Some(&n),
            birth_date: Some("1980-03-01"),
            ..Default::default()
        });
        assert_eq!(bad.unwrap_err().code, "birth_date_mismatch");
        let bad = Identity::parse(IdentityInput {
            id_number: Some(&n),
            gender: Some(Gender::Female),
            ..Default::default()
        });
        assert_eq!(bad.unwrap_err().code, "gender_mismatch");
        let mut wrong = n.clone();
        wrong.replace_range(17.., if n.ends_with('0') { "1" } else { "0" });
        let bad = Identity::parse(IdentityInput {
            id_number: Some(&wrong),
            ..Default::default()
        });
        assert_eq!(bad.unwrap_err().field.as_deref(), Some("id_number"));
        let no_id = Identity::parse(IdentityInput {
            birth_date: Some("1950-10-01"),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(no_id.birth_date.as_deref(), Some("1950-10-01"));
        let bad = Identity::parse(IdentityInput {
            birth_date: Some("1950-02-30"),
            ..Default::default()
        });
        assert_eq!(bad.unwrap_err().code, "invalid_birth_date");
    }

    #[test]
    fn a_patch_is_checked_against_what_is_stored() {
        let old = id("14010519800229123");
        let new = id("14010519910515002"); // 17th digit 2: a woman
        let stored = IdentityInput {
            id_number: Some(&old),
            birth_date: Some("1980-02-29"),
            gender: Some(Gender::Male),
        };
        // A new number brings its own birth date and gender.
        let i = patch_identity(stored, Some(Some(&new)), None, None).unwrap();
        assert_eq!(i.birth_date.as_deref(), Some("1991-05-15"));
        assert_eq!(i.gender, Some(Gender::Female));
        // A birth date alone must agree with the stored number.
        let e = patch_identity(stored, None, Some(Some("1981-01-01")), None).unwrap_err();
        assert_eq!(e.code, "birth_date_mismatch");
        // Clearing the number keeps what was derived from it.
        let i = patch_identity(stored, Some(None), None, None).unwrap();
        assert_eq!((i.id_number, i.gender), (None, Some(Gender::Male)));
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
