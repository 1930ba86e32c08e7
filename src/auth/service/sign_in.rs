//! Signing in with a username and password, from a client address.
//!
//! An address that failed too often lately is refused before anything else (no password
//! is checked from it). A locked account is refused too — unless the attempt comes from
//! an address the account signed in from before, so that failing on purpose locks out
//! the one failing, not the account's owner. Every failure counts against its address
//! (and a wrong password against its account as well); every sign-in and every failure
//! is in the audit log with its address.
//!
//! An account with a second factor gives its code too: the API in the same request
//! (`totp`), the login page on a second step, behind a short-lived cookie, before any
//! session exists. A wrong code counts like a wrong password; a code is accepted once.
//! An account that must first change its expired password or enrol a second factor its
//! role requires (`rules::gate`) is given no API token; on the pages it is given a session
//! that opens the page of that step alone (`web::session`).

use std::sync::LazyLock;

use crate::audit;
use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::super::lockout::{self, AddressLimit};
use super::super::model::{Address, Credentials, PageSignIn, SignedIn, TokenKind};
use super::super::store::{self, UserRow};
use super::super::{password, rules, tokens, totp_store};
use super::totp::{Used, use_code};

/// Minutes the login page waits for the code after the password.
const CODE_MINUTES: i64 = 5;
/// Wrong codes that end a login page's sign-in (the password is asked again).
const CODE_TRIES: i64 = 5;

/// A hash to verify against when the username is unknown, so that the answer takes as
/// long as for a known one.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| password::hash("no such user here").unwrap_or_default());

/// Checks the credentials from `from` and, when they are right, issues a token of `kind`
/// (a `session` for the API). An account with a second factor must give its code with
/// them; one that must first do something on the pages is refused.
pub async fn sign_in(
    st: &AppState,
    c: Credentials<'_>,
    from: &Address,
    kind: TokenKind,
) -> Result<SignedIn> {
    let (user, now) = password_passed(st, c, from).await?;
    if user.totp_enabled {
        let Some(code) = c.code.map(str::trim).filter(|c| !c.is_empty()) else {
            tracing::info!(user_id = user.id, "login waits for the second factor");
            return Err(Error::new(Code::TotpRequired));
        };
        code_passed(st, &user, code, from, now).await?;
    }
    let s = &st.settings;
    if let Some(g) = rules::gate(
        &user.standing(),
        &s.totp_required_roles,
        s.password_policy,
        now,
    ) {
        tracing::info!(user_id = user.id, gate = ?g, "login refused until a step on the pages");
        return Err(g.refusal());
    }
    succeeded(st, user, from, now, kind).await
}

/// The login page's first step: the password, then a page session, or (for an account
/// with a second factor) a sign-in waiting for the code, for [`second_step`].
pub async fn sign_in_page(st: &AppState, c: Credentials<'_>, from: &Address) -> Result<PageSignIn> {
    let (user, now) = password_passed(st, c, from).await?;
    if !user.totp_enabled {
        return Ok(PageSignIn::Session(
            succeeded(st, user, from, now, TokenKind::Web).await?,
        ));
    }
    let (challenge, hash) = tokens::generate();
    let expires_at = now + CODE_MINUTES * MINUTE;
    let mut tx = st.db.begin().await?;
    totp_store::insert_challenge(&mut tx, &hash, user.id, now, expires_at).await?;
    tx.commit().await?;
    Ok(PageSignIn::NeedsCode {
        challenge,
        expires_at,
    })
}

