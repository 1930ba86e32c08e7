//! The second factor's words, without a database: TOTP (RFC 6238 — HMAC-SHA-1, six digits,
//! 30-second steps, what every authenticator app reads) from a secret of 160 random bits,
//! its `otpauth://` URI and that URI as a QR code drawn in SVG on the server (the pages
//! run no script and fetch nothing elsewhere), and the ten one-time recovery codes, kept
//! only as their SHA-256.
//!
//! A code is good for its step and the steps either side (a phone's clock a little off),
//! and only for a step later than the last one accepted: no code is accepted twice.

use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::clock::Millis;

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "Linli";
/// Seconds a code lasts.
pub const STEP_SECS: i64 = 30;
/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// A new secret, in base32 (as it is typed into an app by hand, and as it is sealed).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    Secret::from(bytes.to_vec()).to_base32()
}

fn totp(secret: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECS as u64)
        .with_secret(secret)
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// The `otpauth://totp/Linli:<account>?secret=…&issuer=Linli` an app scans.
pub fn uri(secret: &str, account: &str) -> Option<String> {
    totp(secret, account)?.to_url().ok()
}

/// The step `now` falls in.
pub fn step_of(now: Millis) -> i64 {
    now.0.div_euclid(1000 * STEP_SECS)
}

/// The step the code is good for at `now`, when it is a current code of the secret for a
/// step after `last_step`.
pub fn check(secret: &str, code: &str, now: Millis, last_step: i64) -> Option<i64> {
    let t = totp(secret, "x")?;
    let secs = u64::try_from(now.0 / 1000).ok()?;
    let step = i64::try_from(t.check(code, secs)?).ok()?;
    (step > last_step).then_some(step)
}

/// The code of the secret at `at` (tests, and nothing else in Linli: a code comes from the
/// person's app).
pub fn code_at(secret: &str, at: Millis) -> Option<String> {
    let secs = u64::try_from(at.0 / 1000).ok()?;
    Some(totp(secret, "x")?.generate(secs).to_string())
}

/// The URI as a QR code, an SVG element to put in the page (dark on white, with its quiet
/// zone; no script, no style attribute).
pub fn qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .build();
    // The XML declaration is for a file; inside a page it is the element alone.
    Some(match svg.find("<svg") {
        Some(at) => svg[at..].to_string(),
        None => svg,
    })
}

/// What was typed on the second step: the six digits of the app, or a recovery code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed {
    Code(String),
    /// A recovery code, as its hash.
    Recovery(String),
}

/// Reads what was typed: spaces and dashes do not count, nor does case.
pub fn typed(input: &str) -> Option<Typed> {
    let s: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        Some(Typed::Code(s))
    } else if s.len() == 16 && s.bytes().all(|b| ALPHABET.contains(&b)) {
        Some(Typed::Recovery(recovery_hash(&s)))
    } else {
        None
    }
}

/// The letters of recovery codes: lower case and digits without 0, 1, l, o (misread).
const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// Ten new recovery codes, `xxxx-xxxx-xxxx-xxxx` (80 random bits each), as shown once.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 16];
            rng.fill_bytes(&mut bytes);
            let chars: Vec<char> = bytes
                .iter()
                .map(|b| ALPHABET[usize::from(b % 32)] as char)
                .collect();
            chars
                .chunks(4)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// What is stored of a recovery code (read as [`typed`] reads it).
pub fn recovery_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    hex::encode(Sha256::digest(format!("linli-recovery:{plain}").as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_6238_vector_for_sha1_holds() {
        // RFC 6238 appendix B: the ASCII secret "12345678901234567890", T = 59 s → 94287082
        // (eight digits); six digits are its last six.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, Millis(59_000)).as_deref(), Some("287082"));
        assert_eq!(
            code_at(&secret, Millis(1_111_111_109_000)).as_deref(),
            Some("081804")
        );
    }

    #[test]
    fn a_code_is_good_for_its_step_and_its_neighbours_and_once() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        let now = Millis(1_800_000_000_000);
        let code = code_at(&s, now).unwrap();
        let step = step_of(now);
        assert_eq!(check(&s, &code, now, 0), Some(step));
        assert_eq!(check(&s, &code, now + 30_000, 0), Some(step));
        assert_eq!(check(&s, &code, now + 90_000, 0), None);
        // Accepted once: not again for its own step.
        assert_eq!(check(&s, &code, now, step), None);
        assert_eq!(check(&s, "000000x", now, 0), None);
    }

    #[test]
    fn the_uri_and_its_qr_code_are_what_an_app_reads() {
        let s = new_secret();
        let uri = uri(&s, "admin").unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Linli:admin?secret="),
            "{uri}"
        );
        assert!(uri.contains(&s) && uri.contains("issuer=Linli"));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("style") && !svg.contains("script"));
    }

    #[test]
    fn recovery_codes_are_random_and_read_however_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes[0].len(), 19);
        assert_ne!(codes[0], codes[1]);
        let h = recovery_hash(&codes[0]);
        assert_eq!(
            typed(&codes[0].to_uppercase().replace('-', " ")),
            Some(Typed::Recovery(h))
        );
        assert_eq!(typed(" 123 456 "), Some(Typed::Code("123456".into())));
        assert_eq!(typed("12345"), None);
    }
}
