//! Who may see and change which part of the roster: the one place the roster decides it.
//! Pure: the service resolves the caller's community once and asks here.
//!
//! Admin reaches everything; a street account its street; staff, secretaries and grid
//! workers their community (grid workers see households and residents of their own grids
//! only, and write nothing but those residents); volunteers, units and residents see the
//! units and teams around them, to pick whom to dispatch to, and nothing else.
//! Objects out of reach answer 404 (their existence is not leaked); lists and creates the
//! caller may not do answer 403.
//!
//! Personal fields (ID number, phone, health note, the sensitive tags) are shown whole to
//! the community office, admin and the worker of the resident's grid; everyone else in
//! scope sees them masked. The history of an object is for the community's office (the
//! street for its communities, admin), and for a grid worker the history of their own
//! residents.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Actor, Role};
use crate::error::{Error, Result};
use crate::roster::model::Pii;
use crate::roster::store::Place;

/// The kinds of roster objects, as the API and the audit log name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Street,
    Community,
    Compound,
    Building,
    Household,
    Resident,
    Grid,
    #[serde(rename = "party_branch")]
    Branch,
    Unit,
    Team,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Street => "street",
            Kind::Community => "community",
            Kind::Compound => "compound",
            Kind::Building => "building",
            Kind::Household => "household",
            Kind::Resident => "resident",
            Kind::Grid => "grid",
            Kind::Branch => "party_branch",
            Kind::Unit => "unit",
            Kind::Team => "team",
        }
    }
}

/// Where an object sits: its street, its community (none for streets and street-wide
/// units) and, for buildings, households and residents, its grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    pub street_id: i64,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
}

impl Loc {
    pub fn street(street_id: i64) -> Loc {
        Loc {
            street_id,
            community_id: None,
            grid_id: None,
        }
    }

    pub fn at(p: Place) -> Loc {
        Loc {
            street_id: p.street_id,
            community_id: Some(p.community_id),
            grid_id: None,
        }
    }

    pub fn in_grid(self, grid_id: Option<i64>) -> Loc {
        Loc { grid_id, ..self }
    }
}

/// The part of the jurisdiction tree an account is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    All,
    Street(i64),
    Community(Place),
    /// A community role without a community: sees nothing.
    Nothing,
}

/// The caller, as the roster sees them.
#[derive(Clone, Debug)]
pub struct Scope {
    pub role: Role,
    pub user_id: i64,
    pub reach: Reach,
    pub grid_ids: Vec<i64>,
}

impl Scope {
    /// The caller's scope; `community` is the place of the caller's community, when the
    /// account has one (an account may carry its community without its street).
    pub fn new(actor: &Actor, community: Option<Place>) -> Scope {
        let reach = match (actor.role, actor.street_id, actor.community_id) {
            (Role::Admin, _, _) => Reach::All,
            (Role::Street, Some(s), _) => Reach::Street(s),
            (Role::Street, None, _) => Reach::Nothing,
            (_, _, Some(_)) => community.map_or(Reach::Nothing, Reach::Community),
            (_, Some(s), None) => Reach::Street(s),
            (_, None, None) => Reach::Nothing,
        };
        Scope {
            role: actor.role,
            user_id: actor.user_id,
            reach,
            grid_ids: actor.grid_ids.clone(),
        }
    }

    /// Whether the scope needs the place of the caller's community to be resolved.
    pub fn needs_community(actor: &Actor) -> Option<i64> {
        match actor.role {
            Role::Admin | Role::Street => None,
            _ => actor.community_id,
        }
    }

    /// Volunteers, units and residents only look people up to dispatch to.
    fn directory_only(&self) -> bool {
        matches!(self.role, Role::Volunteer | Role::Unit | Role::Resident)
    }

    /// Grid workers see households and residents of their own grids only.
    pub fn grid_bound(&self, kind: Kind) -> bool {
        self.role == Role::GridWorker && matches!(kind, Kind::Household | Kind::Resident)
    }

    /// May list objects of this kind at all (403 otherwise).
    pub fn may_list(&self, kind: Kind) -> bool {
        !self.directory_only() || matches!(kind, Kind::Unit | Kind::Team)
    }

    /// The caller's community, when they have exactly one.
    pub fn community(&self) -> Option<Place> {
        match self.reach {
            Reach::Community(p) => Some(p),
            _ => None,
        }
    }

