//! The audit log read by filter, newest first by keyset (`id < cursor`), through the
//! indexes the filters have (actor, kind, object, period, street, community).

use crate::db::{DbResult, Exec, Q};

use super::model::{AuditEntry, Filter};

/// Entries matching `f` older than `before` (none: the newest), at most `limit`.
pub async fn page(
    ex: &mut impl Exec,
    f: &Filter,
    before: Option<i64>,
    limit: i64,
) -> DbResult<Vec<AuditEntry>> {
    let mut q = Q::new(
        "SELECT a.id, a.at, a.user_id, u.username, u.display_name, a.action, a.object_kind, \
         a.object_id, r.name AS object_name, a.detail, a.client, a.street_id, a.community_id \
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
         LEFT JOIN residents r ON a.object_kind = 'resident' AND r.id = a.object_id \
         WHERE 1 = 1",
    );
    if let Some(p) = f.person {
        q.push(" AND a.object_kind = 'resident' AND a.object_id = ")
            .push_bind(p);
    }
    if let Some(u) = f.user_id {
        q.push(" AND a.user_id = ").push_bind(u);
    }
    if let Some(k) = &f.kind {
        q.push(" AND a.action = ").push_bind(k.as_str());
    }
    if let Some(t) = f.from {
        q.push(" AND a.at >= ").push_bind(t);
    }
    if let Some(t) = f.until {
        q.push(" AND a.at < ").push_bind(t);
    }
    if let Some(s) = f.street_id {
        q.push(" AND a.street_id = ").push_bind(s);
    }
    if let Some(c) = f.community_id {
        q.push(" AND a.community_id = ").push_bind(c);
    }
    if let Some(b) = before {
        q.push(" AND a.id < ").push_bind(b);
    }
    q.push(" ORDER BY a.id DESC LIMIT ").push_bind(limit);
    q.fetch_all(ex).await
}

/// The id of the account with this user name.
pub async fn user_named(ex: &mut impl Exec, username: &str) -> DbResult<Option<i64>> {
    Ok(Q::new("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional::<(i64,)>(ex)
        .await?
        .map(|r| r.0))
}
