//! Who may see and change which part of the roster: the one place the roster decides it.
//!
//! Admin reaches everything; a street account its street; staff, secretaries and grid
//! workers their community (grid workers see households and residents of their own grids
//! only, and write nothing but those residents); volunteers, units and residents see the
//! units and teams around them, to pick whom to dispatch to, and nothing else.
//! Objects out of reach answer 404 (their existence is not leaked); lists and creates the
//! caller may not do answer 403.

use crate::auth::{Actor, Role};
use crate::db::Q;
use crate::error::{Error, Result};
use crate::roster::store::{self, Place};
use crate::state::AppState;

/// The kinds of roster objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Street,
    Community,
    Compound,
    Building,
    Household,
    Resident,
    Grid,
    Branch,
    Unit,
    Team,
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
    /// Resolves the caller's place (an account may carry its community without its street).
    pub async fn of(st: &AppState, actor: &Actor) -> Result<Scope> {
        let reach = match (actor.role, actor.street_id, actor.community_id) {
            (Role::Admin, _, _) => Reach::All,
            (Role::Street, Some(s), _) => Reach::Street(s),
            (Role::Street, None, _) => Reach::Nothing,
            (_, _, Some(c)) => {
                let mut conn = st.db.conn().await?;
                match store::community_place(&mut conn, c).await? {
                    Some(p) => Reach::Community(p),
                    None => Reach::Nothing,
                }
            }
            (_, Some(s), None) => Reach::Street(s),
            (_, None, None) => Reach::Nothing,
        };
        Ok(Scope {
            role: actor.role,
            user_id: actor.user_id,
            reach,
            grid_ids: actor.grid_ids.clone(),
        })
    }

    /// Volunteers, units and residents only look people up to dispatch to.
    fn directory_only(&self) -> bool {
        matches!(self.role, Role::Volunteer | Role::Unit | Role::Resident)
    }

    /// Grid workers see households and residents of their own grids only.
    fn grid_bound(&self, kind: Kind) -> bool {
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
        if !self.may_create(kind) || !self.may_read(kind, loc) {
            return false;
        }
        match self.reach {
            // Office roles do not change what is shared by the whole street.
            Reach::Community(p) => loc.community_id == Some(p.community_id),
            _ => true,
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

    /// Appends to a list query (its table aliased `x`, after a `WHERE`) the conditions that
    /// keep it to what the caller may see; 403 when they may not list this kind at all.
    pub fn restrict(&self, kind: Kind, q: &mut Q) -> Result<()> {
        if !self.may_list(kind) {
            return Err(Error::forbidden());
        }
        match (self.reach, kind) {
            (Reach::All, _) => {}
            (Reach::Nothing, _) => {
                q.push(" AND 1 = 0");
            }
            (Reach::Street(s), Kind::Street) => {
                q.push(" AND x.id = ").push_bind(s);
            }
            (Reach::Street(s), _) => {
                q.push(" AND x.street_id = ").push_bind(s);
            }
            (Reach::Community(p), Kind::Street) => {
                q.push(" AND x.id = ").push_bind(p.street_id);
            }
            (Reach::Community(p), Kind::Community) => {
                q.push(" AND x.id = ").push_bind(p.community_id);
            }
            (Reach::Community(p), Kind::Unit) => {
                q.push(" AND x.street_id = ").push_bind(p.street_id);
                q.push(" AND (x.community_id IS NULL OR x.community_id = ")
                    .push_bind(p.community_id)
                    .push(")");
            }
            (Reach::Community(p), _) => {
                q.push(" AND x.community_id = ").push_bind(p.community_id);
            }
        }
        if self.grid_bound(kind) {
            let inner = match kind {
                Kind::Household => " AND x.building_id IN (SELECT b.id FROM buildings b WHERE ",
                _ => {
                    " AND x.household_id IN (SELECT h.id FROM households h \
                     JOIN buildings b ON b.id = h.building_id WHERE "
                }
            };
            q.push(inner);
            push_in(q, "b.grid_id", &self.grid_ids);
            q.push(")");
        }
        Ok(())
    }
}

/// Appends `column IN ($n, …)`, or a condition that is never true for an empty list.
pub fn push_in(q: &mut Q, column: &str, ids: &[i64]) {
    if ids.is_empty() {
        q.push("1 = 0");
        return;
    }
    q.push(column).push(" IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*id);
    }
    q.push(")");
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
    fn lists_are_restricted_in_sql() {
        let g = scope(Role::GridWorker, Reach::Community(YUCHENG), &[5, 6]);
        let mut q = Q::new("SELECT x.id FROM residents x WHERE 1 = 1");
        g.restrict(Kind::Resident, &mut q).unwrap();
        assert!(q.sql().contains("x.community_id = $1"));
        assert!(q.sql().contains("b.grid_id IN ($2, $3)"));
        let r = scope(Role::Resident, Reach::Community(YUCHENG), &[]);
        let mut q = Q::new("SELECT x.id FROM residents x WHERE 1 = 1");
        assert_eq!(
            r.restrict(Kind::Resident, &mut q).unwrap_err().code,
            "forbidden"
        );
    }
}
