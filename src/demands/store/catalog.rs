//! What the forms of the demand loop choose from: categories, and the people, teams, units
//! and grids a demand of a community can be given to; and residents found by a few
//! keystrokes at the counter.

use crate::auth::{Actor, Role};
use crate::db::{DbResult, Exec, Q};
use crate::demands::model::{Category, CategoryInput};
use crate::vault::Blind;

const CATEGORY: &str = "SELECT code, name_zh, name_en, accept_hours, feedback_days, active, sort \
     FROM categories";

/// Every category, inactive ones included, in their order.
pub async fn categories(ex: &mut impl Exec) -> DbResult<Vec<Category>> {
    Q::new(format!("{CATEGORY} ORDER BY sort, code"))
        .fetch_all(ex)
        .await
}

pub async fn category(ex: &mut impl Exec, code: &str) -> DbResult<Option<Category>> {
    Q::new(format!("{CATEGORY} WHERE code = $1"))
        .bind(code)
        .fetch_optional(ex)
        .await
}

/// Creates the category or changes it.
pub async fn upsert_category(ex: &mut impl Exec, c: &CategoryInput) -> DbResult<()> {
    Q::new(
        "INSERT INTO categories (code, name_zh, name_en, accept_hours, feedback_days, active, sort) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, \
         accept_hours = excluded.accept_hours, feedback_days = excluded.feedback_days, \
         active = excluded.active, sort = excluded.sort",
    )
    .bind(c.code.as_str())
    .bind(c.name_zh.as_str())
    .bind(c.name_en.as_str())
    .bind(c.accept_hours)
    .bind(c.feedback_days)
    .bind(c.active)
    .bind(c.sort)
    .execute(ex)
    .await?;
    Ok(())
}

/// The people a demand of `community_id` can be dispatched to: (id, name, role).
pub async fn people(ex: &mut impl Exec, community_id: i64) -> DbResult<Vec<(i64, String, String)>> {
    Q::new(
        "SELECT id, display_name, role FROM users WHERE community_id = $1 AND active = TRUE \
         AND role IN ('grid_worker', 'volunteer', 'staff', 'secretary') ORDER BY role, id",
    )
    .bind(community_id)
    .fetch_all(ex)
    .await
}

pub async fn grids(ex: &mut impl Exec, community_id: i64) -> DbResult<Vec<(i64, String)>> {
    Q::new("SELECT id, name FROM grids WHERE community_id = $1 ORDER BY id")
        .bind(community_id)
        .fetch_all(ex)
        .await
}

pub async fn teams(ex: &mut impl Exec, community_id: i64) -> DbResult<Vec<(i64, String)>> {
    Q::new("SELECT id, name FROM teams WHERE community_id = $1 ORDER BY id")
        .bind(community_id)
        .fetch_all(ex)
        .await
}

pub async fn units(ex: &mut impl Exec, street_id: i64) -> DbResult<Vec<(i64, String)>> {
    Q::new("SELECT id, name FROM units WHERE street_id = $1 ORDER BY id")
        .bind(street_id)
        .fetch_all(ex)
        .await
}

/// A resident found at the counter (the phone whole: the caller masks it).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct FoundRow {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "crate::vault::sql::Opened<crate::roster::model::sealed::ResidentPhone>")]
    pub phone: Option<String>,
    pub compound: String,
    pub building: String,
    pub unit_no: String,
    pub room: String,
    /// The resident's tags a visitor must know, space-separated.
    pub visit_flags: String,
}

/// Up to `limit` + 1 residents in the actor's reach whose name contains `q`, whose phone is
/// `q` or ends in `q` (four digits, the counter's 尾号; phones are sealed, so they are found
/// by their keyed hashes, whole or the last four digits), or
/// who live at the address `q` reads as ([`AddressQuery`](crate::roster::model::AddressQuery))
/// (not empty). `None` when the actor's role finds no residents at all.
pub async fn find_residents(
    ex: &mut impl Exec,
    a: &Actor,
    q: &str,
    limit: usize,
) -> DbResult<Option<Vec<FoundRow>>> {
    let mut sql = Q::new(
        "SELECT r.id, r.name, r.phone, c.name AS compound, b.name AS building, h.unit_no, h.room, \
         CASE WHEN EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id \
           AND t.tag = 'elderly_alone') THEN 'elderly_alone ' ELSE '' END || \
         CASE WHEN EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id \
           AND t.tag = 'limited_mobility') THEN 'limited_mobility' ELSE '' END AS visit_flags \
         FROM residents r \
         JOIN households h ON h.community_id = r.community_id AND h.id = r.household_id \
         JOIN buildings b ON b.id = h.building_id JOIN compounds c ON c.id = b.compound_id \
         WHERE ",
    );
    match crate::roster::model::AddressQuery::parse(q) {
        // An address: its parts exactly, so that building 1 is not building 11.
        Some(addr) => {
            let mut first = true;
            for (column, names) in [
                ("b.name", addr.building_names()),
                ("h.unit_no", addr.unit_names()),
                ("h.room", addr.room_names()),
            ] {
                if names.is_empty() {
                    continue;
                }
                sql.push(if first { "" } else { " AND " })
                    .push(column)
                    .push(" IN (");
                first = false;
                for (i, n) in names.into_iter().enumerate() {
                    sql.push(if i == 0 { "" } else { ", " }).push_bind(n);
                }
                sql.push(")");
            }
        }
        None => {
            let escaped = q
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            sql.push("(r.name LIKE ")
                .push_bind(format!("%{escaped}%"))
                .push(" ESCAPE '\\' OR (b.name || h.unit_no || h.room) LIKE ")
                .push_bind(format!("%{escaped}%"))
                .push(" ESCAPE '\\'");
            // A child's name is sealed: found by its keyed hash, whole.
            if let Some(h) = crate::vault::sql::blind(Blind::Name, q.trim()) {
                sql.push(" OR r.child_name_hash = ").push_bind(h);
            }
            let digits = q.trim();
            if digits.len() == 4 && digits.bytes().all(|c| c.is_ascii_digit()) {
                sql.push(" OR r.phone_tail = ")
                    .push_bind(crate::vault::sql::blind(Blind::PhoneTail, digits));
            } else if digits.len() >= 7 && digits.bytes().all(|c| c.is_ascii_digit()) {
                sql.push(" OR r.phone_hash = ")
                    .push_bind(crate::vault::sql::blind(Blind::Phone, digits));
            }
            sql.push(")");
        }
    }
    match a.role {
        Role::Admin => {}
        Role::Street => {
            sql.push(" AND r.street_id = ").push_bind(a.street_id);
        }
        Role::GridWorker => {
            sql.push(" AND r.community_id = ")
                .push_bind(a.community_id)
                .push(" AND b.grid_id IN (SELECT g.id FROM grids g WHERE g.worker_user_id = ")
                .push_bind(a.user_id)
                .push(")");
        }
        Role::Staff | Role::Secretary => {
            sql.push(" AND r.community_id = ").push_bind(a.community_id);
        }
        Role::Resident | Role::Volunteer | Role::Unit => return Ok(None),
    }
    // One more than is shown, to tell that there are more.
    sql.push(" ORDER BY r.id LIMIT ")
        .push_bind(limit as i64 + 1);
    Ok(Some(sql.fetch_all(ex).await?))
}
