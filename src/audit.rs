//! The audit log (C13): who saw personal information in full, and who changed what.

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::roster::store::Place;

/// One entry. `detail` names what was seen or changed, never the value itself.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub at: Millis,
    pub user_id: i64,
    /// e.g. `view_pii`, `set_category`.
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object_id: i64,
    pub detail: &'a str,
    /// The street and community of the object, when it has them (the partition key).
    pub place: Option<Place>,
}

pub async fn record(ex: &mut impl Exec, e: Entry<'_>) -> DbResult<()> {
    Q::new(
        "INSERT INTO audit_log (at, user_id, action, object_kind, object_id, detail, street_id, \
         community_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.at)
    .bind((e.user_id != 0).then_some(e.user_id))
    .bind(e.action)
    .bind(e.object_kind)
    .bind(e.object_id)
    .bind(e.detail)
    .bind(e.place.map(|p| p.street_id))
    .bind(e.place.map(|p| p.community_id))
    .execute(ex)
    .await?;
    Ok(())
}