/// The login page's second step: the code for the sign-in behind `challenge`; a page
/// session when it is right. The address and the account must still be allowed to try.
pub async fn second_step(
    st: &AppState,
    challenge: &str,
    code: &str,
    from: &Address,
) -> Result<SignedIn> {
    let now = st.clock.now();
    let expired = || Error::new(Code::SignInExpired);
    let (found, user, known) = {
        let mut conn = st.db.conn().await?;
        rules::address_may_try(lockout::address_locked_until(&mut conn, from).await?, now)?;
        let Some(found) =
            totp_store::find_challenge(&mut conn, &tokens::digest(challenge), now).await?
        else {
            return Err(expired());
        };
        let Some(user) = store::find(&mut conn, found.user_id)
            .await?
            .filter(|u| u.active && u.totp_enabled)
        else {
            return Err(expired());
        };
        let known = is_known_if_locked(st, &mut conn, &user, from, now).await?;
        (found, user, known)
    };
    if let Err(refused) = rules::account_may_try(user.locked_until, known, now) {
        return Err(failed(st, Failure::Locked(&user, refused), from, now).await);
    }
    if let Err(e) = code_passed(st, &user, code, from, now).await {
        let mut tx = st.db.begin().await?;
        totp_store::challenge_failed(&mut tx, found.id, CODE_TRIES).await?;
        tx.commit().await?;
        return Err(e);
    }
    let mut tx = st.db.begin().await?;
    totp_store::delete_challenge(&mut tx, found.id).await?;
    tx.commit().await?;
    succeeded(st, user, from, now, TokenKind::Web).await
}

/// The password check, with the address's and the account's locks: the account when the
/// password is right, a counted and audited failure otherwise.
async fn password_passed(
    st: &AppState,
    c: Credentials<'_>,
    from: &Address,
) -> Result<(UserRow, Millis)> {
    let now = st.clock.now();
    let (user, known) = {
        let mut conn = st.db.conn().await?;
        let address_lock = lockout::address_locked_until(&mut conn, from).await?;
        if let Err(refused) = rules::address_may_try(address_lock, now) {
            tracing::info!("login refused: the address is locked");
            return Err(refused);
        }
        // No username holds a control character (and PostgreSQL cannot compare text
        // holding a NUL): such a name is nobody's.
        let user = if c.username.chars().any(char::is_control) {
            None
        } else {
            store::find_by_username(&mut conn, c.username).await?
        }
        .filter(|u| u.active);
        let known = match &user {
            Some(u) => is_known_if_locked(st, &mut conn, u, from, now).await?,
            None => false,
        };
        (user, known)
    };
    let Some(user) = user else {
        password::verify_async(c.password.to_string(), DUMMY_HASH.clone()).await;
        return Err(failed(st, Failure::NoAccount, from, now).await);
    };
    if let Err(refused) = rules::account_may_try(user.locked_until, known, now) {
        return Err(failed(st, Failure::Locked(&user, refused), from, now).await);
    }
    if !password::verify_async(c.password.to_string(), user.password_hash.clone()).await {
        return Err(failed(st, Failure::WrongPassword(&user), from, now).await);
    }
    Ok((user, now))
}

/// For a locked account: whether `from` is an address it signed in from lately.
async fn is_known_if_locked(
    st: &AppState,
    conn: &mut impl crate::db::Exec,
    u: &UserRow,
    from: &Address,
    now: Millis,
) -> Result<bool> {
    if !rules::is_locked(u.locked_until, now) {
        return Ok(false);
    }
    let since = now - st.settings.known_address_days * DAY;
    Ok(lockout::is_known(conn, u.id, from, since).await?)
}

/// The second factor's code (or a recovery code), accepted once; a wrong one is counted
/// and audited like a wrong password.
async fn code_passed(
    st: &AppState,
    user: &UserRow,
    code: &str,
    from: &Address,
    now: Millis,
) -> Result<()> {
    match use_code(st, user.id, code, now).await? {
        Some(Used::Step) => Ok(()),
        Some(Used::Recovery { left }) => {
            tracing::info!(user_id = user.id, left, "signed in with a recovery code");
            Ok(())
        }
        None => Err(failed(st, Failure::WrongCode(user), from, now).await),
    }
}

