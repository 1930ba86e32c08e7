//! Accounts in the database.

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};

use super::{Actor, Role};

crate::sealed!(pub AccountPhone = "users"."phone");

/// The accounts' sealed columns: an account's own phone, its TOTP secret.
pub const SEALED: &[crate::vault::Column] = &[
    <AccountPhone as crate::vault::sql::Sealed>::COLUMN,
    <super::totp_store::TotpSecret as crate::vault::sql::Sealed>::COLUMN,
];

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub password_is_demo: bool,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub resident_id: Option<i64>,
    #[sqlx(try_from = "crate::vault::sql::Opened<AccountPhone>")]
    pub phone: Option<String>,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<Millis>,
    /// When the password was last set.
    pub password_changed_at: Millis,
    /// Whether a confirmed second factor (TOTP) guards the account.
    pub totp_enabled: bool,
}

impl UserRow {
    /// What decides whether the account must do something before anything else.
    pub fn standing(&self) -> super::rules::Standing {
        super::rules::Standing {
            role: Role::parse(&self.role).unwrap_or(Role::Resident),
            totp_enabled: self.totp_enabled,
            password_is_demo: self.password_is_demo,
            password_changed_at: self.password_changed_at,
        }
    }
}

const USER_COLUMNS: &str = "id, username, display_name, role, password_hash, password_is_demo, \
    street_id, community_id, unit_id, resident_id, phone, active, failed_logins, locked_until, \
    password_changed_at";

/// Whether the account `u` has a confirmed second factor, as the column `totp_enabled`.
const TOTP_ENABLED: &str = "EXISTS (SELECT 1 FROM totp_secrets ts WHERE ts.user_id = u.id \
    AND ts.confirmed_at IS NOT NULL) AS totp_enabled";

pub async fn find_by_username(ex: &mut impl Exec, username: &str) -> DbResult<Option<UserRow>> {
    Q::new(format!(
        "SELECT {} FROM users u WHERE u.username = $1",
        user_columns()
    ))
    .bind(username)
    .fetch_optional(ex)
    .await
}

pub async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<UserRow>> {
    Q::new(format!(
        "SELECT {} FROM users u WHERE u.id = $1",
        user_columns()
    ))
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// A new account.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub password_is_demo: bool,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub phone: Option<&'a str>,
}

pub async fn insert(ex: &mut impl Exec, u: &NewUser<'_>, now: Millis) -> DbResult<i64> {
    Q::new(
        "INSERT INTO users (username, display_name, role, password_hash, password_is_demo, \
         street_id, community_id, unit_id, resident_id, phone, created_at, updated_at, \
         password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11) RETURNING id",
    )
    .bind(u.username)
    .bind(u.display_name)
    .bind(u.role.as_str())
    .bind(u.password_hash)
    .bind(u.password_is_demo)
    .bind(u.street_id)
    .bind(u.community_id)
    .bind(u.unit_id)
    .bind(u.resident_id)
    .bind(crate::vault::sql::seal::<AccountPhone>(u.phone))
    .bind(now)
    .insert_id(ex)
    .await
}

pub async fn set_password(
    ex: &mut impl Exec,
    user_id: i64,
    hash: &str,
    now: Millis,
) -> DbResult<u64> {
    Q::new(
        "UPDATE users SET password_hash = $1, password_is_demo = FALSE, failed_logins = 0, \
         locked_until = NULL, updated_at = $2, password_changed_at = $2 WHERE id = $3",
    )
    .bind(hash)
    .bind(now)
    .bind(user_id)
    .execute(ex)
    .await
}

/// Records a failed login; locks the account after `max` failures in a row.
pub async fn record_failure(
    ex: &mut impl Exec,
    user_id: i64,
    max: i64,
    lock_until: Millis,
) -> DbResult<()> {
    Q::new(
        "UPDATE users SET failed_logins = failed_logins + 1, \
         locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END \
         WHERE id = $3",
    )
    .bind(max)
    .bind(lock_until)
    .bind(user_id)
    .execute(ex)
    .await?;
    Ok(())
}