    fn within(&self, loc: Loc) -> bool {
        match self.reach {
            Reach::All => true,
            Reach::Street(s) => loc.street_id == s,
            Reach::Community(p) => {
                loc.street_id == p.street_id && loc.community_id.is_none_or(|c| c == p.community_id)
            }
            Reach::Nothing => false,
        }
    }

    /// May see this object (404 otherwise).
    pub fn may_read(&self, kind: Kind, loc: Loc) -> bool {
        if !self.may_list(kind) || !self.within(loc) {
            return false;
        }
        !self.grid_bound(kind) || loc.grid_id.is_some_and(|g| self.grid_ids.contains(&g))
    }

    /// May create objects of this kind somewhere (403 otherwise).
    pub fn may_create(&self, kind: Kind) -> bool {
        match self.role {
            Role::Admin => true,
            _ if matches!(kind, Kind::Street | Kind::Community) => false,
            Role::Street | Role::Staff | Role::Secretary => true,
            Role::GridWorker => kind == Kind::Resident,
            Role::Volunteer | Role::Unit | Role::Resident => false,
        }
    }

    /// May create, change or delete this object (given that they may see it).
    pub fn may_write(&self, kind: Kind, loc: Loc) -> bool {
        self.may_create(kind) && self.may_read(kind, loc) && self.keeps(loc)
    }

    /// The object is the caller's to keep, not only to read: office roles of a community
    /// do not keep what is shared by the whole street.
    fn keeps(&self, loc: Loc) -> bool {
        match self.reach {
            Reach::Community(p) => loc.community_id == Some(p.community_id),
            _ => true,
        }
    }

    /// Whether a resident's personal fields are shown whole: to the community office,
    /// admin, and the worker of the resident's grid.
    pub fn pii(&self, resident: Loc) -> Pii {
        let whole = match self.role {
            Role::Admin | Role::Staff | Role::Secretary => true,
            Role::GridWorker => resident.grid_id.is_some_and(|g| self.grid_ids.contains(&g)),
            _ => false,
        };
        if whole { Pii::Whole } else { Pii::Masked }
    }

