//! The jurisdiction tree and its people in the database: inserts used by the service, the
//! demo and imports, and the lookups other capabilities need (a building's grid, a
//! household's building). What every kind shares (read, list, save, delete) is in
//! `query`, each kind's columns in `kinds` and `groups`, what objects hold and references in `links`.

mod addresses;
pub mod children;
pub mod consents;
mod groups;
mod kinds;
mod links;
mod query;

pub use addresses::{Address, addresses, names};
pub use kinds::ResidentQuery;
pub use links::*;
pub use query::{Cond, Filter, Stored, count, delete, find, find_many, list, push_in, save, table};

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::roster::model::child::{is_child_at, masked_name};
use crate::roster::model::sealed::{
    ChildBirthDate, ChildGender, ChildName, ResidentHealth, ResidentIdNumber, ResidentPhone,
};
use crate::vault::sql;

pub async fn insert_street(
    ex: &mut impl Exec,
    name: &str,
    district: &str,
    city: &str,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO streets (name, district, city, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(name)
    .bind(district)
    .bind(city)
    .bind(now)
    .insert_id(ex)
    .await
}

pub async fn insert_community(
    ex: &mut impl Exec,
    street_id: i64,
    name: &str,
    address: &str,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO communities (street_id, name, address, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(street_id)
    .bind(name)
    .bind(address)
    .bind(now)
    .insert_id(ex)
    .await
}

/// Where a node of the tree sits: its street and community.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Place {
    pub street_id: i64,
    pub community_id: i64,
}

pub async fn insert_compound(
    ex: &mut impl Exec,
    at: Place,
    name: &str,
    address: &str,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO compounds (street_id, community_id, name, address, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(name)
    .bind(address)
    .bind(now)
    .insert_id(ex)
    .await
}

pub async fn insert_grid(
    ex: &mut impl Exec,
    at: Place,
    name: &str,
    worker_user_id: Option<i64>,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO grids (street_id, community_id, name, worker_user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(name)
    .bind(worker_user_id)
    .bind(now)
    .insert_id(ex)
    .await
}

pub async fn set_grid_worker(
    ex: &mut impl Exec,
    grid_id: i64,
    worker_user_id: Option<i64>,
) -> DbResult<u64> {
    Q::new("UPDATE grids SET worker_user_id = $1 WHERE id = $2")
        .bind(worker_user_id)
        .bind(grid_id)
        .execute(ex)
        .await
}

#[derive(Clone, Debug)]
pub struct NewBuilding<'a> {
    pub compound_id: i64,
    pub grid_id: Option<i64>,
    pub name: &'a str,
    pub floors: Option<i64>,
}

pub async fn insert_building(
    ex: &mut impl Exec,
    at: Place,
    b: &NewBuilding<'_>,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO buildings (street_id, community_id, compound_id, grid_id, name, floors, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(b.compound_id)
    .bind(b.grid_id)
    .bind(b.name)
    .bind(b.floors)
    .bind(now)
    .insert_id(ex)
    .await
}

pub async fn insert_household(
    ex: &mut impl Exec,
    at: Place,
    building_id: i64,
    unit_no: &str,
    room: &str,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO households (street_id, community_id, building_id, unit_no, room, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(building_id)
    .bind(unit_no)
    .bind(room)
    .bind(now)
    .insert_id(ex)
    .await
}

/// A new resident. `id_number` and `phone` must already be parsed (see [`super::ids`]).
#[derive(Clone, Debug, Default)]
pub struct NewResident<'a> {
    pub household_id: Option<i64>,
    pub name: &'a str,
    pub gender: Option<&'a str>,
    pub birth_date: Option<&'a str>,
    pub id_number: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub relation: &'a str,
    pub health_note: Option<&'a str>,
    pub tags: &'a [&'a str],
}

pub async fn insert_resident(
    ex: &mut impl Exec,
    at: Place,
    r: &NewResident<'_>,
    now: Millis,
) -> DbResult<i64> {
    let [id_hash] = hashes::<ResidentIdNumber, 1>(r.id_number);
    let [phone_hash, phone_tail] = hashes::<ResidentPhone, 2>(r.phone);
    let q = Q::new(
        "INSERT INTO residents (street_id, community_id, household_id, id_number, \
         id_number_hash, phone, phone_hash, phone_tail, relation, health_note, \
         created_at, updated_at, name, gender, birth_date, child_name, child_name_hash, \
         child_gender, child_birth_date) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, \
         $12, $13, $14, $15, $16, $17, $18) RETURNING id",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(r.household_id)
    .bind(sql::seal::<ResidentIdNumber>(r.id_number))
    .bind(id_hash)
    .bind(sql::seal::<ResidentPhone>(r.phone))
    .bind(phone_hash)
    .bind(phone_tail)
    .bind(r.relation)
    .bind(sql::seal::<ResidentHealth>(r.health_note))
    .bind(now);
    let id = IdentityColumns::kept(r.name, r.gender, r.birth_date, now)
        .bind(q)
        .insert_id(ex)
        .await?;
    set_tags(ex, at.community_id, id, r.tags).await?;
    Ok(id)
}

/// A resident's name, gender and birth date as written: open, or, for a child under 14
/// on the day of the write, sealed, with only the masked name open (`王**`, what lists and
/// joins show). Bound as the seven columns `name, gender, birth_date, child_name,
/// child_name_hash, child_gender, child_birth_date`, in that order.
pub struct IdentityColumns {
    open: (String, Option<String>, Option<String>),
    /// The sealed name, its lookup hash, the sealed gender and birth date.
    child: (
        Option<String>,
        Option<Vec<u8>>,
        Option<String>,
        Option<String>,
    ),
}

impl IdentityColumns {
    pub fn kept(name: &str, gender: Option<&str>, birth_date: Option<&str>, at: Millis) -> Self {
        if !is_child_at(birth_date, at) {
            let open = (
                name.to_string(),
                gender.map(String::from),
                birth_date.map(String::from),
            );
            return IdentityColumns {
                open,
                child: (None, None, None, None),
            };
        }
        let [name_hash] = hashes::<ChildName, 1>(Some(name));
        IdentityColumns {
            open: (masked_name(name), None, None),
            child: (
                sql::seal::<ChildName>(Some(name)),
                name_hash,
                sql::seal::<ChildGender>(gender),
                sql::seal::<ChildBirthDate>(birth_date),
            ),
        }
    }

    pub fn bind(self, q: Q) -> Q {
        self.args().into_iter().fold(q, Q::bind)
    }

    /// The seven values, for a bulk load.
    pub fn args(self) -> [crate::db::Arg; 7] {
        let (name, hash, gender, birth) = self.child;
        let (n, g, b) = self.open;
        [
            n.into(),
            g.into(),
            b.into(),
            name.into(),
            hash.into(),
            gender.into(),
            birth.into(),
        ]
    }
}

pub async fn insert_party_branch(
    ex: &mut impl Exec,
    at: Place,
    name: &str,
    secretary_user_id: Option<i64>,
    grid_ids: &[i64],
    now: Millis,
) -> DbResult<i64> {
    let id = Q::new(
        "INSERT INTO party_branches (street_id, community_id, name, secretary_user_id, \
         created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(name)
    .bind(secretary_user_id)
    .bind(now)
    .insert_id(ex)
    .await?;
    for g in grid_ids {
        Q::new("INSERT INTO branch_grids (branch_id, grid_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*g)
            .execute(ex)
            .await?;
    }
    Ok(id)
}

pub async fn insert_unit(
    ex: &mut impl Exec,
    street_id: i64,
    community_id: Option<i64>,
    kind: &str,
    name: &str,
    phone: Option<&str>,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO units (street_id, community_id, kind, name, phone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(street_id)
    .bind(community_id)
    .bind(kind)
    .bind(name)
    .bind(phone)
    .bind(now)
    .insert_id(ex)
    .await
}

pub async fn insert_team(
    ex: &mut impl Exec,
    at: Place,
    kind: &str,
    name: &str,
    leader_user_id: Option<i64>,
    member_user_ids: &[i64],
    now: Millis,
) -> DbResult<i64> {
    let id = Q::new(
        "INSERT INTO teams (street_id, community_id, kind, name, leader_user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(kind)
    .bind(name)
    .bind(leader_user_id)
    .bind(now)
    .insert_id(ex)
    .await?;
    for u in member_user_ids {
        add_team_member(ex, id, *u).await?;
    }
    Ok(id)
}

pub async fn add_team_member(ex: &mut impl Exec, team_id: i64, user_id: i64) -> DbResult<()> {
    Q::new("INSERT INTO team_members (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(team_id)
        .bind(user_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Where a household is: its building, the building's grid, and the tree above.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct HouseholdPlace {
    pub street_id: i64,
    pub community_id: i64,
    pub building_id: i64,
    pub grid_id: Option<i64>,
}

pub async fn household_place(
    ex: &mut impl Exec,
    household_id: i64,
) -> DbResult<Option<HouseholdPlace>> {
    Q::new(
        "SELECT h.street_id, h.community_id, h.building_id, b.grid_id \
         FROM households h JOIN buildings b ON b.id = h.building_id WHERE h.id = $1",
    )
    .bind(household_id)
    .fetch_optional(ex)
    .await
}

/// A building's community and grid.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct BuildingPlace {
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
}

pub async fn building_place(
    ex: &mut impl Exec,
    building_id: i64,
) -> DbResult<Option<BuildingPlace>> {
    Q::new("SELECT street_id, community_id, grid_id FROM buildings WHERE id = $1")
        .bind(building_id)
        .fetch_optional(ex)
        .await
}

/// A resident's name, phone, household and community.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResidentContact {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub household_id: Option<i64>,
    pub name: String,
    #[sqlx(try_from = "crate::vault::sql::Opened<ResidentPhone>")]
    pub phone: Option<String>,
}

/// The `N` lookup hashes a sealed column declares, for a value (all none for none).
pub fn hashes<C: crate::vault::sql::Sealed, const N: usize>(
    plain: Option<&str>,
) -> [Option<Vec<u8>>; N] {
    let v = sql::blinds::<C>(plain);
    std::array::from_fn(|i| v.get(i).cloned().flatten())
}

pub async fn resident_contact(
    ex: &mut impl Exec,
    resident_id: i64,
) -> DbResult<Option<ResidentContact>> {
    Q::new(
        "SELECT id, street_id, community_id, household_id, name, phone FROM residents \
         WHERE id = $1",
    )
    .bind(resident_id)
    .fetch_optional(ex)
    .await
}

/// The resident's tags a visitor must know ([`VISIT_TAGS`](super::model::VISIT_TAGS)), in
/// that order.
pub async fn visit_flags(ex: &mut impl Exec, resident_id: i64) -> DbResult<Vec<String>> {
    let tags: Vec<(String,)> =
        Q::new("SELECT tag FROM resident_tags WHERE resident_id = $1 AND tag IN ($2, $3)")
            .bind(resident_id)
            .bind(super::model::VISIT_TAGS[0])
            .bind(super::model::VISIT_TAGS[1])
            .fetch_all(ex)
            .await?;
    Ok(super::model::VISIT_TAGS
        .iter()
        .filter(|t| tags.iter().any(|(x,)| x == *t))
        .map(|t| t.to_string())
        .collect())
}

/// A community's street.
pub async fn community_place(ex: &mut impl Exec, community_id: i64) -> DbResult<Option<Place>> {
    Q::new("SELECT street_id, id AS community_id FROM communities WHERE id = $1")
        .bind(community_id)
        .fetch_optional(ex)
        .await
}

/// A grid's place.
pub async fn grid_place(ex: &mut impl Exec, grid_id: i64) -> DbResult<Option<Place>> {
    Q::new("SELECT street_id, community_id FROM grids WHERE id = $1")
        .bind(grid_id)
        .fetch_optional(ex)
        .await
}

/// Names a building's head (楼长), or clears it.
pub async fn set_building_head(
    ex: &mut impl Exec,
    building_id: i64,
    resident_id: Option<i64>,
) -> DbResult<u64> {
    Q::new("UPDATE buildings SET head_resident_id = $1 WHERE id = $2")
        .bind(resident_id)
        .bind(building_id)
        .execute(ex)
        .await
}

/// Sensitive tags an older Linli stored as they are, stored as their keyed hashes instead
/// (at start, beside the vault's pass over the sealed columns); how many.
pub async fn hide_sensitive_tags(ex: &mut impl Exec) -> DbResult<u64> {
    let mut n = 0;
    for t in crate::roster::model::SENSITIVE_TAGS {
        n += Q::new("UPDATE resident_tags SET tag = $1 WHERE tag = $2")
            .bind(crate::roster::model::sealed::stored_tag(t))
            .bind(t)
            .execute(ex)
            .await?;
    }
    Ok(n)
}
