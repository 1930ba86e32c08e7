//! A child under 14 in the roster (PIPL art. 28: all of a minor's personal information is
//! sensitive; art. 31: processing it needs a guardian's consent). Whether a resident is
//! one on a day, how their name looks where it is masked, and how a guardian's consent was
//! given. Pure; the store seals what these say is a child's.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock::{Millis, china, civil_in};
use crate::error::{Code, Error, Result};

/// Under this age a resident's name, gender and birth date are sealed and a guardian's
/// consent is recorded (PIPL arts. 28, 31).
pub const CHILD_AGE: i64 = 14;

/// Whether someone born on `birth_date` (`YYYY-MM-DD`) is under [`CHILD_AGE`] on `day`.
/// An unknown or unreadable birth date is not a child's: the ID number gives the birth
/// date of everyone registered with one.
pub fn is_child_on(birth_date: Option<&str>, day: Date) -> bool {
    let Some(born) = birth_date.and_then(|b| b.parse::<Date>().ok()) else {
        return false;
    };
    day.checked_sub(CHILD_AGE.years())
        .is_ok_and(|fourteen_ago| born > fourteen_ago)
}

/// [`is_child_on`] on the day (in China) of a moment.
pub fn is_child_at(birth_date: Option<&str>, at: Millis) -> bool {
    civil_in(at, &china()).is_some_and(|t| is_child_on(birth_date, t.date()))
}

/// Whether someone born on `birth_date` is of age (18) on the day of `at`: a guardian must
/// be. An unknown birth date is not of age.
pub fn is_adult_at(birth_date: Option<&str>, at: Millis) -> bool {
    let Some(born) = birth_date.and_then(|b| b.parse::<Date>().ok()) else {
        return false;
    };
    civil_in(at, &china())
        .and_then(|t| t.date().checked_sub(18.years()).ok())
        .is_some_and(|eighteen_ago| born <= eighteen_ago)
}

/// `王*` / `欧阳**`-like: the first character and a star for each other one. What lists
/// show of a child's name, and what the open `name` column of a child holds.
pub fn masked_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

/// How a guardian gave their consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    /// A signed form, kept on paper.
    Written,
    /// Given at the counter or a visit, before the worker who records it.
    InPerson,
    /// Given on the portal by the guardian's own account.
    Online,
}

impl ConsentMethod {
    pub const ALL: [ConsentMethod; 3] = [
        ConsentMethod::Written,
        ConsentMethod::InPerson,
        ConsentMethod::Online,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMethod::Written => "written",
            ConsentMethod::InPerson => "in_person",
            ConsentMethod::Online => "online",
        }
    }

    pub fn parse(v: &str) -> Option<ConsentMethod> {
        Self::ALL.into_iter().find(|m| m.as_str() == v)
    }

    /// A required method, refused on `field` when missing or unknown.
    pub fn required(field: &str, v: Option<&str>) -> Result<ConsentMethod> {
        let v = v.map(str::trim).filter(|v| !v.is_empty());
        let v = v.ok_or_else(|| Error::required(field))?;
        Self::parse(v).ok_or_else(|| {
            let allowed: Vec<&str> = Self::ALL.iter().map(|m| m.as_str()).collect();
            Error::invalid(field, Code::InvalidChoice).with("allowed", allowed.join(", "))
        })
    }
}

/// A guardian's consent as recorded on the household, as the API gives it. The child's
/// name is the masked one their record shows in lists.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct GuardianConsent {
    pub id: i64,
    #[serde(skip)]
    pub street_id: i64,
    #[serde(skip)]
    pub community_id: i64,
    pub household_id: i64,
    pub child_id: i64,
    /// Masked (`王**`).
    pub child_name: String,
    pub guardian_id: i64,
    pub guardian_name: String,
    #[sqlx(try_from = "String")]
    pub method: ConsentMethod,
    #[serde(serialize_with = "super::as_rfc3339")]
    #[schema(value_type = String)]
    pub given_at: Millis,
    /// The account that recorded it.
    pub recorded_by: Option<i64>,
    #[serde(serialize_with = "super::as_rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub withdrawn_at: Option<Millis>,
}

impl GuardianConsent {
    /// Whether the consent still holds (not withdrawn).
    pub fn in_force(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

impl TryFrom<String> for ConsentMethod {
    type Error = String;
    fn try_from(v: String) -> std::result::Result<Self, String> {
        ConsentMethod::parse(&v).ok_or(v)
    }
}

/// A child under 14 of the caller's household, as the portal shows them to a guardian.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FamilyChild {
    pub id: i64,
    /// Masked (`王**`), as every list shows a child.
    pub name: String,
    /// Their consents, newest first, withdrawn ones too.
    pub consents: Vec<GuardianConsent>,
}

/// The children under 14 of a resident's own household and their guardians' consents.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Family {
    pub household_id: i64,
    /// Whether the caller (of 18 or over) may give or withdraw a consent.
    pub may_consent: bool,
    pub children: Vec<FamilyChild>,
}

/// A consent to record: the child, the guardian, how it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsentInput {
    pub child_id: i64,
    pub guardian_id: i64,
    pub method: ConsentMethod,
}

/// The guardian and method sent with a new resident (or with a consent): both or
/// neither.
pub fn consent_fields(
    guardian_id: Option<i64>,
    method: Option<&str>,
) -> Result<Option<(i64, ConsentMethod)>> {
    let method = method.map(str::trim).filter(|m| !m.is_empty());
    match (guardian_id, method) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(Error::required("guardian_id")),
        (Some(g), m) => Ok(Some((g, ConsentMethod::required("consent_method", m)?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_child_is_under_fourteen_on_the_day() {
        let today = day("2026-12-02");
        // Fourteen today: no longer a child.
        assert!(!is_child_on(Some("2012-12-02"), today));
        // Fourteen tomorrow: a child today.
        assert!(is_child_on(Some("2012-12-03"), today));
        assert!(is_child_on(Some("2026-12-01"), today));
        assert!(!is_child_on(Some("1980-01-01"), today));
        assert!(!is_child_on(None, today));
        assert!(!is_child_on(Some("not a date"), today));
    }

    #[test]
    fn a_guardian_is_of_age() {
        let at = crate::clock::parse_time("2026-12-02T10:00:00+08:00").unwrap();
        assert!(is_adult_at(Some("2008-12-02"), at));
        assert!(!is_adult_at(Some("2008-12-03"), at));
        assert!(!is_adult_at(None, at));
        // The day is China's: at 23:30 UTC on the 1st it is already the 2nd in Beijing.
        let late = crate::clock::parse_time("2026-12-01T23:30:00Z").unwrap();
        assert!(is_adult_at(Some("2008-12-02"), late));
        assert!(!is_child_at(Some("2012-12-02"), late));
    }

    #[test]
    fn a_masked_name_keeps_the_first_character() {
        assert_eq!(masked_name("王小明"), "王**");
        assert_eq!(masked_name("李娜"), "李*");
        assert_eq!(masked_name("欧阳娜娜"), "欧***");
        assert_eq!(masked_name("王"), "王*");
        assert_eq!(masked_name("  "), "");
    }

    #[test]
    fn a_consent_method_is_one_of_three() {
        assert_eq!(
            ConsentMethod::required("method", Some(" written ")).unwrap(),
            ConsentMethod::Written
        );
        let e = ConsentMethod::required("method", Some("phone")).unwrap_err();
        assert_eq!(e.code, Code::InvalidChoice);
        let e = ConsentMethod::required("method", None).unwrap_err();
        assert_eq!(e.code, Code::MissingField);
    }
}
