//! The door of the second factor: a signed-in person enrols (a new secret shown as a QR
//! code and in base32, confirmed by a current code, then ten recovery codes shown once),
//! turns it off with a code, and an admin resets someone's (a lost phone). Signing in
//! uses its codes through [`use_code`]. Enrolment, turning off, an admin's reset and the
//! use of a recovery code are audited; the secret itself never leaves the vault's seal
//! but to the page that shows it to its owner.

use crate::audit;
use crate::clock::{MINUTE, Millis};
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::super::totp::{self, Typed};
use super::super::{Actor, rules, store, totp_store};
use super::accounts::{self, Account};

/// A pending secret shown again on a reload within this long; a new one after.
const PENDING_MINUTES: i64 = 30;

/// What a code was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Used {
    /// A code of the app, for a step later than any accepted before.
    Step,
    /// A recovery code, now used; `left` unused ones remain.
    Recovery { left: i64 },
}

/// Accepts a code of the account's confirmed second factor, or one of its recovery codes,
/// once. None when it is neither (wrong, used already, or no second factor).
pub async fn use_code(
    st: &AppState,
    user_id: i64,
    code: &str,
    now: Millis,
) -> Result<Option<Used>> {
    match totp::typed(code) {
        None => Ok(None),
        Some(Typed::Code(code)) => {
            let row = {
                let mut c = st.db.conn().await?;
                totp_store::secret_of(&mut c, user_id).await?
            };
            let Some(row) = row.filter(|r| r.confirmed_at.is_some()) else {
                return Ok(None);
            };
            let Some(step) = totp::check(&row.secret, &code, now, row.last_step) else {
                return Ok(None);
            };
            let mut tx = st.db.begin().await?;
            let fresh = totp_store::use_step(&mut tx, user_id, step).await?;
            tx.commit().await?;
            Ok(fresh.then_some(Used::Step))
        }
        Some(Typed::Recovery(hash)) => {
            let mut tx = st.db.begin().await?;
            if !totp_store::use_recovery_code(&mut tx, user_id, &hash, now).await? {
                return Ok(None);
            }
            let left = totp_store::recovery_codes_left(&mut tx, user_id).await?;
            let d = format!("left={left}");
            audit::record(
                &mut tx,
                entry(user_id, "totp_recovery_used", user_id, &d, now),
            )
            .await?;
            tx.commit().await?;
            Ok(Some(Used::Recovery { left }))
        }
    }
}

/// Whether the caller's second factor is on, since when, and how many recovery codes are
/// left.
#[derive(Clone, Debug)]
pub struct Status {
    pub enabled: bool,
    pub since: Option<Millis>,
    pub recovery_left: i64,
}

pub async fn status(st: &AppState, actor: &Actor) -> Result<Status> {
    let mut c = st.db.conn().await?;
    let row = totp_store::secret_of(&mut c, actor.user_id).await?;
    let since = row.and_then(|r| r.confirmed_at);
    Ok(Status {
        enabled: since.is_some(),
        since,
        recovery_left: totp_store::recovery_codes_left(&mut c, actor.user_id).await?,
    })
}

/// A secret to enrol: for the app to scan (the URI, and its QR code) or to type (base32).
#[derive(Clone)]
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
}

/// The secret the caller enrols with: the pending one if it is recent (a reload shows the
/// same), else a new one, sealed.
pub async fn begin(st: &AppState, actor: &Actor) -> Result<Enrolment> {
    if actor.is_system() {
        return Err(Error::forbidden());
    }
    let now = st.clock.now();
    let row = {
        let mut c = st.db.conn().await?;
        totp_store::secret_of(&mut c, actor.user_id).await?
    };
    let secret = match row {
        Some(r) if r.confirmed_at.is_some() => return Err(Error::new(Code::TotpAlreadyEnrolled)),
        Some(r) if now - r.created_at < PENDING_MINUTES * MINUTE => r.secret,
        _ => {
            let s = totp::new_secret();
            let mut tx = st.db.begin().await?;
            totp_store::set_pending(&mut tx, actor.user_id, &s, now).await?;
            tx.commit().await?;
            s
        }
    };
    let uri = totp::uri(&secret, &actor.username)
        .ok_or_else(|| Error::internal("cannot make the otpauth URI"))?;
    let qr_svg = totp::qr_svg(&uri).ok_or_else(|| Error::internal("cannot draw the QR code"))?;
    Ok(Enrolment {
        secret,
        uri,
        qr_svg,
    })
}

