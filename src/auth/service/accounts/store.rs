//! The SQL of managing accounts: a keyset page of them with its total, the places an
//! account may be attached to (read from the roster's tables: auth sits below the roster
//! and names no roster type), and the writes of the admin's steps.

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};

use super::super::super::Role;

/// An account as the admin's list shows it, with the names of what it is attached to.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub street_id: Option<i64>,
    pub street_name: Option<String>,
    pub community_id: Option<i64>,
    pub community_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub resident_id: Option<i64>,
    pub resident_name: Option<String>,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<Millis>,
    pub totp_enabled: bool,
    pub created_at: Millis,
}

const SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, u.street_id, \
    s.name AS street_name, u.community_id, c.name AS community_name, u.unit_id, \
    un.name AS unit_name, u.resident_id, r.name AS resident_name, u.active, \
    u.failed_logins, u.locked_until, EXISTS (SELECT 1 FROM totp_secrets ts \
    WHERE ts.user_id = u.id AND ts.confirmed_at IS NOT NULL) AS totp_enabled, \
    u.created_at FROM users u \
    LEFT JOIN streets s ON s.id = u.street_id \
    LEFT JOIN communities c ON c.id = u.community_id \
    LEFT JOIN units un ON un.id = u.unit_id \
    LEFT JOIN residents r ON r.id = u.resident_id";

/// Which accounts a list keeps.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub role: Option<Role>,
    /// A part of the username or of the display name.
    pub q: Option<String>,
}