/// A sign-in that succeeded: the failures in a row start again from none. A lock that
/// still holds stays (the owner signed in from a known address; whoever failed elsewhere
/// stays locked out until it ends).
pub async fn record_success(ex: &mut impl Exec, user_id: i64, now: Millis) -> DbResult<()> {
    // Only when there is something to clear: most logins write nothing here.
    Q::new(
        "UPDATE users SET failed_logins = 0, locked_until = NULL \
         WHERE id = $1 AND (failed_logins <> 0 OR locked_until IS NOT NULL) \
         AND (locked_until IS NULL OR locked_until <= $2)",
    )
    .bind(user_id)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// How many active accounts still use the published demo password.
pub async fn count_demo_passwords(ex: &mut impl Exec) -> DbResult<i64> {
    Ok(
        Q::new("SELECT COUNT(*) FROM users WHERE password_is_demo = TRUE AND active = TRUE")
            .fetch_one::<(i64,)>(ex)
            .await?
            .0,
    )
}

/// An account with one of its links per row (its household, a grid it works, a team it
/// belongs to): the users columns, then [`LINKS`], from `users u` joined by [`LINK_JOINS`].
#[derive(sqlx::FromRow)]
struct LinkedUserRow {
    #[sqlx(flatten)]
    user: UserRow,
    link_household: Option<i64>,
    link_grid: Option<i64>,
    link_team: Option<i64>,
}

const LINKS: &str = "(SELECT r.household_id FROM residents r WHERE r.id = u.resident_id) \
    AS link_household, g.id AS link_grid, tm.team_id AS link_team";
const LINK_JOINS: &str = "LEFT JOIN grids g ON g.worker_user_id = u.id AND u.role = 'grid_worker' \
    LEFT JOIN team_members tm ON tm.user_id = u.id";

/// The users columns with the alias `u.`, and whether it has a second factor.
fn user_columns() -> String {
    let mut cols: Vec<String> = USER_COLUMNS
        .split(',')
        .map(|c| format!("u.{}", c.trim()))
        .collect();
    cols.push(TOTP_ENABLED.to_string());
    cols.join(", ")
}

/// The caller from an account's rows of links (none: no account).
fn actor_from_rows(rows: Vec<LinkedUserRow>) -> Option<Actor> {
    let household = rows.iter().find_map(|r| r.link_household);
    let ids = |f: fn(&LinkedUserRow) -> Option<i64>| -> Vec<i64> {
        let mut v: Vec<i64> = rows.iter().filter_map(f).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let grids = ids(|r| r.link_grid);
    let teams = ids(|r| r.link_team);
    rows.into_iter()
        .next()
        .map(|r| actor_from(r.user, household, grids, teams))
}

#[derive(sqlx::FromRow)]
struct TokenUserRow {
    #[sqlx(flatten)]
    linked: LinkedUserRow,
    token_id: i64,
    last_seen_at: Millis,
}

/// The caller behind a live token, with the token's id and when it was last used.
#[derive(Clone, Debug)]
pub struct TokenCaller {
    pub actor: Actor,
    pub token_id: i64,
    pub last_seen_at: Millis,
}

/// The caller behind a token hash, if the token is live and the account active: account,
/// household, grids and teams in one query (every API request asks it), with the token's
/// id and when it was last used.
pub async fn caller_for_token(
    ex: &mut impl Exec,
    token_hash: &str,
    now: Millis,
) -> DbResult<Option<TokenCaller>> {
    let rows: Vec<TokenUserRow> = Q::new(format!(
        "SELECT {}, {LINKS}, t.id AS token_id, COALESCE(t.last_seen_at, t.created_at) \
         AS last_seen_at FROM users u JOIN tokens t ON t.user_id = u.id {LINK_JOINS} \
         WHERE t.token_hash = $1 AND t.kind <> 'web' AND t.revoked_at IS NULL \
         AND t.expires_at > $2 AND u.active = TRUE",
        user_columns()
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_all(ex)
    .await?;
    let Some((token_id, last_seen_at)) = rows.first().map(|r| (r.token_id, r.last_seen_at)) else {
        return Ok(None);
    };
    Ok(
        actor_from_rows(rows.into_iter().map(|r| r.linked).collect()).map(|actor| TokenCaller {
            actor,
            token_id,
            last_seen_at,
        }),
    )
}

/// The caller behind a token hash (see [`caller_for_token`]).
pub async fn actor_for_token(
    ex: &mut impl Exec,
    token_hash: &str,
    now: Millis,
) -> DbResult<Option<Actor>> {
    Ok(caller_for_token(ex, token_hash, now)
        .await?
        .map(|c| c.actor))
}

#[derive(sqlx::FromRow)]
struct WebSessionRow {
    #[sqlx(flatten)]
    linked: LinkedUserRow,
    last_seen_at: Millis,
}

/// The person behind a page session, with when it was last used and what the account must
/// do before anything else.
#[derive(Clone, Debug)]
pub struct WebCaller {
    pub actor: Actor,
    pub last_seen_at: Millis,
    pub standing: super::rules::Standing,
}

/// The person behind a page session, if it is live: not revoked, not past its absolute
/// expiry, and used since `idle_cutoff`.
pub async fn actor_for_web_session(
    ex: &mut impl Exec,
    token_hash: &str,
    now: Millis,
    idle_cutoff: Millis,
) -> DbResult<Option<WebCaller>> {
    let rows: Vec<WebSessionRow> = Q::new(format!(
        "SELECT {}, {LINKS}, t.last_seen_at FROM users u JOIN tokens t ON t.user_id = u.id \
         {LINK_JOINS} WHERE t.token_hash = $1 AND t.kind = 'web' AND t.revoked_at IS NULL \
         AND t.expires_at > $2 AND t.last_seen_at > $3 AND u.active = TRUE",
        user_columns()
    ))
    .bind(token_hash)
    .bind(now)
    .bind(idle_cutoff)
    .fetch_all(ex)
    .await?;
    let Some((seen, standing)) = rows
        .first()
        .map(|r| (r.last_seen_at, r.linked.user.standing()))
    else {
        return Ok(None);
    };
    Ok(
        actor_from_rows(rows.into_iter().map(|r| r.linked).collect()).map(|actor| WebCaller {
            actor,
            last_seen_at: seen,
            standing,
        }),
    )
}

/// Builds the caller from an account: their household, grids and teams.
pub async fn actor_of(ex: &mut impl Exec, u: UserRow) -> DbResult<Actor> {
    let rows: Vec<LinkedUserRow> = Q::new(format!(
        "SELECT {}, {LINKS} FROM users u {LINK_JOINS} WHERE u.id = $1",
        user_columns()
    ))
    .bind(u.id)
    .fetch_all(ex)
    .await?;
    Ok(actor_from_rows(rows).unwrap_or_else(|| actor_from(u, None, Vec::new(), Vec::new())))
}

fn actor_from(
    u: UserRow,
    household_id: Option<i64>,
    grid_ids: Vec<i64>,
    team_ids: Vec<i64>,
) -> Actor {
    Actor {
        user_id: u.id,
        username: u.username,
        display_name: u.display_name,
        role: Role::parse(&u.role).unwrap_or(Role::Resident),
        street_id: u.street_id,
        community_id: u.community_id,
        unit_id: u.unit_id,
        resident_id: u.resident_id,
        household_id,
        grid_ids,
        team_ids,
    }
}
