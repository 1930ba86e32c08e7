//! Attachments in the database (so every node serves them): written with the demand's
//! street and community, read back within the caller's scope.

use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::demands::model::{StoredFile, Upload};

use super::{DemandRow, push_scope};

/// Stores a checked file on a demand; gives its id.
pub async fn insert_attachment(
    ex: &mut impl Exec,
    d: &DemandRow,
    f: &Upload,
    by: &Actor,
    at: Millis,
) -> DbResult<i64> {
    Q::new(
        "INSERT INTO attachments (demand_id, street_id, community_id, file_name, content_type, \
         size, sha256, data, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(d.id)
    .bind(d.street_id)
    .bind(d.community_id)
    .bind(f.file_name.as_str())
    .bind(f.content_type)
    .bind(f.bytes.len() as i64)
    .bind(f.sha256.as_str())
    .bind(f.bytes.clone())
    .bind(by.user_ref())
    .bind(at)
    .insert_id(ex)
    .await
}

/// An attachment of a demand the actor can see.
pub async fn file(ex: &mut impl Exec, actor: &Actor, id: i64) -> DbResult<Option<StoredFile>> {
    let mut q = Q::new(
        "SELECT a.file_name, a.content_type, a.data FROM attachments a \
         JOIN demands d ON d.community_id = a.community_id AND d.id = a.demand_id WHERE a.id = ",
    );
    q.push_bind(id);
    push_scope(&mut q, actor);
    q.fetch_optional(ex).await
}
