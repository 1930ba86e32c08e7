//! Each kind of the jurisdiction tree in the database (street to resident): its columns,
//! where it sits, what refers to it (so it may not be deleted), how an edit is written
//! back, and its list's filters. Grids, branches, units and teams are in `groups`.

use crate::db::{Arg, DbResult, Exec, Q};
use crate::roster::model::{
    Born, Building, BuildingFilter, Community, CommunityFilter, Compound, CompoundFilter,
    Household, HouseholdFilter, ResidentFilter, ResidentRow, Street, StreetFilter,
};
use crate::roster::scope::{Kind, Loc};

use super::{IdentityColumns, Place, hashes};
use crate::roster::model::sealed::{ResidentHealth, ResidentIdNumber, ResidentPhone};
use crate::vault::sql;
use std::future::Future;

use super::query::{Cond, Filter, Stored, fill_children};

pub(super) fn at(street_id: i64, community_id: i64) -> Loc {
    Loc::at(Place {
        street_id,
        community_id,
    })
}

pub(super) fn id(v: Option<i64>) -> Option<Arg> {
    v.map(Arg::from)
}

impl Stored for Street {
    const KIND: Kind = Kind::Street;
    const SELECT: &'static str =
        "SELECT x.id, x.name, x.district, x.city, x.created_at FROM streets x";
    const USED_BY: &'static [&'static str] = &[
        "SELECT id FROM communities WHERE street_id = $1 LIMIT 1",
        "SELECT id FROM units WHERE street_id = $1 LIMIT 1",
        "SELECT id FROM users WHERE street_id = $1 LIMIT 1",
    ];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        Loc::street(self.id)
    }

    fn update(&self) -> Q {
        Q::new("UPDATE streets SET name = $1, district = $2, city = $3 WHERE id = $4")
            .bind(&self.name)
            .bind(&self.district)
            .bind(&self.city)
            .bind(self.id)
    }
}

impl Filter for StreetFilter {
    type Item = Street;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![Cond::Contains("x.name", self.q.as_deref())]
    }
}

impl Stored for Community {
    const KIND: Kind = Kind::Community;
    const SELECT: &'static str =
        "SELECT x.id, x.street_id, x.name, x.address, x.created_at FROM communities x";
    const USED_BY: &'static [&'static str] = &[
        "SELECT id FROM compounds WHERE community_id = $1 LIMIT 1",
        "SELECT id FROM grids WHERE community_id = $1 LIMIT 1",
        "SELECT id FROM residents WHERE community_id = $1 LIMIT 1",
        "SELECT id FROM units WHERE community_id = $1 LIMIT 1",
        "SELECT id FROM teams WHERE community_id = $1 LIMIT 1",
        "SELECT id FROM party_branches WHERE community_id = $1 LIMIT 1",
        "SELECT id FROM users WHERE community_id = $1 LIMIT 1",
        "SELECT id FROM demands WHERE community_id = $1 LIMIT 1",
    ];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        at(self.street_id, self.id)
    }

    fn update(&self) -> Q {
        Q::new("UPDATE communities SET name = $1, address = $2 WHERE id = $3")
            .bind(&self.name)
            .bind(&self.address)
            .bind(self.id)
    }
}

impl Filter for CommunityFilter {
    type Item = Community;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![
            Cond::Eq("x.street_id", id(self.street_id)),
            Cond::Contains("x.name", self.q.as_deref()),
        ]
    }
}

impl Stored for Compound {
    const KIND: Kind = Kind::Compound;
    const SELECT: &'static str = "SELECT x.id, x.street_id, x.community_id, x.name, x.address, \
                                  x.created_at FROM compounds x";
    const USED_BY: &'static [&'static str] =
        &["SELECT id FROM buildings WHERE compound_id = $1 LIMIT 1"];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        at(self.street_id, self.community_id)
    }

    fn update(&self) -> Q {
        Q::new("UPDATE compounds SET name = $1, address = $2 WHERE id = $3")
            .bind(&self.name)
            .bind(&self.address)
            .bind(self.id)
    }
}

impl Filter for CompoundFilter {
    type Item = Compound;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![
            Cond::Eq("x.community_id", id(self.community_id)),
            Cond::Contains("x.name", self.q.as_deref()),
        ]
    }
}