/// Confirms the pending secret with a current code of it; gives the ten recovery codes,
/// shown this once (only their hashes are kept).
pub async fn confirm(st: &AppState, actor: &Actor, code: &str) -> Result<Vec<String>> {
    let now = st.clock.now();
    let row = {
        let mut c = st.db.conn().await?;
        totp_store::secret_of(&mut c, actor.user_id).await?
    };
    let row = match row {
        Some(r) if r.confirmed_at.is_some() => return Err(Error::new(Code::TotpAlreadyEnrolled)),
        Some(r) => r,
        None => return Err(Error::new(Code::TotpNotEnrolled)),
    };
    let wrong = || Error::invalid("code", Code::TotpCodeWrong);
    let Some(Typed::Code(code)) = totp::typed(code) else {
        return Err(wrong());
    };
    let step = totp::check(&row.secret, &code, now, 0).ok_or_else(wrong)?;
    let codes = totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| totp::recovery_hash(c)).collect();
    let mut tx = st.db.begin().await?;
    if !totp_store::confirm(&mut tx, actor.user_id, step, now).await? {
        return Err(Error::new(Code::TotpAlreadyEnrolled));
    }
    totp_store::set_recovery_codes(&mut tx, actor.user_id, &hashes, now).await?;
    let id = actor.user_id;
    audit::record(&mut tx, entry(id, "totp_enrol", id, "", now)).await?;
    tx.commit().await?;
    tracing::info!(user_id = id, "second factor enrolled");
    Ok(codes)
}

/// Turns the caller's second factor off with one of its codes (or a recovery code). A
/// wrong code counts toward the account's lockout; a locked account may not try.
pub async fn disable(st: &AppState, actor: &Actor, code: &str) -> Result<()> {
    let now = st.clock.now();
    let s = &st.settings;
    let user = {
        let mut c = st.db.conn().await?;
        store::find(&mut c, actor.user_id).await?
    }
    .ok_or_else(Error::not_found)?;
    if !user.totp_enabled {
        return Err(Error::new(Code::TotpNotEnrolled));
    }
    if let Some(until) = user.locked_until.filter(|t| *t > now) {
        return Err(
            Error::new(Code::AccountLocked).with("minutes", rules::minutes_left(until, now))
        );
    }
    let Some(used) = use_code(st, user.id, code, now).await? else {
        let mut tx = st.db.begin().await?;
        let lock_until = now + s.lockout_minutes * MINUTE;
        store::record_failure(&mut tx, user.id, s.lockout_failures, lock_until).await?;
        tx.commit().await?;
        return Err(Error::invalid("code", Code::TotpCodeWrong));
    };
    let mut tx = st.db.begin().await?;
    totp_store::delete_secret(&mut tx, user.id).await?;
    let d = match used {
        Used::Step => "with=code",
        Used::Recovery { .. } => "with=recovery_code",
    };
    audit::record(&mut tx, entry(user.id, "totp_disable", user.id, d, now)).await?;
    tx.commit().await?;
    Ok(())
}

/// An admin ends an account's second factor (a lost phone, no recovery code left): it
/// signs in with its password alone and, if its role requires one, enrols again.
pub async fn reset_by_admin(st: &AppState, actor: &Actor, id: i64) -> Result<Account> {
    accounts::may_manage_accounts(actor)?;
    let now = st.clock.now();
    accounts::get_account(st, actor, id).await?;
    let mut tx = st.db.begin().await?;
    let n = totp_store::delete_secret(&mut tx, id).await?;
    let d = if n > 0 { "had=yes" } else { "had=no" };
    audit::record(&mut tx, entry(actor.user_id, "totp_reset", id, d, now)).await?;
    tx.commit().await?;
    accounts::get_account(st, actor, id).await
}

fn entry<'a>(by: i64, action: &'a str, id: i64, detail: &'a str, now: Millis) -> audit::Entry<'a> {
    audit::Entry {
        at: now,
        user_id: by,
        action,
        object_kind: "user",
        object_id: id,
        detail,
        place: None,
    }
}
