//! Passwords: Argon2id (memory-hard), verified off the async threads.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// The password every demo account shares; `serve` refuses to start while an account still
/// has it, unless told to.
pub const DEMO_PASSWORD: &str = "linli-demo";

pub const MIN_LENGTH: usize = 8;

pub fn hash(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash password: {e}"))
}

pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// Verifies on the blocking pool: a hash takes tens of milliseconds of CPU.
pub async fn verify_async(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || verify(&password, &phc))
        .await
        .unwrap_or(false)
}

/// Why a new password is refused, if it is.
pub fn weakness(password: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_LENGTH {
        Some("password_too_short")
    } else if password == DEMO_PASSWORD {
        Some("password_is_demo")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("correct horsf", &h));
        assert!(!verify("correct horse", "not a hash"));
    }

    #[test]
    fn short_and_demo_passwords_are_refused() {
        assert_eq!(weakness("short"), Some("password_too_short"));
        assert_eq!(weakness(DEMO_PASSWORD), Some("password_is_demo"));
        assert_eq!(weakness("a long enough one"), None);
    }
}