impl Stored for Building {
    const KIND: Kind = Kind::Building;
    const SELECT: &'static str = "SELECT x.id, x.street_id, x.community_id, x.compound_id, \
         x.grid_id, x.name, x.floors, x.head_resident_id, x.created_at FROM buildings x";
    const USED_BY: &'static [&'static str] = &[
        "SELECT id FROM households WHERE building_id = $1 LIMIT 1",
        "SELECT id FROM demands WHERE building_id = $1 LIMIT 1",
    ];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        at(self.street_id, self.community_id).in_grid(self.grid_id)
    }

    fn update(&self) -> Q {
        Q::new(
            "UPDATE buildings SET compound_id = $1, grid_id = $2, name = $3, floors = $4, \
             head_resident_id = $5 WHERE id = $6",
        )
        .bind(self.compound_id)
        .bind(self.grid_id)
        .bind(&self.name)
        .bind(self.floors)
        .bind(self.head_resident_id)
        .bind(self.id)
    }
}

impl Filter for BuildingFilter {
    type Item = Building;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![
            Cond::Eq("x.community_id", id(self.community_id)),
            Cond::Eq("x.compound_id", id(self.compound_id)),
            Cond::Eq("x.grid_id", id(self.grid_id)),
            Cond::Contains("x.name", self.q.as_deref()),
        ]
    }
}

impl Stored for Household {
    const KIND: Kind = Kind::Household;
    const SELECT: &'static str = "SELECT x.id, x.street_id, x.community_id, x.building_id, \
         b.grid_id, x.unit_no, x.room, x.created_at \
         FROM households x JOIN buildings b ON b.id = x.building_id";
    const USED_BY: &'static [&'static str] = &[
        "SELECT id FROM residents WHERE household_id = $1 LIMIT 1",
        "SELECT id FROM demands WHERE household_id = $1 LIMIT 1",
    ];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        at(self.street_id, self.community_id).in_grid(self.grid_id)
    }

    fn update(&self) -> Q {
        Q::new("UPDATE households SET building_id = $1, unit_no = $2, room = $3 WHERE id = $4")
            .bind(self.building_id)
            .bind(&self.unit_no)
            .bind(&self.room)
            .bind(self.id)
    }
}

impl Filter for HouseholdFilter {
    type Item = Household;
    fn conds(&self) -> Vec<Cond<'_>> {
        vec![
            Cond::Eq("x.community_id", id(self.community_id)),
            Cond::Eq("b.compound_id", id(self.compound_id)),
            Cond::Eq("x.building_id", id(self.building_id)),
            Cond::Eq("b.grid_id", id(self.grid_id)),
            Cond::Contains("x.room", self.q.as_deref()),
        ]
    }
}