/// Why an attempt failed.
enum Failure<'a> {
    /// No active account has the username.
    NoAccount,
    /// The account is locked and the address is not one it knows.
    Locked(&'a UserRow, Error),
    WrongPassword(&'a UserRow),
    /// The password was right, the second factor's code not (or it was used already).
    WrongCode(&'a UserRow),
}

impl Failure<'_> {
    fn user(&self) -> Option<&UserRow> {
        match self {
            Failure::NoAccount => None,
            Failure::Locked(u, _) | Failure::WrongPassword(u) | Failure::WrongCode(u) => Some(u),
        }
    }

    fn code(&self) -> Code {
        match self {
            Failure::Locked(_, e) => e.code,
            Failure::WrongCode(_) => Code::TotpInvalid,
            _ => Code::BadCredentials,
        }
    }

    fn into_error(self) -> Error {
        match self {
            Failure::Locked(_, e) => e,
            other => Error::new(other.code()),
        }
    }
}

/// Counts the failure against the address (a wrong password or code against the account too)
/// and audits it, in one transaction; gives the error to answer.
async fn failed(st: &AppState, f: Failure<'_>, from: &Address, now: Millis) -> Error {
    let s = &st.settings;
    let window_start = now - s.address_window_minutes * MINUTE;
    let limit = AddressLimit {
        now,
        window_start,
        max: s.address_lockout_failures,
        lock_until: now + s.address_lockout_minutes * MINUTE,
    };
    let reason = f.code();
    let counted = async {
        let mut tx = st.db.begin().await?;
        lockout::count_address_failure(&mut tx, from, limit).await?;
        lockout::forget_old_failures(&mut tx, window_start, now).await?;
        if let Failure::WrongPassword(u) | Failure::WrongCode(u) = &f {
            let lock_until = now + s.lockout_minutes * MINUTE;
            store::record_failure(&mut tx, u.id, s.lockout_failures, lock_until).await?;
        }
        let detail = format!("address={from} reason={reason}");
        audit::record(&mut tx, entry(f.user(), "sign_in_failed", &detail, now)).await?;
        tx.commit().await
    };
    match counted.await {
        Ok(()) => {
            tracing::info!(user_id = f.user().map(|u| u.id), %reason, "login failed");
            f.into_error()
        }
        Err(e) => Error::from(e),
    }
}

/// The attempt succeeded: the address is remembered for the account, the failures in a
/// row start again, a token is issued and the sign-in audited, in one transaction.
async fn succeeded(
    st: &AppState,
    user: UserRow,
    from: &Address,
    now: Millis,
    kind: TokenKind,
) -> Result<SignedIn> {
    let s = &st.settings;
    let expires_at = now + s.session_hours * HOUR;
    let label = match kind {
        TokenKind::Web => "page",
        _ => "login",
    };
    let mut tx = st.db.begin().await?;
    store::record_success(&mut tx, user.id, now).await?;
    let forget_before = now - s.known_address_days * DAY;
    lockout::remember(&mut tx, user.id, from, now, forget_before).await?;
    let detail = format!("address={from}");
    audit::record(&mut tx, entry(Some(&user), "sign_in", &detail, now)).await?;
    let token = tokens::issue(&mut tx, user.id, kind, label, now, expires_at).await?;
    let actor = store::actor_of(&mut tx, user).await?;
    tx.commit().await?;
    tracing::info!(user_id = actor.user_id, "logged in");
    Ok(SignedIn {
        token,
        expires_at,
        actor,
    })
}

/// An audit entry about an account (or about no account: a username nobody has, which is
/// not written down — it may be a password typed in the wrong field). Found by the
/// account (`object_kind = 'user'`); no place, since auth sits below the roster.
fn entry<'a>(
    user: Option<&UserRow>,
    action: &'a str,
    detail: &'a str,
    now: Millis,
) -> audit::Entry<'a> {
    let id = user.map_or(0, |u| u.id);
    audit::Entry {
        at: now,
        user_id: id,
        action,
        object_kind: "user",
        object_id: id,
        detail,
        place: None,
    }
}
