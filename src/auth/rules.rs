//! The decisions of signing in and of tokens, without a database or a clock: who may
//! try a password, how long a lock has left, what an account must do before anything
//! else (enrol a second factor, change an expired password), how long a token lasts,
//! whose tokens one may see.

use crate::clock::{MINUTE, Millis};
use crate::error::{Code, Error, Result};

use super::{Actor, Role};

/// Whether a lock that lasts `until` still holds at `now`.
pub fn is_locked(until: Option<Millis>, now: Millis) -> bool {
    until.is_some_and(|t| t > now)
}

/// Whole minutes until `until`, rounded up (what the message says).
pub fn minutes_left(until: Millis, now: Millis) -> i64 {
    ((until - now) + MINUTE - 1) / MINUTE
}

/// An address that is locked may not try any password.
pub fn address_may_try(locked_until: Option<Millis>, now: Millis) -> Result<()> {
    match locked_until.filter(|&t| t > now) {
        Some(t) => Err(Error::new(Code::AddressLocked).with("minutes", minutes_left(t, now))),
        None => Ok(()),
    }
}

/// A locked account may be tried only from an address it signed in from before: the one
/// failing on purpose elsewhere does not lock its owner out.
pub fn account_may_try(
    locked_until: Option<Millis>,
    known_address: bool,
    now: Millis,
) -> Result<()> {
    match locked_until.filter(|&t| t > now) {
        Some(t) if !known_address => {
            Err(Error::new(Code::AccountLocked).with("minutes", minutes_left(t, now)))
        }
        _ => Ok(()),
    }
}

/// What decides an account's [`Gate`]: its role, its second factor, its password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    pub role: Role,
    pub totp_enabled: bool,
    /// Still on the published demo password (only a demo serves such an account:
    /// `linli serve` refuses to start while one exists, unless told it is a demo).
    pub password_is_demo: bool,
    pub password_changed_at: Millis,
}

/// What an account must do, after its password, before anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// The password has outlived the policy's rotation: change it.
    ChangePassword,
    /// The role needs a second factor and the account has none: enrol one.
    EnrolTotp,
}

impl Gate {
    /// The page that lifts it.
    pub fn page(self) -> &'static str {
        match self {
            Gate::ChangePassword => "/account/password",
            Gate::EnrolTotp => "/account/totp",
        }
    }

    /// The refusal the API answers instead of a token.
    pub fn refusal(self) -> Error {
        match self {
            Gate::ChangePassword => Error::new(Code::PasswordExpired),
            Gate::EnrolTotp => Error::new(Code::TotpEnrolmentRequired),
        }
    }
}

/// The gate an account stands at, if any: an expired password first, then a second factor
/// its role requires. Demo accounts (still on the demo password) need no second factor,
/// so that `linli demo` signs in with the printed logins alone.
pub fn gate(
    s: &Standing,
    totp_required: &[Role],
    policy: super::policy::PasswordPolicy,
    now: Millis,
) -> Option<Gate> {
    if policy.expired(s.password_changed_at, now) {
        Some(Gate::ChangePassword)
    } else if totp_required.contains(&s.role) && !s.totp_enabled && !s.password_is_demo {
        Some(Gate::EnrolTotp)
    } else {
        None
    }
}

/// The longest an API token may be issued for: ten years.
pub const MAX_TOKEN_DAYS: i64 = 3650;

/// Days an API token lasts: the days asked for, or the default; at least one.
pub fn token_days(asked: Option<i64>, default: i64) -> Result<i64> {
    let days = asked.unwrap_or(default);
    if (1..=MAX_TOKEN_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(Error::out_of_range("days", 1, MAX_TOKEN_DAYS))
    }
}

/// Whose tokens the actor may list and revoke: their own; an admin anyone's.
pub fn may_manage_tokens_of(actor: &Actor, owner: i64) -> bool {
    actor.user_id == owner || actor.role == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = Millis(1_000_000_000_000);

    #[test]
    fn a_lock_holds_until_it_ends_and_says_how_long_is_left() {
        assert!(is_locked(Some(NOW + 1), NOW));
        assert!(!is_locked(Some(NOW), NOW));
        assert!(!is_locked(None, NOW));
        assert_eq!(minutes_left(NOW + 1, NOW), 1);
        assert_eq!(minutes_left(NOW + 15 * MINUTE, NOW), 15);
        let e = address_may_try(Some(NOW + 90_000), NOW).unwrap_err();
        assert_eq!(
            (e.code, e.arg("minutes").cloned()),
            (
                Code::AddressLocked,
                Some(crate::error::Arg::Text("2".into()))
            )
        );
        assert!(address_may_try(Some(NOW - 1), NOW).is_ok());
    }

    #[test]
    fn a_locked_account_may_be_tried_from_a_known_address_only() {
        let locked = Some(NOW + MINUTE);
        assert_eq!(
            account_may_try(locked, false, NOW).unwrap_err().code,
            Code::AccountLocked
        );
        assert!(account_may_try(locked, true, NOW).is_ok());
        assert!(account_may_try(None, false, NOW).is_ok());
    }

    #[test]
    fn an_account_changes_an_expired_password_then_enrols_if_its_role_needs_it() {
        use super::super::policy::PasswordPolicy::{Asvs, Dengbao};
        let required = [Role::Admin, Role::Street];
        let mut s = Standing {
            role: Role::Admin,
            totp_enabled: false,
            password_is_demo: false,
            password_changed_at: NOW,
        };
        assert_eq!(gate(&s, &required, Asvs, NOW), Some(Gate::EnrolTotp));
        let later = NOW + 91 * crate::clock::DAY;
        assert_eq!(gate(&s, &required, Asvs, later), Some(Gate::EnrolTotp));
        assert_eq!(
            gate(&s, &required, Dengbao, later),
            Some(Gate::ChangePassword)
        );
        s.totp_enabled = true;
        assert_eq!(gate(&s, &required, Dengbao, NOW), None);
        s.totp_enabled = false;
        s.password_is_demo = true;
        assert_eq!(gate(&s, &required, Asvs, NOW), None);
        s.password_is_demo = false;
        s.role = Role::Staff;
        assert_eq!(gate(&s, &required, Asvs, NOW), None);
        assert_eq!(gate(&s, &[Role::Staff], Asvs, NOW), Some(Gate::EnrolTotp));
    }

    #[test]
    fn every_token_lasts_a_while_but_not_for_ever() {
        assert_eq!(token_days(None, 90).unwrap(), 90);
        assert_eq!(token_days(Some(365), 90).unwrap(), 365);
        for bad in [0, -1, MAX_TOKEN_DAYS + 1] {
            assert_eq!(
                token_days(Some(bad), 90).unwrap_err().code,
                Code::OutOfRange
            );
        }
    }

    #[test]
    fn tokens_are_their_owners_and_the_admins() {
        let mut a = Actor::system();
        a.user_id = 7;
        a.role = Role::Staff;
        assert!(may_manage_tokens_of(&a, 7));
        assert!(!may_manage_tokens_of(&a, 8));
        a.role = Role::Admin;
        assert!(may_manage_tokens_of(&a, 8));
    }
}
