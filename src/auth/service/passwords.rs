//! Setting passwords by the policy (`auth::policy`, chosen by `password_policy`): every new
//! password, typed by its owner, by an admin or on the command line, passes [`check_new`];
//! every one set is remembered by [`remember`] while the policy forbids reusing the last
//! ones. A person changes their own password here too (an expired one first of all).

use crate::audit;
use crate::clock::Millis;
use crate::db::Exec;
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::super::{Actor, password, store, totp_store};

/// Why `pw` may not be the new password of `user_id` (none: a new account), if it may
/// not: the policy's rules, then (where it keeps them) the account's last passwords.
pub async fn check_new(st: &AppState, user_id: Option<i64>, pw: &str) -> Result<()> {
    let policy = st.settings.password_policy;
    policy.check(pw)?;
    let n = policy.history();
    let Some(id) = user_id.filter(|_| n > 0) else {
        return Ok(());
    };
    let mut hashes = {
        let mut c = st.db.conn().await?;
        let mut h = totp_store::recent_passwords(&mut c, id, n as i64).await?;
        // An account whose password was set before the history was kept: its current
        // one counts among the last.
        if let Some(u) = store::find(&mut c, id).await?
            && !h.contains(&u.password_hash)
        {
            h.insert(0, u.password_hash);
        }
        h
    };
    hashes.truncate(n);
    for h in hashes {
        if password::verify_async(pw.to_string(), h).await {
            return Err(Error::invalid("password", Code::PasswordReused).with("n", n));
        }
    }
    Ok(())
}

/// Records a password just set (its hash), in the caller's transaction: kept among the
/// account's last while the policy forbids their reuse, none kept otherwise.
pub async fn remember(
    ex: &mut impl Exec,
    st: &AppState,
    user_id: i64,
    hash: &str,
    now: Millis,
) -> Result<()> {
    let n = st.settings.password_policy.history();
    if n > 0 {
        totp_store::remember_password(ex, user_id, hash, now, n as i64).await?;
    } else {
        totp_store::forget_passwords(ex, user_id).await?;
    }
    Ok(())
}

/// Hashes on the blocking pool: a hash takes tens of milliseconds of CPU.
pub async fn hash(pw: String) -> Result<String> {
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(Error::internal)?
        .map_err(Error::internal)
}

/// What a person types to change their own password.
pub struct OwnChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub again: &'a str,
}

/// The caller changes their own password: the current one, then a new one the policy
/// accepts, twice. Audited; the failures after sign-in start again.
pub async fn change_own(st: &AppState, actor: &Actor, ch: OwnChange<'_>) -> Result<()> {
    let user = {
        let mut c = st.db.conn().await?;
        store::find(&mut c, actor.user_id).await?
    }
    .ok_or_else(Error::not_found)?;
    if ch.current.is_empty() {
        return Err(Error::required("current_password"));
    }
    if !password::verify_async(ch.current.to_string(), user.password_hash.clone()).await {
        tracing::info!(
            user_id = user.id,
            "password change refused: the current one is wrong"
        );
        return Err(Error::invalid(
            "current_password",
            Code::CurrentPasswordWrong,
        ));
    }
    if ch.new != ch.again {
        return Err(Error::invalid("password2", Code::PasswordMismatch));
    }
    check_new(st, Some(user.id), ch.new).await?;
    let hashed = hash(ch.new.to_string()).await?;
    let now = st.clock.now();
    let mut tx = st.db.begin().await?;
    store::set_password(&mut tx, user.id, &hashed, now).await?;
    remember(&mut tx, st, user.id, &hashed, now).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            at: now,
            user_id: user.id,
            action: "change_password",
            object_kind: "user",
            object_id: user.id,
            detail: "",
            place: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
