//! The councils' SQL: councils and their members here; meetings and attendance, topics
//! with their options and ballots, decisions and follow-through in their own files. Every
//! function takes the caller's connection or transaction; none decides anything.

pub mod decisions;
pub mod meetings;
pub mod topics;

use crate::clock::Millis;
use crate::councils::model::records::{Council, Member};
use crate::councils::model::{CouncilKind, MemberKind};
use crate::db::{DbResult, Exec, Q};

const COUNCIL: &str = "SELECT c.id, c.street_id, c.community_id, c.grid_id, c.kind, c.name, \
    c.chair_user_id, u.display_name AS chair_name, c.recurrence, c.first_starts_at, \
    c.duration_minutes, c.location, c.created_at, c.updated_at \
    FROM councils c LEFT JOIN users u ON u.id = c.chair_user_id";

pub async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Council>> {
    Q::new(format!("{COUNCIL} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// The councils of a community, in id order (a community has a handful).
pub async fn of_community(ex: &mut impl Exec, community_id: i64) -> DbResult<Vec<Council>> {
    Q::new(format!("{COUNCIL} WHERE c.community_id = $1 ORDER BY c.id"))
        .bind(community_id)
        .fetch_all(ex)
        .await
}

/// The councils of a street's communities (the street's view), in id order.
pub async fn of_street(ex: &mut impl Exec, street_id: i64) -> DbResult<Vec<Council>> {
    Q::new(format!("{COUNCIL} WHERE c.street_id = $1 ORDER BY c.id"))
        .bind(street_id)
        .fetch_all(ex)
        .await
}

/// Every council (an admin's view), in id order.
pub async fn all(ex: &mut impl Exec) -> DbResult<Vec<Council>> {
    Q::new(format!("{COUNCIL} ORDER BY c.id"))
        .fetch_all(ex)
        .await
}

/// The councils a unit, an account or a resident sits on.
pub async fn sat_on(
    ex: &mut impl Exec,
    user_id: i64,
    resident_id: Option<i64>,
    unit_id: Option<i64>,
) -> DbResult<Vec<Council>> {
    Q::new(format!(
        "{COUNCIL} WHERE c.id IN (SELECT council_id FROM council_members \
         WHERE user_id = $1 OR resident_id = $2 OR unit_id = $3) ORDER BY c.id"
    ))
    .bind(user_id)
    .bind(resident_id)
    .bind(unit_id)
    .fetch_all(ex)
    .await
}

pub struct NewCouncil<'a> {
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub kind: CouncilKind,
    pub name: &'a str,
    pub chair_user_id: Option<i64>,
    pub recurrence: Option<&'a str>,
    pub first_starts_at: Option<Millis>,
    pub duration_minutes: i64,
    pub location: &'a str,
}

pub async fn insert(ex: &mut impl Exec, c: &NewCouncil<'_>, now: Millis) -> DbResult<i64> {
    Q::new(
        "INSERT INTO councils (street_id, community_id, grid_id, kind, name, chair_user_id, \
         recurrence, first_starts_at, duration_minutes, location, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(c.street_id)
    .bind(c.community_id)
    .bind(c.grid_id)
    .bind(c.kind.as_str())
    .bind(c.name)
    .bind(c.chair_user_id)
    .bind(c.recurrence)
    .bind(c.first_starts_at)
    .bind(c.duration_minutes)
    .bind(c.location)
    .bind(now)
    .insert_id(ex)
    .await
}

const MEMBER: &str = "SELECT m.id, m.council_id, m.kind, m.resident_id, m.user_id, m.unit_id, \
    COALESCE(r.name, u.display_name, n.name, '') AS name, m.role FROM council_members m \
    LEFT JOIN residents r ON r.id = m.resident_id LEFT JOIN users u ON u.id = m.user_id \
    LEFT JOIN units n ON n.id = m.unit_id";

pub async fn members(ex: &mut impl Exec, council_id: i64) -> DbResult<Vec<Member>> {
    Q::new(format!("{MEMBER} WHERE m.council_id = $1 ORDER BY m.id"))
        .bind(council_id)
        .fetch_all(ex)
        .await
}

pub async fn member_count(ex: &mut impl Exec, council_id: i64) -> DbResult<i64> {
    let (n,): (i64,) = Q::new("SELECT COUNT(*) FROM council_members WHERE council_id = $1")
        .bind(council_id)
        .fetch_one(ex)
        .await?;
    Ok(n)
}

/// Adds a member (a resident, an account or a unit, by `id`); a duplicate is refused by
/// the table's keys.
pub async fn add_member(
    ex: &mut impl Exec,
    council_id: i64,
    kind: MemberKind,
    id: i64,
    role: &str,
    now: Millis,
) -> DbResult<i64> {
    let col = match kind {
        MemberKind::Resident => "resident_id",
        MemberKind::Staff => "user_id",
        MemberKind::Unit => "unit_id",
    };
    Q::new(format!(
        "INSERT INTO council_members (council_id, kind, {col}, role, added_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    ))
    .bind(council_id)
    .bind(kind.as_str())
    .bind(id)
    .bind(role)
    .bind(now)
    .insert_id(ex)
    .await
}

/// Whether an account, its resident record or its unit sits on the council.
pub async fn is_member(
    ex: &mut impl Exec,
    council_id: i64,
    user_id: i64,
    resident_id: Option<i64>,
    unit_id: Option<i64>,
) -> DbResult<bool> {
    let found: Option<(i64,)> = Q::new(
        "SELECT id FROM council_members WHERE council_id = $1 \
         AND (user_id = $2 OR resident_id = $3 OR unit_id = $4) LIMIT 1",
    )
    .bind(council_id)
    .bind(user_id)
    .bind(resident_id)
    .bind(unit_id)
    .fetch_optional(ex)
    .await?;
    Ok(found.is_some())
}

/// The grid of a resident's household's building.
pub async fn grid_of_resident(ex: &mut impl Exec, resident_id: i64) -> DbResult<Option<i64>> {
    let found: Option<(Option<i64>,)> = Q::new(
        "SELECT b.grid_id FROM residents r JOIN households h ON h.id = r.household_id \
         JOIN buildings b ON b.id = h.building_id WHERE r.id = $1",
    )
    .bind(resident_id)
    .fetch_optional(ex)
    .await?;
    Ok(found.and_then(|(g,)| g))
}
