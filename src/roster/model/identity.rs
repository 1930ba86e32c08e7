//! Who a resident is on paper: the ID number (check digit included), the birth date and
//! gender it says, parsed at the edge and kept consistent with each other, on a create
//! and on an edit over what is stored.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Code, Error, Result};
use crate::roster::ids::IdCardNumber;

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
    /// Parses the ID number (check digit included) and the birth date, then checks them
    /// against each other (see [`Identity::of`]).
    pub fn parse(i: IdentityInput<'_>) -> Result<Identity> {
        Identity::of(Identity {
            id_number: id_number(i.id_number)?,
            birth_date: birth_date(i.birth_date)?,
            gender: i.gender,
        })
    }

    /// Takes the birth date and gender from the ID number when they are not given, and
    /// refuses them when they contradict it.
    pub fn of(parts: Identity) -> Result<Identity> {
        let Some(id) = parts.id_number else {
            return Ok(parts);
        };
        let from_id = id.birth_date();
        if parts.birth_date.as_ref().is_some_and(|b| *b != from_id) {
            return Err(Error::invalid("birth_date", Code::BirthDateMismatch));
        }
        let gender_from_id = if id.is_male() {
            Gender::Male
        } else {
            Gender::Female
        };
        if parts.gender.is_some_and(|g| g != gender_from_id) {
            return Err(Error::invalid("gender", Code::GenderMismatch));
        }
        Ok(Identity {
            id_number: Some(id),
            birth_date: Some(from_id),
            gender: Some(gender_from_id),
        })
    }
}

/// An ID number (check digit included), or absent when blank.
pub fn id_number(v: Option<&str>) -> Result<Option<IdCardNumber>> {
    match present(v) {
        Some(s) => IdCardNumber::parse(s)
            .map(Some)
            .ok_or_else(|| Error::invalid("id_number", Code::InvalidIdNumber)),
        None => Ok(None),
    }
}

/// A birth date `YYYY-MM-DD`, or absent when blank.
pub fn birth_date(v: Option<&str>) -> Result<Option<String>> {
    match present(v) {
        Some(s) => s
            .parse::<jiff::civil::Date>()
            .map(|d| Some(d.to_string()))
            .map_err(|_| Error::invalid("birth_date", Code::InvalidBirthDate)),
        None => Ok(None),
    }
}

/// `male` or `female`, or absent when blank.
pub fn gender(v: Option<&str>) -> Result<Option<Gender>> {
    match present(v) {
        None => Ok(None),
        Some(g) => Gender::parse(g)
            .map(Some)
            .ok_or_else(|| Error::invalid("gender", Code::InvalidGender)),
    }
}

/// A trimmed value, or none when blank.
fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

/// A change of the identity fields, each parsed at the edge: absent keeps what is stored,
/// `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct IdentityEdit {
    pub id_number: Option<Option<IdCardNumber>>,
    pub birth_date: Option<Option<String>>,
    pub gender: Option<Option<Gender>>,
}

impl IdentityEdit {
    /// Leaves the identity as stored.
    pub fn is_empty(&self) -> bool {
        self.id_number.is_none() && self.birth_date.is_none() && self.gender.is_none()
    }

    /// The edit over what is stored. A new ID number brings its own birth date and gender
    /// unless the edit gives them too; a birth date or gender changed alone is checked
    /// against the stored ID number.
    pub fn apply(self, stored: Identity) -> Result<Identity> {
        let new_id = matches!(self.id_number, Some(Some(_)));
        Identity::of(Identity {
            birth_date: derived(self.birth_date, stored.birth_date, new_id),
            gender: derived(self.gender, stored.gender, new_id),
            id_number: self.id_number.unwrap_or(stored.id_number),
        })
    }
}

/// A field the ID number says too: as edited, else dropped for a new number to fill in,
/// else as stored.
fn derived<T>(edit: Option<Option<T>>, stored: Option<T>, new_id: bool) -> Option<T> {
    match edit {
        Some(v) => v,
        None if new_id => None,
        None => stored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::ids::check_digit;

    fn id(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17))
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
        let old = IdCardNumber::parse(&id("14010519800229123")).unwrap();
        let new = IdCardNumber::parse(&id("14010519910515002")).unwrap(); // a woman
        let stored = Identity {
            id_number: Some(old),
            birth_date: Some("1980-02-29".into()),
            gender: Some(Gender::Male),
        };
        // A new number brings its own birth date and gender.
        let edit = IdentityEdit {
            id_number: Some(Some(new)),
            ..Default::default()
        };
        let i = edit.apply(stored.clone()).unwrap();
        assert_eq!(i.birth_date.as_deref(), Some("1991-05-15"));
        assert_eq!(i.gender, Some(Gender::Female));
        // A birth date alone must agree with the stored number.
        let edit = IdentityEdit {
            birth_date: Some(Some("1981-01-01".into())),
            ..Default::default()
        };
        assert_eq!(
            edit.apply(stored.clone()).unwrap_err().code,
            "birth_date_mismatch"
        );
        // Clearing the number keeps what was derived from it.
        let edit = IdentityEdit {
            id_number: Some(None),
            ..Default::default()
        };
        let i = edit.apply(stored).unwrap();
        assert_eq!((i.id_number, i.gender), (None, Some(Gender::Male)));
    }
}
