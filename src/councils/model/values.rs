//! The values of councils that carry a rule of their own: an exact share (⅔, "more than
//! half"), a follow-through progress, a floor area, and a decision's terms. Each is parsed
//! once at the edge and cannot hold an illegal value afterwards.

use jiff::civil::Date;
use serde::Serialize;

use crate::error::{Code, Error, Result};

use super::words::{Majority, TermsKind, ThresholdShare};

/// A share of a whole, counted exactly: `num/den` of it, either at least that much
/// (`以上`, which in Chinese law includes the amount itself: Civil Code art. 1259) or
/// strictly more (`过半数`, `超过`). Never a float: `part/whole ≥ num/den` is decided as
/// `part·den ≥ whole·num` in 128-bit integers, which cannot overflow for 64-bit parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Share {
    num: u32,
    den: u32,
    strict: bool,
}

impl Share {
    /// More than half (过半数).
    pub const MORE_THAN_HALF: Share = Share::raw(1, 2, true);
    /// Two-thirds or more (三分之二以上).
    pub const TWO_THIRDS: Share = Share::raw(2, 3, false);
    /// Three-quarters or more (四分之三以上).
    pub const THREE_QUARTERS: Share = Share::raw(3, 4, false);
    /// All of it.
    pub const ALL: Share = Share::raw(1, 1, false);

    const fn raw(num: u32, den: u32, strict: bool) -> Share {
        Share { num, den, strict }
    }

    /// A custom share, e.g. `Share::new(3, 5, false)` for "three-fifths or more". Refused
    /// (`invalid_share`) unless `0 < num ≤ den`, and "more than all of it" is refused too:
    /// nothing could ever meet it.
    pub fn new(num: u32, den: u32, strict: bool) -> Result<Share> {
        if num == 0 || den == 0 || num > den || (strict && num == den) {
            return Err(Error::new(Code::InvalidShare)
                .with("num", num)
                .with("den", den));
        }
        Ok(Share::raw(num, den, strict))
    }

    pub fn num(self) -> u32 {
        self.num
    }
    pub fn den(self) -> u32 {
        self.den
    }
    /// Strictly more than `num/den` (`过半数`), rather than at least (`以上`).
    pub fn strict(self) -> bool {
        self.strict
    }

    /// Whether `part` of `whole` meets this share. A share of nothing is never met: an
    /// empty electorate decides nothing, even "all of it".
    pub fn met(self, part: u64, whole: u64) -> bool {
        if whole == 0 {
            return false;
        }
        let lhs = part as u128 * self.den as u128;
        let rhs = whole as u128 * self.num as u128;
        if self.strict { lhs > rhs } else { lhs >= rhs }
    }

    /// The least part of `whole` that meets this share (`None` for an empty whole): what a
    /// page shows as "needs 14 of 20".
    pub fn least_of(self, whole: u64) -> Option<u64> {
        if whole == 0 {
            return None;
        }
        // ceil(whole·num/den), plus one when the share is strict and that lands exactly.
        let prod = whole as u128 * self.num as u128;
        let den = self.den as u128;
        let mut least = prod.div_ceil(den);
        if self.strict && least * den == prod {
            least += 1;
        }
        Some(least as u64)
    }
}

impl From<Majority> for Share {
    fn from(m: Majority) -> Share {
        match m {
            Majority::Simple => Share::MORE_THAN_HALF,
            Majority::TwoThirds => Share::TWO_THIRDS,
            Majority::All => Share::ALL,
        }
    }
}

impl From<ThresholdShare> for Share {
    fn from(t: ThresholdShare) -> Share {
        match t {
            ThresholdShare::All => Share::ALL,
            ThresholdShare::TwoThirds => Share::TWO_THIRDS,
            ThresholdShare::Majority => Share::MORE_THAN_HALF,
        }
    }
}

/// A follow-through item's progress, 0–100 %. Anything outside is refused
/// (`invalid_progress`), never clamped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Progress(u8);

impl Progress {
    pub const NONE: Progress = Progress(0);
    pub const DONE: Progress = Progress(100);

    pub fn new(p: i64) -> Result<Progress> {
        match u8::try_from(p) {
            Ok(p) if p <= 100 => Ok(Progress(p)),
            _ => Err(Error::invalid("progress", Code::InvalidProgress).with("value", p)),
        }
    }

    pub fn percent(self) -> u8 {
        self.0
    }
}

/// An exclusive floor area (专有部分面积) in hundredths of a square metre, as the property
/// register writes it (89.57 m² is 8957): exact sums and comparisons, no floats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FloorArea(u64);

