//! The password policy: the one place that says what a new password must be and how long
//! one lasts. Two are selectable by the setting `password_policy`:
//!
//! - `asvs` (default, OWASP ASVS 5 §6.2): at least 12 characters, no composition rules, no
//!   forced rotation.
//! - `dengbao` (等保 2.0, GB/T 22239 level 3 identity authentication): at least 8 characters
//!   with three of upper case, lower case, digits and symbols; changed every 90 days (an
//!   expired password must be changed at sign-in before anything else); none of the last
//!   five again.
//!
//! Under both, a password is refused when it is the demo password or one of the common
//! passwords shipped in `common_passwords.txt` (whatever its case), and above 128
//! characters.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::clock::{DAY, Millis};
use crate::error::{Code, Error, Result};

use super::password::DEMO_PASSWORD;

/// The longest password accepted (ASVS asks for at least 64 to be allowed).
pub const MAX_LENGTH: usize = 128;

/// Which rules new passwords follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PasswordPolicy {
    /// OWASP ASVS: length alone (12), no composition rules, no rotation.
    #[default]
    Asvs,
    /// 等保 2.0: 8 characters of three kinds, rotated every 90 days, no reuse of the last 5.
    Dengbao,
}

impl PasswordPolicy {
    pub fn min_length(self) -> usize {
        match self {
            PasswordPolicy::Asvs => 12,
            PasswordPolicy::Dengbao => 8,
        }
    }

    /// Days a password lasts, if it must be changed at all.
    pub fn rotation_days(self) -> Option<i64> {
        match self {
            PasswordPolicy::Asvs => None,
            PasswordPolicy::Dengbao => Some(90),
        }
    }

    /// How many of an account's last passwords may not be set again.
    pub fn history(self) -> usize {
        match self {
            PasswordPolicy::Asvs => 0,
            PasswordPolicy::Dengbao => 5,
        }
    }

    /// Whether a password set at `changed_at` must be changed before anything else.
    pub fn expired(self, changed_at: Millis, now: Millis) -> bool {
        self.rotation_days()
            .is_some_and(|days| now - changed_at >= days * DAY)
    }

    /// Why a new password is refused, if it is; the error names the field `password`.
    pub fn check(self, password: &str) -> Result<()> {
        let field = "password";
        if password == DEMO_PASSWORD {
            return Err(Error::invalid(field, Code::PasswordIsDemo));
        }
        let n = password.chars().count();
        if n < self.min_length() {
            return Err(
                Error::invalid(field, Code::PasswordTooShort).with("min", self.min_length())
            );
        }
        if n > MAX_LENGTH {
            return Err(Error::invalid(field, Code::PasswordTooLong).with("max", MAX_LENGTH));
        }
        if self == PasswordPolicy::Dengbao && kinds(password) < 3 {
            return Err(Error::invalid(field, Code::PasswordTooSimple));
        }
        if is_common(password) {
            return Err(Error::invalid(field, Code::PasswordCommon));
        }
        Ok(())
    }

    /// A random password this policy accepts (16 characters of letters, digits, `-` and `_`).
    pub fn generate(self) -> String {
        use base64::Engine;
        use rand::RngCore;
        loop {
            let mut bytes = [0u8; 12];
            rand::rng().fill_bytes(&mut bytes);
            let pw = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            if self.check(&pw).is_ok() && kinds(&pw) >= 3 {
                return pw;
            }
        }
    }
}

/// How many of the four kinds a password mixes: upper case, lower case, digits, and
/// symbols (any other character, a space or a Chinese character too).
pub fn kinds(password: &str) -> usize {
    let mut seen = [false; 4];
    for c in password.chars() {
        let k = if c.is_uppercase() {
            0
        } else if c.is_lowercase() {
            1
        } else if c.is_numeric() {
            2
        } else {
            3
        };
        seen[k] = true;
    }
    seen.iter().filter(|s| **s).count()
}

/// The common passwords, lower case.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Whether the password is one of the common ones, whatever its case.
pub fn is_common(password: &str) -> bool {
    COMMON.contains(password.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASVS: PasswordPolicy = PasswordPolicy::Asvs;
    const DENGBAO: PasswordPolicy = PasswordPolicy::Dengbao;

    fn code(p: PasswordPolicy, pw: &str) -> Option<Code> {
        p.check(pw).err().map(|e| e.code)
    }

    #[test]
    fn the_list_holds_thousands_and_the_chinese_favourites_whatever_their_case() {
        assert!(COMMON.len() > 5000, "{}", COMMON.len());
        for pw in [
            "123456",
            "5201314",
            "woaini",
            "qq123456",
            "a123456",
            "WoAiNi1314",
            "1QAZ2wsx3EDC",
            "password",
        ] {
            assert!(is_common(pw), "{pw}");
        }
        assert!(!is_common("correct horse battery staple"));
    }

    #[test]
    fn asvs_asks_for_length_alone() {
        assert_eq!(code(ASVS, "Short1!"), Some(Code::PasswordTooShort));
        assert_eq!(code(ASVS, "elevenchars"), Some(Code::PasswordTooShort));
        assert_eq!(code(ASVS, "all lower case words"), None);
        assert_eq!(code(ASVS, "1qaz2wsx3edc"), Some(Code::PasswordCommon));
        assert_eq!(code(ASVS, &"x".repeat(129)), Some(Code::PasswordTooLong));
        assert_eq!(ASVS.rotation_days(), None);
        assert!(!ASVS.expired(Millis(0), Millis(3650 * DAY)));
        let e = ASVS.check("short").unwrap_err();
        assert_eq!(e.arg("min"), Some(&crate::error::Arg::Text("12".into())));
    }

    #[test]
    fn dengbao_asks_for_three_kinds_of_eight_and_a_change_every_ninety_days() {
        assert_eq!(code(DENGBAO, "Ab1!"), Some(Code::PasswordTooShort));
        assert_eq!(code(DENGBAO, "alllowercase"), Some(Code::PasswordTooSimple));
        assert_eq!(code(DENGBAO, "lower and 123"), None, "space is a symbol");
        assert_eq!(code(DENGBAO, "Lower12x"), None);
        assert_eq!(code(DENGBAO, "WoAiNi1314"), Some(Code::PasswordCommon));
        assert_eq!(code(DENGBAO, "Pass邻里word"), None);
        assert!(!DENGBAO.expired(Millis(0), Millis(90 * DAY - 1)));
        assert!(DENGBAO.expired(Millis(0), Millis(90 * DAY)));
        assert_eq!(DENGBAO.history(), 5);
    }

    #[test]
    fn the_demo_password_is_refused_and_generated_ones_pass() {
        assert_eq!(code(DENGBAO, DEMO_PASSWORD), Some(Code::PasswordIsDemo));
        assert_eq!(code(ASVS, DEMO_PASSWORD), Some(Code::PasswordIsDemo));
        for p in [ASVS, DENGBAO] {
            for _ in 0..20 {
                let pw = p.generate();
                assert_eq!(p.check(&pw), Ok(()), "{pw}");
            }
        }
    }
}