impl Stored for ResidentRow {
    const KIND: Kind = Kind::Resident;
    const SELECT: &'static str = "SELECT x.id, x.street_id, x.community_id, x.household_id, \
         h.building_id, b.grid_id, x.name, x.gender, x.birth_date, x.id_number, x.phone, \
         x.relation, x.health_note, x.created_at, x.updated_at, x.child_name, \
         x.child_gender, x.child_birth_date \
         FROM residents x LEFT JOIN households h ON h.id = x.household_id \
         LEFT JOIN buildings b ON b.id = h.building_id";
    const USED_BY: &'static [&'static str] = &[
        "SELECT id FROM demands WHERE resident_id = $1 LIMIT 1",
        "SELECT id FROM users WHERE resident_id = $1 LIMIT 1",
        "SELECT id FROM buildings WHERE head_resident_id = $1 LIMIT 1",
        // A guardian named by a consent in force: it is withdrawn first.
        "SELECT id FROM guardian_consents WHERE guardian_id = $1 AND withdrawn_at IS NULL \
         LIMIT 1",
    ];
    const OWNS: &'static [&'static str] = &[
        "DELETE FROM resident_tags WHERE resident_id = $1",
        "DELETE FROM guardian_consents WHERE child_id = $1",
    ];

    fn id(&self) -> i64 {
        self.id
    }

    fn loc(&self) -> Loc {
        at(self.street_id, self.community_id).in_grid(self.grid_id)
    }

    fn update(&self) -> Q {
        let [id_hash] = hashes::<ResidentIdNumber, 1>(self.id_number.as_deref());
        let [phone_hash, phone_tail] = hashes::<ResidentPhone, 2>(self.phone.as_deref());
        let q = Q::new(
            "UPDATE residents SET name = $1, gender = $2, birth_date = $3, child_name = $4, \
             child_name_hash = $5, child_gender = $6, child_birth_date = $7, \
             street_id = $8, community_id = $9, household_id = $10, id_number = $11, \
             id_number_hash = $12, phone = $13, phone_hash = $14, phone_tail = $15, \
             relation = $16, health_note = $17, updated_at = $18 WHERE id = $19",
        );
        // A child on the day of the edit (the new version's time) has their fields sealed.
        let identity = IdentityColumns::kept(
            &self.name,
            self.gender.as_deref(),
            self.birth_date.as_deref(),
            self.updated_at,
        );
        identity
            .bind(q)
            .bind(self.street_id)
            .bind(self.community_id)
            .bind(self.household_id)
            .bind(sql::seal::<ResidentIdNumber>(self.id_number.as_deref()))
            .bind(id_hash)
            .bind(sql::seal::<ResidentPhone>(self.phone.as_deref()))
            .bind(phone_hash)
            .bind(phone_tail)
            .bind(&self.relation)
            .bind(sql::seal::<ResidentHealth>(self.health_note.as_deref()))
            .bind(self.updated_at)
            .bind(self.id)
    }

    fn fill(
        ex: &mut impl Exec,
        items: &mut [ResidentRow],
    ) -> impl Future<Output = DbResult<()>> + Send {
        for r in items.iter_mut() {
            r.open_child();
        }
        let sql = "SELECT resident_id, tag FROM resident_tags WHERE";
        fill_children(ex, items, sql, "resident_id", |r, t: String| {
            // In the order of their names (a hidden tag is stored as its hash).
            r.tags.extend(crate::roster::model::sealed::tag_of(&t));
            r.tags.sort();
        })
    }
}

/// The residents' list filter with its age band turned into birth dates (on the day of
/// the caller's clock).
pub struct ResidentQuery<'a> {
    pub filter: &'a ResidentFilter,
    pub born: Born,
}

impl Filter for ResidentQuery<'_> {
    type Item = ResidentRow;
    fn conds(&self) -> Vec<Cond<'_>> {
        let mut conds = self.filter.conds();
        // A child's birth date is sealed: a band that holds every child holds them by
        // their sealed fields instead.
        let (after, by) = if self.born.children {
            (
                "(x.child_name IS NOT NULL OR x.birth_date > ",
                "(x.child_name IS NOT NULL OR x.birth_date <= ",
            )
        } else {
            ("(x.birth_date > ", "(x.birth_date <= ")
        };
        conds.push(Cond::Sub(after, self.born.after.clone().map(Arg::from)));
        conds.push(Cond::Sub(by, self.born.by.clone().map(Arg::from)));
        conds
    }
}

impl Filter for ResidentFilter {
    type Item = ResidentRow;
    fn conds(&self) -> Vec<Cond<'_>> {
        let tag = self.tag.as_deref().map(str::trim).filter(|t| !t.is_empty());
        vec![
            Cond::Eq("x.community_id", id(self.community_id)),
            Cond::Eq("x.household_id", id(self.household_id)),
            Cond::Eq("b.compound_id", id(self.compound_id)),
            Cond::Eq("h.building_id", id(self.building_id)),
            Cond::Eq("b.grid_id", id(self.grid_id)),
            Cond::Sub(
                "EXISTS (SELECT 1 FROM resident_tags t WHERE t.community_id = x.community_id \
                 AND t.resident_id = x.id AND t.tag = ",
                tag.map(|t| Arg::from(crate::roster::model::sealed::stored_tag(t))),
            ),
            // A child's name is sealed: found by its keyed hash, whole.
            Cond::ContainsOr(
                "x.name",
                self.q.as_deref(),
                "x.child_name_hash",
                self.q
                    .as_deref()
                    .and_then(|q| sql::blind(crate::vault::Blind::Name, q.trim()))
                    .map(Arg::from),
            ),
        ]
    }
}
