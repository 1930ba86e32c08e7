//! The lockout's rows (migration 0005): failures counted per client address in windows,
//! and the addresses each account signed in from. Counting is one statement per failure
//! (an upsert), so two nodes counting at once never lose a failure.

use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};

use super::model::Address;

/// Until when `address` is locked, if it ever was and the row is still there.
pub async fn address_locked_until(
    ex: &mut impl Exec,
    address: &Address,
) -> DbResult<Option<Millis>> {
    Ok(
        Q::new("SELECT locked_until FROM login_address_failures WHERE address = $1")
            .bind(address.as_str())
            .fetch_optional::<(Option<Millis>,)>(ex)
            .await?
            .and_then(|r| r.0),
    )
}

/// How the failures of an address are counted.
#[derive(Clone, Copy, Debug)]
pub struct AddressLimit {
    pub now: Millis,
    /// A window that started before this is over: the count starts again.
    pub window_start: Millis,
    /// Failures within one window that lock the address.
    pub max: i64,
    /// Until when a lock holds, if this failure locks.
    pub lock_until: Millis,
}

/// Counts one failure from `address`; locks it when the window's failures reach the limit.
pub async fn count_address_failure(
    ex: &mut impl Exec,
    address: &Address,
    l: AddressLimit,
) -> DbResult<()> {
    // $1 address, $2 now, $3 max, $4 lock until, $5 window start. In the update, the
    // columns are the row as it was.
    const COUNT: &str = "CASE WHEN f.window_started_at < $5 THEN 1 ELSE f.failures + 1 END";
    Q::new(format!(
        "INSERT INTO login_address_failures AS f (address, failures, window_started_at, \
         locked_until) VALUES ($1, 1, $2, CASE WHEN 1 >= $3 THEN $4 ELSE NULL END) \
         ON CONFLICT (address) DO UPDATE SET failures = {COUNT}, \
         window_started_at = CASE WHEN f.window_started_at < $5 THEN $2 \
         ELSE f.window_started_at END, \
         locked_until = CASE WHEN {COUNT} >= $3 THEN $4 ELSE f.locked_until END"
    ))
    .bind(address.as_str())
    .bind(l.now)
    .bind(l.max)
    .bind(l.lock_until)
    .bind(l.window_start)
    .execute(ex)
    .await?;
    Ok(())
}

/// Forgets addresses whose window is over and which are not locked.
pub async fn forget_old_failures(
    ex: &mut impl Exec,
    window_start: Millis,
    now: Millis,
) -> DbResult<()> {
    Q::new(
        "DELETE FROM login_address_failures WHERE window_started_at < $1 \
         AND (locked_until IS NULL OR locked_until <= $2)",
    )
    .bind(window_start)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(())
}

/// Whether the account signed in from `address` since `since`.
pub async fn is_known(
    ex: &mut impl Exec,
    user_id: i64,
    address: &Address,
    since: Millis,
) -> DbResult<bool> {
    Ok(Q::new(
        "SELECT COUNT(*) FROM known_addresses WHERE user_id = $1 AND address = $2 \
         AND last_seen_at > $3",
    )
    .bind(user_id)
    .bind(address.as_str())
    .bind(since)
    .fetch_one::<(i64,)>(ex)
    .await?
    .0 > 0)
}

/// Remembers that the account signed in from `address` now, and forgets the addresses it
/// has not signed in from since `forget_before`.
pub async fn remember(
    ex: &mut impl Exec,
    user_id: i64,
    address: &Address,
    now: Millis,
    forget_before: Millis,
) -> DbResult<()> {
    Q::new(
        "INSERT INTO known_addresses (user_id, address, last_seen_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, address) DO UPDATE SET last_seen_at = $3",
    )
    .bind(user_id)
    .bind(address.as_str())
    .bind(now)
    .execute(ex)
    .await?;
    Q::new("DELETE FROM known_addresses WHERE user_id = $1 AND last_seen_at <= $2")
        .bind(user_id)
        .bind(forget_before)
        .execute(ex)
        .await?;
    Ok(())
}
