//! What the roster gives back: one value per kind, as stored and as the API serialises it.
//! A resident is the exception: [`ResidentRow`] is the row with its personal fields whole,
//! which never leaves the service; [`Resident`] is what the caller may see.
//!
//! Each value is recorded in the audit log by its serialised fields ([`Recorded`]); a
//! resident, whose row is never serialised, says its fields itself.

use serde::Serialize;
use utoipa::ToSchema;

use super::child::masked_name;
use super::history::{Audited, Field, Recorded};
use super::sealed::{
    ChildBirthDate, ChildGender, ChildName, ResidentHealth, ResidentIdNumber, ResidentPhone,
};
use super::{Gender, Identity, Pii, as_rfc3339, birth_date, gender, id_number, is_sensitive};
use crate::clock::Millis;
use crate::error::Result;
use crate::roster::ids::{mask_id_number, mask_phone};
use crate::vault::sql::Opened;

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Street {
    pub id: i64,
    pub name: String,
    pub district: String,
    pub city: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for Street {}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Community {
    pub id: i64,
    pub street_id: i64,
    pub name: String,
    pub address: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for Community {}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Compound {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub name: String,
    pub address: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for Compound {}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Building {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub compound_id: i64,
    pub grid_id: Option<i64>,
    pub name: String,
    pub floors: Option<i64>,
    /// The building head (楼长), a resident.
    pub head_resident_id: Option<i64>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for Building {}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Household {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub building_id: i64,
    /// The building's grid.
    pub grid_id: Option<i64>,
    /// Staircase unit (单元), may be empty.
    pub unit_no: String,
    pub room: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for Household {}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Resident {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub name: String,
    pub gender: Option<Gender>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Masked (`1401**********123X`) unless `pii` is `whole`.
    pub id_number: Option<String>,
    /// Masked (`138****5678`) unless `pii` is `whole`.
    pub phone: Option<String>,
    /// Relation to the head of the household.
    pub relation: String,
    /// `***` unless `pii` is `whole`.
    pub health_note: Option<String>,
    /// elderly_alone, disabled, party_member, volunteer, low_income, floating, or free
    /// tags. The sensitive ones (disabled, low_income) are personal facts, listed only when
    /// `pii` is `whole`: lists and masked views leave them out, whether the resident
    /// carries them or not.
    pub tags: Vec<String>,
    pub pii: Pii,
    /// A child under 14 when last written (PIPL art. 28): their name, gender and birth date
    /// are sealed at rest and, unless `pii` is `whole`, the name is masked (`王**`) and
    /// the gender and birth date left out.
    pub child: bool,
    /// Whether the caller may see this resident's personal fields whole, by asking with a
    /// reason (`?reveal=`): the office, admin, the worker of the resident's grid.
    pub may_reveal: bool,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: Millis,
    /// Changes with every edit. Sent back with a change (`version` of the PATCH), it
    /// refuses the change (409 `version_conflict`) when someone else changed the resident
    /// since it was read, instead of overwriting their change unseen.
    pub version: i64,
}

/// A resident as stored, personal fields whole: never given out as it is.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResidentRow {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    #[sqlx(try_from = "Opened<ResidentIdNumber>")]
    pub id_number: Option<String>,
    #[sqlx(try_from = "Opened<ResidentPhone>")]
    pub phone: Option<String>,
    pub relation: String,
    #[sqlx(try_from = "Opened<ResidentHealth>")]
    pub health_note: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    #[sqlx(skip)]
    pub tags: Vec<String>,
    /// A child's sealed fields as read; [`ResidentRow::open_child`] moves them into
    /// `name`, `gender` and `birth_date` (the store does, as it reads).
    #[sqlx(try_from = "Opened<ChildName>")]
    pub child_name: Option<String>,
    #[sqlx(try_from = "Opened<ChildGender>")]
    pub child_gender: Option<String>,
    #[sqlx(try_from = "Opened<ChildBirthDate>")]
    pub child_birth_date: Option<String>,
    /// Whether the row was a child's (its fields sealed) as read.
    #[sqlx(skip)]
    pub child: bool,
}

impl ResidentRow {
    /// Puts a child's sealed fields, as read, where everyone else's are.
    pub fn open_child(&mut self) {
        if let Some(name) = self.child_name.take() {
            self.name = name;
            self.gender = self.child_gender.take();
            self.birth_date = self.child_birth_date.take();
            self.child = true;
        }
    }

    /// The identity as stored, each field parsed, for an edit to apply to.
    pub fn identity(&self) -> Result<Identity> {
        Ok(Identity {
            id_number: id_number(self.id_number.as_deref())?,
            birth_date: birth_date(self.birth_date.as_deref())?,
            gender: gender(self.gender.as_deref())?,
        })
    }

    /// What the caller sees: masked unless `pii` says whole.
    pub fn view(self, pii: Pii) -> Resident {
        let whole = pii == Pii::Whole;
        let hide_child = self.child && !whole;
        Resident {
            id: self.id,
            street_id: self.street_id,
            community_id: self.community_id,
            household_id: self.household_id,
            building_id: self.building_id,
            grid_id: self.grid_id,
            name: if hide_child {
                masked_name(&self.name)
            } else {
                self.name
            },
            gender: self
                .gender
                .as_deref()
                .and_then(Gender::parse)
                .filter(|_| !hide_child),
            birth_date: self.birth_date.filter(|_| !hide_child),
            child: self.child,
            id_number: self
                .id_number
                .map(|n| if whole { n } else { mask_id_number(&n) }),
            phone: self.phone.map(|p| if whole { p } else { mask_phone(&p) }),
            relation: self.relation,
            health_note: self
                .health_note
                .filter(|h| !h.is_empty())
                .map(|h| if whole { h } else { "***".to_string() }),
            tags: self
                .tags
                .into_iter()
                .filter(|t| whole || !is_sensitive(t))
                .collect(),
            pii,
            may_reveal: whole,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.updated_at.0,
        }
    }
}

impl Audited for ResidentRow {
    fn fields(&self) -> Vec<Field> {
        let (sensitive, open): (Vec<&String>, Vec<&String>) =
            self.tags.iter().partition(|t| is_sensitive(t));
        // A child's name, gender and birth date are recorded by name only, as their
        // other personal fields are.
        let identity = |f: Field| Field {
            hidden: f.hidden || self.child,
            ..f
        };
        vec![
            Field::plain("household_id", &self.household_id),
            identity(Field::plain("name", &self.name)),
            identity(Field::plain("gender", &self.gender)),
            identity(Field::plain("birth_date", &self.birth_date)),
            Field::hidden("id_number", &self.id_number),
            Field::hidden("phone", &self.phone),
            Field::plain("relation", &self.relation),
            Field::hidden("health_note", &self.health_note),
            Field::plain("tags", &open),
            Field::hidden("sensitive_tags", &sensitive),
        ]
    }
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Grid {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub name: String,
    /// The grid worker (a `grid_worker` account of the community).
    pub worker_user_id: Option<i64>,
    /// The grid's outline, GeoJSON or WKT, as given.
    pub polygon: Option<String>,
    #[sqlx(skip)]
    pub building_ids: Vec<i64>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for Grid {
    // An outline may be long: the log says that it changed, not how.
    const HIDDEN: &'static [&'static str] = &["polygon"];
}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct PartyBranch {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub name: String,
    pub secretary_user_id: Option<i64>,
    #[sqlx(skip)]
    pub grid_ids: Vec<i64>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for PartyBranch {}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Unit {
    pub id: i64,
    pub street_id: i64,
    /// None: the unit serves the whole street.
    pub community_id: Option<i64>,
    /// property, gas, water, power, heating, police, owners_committee, member, other.
    pub kind: String,
    pub name: String,
    pub phone: Option<String>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for Unit {}

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Team {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    /// volunteer, red_detachment, linkage, governance.
    pub kind: String,
    pub name: String,
    pub leader_user_id: Option<i64>,
    #[sqlx(skip)]
    pub member_user_ids: Vec<i64>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

impl Recorded for Team {}
