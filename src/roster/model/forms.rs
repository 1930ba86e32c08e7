//! A resident's and a household's fields as they arrive, text as typed (a JSON body or
//! a posted form), parsed into the service's input once, here: the API and the pages
//! read the same fields the same way, so a page refuses exactly what the API refuses,
//! with the same code and field.

use super::identity::{Identity, IdentityEdit, IdentityInput, birth_date, gender, id_number};
use super::inputs::{HouseholdEdit, HouseholdInput, ResidentEdit, ResidentInput};
use super::{NAME_MAX, phone, tags};
use crate::error::{Error, Result};
use crate::roster::ids::Phone;
use crate::web::validate;

pub const RELATION_MAX: usize = 20;
pub const HEALTH_NOTE_MAX: usize = 500;
pub const UNIT_NO_MAX: usize = 10;
pub const ROOM_MAX: usize = 20;

/// A required name.
pub fn name(v: Option<&str>) -> Result<String> {
    validate::required("name", v, NAME_MAX)
}

/// A name in an edit: absent keeps it, present it must not be blank.
pub fn rename(v: Option<&str>) -> Result<Option<String>> {
    v.map(|n| name(Some(n))).transpose()
}

/// Optional text of a new object: empty when not given.
pub fn text(field: &str, v: Option<&str>, max: usize) -> Result<String> {
    Ok(validate::optional(field, v, max)?.unwrap_or_default())
}

/// Optional text in an edit: absent keeps it, blank clears it.
pub fn edit_text(field: &str, v: Option<&str>, max: usize) -> Result<Option<String>> {
    v.map(|t| text(field, Some(t), max)).transpose()
}

/// A nullable text in an edit: absent keeps it, null or blank clears it.
pub fn edit_nullable(
    field: &str,
    v: Option<Option<&str>>,
    max: usize,
) -> Result<Option<Option<String>>> {
    v.map(|t| validate::optional(field, t, max)).transpose()
}

/// A nullable phone in an edit: absent keeps it, null or blank clears it.
pub fn edit_phone(v: Option<Option<&str>>) -> Result<Option<Option<Phone>>> {
    v.map(|p| phone("phone", p)).transpose()
}

/// A new resident as sent.
#[derive(Clone, Copy, Debug, Default)]
pub struct NewResidentText<'a> {
    pub household_id: Option<i64>,
    pub community_id: Option<i64>,
    pub name: Option<&'a str>,
    pub gender: Option<&'a str>,
    pub birth_date: Option<&'a str>,
    pub id_number: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub relation: Option<&'a str>,
    pub health_note: Option<&'a str>,
    pub tags: &'a [String],
    pub guardian_id: Option<i64>,
    pub consent_method: Option<&'a str>,
}

impl NewResidentText<'_> {
    pub fn parse(self) -> Result<ResidentInput> {
        let name = name(self.name)?;
        let identity = Identity::parse(IdentityInput {
            id_number: self.id_number,
            birth_date: self.birth_date,
            gender: gender(self.gender)?,
        })?;
        Ok(ResidentInput {
            household_id: self.household_id,
            community_id: self.community_id,
            name,
            identity,
            phone: phone("phone", self.phone)?,
            relation: text("relation", self.relation, RELATION_MAX)?,
            health_note: validate::optional("health_note", self.health_note, HEALTH_NOTE_MAX)?,
            tags: tags(self.tags)?,
            consent: super::child::consent_fields(self.guardian_id, self.consent_method)?,
        })
    }
}

/// An edit of a resident as sent: absent (`None`) keeps a field, `Some(None)` (or blank)
/// clears an optional one.
#[derive(Clone, Copy, Debug, Default)]
pub struct ResidentEditText<'a> {
    pub household_id: Option<Option<i64>>,
    pub name: Option<&'a str>,
    pub gender: Option<Option<&'a str>>,
    pub birth_date: Option<Option<&'a str>>,
    pub id_number: Option<Option<&'a str>>,
    pub phone: Option<Option<&'a str>>,
    pub relation: Option<&'a str>,
    pub health_note: Option<Option<&'a str>>,
    /// Replaces all the tags.
    pub tags: Option<&'a [String]>,
    /// The `version` the editor read.
    pub version: Option<i64>,
}

impl ResidentEditText<'_> {
    pub fn parse(self) -> Result<ResidentEdit> {
        let name = rename(self.name)?;
        let g = self.gender.map(gender).transpose()?;
        let phone = edit_phone(self.phone)?;
        let relation = edit_text("relation", self.relation, RELATION_MAX)?;
        let health_note = edit_nullable("health_note", self.health_note, HEALTH_NOTE_MAX)?;
        let tags = self.tags.map(tags).transpose()?;
        let identity = IdentityEdit {
            gender: g,
            id_number: self.id_number.map(id_number).transpose()?,
            birth_date: self.birth_date.map(birth_date).transpose()?,
        };
        Ok(ResidentEdit {
            household_id: self.household_id,
            name,
            identity,
            phone,
            relation,
            health_note,
            tags,
            version: self.version,
        })
    }
}

/// A new household as sent.
pub fn new_household(
    building_id: Option<i64>,
    unit_no: Option<&str>,
    room: Option<&str>,
) -> Result<HouseholdInput> {
    Ok(HouseholdInput {
        building_id: building_id.ok_or_else(|| Error::required("building_id"))?,
        unit_no: text("unit_no", unit_no, UNIT_NO_MAX)?,
        room: validate::required("room", room, ROOM_MAX)?,
    })
}

/// An edit of a household as sent: absent keeps a field.
pub fn household_edit(
    building_id: Option<i64>,
    unit_no: Option<&str>,
    room: Option<&str>,
) -> Result<HouseholdEdit> {
    Ok(HouseholdEdit {
        building_id,
        unit_no: edit_text("unit_no", unit_no, UNIT_NO_MAX)?,
        room: room
            .map(|r| validate::required("room", Some(r), ROOM_MAX))
            .transpose()?,
    })
}
