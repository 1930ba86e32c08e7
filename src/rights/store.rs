//! SQL of the data subject's rights: everything held about one resident, read; the
//! person taken out of it, written (in the caller's transaction).

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::demands::store::ReporterPhone;

/// A demand the resident raised or that is about their household, as the export shows it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct DemandHeld {
    pub id: i64,
    #[serde(serialize_with = "crate::roster::model::as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
    pub status: String,
    pub category: Option<String>,
    pub channel: String,
    pub title: String,
    pub description: String,
    pub reporter_name: String,
    #[sqlx(try_from = "crate::vault::sql::Opened<ReporterPhone>")]
    pub reporter_phone: Option<String>,
    pub rating_comment: Option<String>,
    #[serde(serialize_with = "crate::roster::model::as_rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub closed_at: Option<Millis>,
}

/// The demands linked to the resident, oldest first.
pub async fn demands_of(ex: &mut impl Exec, resident: i64) -> DbResult<Vec<DemandHeld>> {
    Q::new(
        "SELECT id, created_at, status, category, channel, title, description, reporter_name, \
         reporter_phone, rating_comment, closed_at FROM demands WHERE resident_id = $1 \
         ORDER BY id",
    )
    .bind(resident)
    .fetch_all(ex)
    .await
}

/// Who did what about the resident, by the audit log (its entries name no values).
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AuditHeld {
    #[serde(serialize_with = "crate::roster::model::as_rfc3339")]
    #[schema(value_type = String)]
    pub at: Millis,
    pub who: Option<String>,
    pub action: String,
    pub detail: String,
}

/// The audit entries about the resident, newest first (at most `limit`).
pub async fn audit_of(ex: &mut impl Exec, resident: i64, limit: i64) -> DbResult<Vec<AuditHeld>> {
    Q::new(
        "SELECT a.at, u.display_name AS who, a.action, a.detail FROM audit_log a \
         LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.object_kind = 'resident' AND a.object_id = $1 ORDER BY a.id DESC LIMIT $2",
    )
    .bind(resident)
    .bind(limit)
    .fetch_all(ex)
    .await
}

/// The resident's sign-in, if they have one.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AccountHeld {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    #[serde(serialize_with = "crate::roster::model::as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
}

pub async fn accounts_of(ex: &mut impl Exec, resident: i64) -> DbResult<Vec<AccountHeld>> {
    Q::new(
        "SELECT id, username, display_name, role, active, created_at FROM users \
         WHERE resident_id = $1 ORDER BY id",
    )
    .bind(resident)
    .fetch_all(ex)
    .await
}

/// When the resident was anonymised, if they were.
pub async fn anonymised_at(ex: &mut impl Exec, resident: i64) -> DbResult<Option<Millis>> {
    Ok(Q::new("SELECT anonymised_at FROM residents WHERE id = $1")
        .bind(resident)
        .fetch_optional::<(Option<Millis>,)>(ex)
        .await?
        .and_then(|r| r.0))
}

/// Takes the person out of what Linli holds, keeping every row others count on: the
/// resident row keeps its place (community, for the statistics) under `label`, without
/// a name, ID number, phone, birth date, gender, health note, tags or household; their
/// sign-in is closed and loses its name and phone; the demands they raised keep their
/// events and figures under `label`, without their phone; timeline events they made
/// keep the event under `label`. Returns how many demands were touched.
pub async fn anonymise(
    ex: &mut impl Exec,
    resident: i64,
    label: &str,
    now: Millis,
) -> DbResult<u64> {
    Q::new(
        "UPDATE residents SET name = $2, gender = NULL, birth_date = NULL, id_number = NULL, \
         id_number_hash = NULL, phone = NULL, phone_hash = NULL, phone_tail = NULL, \
         health_note = NULL, relation = '', household_id = NULL, child_name = NULL, \
         child_name_hash = NULL, child_gender = NULL, child_birth_date = NULL, \
         anonymised_at = $3, updated_at = $3 WHERE id = $1",
    )
    .bind(resident)
    .bind(label)
    .bind(now)
    .execute(ex)
    .await?;
    Q::new("DELETE FROM resident_tags WHERE resident_id = $1")
        .bind(resident)
        .execute(ex)
        .await?;
    Q::new("UPDATE buildings SET head_resident_id = NULL WHERE head_resident_id = $1")
        .bind(resident)
        .execute(ex)
        .await?;
    Q::new(
        "UPDATE demand_events SET actor_name = $2 WHERE actor_id IN \
         (SELECT id FROM users WHERE resident_id = $1)",
    )
    .bind(resident)
    .bind(label)
    .execute(ex)
    .await?;
    Q::new("DELETE FROM tokens WHERE user_id IN (SELECT id FROM users WHERE resident_id = $1)")
        .bind(resident)
        .execute(ex)
        .await?;
    Q::new(
        "UPDATE users SET active = $2, display_name = $3, phone = NULL, \
         username = 'anonymised-' || CAST(id AS TEXT) WHERE resident_id = $1",
    )
    .bind(resident)
    .bind(false)
    .bind(label)
    .execute(ex)
    .await?;
    let n = Q::new(
        "UPDATE demands SET reporter_name = $2, reporter_phone = NULL WHERE resident_id = $1",
    )
    .bind(resident)
    .bind(label)
    .execute(ex)
    .await?;
    Ok(n)
}
