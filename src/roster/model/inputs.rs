//! What the roster's service takes: a new object or an edit of one, already parsed at the
//! edge (names trimmed and bounded, phones and ID numbers checked, kinds known, id lists
//! without repeats), and the filters of its lists.
//!
//! In an edit, an absent field (`None`) keeps what is stored; for optional fields
//! `Some(None)` clears it, and for optional text an empty string does.

use serde::Deserialize;
use utoipa::IntoParams;

use super::values::{
    Building, Community, Compound, Grid, Household, PartyBranch, ResidentRow, Street, Team, Unit,
};
use super::{Identity, IdentityEdit};
use crate::error::Result;
use crate::roster::ids::Phone;

/// Takes the edited value when there is one.
fn set<T>(field: &mut T, edit: Option<T>) {
    if let Some(v) = edit {
        *field = v;
    }
}

pub struct StreetInput {
    pub name: String,
    pub district: String,
    pub city: String,
}

pub struct StreetEdit {
    pub name: Option<String>,
    pub district: Option<String>,
    pub city: Option<String>,
}

impl StreetEdit {
    pub fn apply(self, mut s: Street) -> Street {
        set(&mut s.name, self.name);
        set(&mut s.district, self.district);
        set(&mut s.city, self.city);
        s
    }
}

pub struct CommunityInput {
    pub street_id: i64,
    pub name: String,
    pub address: String,
}

pub struct CompoundInput {
    /// Defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub name: String,
    pub address: String,
}

/// An edit of a community or a compound: its name and address.
pub struct SiteEdit {
    pub name: Option<String>,
    pub address: Option<String>,
}

impl SiteEdit {
    pub fn community(self, mut c: Community) -> Community {
        set(&mut c.name, self.name);
        set(&mut c.address, self.address);
        c
    }

    pub fn compound(self, mut c: Compound) -> Compound {
        set(&mut c.name, self.name);
        set(&mut c.address, self.address);
        c
    }
}

pub struct BuildingInput {
    pub compound_id: i64,
    pub grid_id: Option<i64>,
    pub name: String,
    pub floors: Option<i64>,
    pub head_resident_id: Option<i64>,
}

pub struct BuildingEdit {
    pub compound_id: Option<i64>,
    pub grid_id: Option<Option<i64>>,
    pub name: Option<String>,
    pub floors: Option<Option<i64>>,
    pub head_resident_id: Option<Option<i64>>,
}

impl BuildingEdit {
    pub fn apply(self, mut b: Building) -> Building {
        set(&mut b.compound_id, self.compound_id);
        set(&mut b.grid_id, self.grid_id);
        set(&mut b.name, self.name);
        set(&mut b.floors, self.floors);
        set(&mut b.head_resident_id, self.head_resident_id);
        b
    }
}

pub struct HouseholdInput {
    pub building_id: i64,
    pub unit_no: String,
    pub room: String,
}

pub struct HouseholdEdit {
    pub building_id: Option<i64>,
    pub unit_no: Option<String>,
    pub room: Option<String>,
}

impl HouseholdEdit {
    pub fn apply(self, mut h: Household) -> Household {
        set(&mut h.building_id, self.building_id);
        set(&mut h.unit_no, self.unit_no);
        set(&mut h.room, self.room);
        h
    }
}

pub struct ResidentInput {
    /// Without a household the resident belongs to `community_id` (default: the caller's).
    pub household_id: Option<i64>,
    pub community_id: Option<i64>,
    pub name: String,
    pub identity: Identity,
    pub phone: Option<Phone>,
    pub relation: String,
    pub health_note: Option<String>,
    pub tags: Vec<String>,
    /// A child under 14's guardian (an adult of the household) and how they consented:
    /// required for a child, refused for anyone else.
    pub consent: Option<(i64, super::child::ConsentMethod)>,
}

pub struct ResidentEdit {
    pub household_id: Option<Option<i64>>,
    pub name: Option<String>,
    pub identity: IdentityEdit,
    pub phone: Option<Option<Phone>>,
    pub relation: Option<String>,
    pub health_note: Option<Option<String>>,
    /// Replaces all the tags.
    pub tags: Option<Vec<String>>,
    /// The resident's `version` as the editor read it: the edit is refused when it has
    /// changed since. None: the edit applies to the resident as it is.
    pub version: Option<i64>,
}

