//! Guardians' consents to the processing of a child's personal information, kept on the
//! household (PIPL art. 31).

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::roster::model::ResidentRow;
use crate::roster::model::child::{ConsentInput, GuardianConsent};

use super::{Place, Stored};

const SELECT: &str = "SELECT g.id, g.street_id, g.community_id, g.household_id, g.child_id, \
    c.name AS child_name, g.guardian_id, p.name AS guardian_name, g.method, g.given_at, \
    g.recorded_by, g.withdrawn_at FROM guardian_consents g \
    JOIN residents c ON c.id = g.child_id JOIN residents p ON p.id = g.guardian_id";

/// The consents recorded on a household, newest first.
pub async fn of_household(ex: &mut impl Exec, household_id: i64) -> DbResult<Vec<GuardianConsent>> {
    Q::new(format!(
        "{SELECT} WHERE g.household_id = $1 ORDER BY g.id DESC"
    ))
    .bind(household_id)
    .fetch_all(ex)
    .await
}

/// The consents recorded for a child, newest first.
pub async fn of_child(ex: &mut impl Exec, child_id: i64) -> DbResult<Vec<GuardianConsent>> {
    Q::new(format!("{SELECT} WHERE g.child_id = $1 ORDER BY g.id DESC"))
        .bind(child_id)
        .fetch_all(ex)
        .await
}

/// The consents that name a resident, as the child or as the guardian, newest first.
pub async fn of_person(ex: &mut impl Exec, resident_id: i64) -> DbResult<Vec<GuardianConsent>> {
    Q::new(format!(
        "{SELECT} WHERE g.child_id = $1 OR g.guardian_id = $1 ORDER BY g.id DESC"
    ))
    .bind(resident_id)
    .fetch_all(ex)
    .await
}

/// The residents of a household, in id order, with what they hold (whose children a
/// guardian sees on the portal).
pub async fn household_members(
    ex: &mut impl Exec,
    household_id: i64,
) -> DbResult<Vec<ResidentRow>> {
    let mut rows: Vec<ResidentRow> = Q::new(format!(
        "{} WHERE x.household_id = $1 ORDER BY x.id",
        ResidentRow::SELECT
    ))
    .bind(household_id)
    .fetch_all(ex)
    .await?;
    ResidentRow::fill(ex, &mut rows).await?;
    Ok(rows)
}

pub async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<GuardianConsent>> {
    Q::new(format!("{SELECT} WHERE g.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

pub async fn insert(
    ex: &mut impl Exec,
    at: Place,
    household_id: i64,
    c: &ConsentInput,
    recorded_by: Option<i64>,
    now: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO guardian_consents (street_id, community_id, household_id, child_id, \
         guardian_id, method, given_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         RETURNING id",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(household_id)
    .bind(c.child_id)
    .bind(c.guardian_id)
    .bind(c.method.as_str())
    .bind(now)
    .bind(recorded_by)
    .insert_id(ex)
    .await
}

/// Withdraws a consent still in force; false when it was not.
pub async fn withdraw(ex: &mut impl Exec, id: i64, by: i64, now: Millis) -> DbResult<bool> {
    withdrawn(ex, id, Some(by), now).await
}

/// Withdraws a consent with no account to say who recorded it (the demo's history).
pub async fn withdraw_unattributed(ex: &mut impl Exec, id: i64, now: Millis) -> DbResult<bool> {
    withdrawn(ex, id, None, now).await
}

async fn withdrawn(ex: &mut impl Exec, id: i64, by: Option<i64>, now: Millis) -> DbResult<bool> {
    let n = Q::new(
        "UPDATE guardian_consents SET withdrawn_at = $2, withdrawn_by = $3 \
         WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .bind(by)
    .execute(ex)
    .await?;
    Ok(n == 1)
}
