//! Age bands of the resident list (0–17, 18–59, 60–79, 80+): which birth dates a band
//! holds on a given day. The day comes from the caller's clock, never the system's; the
//! comparison itself runs in SQL over `YYYY-MM-DD` text, which orders as dates do.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::error::{Code, Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgeBand {
    Minor,
    Adult,
    Senior,
    Eldest,
}

impl AgeBand {
    pub const ALL: [AgeBand; 4] = [
        AgeBand::Minor,
        AgeBand::Adult,
        AgeBand::Senior,
        AgeBand::Eldest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Minor => "0-17",
            AgeBand::Adult => "18-59",
            AgeBand::Senior => "60-79",
            AgeBand::Eldest => "80+",
        }
    }

    /// The band's code, or none when blank; anything else is refused on `age`.
    pub fn parse(v: Option<&str>) -> Result<Option<AgeBand>> {
        let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        AgeBand::ALL
            .into_iter()
            .find(|b| b.as_str() == v)
            .map(Some)
            .ok_or_else(|| {
                let allowed: Vec<&str> = AgeBand::ALL.iter().map(|b| b.as_str()).collect();
                Error::invalid("age", Code::InvalidChoice).with("allowed", allowed.join(", "))
            })
    }

    /// The youngest and (when there is one) the oldest age of the band, in whole years.
    fn years(self) -> (i16, Option<i16>) {
        match self {
            AgeBand::Minor => (0, Some(17)),
            AgeBand::Adult => (18, Some(59)),
            AgeBand::Senior => (60, Some(79)),
            AgeBand::Eldest => (80, None),
        }
    }

    /// On `today`, the band holds those born after the first date (when there is one) and
    /// on or before the second, both `YYYY-MM-DD`.
    pub fn born(self, today: Date) -> Born {
        let (min, max) = self.years();
        let ago = |y: i16| today.checked_sub(i64::from(y).years()).ok();
        Born {
            after: max.and_then(|m| ago(m + 1)).map(|d| d.to_string()),
            by: ago(min).map(|d| d.to_string()),
            children: min == 0 && max.is_none_or(|m| i64::from(m) >= super::child::CHILD_AGE - 1),
        }
    }
}

/// A range of birth dates, `YYYY-MM-DD`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Born {
    /// Born strictly after this day.
    pub after: Option<String>,
    /// Born on this day or before.
    pub by: Option<String>,
    /// The band holds every child under 14 (whose birth dates are sealed).
    pub children: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_turn_into_birth_dates_on_the_day() {
        let today: Date = "2026-12-01".parse().unwrap();
        let b = AgeBand::Minor.born(today);
        assert_eq!(b.after.as_deref(), Some("2008-12-01"));
        assert_eq!(b.by.as_deref(), Some("2026-12-01"));
        // Someone born on 1946-12-01 turns 80 today: in 80+, not in 60-79.
        let b = AgeBand::Senior.born(today);
        assert_eq!(b.after.as_deref(), Some("1946-12-01"));
        assert_eq!(b.by.as_deref(), Some("1966-12-01"));
        let b = AgeBand::Eldest.born(today);
        assert_eq!((b.after, b.by.as_deref()), (None, Some("1946-12-01")));
        assert_eq!(
            AgeBand::parse(Some(" 80+ ")).unwrap(),
            Some(AgeBand::Eldest)
        );
        assert_eq!(AgeBand::parse(Some("")).unwrap(), None);
        let e = AgeBand::parse(Some("100")).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::InvalidChoice, Some("age"))
        );
    }
}
