//! The audit log (C13): who saw personal information in full, and who changed what.

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};

/// Writes one entry. `detail` names what was seen or changed, never the value itself.
pub async fn record(
    ex: &mut impl Exec,
    at: Millis,
    user_id: i64,
    action: &str,
    object_kind: &str,
    object_id: i64,
    detail: &str,
) -> DbResult<()> {
    Q::new(
        "INSERT INTO audit_log (at, user_id, action, object_kind, object_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(at)
    .bind((user_id != 0).then_some(user_id))
    .bind(action)
    .bind(object_kind)
    .bind(object_id)
    .bind(detail)
    .execute(ex)
    .await?;
    Ok(())
}