impl FloorArea {
    pub const ZERO: FloorArea = FloorArea(0);

    pub fn from_centi(c: u64) -> FloorArea {
        FloorArea(c)
    }

    pub fn centi(self) -> u64 {
        self.0
    }

    /// Parses square metres with at most two decimals (`89.57`, `120`, `64.5`); anything
    /// else (a sign, a third decimal, letters, more than 10,000,000 m²) is refused.
    pub fn parse(s: &str) -> Result<FloorArea> {
        let bad = || Error::invalid("floor_area", Code::InvalidNumber);
        let s = s.trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 8 || frac.len() > 2 || !digits(whole) || !digits(frac)
        {
            return Err(bad());
        }
        if s.ends_with('.') {
            return Err(bad());
        }
        let whole: u64 = whole.parse().map_err(|_| bad())?;
        let frac: u64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
        Ok(FloorArea(whole * 100 + frac))
    }

    pub fn checked_add(self, o: FloorArea) -> Option<FloorArea> {
        self.0.checked_add(o.0).map(FloorArea)
    }
}

impl std::ops::Add for FloorArea {
    type Output = FloorArea;
    /// Saturating: no roster holds 10^17 m².
    fn add(self, o: FloorArea) -> FloorArea {
        FloorArea(self.0.saturating_add(o.0))
    }
}

impl std::iter::Sum for FloorArea {
    fn sum<I: Iterator<Item = FloorArea>>(it: I) -> FloorArea {
        it.fold(FloorArea::ZERO, |a, b| a + b)
    }
}

impl std::fmt::Display for FloorArea {
    /// `89.57`, as people read square metres.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// The longest text a decision's terms may have.
pub const MAX_TERMS: usize = 2000;

/// What a decision says, and for how long it holds (seed 004: "open the Beef Noodle gate
/// 07:00–21:00, keep the other closed", temporarily).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terms {
    text: String,
    /// The last day it holds, for a temporary decision; `None` when permanent.
    ends_on: Option<Date>,
}

