//! The audit log (C13): who saw personal information in full, and who changed what, from
//! which client address. Rows are written in the transaction of what they record and never
//! changed; each takes its place in its community's hash chain ([`chain`]), which
//! `linli admin audit verify` ([`verify`]) checks and the retention job ([`prune`]) cuts
//! only behind a sealed checkpoint. The history of one object reads them back by
//! `(object_kind, object_id)`, which has its index.

pub mod chain;
pub mod prune;
pub mod verify;

use std::future::Future;

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::roster::store::Place;

/// One entry. `detail` names what was seen or changed, never a personal value itself.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub at: Millis,
    pub user_id: i64,
    /// e.g. `view_pii`, `set_category`, `create`, `update`, `delete`.
    pub action: &'a str,
    pub object_kind: &'a str,
    pub object_id: i64,
    pub detail: &'a str,
    /// The street and community of the object, when it has them (the partition key).
    pub place: Option<Place>,
}

pub async fn record(ex: &mut impl Exec, e: Entry<'_>) -> DbResult<()> {
    let (street, community) = (
        e.place.map(|p| p.street_id),
        e.place.map(|p| p.community_id),
    );
    insert(ex, &e, street, community).await
}

/// An entry for an object of a street that belongs to no community (the street itself, a
/// unit serving the whole street): `e.place` is not used.
pub async fn record_for_street(ex: &mut impl Exec, e: Entry<'_>, street_id: i64) -> DbResult<()> {
    insert(ex, &e, Some(street_id), None).await
}

/// An entry placed in `street_id` and `community_id` as given (an actor's own, for what
/// they did to a list rather than to one object): `e.place` is not used.
pub async fn record_in(
    ex: &mut impl Exec,
    e: Entry<'_>,
    street_id: Option<i64>,
    community_id: Option<i64>,
) -> DbResult<()> {
    insert(ex, &e, street_id, community_id).await
}

tokio::task_local! {
    /// The client address of the request being served (set by [`from_client`]).
    static CLIENT: Option<String>;
}

/// Runs `f` (a request) with `client` as the address its audit rows say it came from
/// (none: not known, as for a router driven without a connection).
pub async fn from_client<F: Future>(client: Option<String>, f: F) -> F::Output {
    CLIENT.scope(client, f).await
}

/// The client address of the request being served; none outside a request (the jobs,
/// the command line).
pub fn client() -> Option<String> {
    CLIENT.try_with(Clone::clone).ok().flatten()
}

async fn insert(
    ex: &mut impl Exec,
    e: &Entry<'_>,
    street_id: Option<i64>,
    community_id: Option<i64>,
) -> DbResult<()> {
    let link = chain::Link {
        id: 0,
        chain: None,
        seq: None,
        hash: None,
        at: e.at,
        user_id: (e.user_id != 0).then_some(e.user_id),
        action: e.action.to_string(),
        object_kind: e.object_kind.to_string(),
        object_id: Some(e.object_id),
        detail: e.detail.to_string(),
        street_id,
        community_id,
        client: client(),
    };
    let (chain, seq, hash) = chain::append(ex, &link).await?;
    Q::new(
        "INSERT INTO audit_log (at, user_id, action, object_kind, object_id, detail, street_id, \
         community_id, client, chain, seq, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(link.at)
    .bind(link.user_id)
    .bind(e.action)
    .bind(e.object_kind)
    .bind(e.object_id)
    .bind(e.detail)
    .bind(street_id)
    .bind(community_id)
    .bind(link.client)
    .bind(chain)
    .bind(seq)
    .bind(hash)
    .execute(ex)
    .await?;
    Ok(())
}

/// An entry read back, with the display name of who made it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Recorded {
    pub id: i64,
    pub at: Millis,
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    pub action: String,
    pub object_kind: String,
    pub object_id: i64,
    pub detail: String,
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
}

/// The entries of one object with one of `actions`, oldest first: at most `limit` of them
/// after the entry `after` (a keyset page).
pub async fn of_object(
    ex: &mut impl Exec,
    object_kind: &str,
    object_id: i64,
    actions: &[&str],
    after: i64,
    limit: i64,
) -> DbResult<Vec<Recorded>> {
    let mut q = Q::new(
        "SELECT a.id, a.at, a.user_id, u.display_name AS user_name, a.action, a.object_kind, \
         a.object_id, a.detail, a.street_id, a.community_id \
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.object_kind = ",
    );
    q.push_bind(object_kind)
        .push(" AND a.object_id = ")
        .push_bind(object_id)
        .push(" AND a.action IN (");
    for (i, a) in actions.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*a);
    }
    q.push(") AND a.id > ").push_bind(after);
    q.push(" ORDER BY a.id LIMIT ").push_bind(limit);
    q.fetch_all(ex).await
}

/// Where the log last placed an object (its street and community), when it has entries:
/// for objects that are gone.
pub async fn last_place(
    ex: &mut impl Exec,
    object_kind: &str,
    object_id: i64,
) -> DbResult<Option<(Option<i64>, Option<i64>)>> {
    Q::new(
        "SELECT street_id, community_id FROM audit_log WHERE object_kind = $1 \
         AND object_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(object_kind)
    .bind(object_id)
    .fetch_optional(ex)
    .await
}
