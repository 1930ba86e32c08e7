//! Chinese mainland phone numbers and resident identity card numbers, parsed once at the edge.

use serde::Serialize;

/// A mainland mobile number (`13812345678`, optionally `+86`) or a landline with its area
/// code (`0351-1234567`, `010-12345678`). Stored in canonical form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Option<Phone> {
        let s: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '(' | ')'))
            .collect();
        let s = s
            .strip_prefix("+86")
            .or_else(|| s.strip_prefix("0086"))
            .unwrap_or(&s)
            .trim_start_matches('-');
        // Every form below is ASCII; anything else is not a phone number (and slicing by
        // byte positions below is only safe on ASCII).
        if !s.is_ascii() {
            return None;
        }
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        let b = s.as_bytes();
        if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && digits(s) {
            return Some(Phone(s.to_string()));
        }
        // Landline: area code 0 + 2 or 3 digits, then 7 or 8 digits, with or without a dash.
        let (area, local) = match s.split_once('-') {
            Some((a, l)) => (a.to_string(), l.to_string()),
            None if s.starts_with("010") || s.starts_with("02") => (
                s[..3.min(s.len())].to_string(),
                s[3.min(s.len())..].to_string(),
            ),
            None if s.starts_with('0') && s.len() >= 4 => (s[..4].to_string(), s[4..].to_string()),
            None => return None,
        };
        let area_ok = digits(&area) && area.starts_with('0') && (3..=4).contains(&area.len());
        let local_ok = digits(&local) && (7..=8).contains(&local.len()) && !local.starts_with('0');
        (area_ok && local_ok).then(|| Phone(format!("{area}-{local}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An 18-digit resident identity card number (GB 11643-1999) whose birth date is a real
/// date and whose last character is the ISO 7064 MOD 11-2 check digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdCardNumber(String);

impl IdCardNumber {
    pub fn parse(s: &str) -> Option<IdCardNumber> {
        let s = s.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
            return None;
        }
        if check_digit(&s[..17]) != b[17] as char {
            return None;
        }
        let year: i16 = s[6..10].parse().ok()?;
        let month: i8 = s[10..12].parse().ok()?;
        let day: i8 = s[12..14].parse().ok()?;
        if !(1900..=2100).contains(&year) {
            return None;
        }
        jiff::civil::Date::new(year, month, day).ok()?;
        Some(IdCardNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date written in the number, `YYYY-MM-DD`.
    pub fn birth_date(&self) -> String {
        format!("{}-{}-{}", &self.0[6..10], &self.0[10..12], &self.0[12..14])
    }

    /// The 17th digit: odd for men, even for women.
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }
}

/// The check character for the first 17 digits.
pub fn check_digit(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CODES: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    CODES[(sum % 11) as usize] as char
}

/// `138****5678`: shown in lists and to those who do not need the whole number.
pub fn mask_phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let keep_tail = 4;
    let keep_head = 3;
    chars[..keep_head].iter().collect::<String>()
        + &"*".repeat(chars.len() - keep_head - keep_tail)
        + &chars[chars.len() - keep_tail..].iter().collect::<String>()
}

/// `1401**********123X`: the region prefix and the last four.
pub fn mask_id_number(n: &str) -> String {
    let chars: Vec<char> = n.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    chars[..4].iter().collect::<String>()
        + &"*".repeat(chars.len() - 8)
        + &chars[chars.len() - 4..].iter().collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_and_landline_numbers() {
        assert_eq!(Phone::parse("13812345678").unwrap().as_str(), "13812345678");
        assert_eq!(
            Phone::parse("+86 138 1234 5678").unwrap().as_str(),
            "13812345678"
        );
        assert_eq!(
            Phone::parse("0351-7654321").unwrap().as_str(),
            "0351-7654321"
        );
        assert_eq!(
            Phone::parse("010-87654321").unwrap().as_str(),
            "010-87654321"
        );
        assert_eq!(
            Phone::parse("01087654321").unwrap().as_str(),
            "010-87654321"
        );
        for bad in [
            "02中",
            "010中文字",
            "0中",
            "１３８１２３４５６７８",
            "12812345678",
            "1381234567",
            "138123456789",
            "phone",
            "",
            "0351-0123456",
        ] {
            assert!(Phone::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn id_numbers_need_their_check_digit_and_a_real_birth_date() {
        // The standard's own example.
        assert!(IdCardNumber::parse("11010519491231002X").is_some());
        assert!(IdCardNumber::parse("11010519491231002x").is_some());
        assert!(IdCardNumber::parse("110105194912310021").is_none());
        let first17 = "14010519800230123"; // 30 February
        let n = format!("{first17}{}", check_digit(first17));
        assert!(IdCardNumber::parse(&n).is_none());
        let first17 = "14010519800229123"; // 1980 was a leap year
        let n = format!("{first17}{}", check_digit(first17));
        let id = IdCardNumber::parse(&n).unwrap();
        assert_eq!(id.birth_date(), "1980-02-29");
        assert!(id.is_male());
        assert!(IdCardNumber::parse("1101051949123100").is_none());
    }

    #[test]
    fn masks_keep_only_what_identifies_nobody() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_id_number("11010519491231002X"), "1101**********002X");
    }
}