impl Terms {
    /// The text trimmed (required, at most [`MAX_TERMS`] characters, no control characters
    /// but line breaks and tabs); a temporary decision's last day, which cannot be before
    /// the day it was decided.
    pub fn parse(
        text: &str,
        kind: TermsKind,
        ends_on: Option<Date>,
        decided_on: Date,
    ) -> Result<Terms> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::required("terms"));
        }
        if text.chars().count() > MAX_TERMS {
            return Err(Error::too_long("terms", MAX_TERMS));
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(Error::invalid("terms", Code::InvalidText));
        }
        let ends_on = match (kind, ends_on) {
            (TermsKind::Permanent, _) => None,
            (TermsKind::Temporary, None) => return Err(Error::required("ends_on")),
            (TermsKind::Temporary, Some(d)) if d < decided_on => {
                return Err(
                    Error::invalid("ends_on", Code::EndsBeforeStart).with("start", decided_on)
                );
            }
            (TermsKind::Temporary, Some(d)) => Some(d),
        };
        Ok(Terms {
            text: text.to_string(),
            ends_on,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn kind(&self) -> TermsKind {
        match self.ends_on {
            Some(_) => TermsKind::Temporary,
            None => TermsKind::Permanent,
        }
    }

    pub fn ends_on(&self) -> Option<Date> {
        self.ends_on
    }

    /// Whether the decision still holds on `day` (a permanent one always does).
    pub fn in_force_on(&self, day: Date) -> bool {
        self.ends_on.is_none_or(|end| day <= end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn legal_shares_at_their_edges() {
        // 过半数: 5 of 10 is not more than half, 6 is.
        assert!(!Share::MORE_THAN_HALF.met(5, 10));
        assert!(Share::MORE_THAN_HALF.met(6, 10));
        // 三分之二以上 includes two-thirds itself.
        assert!(Share::TWO_THIRDS.met(2, 3));
        assert!(!Share::TWO_THIRDS.met(666, 1000));
        assert!(Share::TWO_THIRDS.met(667, 1000));
        assert!(Share::THREE_QUARTERS.met(3, 4));
        assert!(!Share::THREE_QUARTERS.met(74, 99));
        assert!(Share::ALL.met(7, 7));
        assert!(!Share::ALL.met(6, 7));
        // Nothing of nothing.
        assert!(!Share::ALL.met(0, 0));
        assert!(!Share::MORE_THAN_HALF.met(0, 0));
        // No overflow at the top of u64.
        assert!(Share::TWO_THIRDS.met(u64::MAX, u64::MAX));
        assert!(!Share::MORE_THAN_HALF.met(u64::MAX / 2, u64::MAX));
    }

    #[test]
    fn custom_shares_are_checked() {
        assert!(Share::new(3, 5, false).is_ok());
        for (n, d, s) in [(0, 3, false), (1, 0, false), (4, 3, false), (1, 1, true)] {
            assert_eq!(Share::new(n, d, s).unwrap_err().code, Code::InvalidShare);
        }
    }

    #[test]
    fn least_part_that_meets_a_share() {
        assert_eq!(Share::MORE_THAN_HALF.least_of(10), Some(6));
        assert_eq!(Share::MORE_THAN_HALF.least_of(9), Some(5));
        assert_eq!(Share::TWO_THIRDS.least_of(3), Some(2));
        assert_eq!(Share::TWO_THIRDS.least_of(10), Some(7));
        assert_eq!(Share::ALL.least_of(4), Some(4));
        assert_eq!(Share::ALL.least_of(0), None);
    }

    #[test]
    fn progress_outside_0_to_100_is_refused() {
        assert_eq!(Progress::new(0).unwrap(), Progress::NONE);
        assert_eq!(Progress::new(100).unwrap(), Progress::DONE);
        for p in [-1, 101, 255, 256, i64::MIN, i64::MAX] {
            let e = Progress::new(p).unwrap_err();
            assert_eq!(e.code, Code::InvalidProgress);
            assert_eq!(e.field.as_deref(), Some("progress"));
        }
    }

    #[test]
    fn floor_areas_parse_exactly() {
        assert_eq!(FloorArea::parse("89.57").unwrap().centi(), 8957);
        assert_eq!(FloorArea::parse("64.5").unwrap().centi(), 6450);
        assert_eq!(FloorArea::parse(" 120 ").unwrap().centi(), 12000);
        assert_eq!(FloorArea::parse("89.57").unwrap().to_string(), "89.57");
        for bad in ["", "-3", "1.234", "1e3", "12.", ".5", "１２", "123456789"] {
            assert!(FloorArea::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn terms_of_a_temporary_decision_end_on_a_day() {
        let today = date(2026, 6, 14);
        let t = Terms::parse(
            "  开放牛肉面馆小门 07:00–21:00，三圣小门不开  ",
            TermsKind::Temporary,
            Some(date(2026, 9, 30)),
            today,
        )
        .unwrap();
        assert_eq!(t.text(), "开放牛肉面馆小门 07:00–21:00，三圣小门不开");
        assert_eq!(t.kind(), TermsKind::Temporary);
        assert!(t.in_force_on(date(2026, 9, 30)));
        assert!(!t.in_force_on(date(2026, 10, 1)));

        let p = Terms::parse("keep", TermsKind::Permanent, Some(date(2026, 1, 1)), today).unwrap();
        assert_eq!(p.ends_on(), None, "a permanent decision has no end");

        let e = Terms::parse("x", TermsKind::Temporary, None, today).unwrap_err();
        assert_eq!(e.code, Code::MissingField);
        let e =
            Terms::parse("x", TermsKind::Temporary, Some(date(2026, 6, 13)), today).unwrap_err();
        assert_eq!(e.code, Code::EndsBeforeStart);
        assert_eq!(
            Terms::parse("  ", TermsKind::Permanent, None, today)
                .unwrap_err()
                .code,
            Code::MissingField
        );
        assert_eq!(
            Terms::parse("a\u{7}b", TermsKind::Permanent, None, today)
                .unwrap_err()
                .code,
            Code::InvalidText
        );
    }

    proptest! {
        /// `met` agrees with exact rational comparison, and `least_of` is the least part
        /// that meets the share.
        #[test]
        fn share_is_exact(num in 1u32..20, extra in 0u32..20, strict: bool, part in 0u64..500, whole in 1u64..500) {
            let den = num + extra;
            prop_assume!(!(strict && num == den));
            let s = Share::new(num, den, strict).unwrap();
            let exact = if strict { part * den as u64 > whole * num as u64 } else { part * den as u64 >= whole * num as u64 };
            prop_assert_eq!(s.met(part, whole), exact);
            let least = s.least_of(whole).unwrap();
            prop_assert!(s.met(least, whole));
            prop_assert!(least == 0 || !s.met(least - 1, whole));
        }

        #[test]
        fn floor_area_round_trips(c in 0u64..1_000_000_000) {
            let a = FloorArea::from_centi(c);
            prop_assert_eq!(FloorArea::parse(&a.to_string()).unwrap(), a);
        }
    }
}