impl ResidentEdit {
    /// The resident's own fields as edited (their place and tags are written apart). A
    /// change of the identity is checked against what is stored.
    pub fn apply(self, mut r: ResidentRow) -> Result<ResidentRow> {
        if !self.identity.is_empty() {
            let identity = self.identity.apply(r.identity()?)?;
            r.id_number = identity.id_number.map(|n| n.as_str().to_string());
            r.birth_date = identity.birth_date;
            r.gender = identity.gender.map(|g| g.as_str().to_string());
        }
        set(&mut r.household_id, self.household_id);
        set(&mut r.name, self.name);
        set(&mut r.phone, self.phone.map(|p| p.map(Phone::into_string)));
        set(&mut r.relation, self.relation);
        set(&mut r.health_note, self.health_note);
        Ok(r)
    }
}

pub struct GridInput {
    pub community_id: Option<i64>,
    pub name: String,
    pub worker_user_id: Option<i64>,
    pub polygon: Option<String>,
    /// The grid's buildings; they leave any grid they were in.
    pub building_ids: Option<Vec<i64>>,
}

pub struct GridEdit {
    pub name: Option<String>,
    pub worker_user_id: Option<Option<i64>>,
    pub polygon: Option<Option<String>>,
}

impl GridEdit {
    pub fn apply(self, mut g: Grid) -> Grid {
        set(&mut g.name, self.name);
        set(&mut g.worker_user_id, self.worker_user_id);
        set(&mut g.polygon, self.polygon);
        g
    }
}

pub struct BranchInput {
    pub community_id: Option<i64>,
    pub name: String,
    pub secretary_user_id: Option<i64>,
    pub grid_ids: Vec<i64>,
}

pub struct BranchEdit {
    pub name: Option<String>,
    pub secretary_user_id: Option<Option<i64>>,
    /// Replaces all the grids.
    pub grid_ids: Option<Vec<i64>>,
}

impl BranchEdit {
    /// The branch's own fields (its grids are written apart).
    pub fn apply(self, mut b: PartyBranch) -> PartyBranch {
        set(&mut b.name, self.name);
        set(&mut b.secretary_user_id, self.secretary_user_id);
        b
    }
}

pub struct UnitInput {
    /// For a street-wide unit.
    pub street_id: Option<i64>,
    /// For a unit of one community; defaults to the caller's own community.
    pub community_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub phone: Option<Phone>,
}

pub struct UnitEdit {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub phone: Option<Option<Phone>>,
}

impl UnitEdit {
    pub fn apply(self, mut u: Unit) -> Unit {
        set(&mut u.kind, self.kind);
        set(&mut u.name, self.name);
        set(&mut u.phone, self.phone.map(|p| p.map(Phone::into_string)));
        u
    }
}

pub struct TeamInput {
    pub community_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub leader_user_id: Option<i64>,
    pub member_user_ids: Option<Vec<i64>>,
}

pub struct TeamEdit {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub leader_user_id: Option<Option<i64>>,
}

impl TeamEdit {
    pub fn apply(self, mut t: Team) -> Team {
        set(&mut t.kind, self.kind);
        set(&mut t.name, self.name);
        set(&mut t.leader_user_id, self.leader_user_id);
        t
    }
}

// The filters of the lists, as a query string gives them.

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreetFilter {
    /// Name contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommunityFilter {
    pub street_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompoundFilter {
    pub community_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuildingFilter {
    pub community_id: Option<i64>,
    pub compound_id: Option<i64>,
    pub grid_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseholdFilter {
    pub community_id: Option<i64>,
    pub compound_id: Option<i64>,
    pub building_id: Option<i64>,
    pub grid_id: Option<i64>,
    /// Room number contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentFilter {
    pub community_id: Option<i64>,
    pub household_id: Option<i64>,
    pub compound_id: Option<i64>,
    pub building_id: Option<i64>,
    pub grid_id: Option<i64>,
    /// Age band on today's date: `0-17`, `18-59`, `60-79` or `80+` (residents without a
    /// birth date are in none).
    pub age: Option<String>,
    /// Residents carrying this tag. The sensitive tags (disabled, low_income) only for
    /// those who see personal fields whole (403 otherwise).
    pub tag: Option<String>,
    /// Name contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridFilter {
    pub community_id: Option<i64>,
    pub worker_user_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BranchFilter {
    pub community_id: Option<i64>,
    /// Branches covering this grid.
    pub grid_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    pub community_id: Option<i64>,
    pub kind: Option<String>,
    /// Name contains.
    pub q: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamFilter {
    pub community_id: Option<i64>,
    pub kind: Option<String>,
    /// Teams this account is a member of.
    pub member_user_id: Option<i64>,
    /// Name contains.
    pub q: Option<String>,
}