/// `%text%` for LIKE, with the pattern's own characters escaped.
fn contains(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn push_filter(q: &mut Q, f: &Filter) {
    q.push(" WHERE 1 = 1");
    if let Some(r) = f.role {
        q.push(" AND u.role = ").push_bind(r.as_str());
    }
    if let Some(text) = &f.q {
        let p = contains(text);
        q.push(" AND (LOWER(u.username) LIKE ")
            .push_bind(p.clone())
            .push(" ESCAPE '\\' OR LOWER(u.display_name) LIKE ")
            .push_bind(p)
            .push(" ESCAPE '\\')");
    }
}

/// At most `limit` accounts the filter keeps, by id, after `after`.
pub async fn page(
    ex: &mut impl Exec,
    f: &Filter,
    after: i64,
    limit: i64,
) -> DbResult<Vec<AccountRow>> {
    let mut q = Q::new(SELECT);
    push_filter(&mut q, f);
    q.push(" AND u.id > ").push_bind(after);
    q.push(" ORDER BY u.id LIMIT ").push_bind(limit);
    q.fetch_all(ex).await
}

/// How many accounts the filter keeps.
pub async fn count(ex: &mut impl Exec, f: &Filter) -> DbResult<i64> {
    let mut q = Q::new("SELECT COUNT(*) FROM users u");
    push_filter(&mut q, f);
    Ok(q.fetch_one::<(i64,)>(ex).await?.0)
}

pub async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<AccountRow>> {
    Q::new(format!("{SELECT} WHERE u.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// The street of a community.
pub async fn community_street(ex: &mut impl Exec, community_id: i64) -> DbResult<Option<i64>> {
    Ok(Q::new("SELECT street_id FROM communities WHERE id = $1")
        .bind(community_id)
        .fetch_optional::<(i64,)>(ex)
        .await?
        .map(|r| r.0))
}

pub async fn street_exists(ex: &mut impl Exec, street_id: i64) -> DbResult<bool> {
    Ok(Q::new("SELECT COUNT(*) FROM streets WHERE id = $1")
        .bind(street_id)
        .fetch_one::<(i64,)>(ex)
        .await?
        .0
        > 0)
}

/// The street and community of a unit (a street-wide unit has no community).
pub async fn unit_place(ex: &mut impl Exec, unit_id: i64) -> DbResult<Option<(i64, Option<i64>)>> {
    Q::new("SELECT street_id, community_id FROM units WHERE id = $1")
        .bind(unit_id)
        .fetch_optional(ex)
        .await
}

/// The street and community of a resident.
pub async fn resident_place(ex: &mut impl Exec, resident_id: i64) -> DbResult<Option<(i64, i64)>> {
    Q::new("SELECT street_id, community_id FROM residents WHERE id = $1")
        .bind(resident_id)
        .fetch_optional(ex)
        .await
}

/// A place to choose: its id and name (and, for communities and units, the street's name).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PlaceRow {
    pub id: i64,
    pub name: String,
    pub parent: Option<String>,
}

/// Every street, community and unit, by name, for the account form's choices.
pub async fn places(ex: &mut impl Exec) -> DbResult<(Vec<PlaceRow>, Vec<PlaceRow>, Vec<PlaceRow>)> {
    let streets = Q::new("SELECT id, name, NULL AS parent FROM streets ORDER BY name, id")
        .fetch_all(ex)
        .await?;
    let communities = Q::new(
        "SELECT c.id, c.name, s.name AS parent FROM communities c \
         JOIN streets s ON s.id = c.street_id ORDER BY s.name, c.name, c.id",
    )
    .fetch_all(ex)
    .await?;
    let units = Q::new(
        "SELECT u.id, u.name, s.name AS parent FROM units u \
         JOIN streets s ON s.id = u.street_id ORDER BY s.name, u.name, u.id",
    )
    .fetch_all(ex)
    .await?;
    Ok((streets, communities, units))
}

/// The role, display name and links of an account, as decided.
#[derive(Clone, Copy, Debug)]
pub struct Placed<'a> {
    pub display_name: &'a str,
    pub role: Role,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub resident_id: Option<i64>,
}

pub async fn update(ex: &mut impl Exec, id: i64, p: Placed<'_>, now: Millis) -> DbResult<u64> {
    Q::new(
        "UPDATE users SET display_name = $1, role = $2, street_id = $3, community_id = $4, \
         unit_id = $5, resident_id = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(p.display_name)
    .bind(p.role.as_str())
    .bind(p.street_id)
    .bind(p.community_id)
    .bind(p.unit_id)
    .bind(p.resident_id)
    .bind(now)
    .bind(id)
    .execute(ex)
    .await
}

/// A grid worker who stops being one leaves the grids they worked.
pub async fn leave_grids(ex: &mut impl Exec, user_id: i64) -> DbResult<u64> {
    Q::new("UPDATE grids SET worker_user_id = NULL WHERE worker_user_id = $1")
        .bind(user_id)
        .execute(ex)
        .await
}

/// Locked by the admin (no sign-in, no token works) or open again; opening also ends a
/// lock after failed sign-ins.
pub async fn set_active(ex: &mut impl Exec, id: i64, active: bool, now: Millis) -> DbResult<u64> {
    Q::new(
        "UPDATE users SET active = $1, failed_logins = CASE WHEN $1 THEN 0 ELSE failed_logins END, \
         locked_until = CASE WHEN $1 THEN NULL ELSE locked_until END, updated_at = $2 \
         WHERE id = $3",
    )
    .bind(active)
    .bind(now)
    .bind(id)
    .execute(ex)
    .await
}

/// Ends every live token of an account; says how many.
pub async fn revoke_all(ex: &mut impl Exec, user_id: i64, now: Millis) -> DbResult<u64> {
    Q::new(
        "UPDATE tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL \
         AND expires_at > $1",
    )
    .bind(now)
    .bind(user_id)
    .execute(ex)
    .await
}

/// The active grid worker accounts of a community: id and "name (username)".
pub async fn grid_workers(ex: &mut impl Exec, community_id: i64) -> DbResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String, String)> = Q::new(
        "SELECT id, display_name, username FROM users WHERE role = 'grid_worker' \
         AND active = TRUE AND community_id = $1 ORDER BY display_name, id",
    )
    .bind(community_id)
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, user)| (id, format!("{name} ({user})")))
        .collect())
}

/// The active accounts of a community but its residents: id and "name (username)".
pub async fn community_accounts(
    ex: &mut impl Exec,
    community_id: i64,
) -> DbResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String, String)> = Q::new(
        "SELECT id, display_name, username FROM users WHERE active = TRUE \
         AND role <> 'resident' AND community_id = $1 ORDER BY display_name, id",
    )
    .bind(community_id)
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, user)| (id, format!("{name} ({user})")))
        .collect())
}