    /// May see the personal fields of some residents whole (the office, admin, grid
    /// workers for their own grids): only they may pick residents out by a sensitive tag
    /// (a grid worker lists the residents of their own grids only).
    pub fn may_see_whole(&self) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Staff | Role::Secretary | Role::GridWorker
        )
    }

    /// May read who changed this object, and what: the office of its community, its
    /// street, admin; a grid worker for the residents of their own grids.
    pub fn may_read_history(&self, kind: Kind, loc: Loc) -> bool {
        self.reads_history_of(kind) && self.may_read(kind, loc) && self.keeps(loc)
    }

    fn reads_history_of(&self, kind: Kind) -> bool {
        match self.role {
            Role::Admin | Role::Street | Role::Staff | Role::Secretary => true,
            Role::GridWorker => kind == Kind::Resident,
            Role::Volunteer | Role::Unit | Role::Resident => false,
        }
    }

    /// 403 for a role that reads no history of this kind, 404 for an object out of reach
    /// or that never was (`None`).
    pub fn check_history(&self, kind: Kind, loc: Option<Loc>) -> Result<()> {
        if !self.reads_history_of(kind) {
            return Err(Error::forbidden());
        }
        match loc {
            Some(loc) if self.may_read_history(kind, loc) => Ok(()),
            _ => Err(Error::not_found()),
        }
    }

    /// 404 unless the caller may see the object.
    pub fn check_read(&self, kind: Kind, loc: Loc) -> Result<()> {
        if self.may_read(kind, loc) {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    /// 404 when the caller may not see the object, 403 when they see it but may not change it.
    pub fn check_write(&self, kind: Kind, loc: Loc) -> Result<()> {
        self.check_read(kind, loc)?;
        if self.may_write(kind, loc) {
            Ok(())
        } else {
            Err(Error::forbidden())
        }
    }

    /// 403 unless the caller may create objects of this kind.
    pub fn check_create(&self, kind: Kind) -> Result<()> {
        if self.may_create(kind) {
            Ok(())
        } else {
            Err(Error::forbidden())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(role: Role, reach: Reach, grids: &[i64]) -> Scope {
        Scope {
            role,
            user_id: 1,
            reach,
            grid_ids: grids.to_vec(),
        }
    }

    const YUCHENG: Place = Place {
        street_id: 1,
        community_id: 10,
    };
    const DONGLI: Place = Place {
        street_id: 1,
        community_id: 11,
    };

    #[test]
    fn office_roles_reach_their_community_and_read_the_street_around_it() {
        let staff = scope(Role::Staff, Reach::Community(YUCHENG), &[]);
        assert!(staff.may_write(Kind::Building, Loc::at(YUCHENG)));
        assert!(!staff.may_read(Kind::Building, Loc::at(DONGLI)));
        assert!(staff.may_read(Kind::Street, Loc::street(1)));
        assert!(!staff.may_write(Kind::Street, Loc::street(1)));
        assert!(staff.may_read(Kind::Unit, Loc::street(1)));
        assert!(!staff.may_write(Kind::Unit, Loc::street(1)));
        assert!(!staff.may_create(Kind::Community));
    }

    #[test]
    fn grid_workers_see_their_grids_and_keep_only_their_residents() {
        let g = scope(Role::GridWorker, Reach::Community(YUCHENG), &[5]);
        let mine = Loc::at(YUCHENG).in_grid(Some(5));
        let other = Loc::at(YUCHENG).in_grid(Some(6));
        assert!(g.may_read(Kind::Building, other));
        assert!(g.may_read(Kind::Resident, mine));
        assert!(!g.may_read(Kind::Resident, other));
        assert!(!g.may_read(Kind::Household, Loc::at(YUCHENG)));
        assert!(g.may_write(Kind::Resident, mine));
        assert!(!g.may_write(Kind::Household, mine));
        assert!(!g.may_create(Kind::Building));
    }

    #[test]
    fn residents_volunteers_and_units_only_see_units_and_teams() {
        for role in [Role::Resident, Role::Volunteer, Role::Unit] {
            let s = scope(role, Reach::Community(YUCHENG), &[]);
            assert!(s.may_list(Kind::Team) && s.may_list(Kind::Unit));
            assert!(!s.may_list(Kind::Resident));
            assert!(!s.may_read(Kind::Building, Loc::at(YUCHENG)));
            assert!(!s.may_read(Kind::Team, Loc::at(DONGLI)));
            assert!(!s.may_create(Kind::Team));
        }
    }

    #[test]
    fn personal_fields_are_whole_for_the_office_and_the_grid_s_own_worker() {
        let mine = Loc::at(YUCHENG).in_grid(Some(5));
        let other = Loc::at(YUCHENG).in_grid(Some(6));
        let staff = scope(Role::Staff, Reach::Community(YUCHENG), &[]);
        let g = scope(Role::GridWorker, Reach::Community(YUCHENG), &[5]);
        let street = scope(Role::Street, Reach::Street(1), &[]);
        assert_eq!(staff.pii(other), Pii::Whole);
        assert_eq!(g.pii(mine), Pii::Whole);
        assert_eq!(g.pii(other), Pii::Masked);
        assert_eq!(street.pii(mine), Pii::Masked);
        assert!(staff.may_see_whole() && g.may_see_whole());
        assert!(!street.may_see_whole());
    }

    #[test]
    fn history_is_for_the_office_of_the_community_and_a_grid_s_own_residents() {
        let mine = Loc::at(YUCHENG).in_grid(Some(5));
        let staff = scope(Role::Staff, Reach::Community(YUCHENG), &[]);
        let g = scope(Role::GridWorker, Reach::Community(YUCHENG), &[5]);
        let street = scope(Role::Street, Reach::Street(1), &[]);
        let volunteer = scope(Role::Volunteer, Reach::Community(YUCHENG), &[]);
        assert!(staff.check_history(Kind::Building, Some(mine)).is_ok());
        assert_eq!(
            staff
                .check_history(Kind::Building, Some(Loc::at(DONGLI)))
                .unwrap_err()
                .code,
            "not_found"
        );
        assert!(!staff.may_read_history(Kind::Unit, Loc::street(1)));
        assert!(street.may_read_history(Kind::Resident, Loc::at(DONGLI)));
        assert!(g.check_history(Kind::Resident, Some(mine)).is_ok());
        assert_eq!(
            g.check_history(Kind::Resident, Some(Loc::at(YUCHENG).in_grid(Some(6))))
                .unwrap_err()
                .code,
            "not_found"
        );
        assert_eq!(
            g.check_history(Kind::Building, Some(mine))
                .unwrap_err()
                .code,
            "forbidden"
        );
        assert_eq!(
            volunteer.check_history(Kind::Team, None).unwrap_err().code,
            "forbidden"
        );
    }
}
