//! The decisions of signing in and of tokens, without a database or a clock: who may
//! try a password, how long a lock has left, how long a token lasts, whose tokens one
//! may see.

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
