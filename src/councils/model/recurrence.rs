//! A council's schedule as an RFC 5545 recurrence rule (RRULE, RFC 5545 §3.3.10), parsed
//! once at the edge: `FREQ=WEEKLY;BYDAY=MO` (the living room, every Monday),
//! `FREQ=MONTHLY;BYDAY=1MO` (the first Monday of each month), `FREQ=WEEKLY;INTERVAL=2;
//! BYDAY=TU,TH;COUNT=10`. Its meetings are produced by `rules::schedule::occurrences`.
//!
//! Linli reads the subset that councils use, over jiff rather than a chrono-based crate:
//! FREQ (DAILY, WEEKLY, MONTHLY), INTERVAL, BYDAY (with an ordinal such as `1MO` or `-1FR`
//! in a monthly rule), COUNT or UNTIL, and WKST. Anything else (YEARLY, BYMONTHDAY,
//! BYSETPOS, BYHOUR, …) is refused with `invalid_recurrence` naming the part, never
//! ignored: a schedule that silently meant something else would put meetings on the wrong
//! days. The time of day comes from the first meeting (DTSTART).

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};

use crate::error::{Code, Error, Result};

/// The longest rule text accepted.
pub const MAX_RULE: usize = 200;
/// The most meetings a rule with COUNT may produce.
pub const MAX_COUNT: u32 = 10_000;
/// The longest INTERVAL (every 1,000 days, weeks or months is already beyond any council).
pub const MAX_INTERVAL: u16 = 1_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freq {
    Daily,
    Weekly,
    Monthly,
}

impl Freq {
    fn as_str(self) -> &'static str {
        match self {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
        }
    }
}

/// One BYDAY entry: a weekday, with an ordinal in a monthly rule (`1MO`: the first Monday
/// of the month, `-1FR`: the last Friday; `MO` alone: every Monday).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ByDay {
    pub nth: Option<i8>,
    pub weekday: Weekday,
}

/// When a rule ends (inclusive): a date, a wall-clock time in Asia/Shanghai (a "floating"
/// UNTIL), or a UTC instant (`…Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    Date(Date),
    Local(DateTime),
    Utc(Timestamp),
}

/// A parsed recurrence rule. Its `Display` is the canonical RRULE value (what is stored
/// and written to `.ics` files), which parses back to the same rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recurrence {
    pub freq: Freq,
    pub interval: u16,
    /// Sorted and without repeats; empty: the weekday (or day of month) of the first meeting.
    pub by_day: Vec<ByDay>,
    pub count: Option<u32>,
    pub until: Option<Until>,
    /// The first day of a week, for `WEEKLY` with an INTERVAL (default Monday).
    pub week_start: Weekday,
}

fn refuse(detail: impl Into<String>) -> Error {
    Error::invalid("recurrence", Code::InvalidRecurrence).with("detail", detail.into())
}

const DAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

fn weekday(s: &str) -> Option<Weekday> {
    DAYS.iter().find(|(c, _)| *c == s).map(|(_, w)| *w)
}

fn weekday_code(w: Weekday) -> &'static str {
    DAYS.iter().find(|(_, d)| *d == w).map_or("MO", |(c, _)| c)
}

impl Recurrence {
    /// Parses an RRULE value, with or without the `RRULE:` prefix; names and values are
    /// case-insensitive (RFC 5545 §3.1), parts may come in any order, none twice.
    pub fn parse(text: &str) -> Result<Recurrence> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::required("recurrence"));
        }
        if text.len() > MAX_RULE {
            return Err(Error::too_long("recurrence", MAX_RULE));
        }
        let upper = text.to_ascii_uppercase();
        let body = upper.strip_prefix("RRULE:").unwrap_or(&upper);
        // A trailing semicolon, as some calendars write, ends the rule; an empty part
        // anywhere else is refused.
        let body = body.strip_suffix(';').unwrap_or(body);
        let mut freq = None;
        let mut interval = None;
        let mut by_day = None;
        let mut count = None;
        let mut until = None;
        let mut week_start = None;
        for part in body.split(';') {
            let Some((name, value)) = part.split_once('=') else {
                if part.is_empty() {
                    return Err(refuse("an empty part"));
                }
                return Err(refuse(format!("\"{part}\" is not NAME=VALUE")));
            };
            let twice = || refuse(format!("{name} is given twice"));
            match name {
                "FREQ" => {
                    let f = match value {
                        "DAILY" => Freq::Daily,
                        "WEEKLY" => Freq::Weekly,
                        "MONTHLY" => Freq::Monthly,
                        _ => return Err(refuse(format!("FREQ={value} is not supported"))),
                    };
                    freq.replace(f).map_or(Ok(()), |_| Err(twice()))?;
                }
                "INTERVAL" => {
                    let n = number(value, 1, MAX_INTERVAL as u32, name)? as u16;
                    interval.replace(n).map_or(Ok(()), |_| Err(twice()))?;
                }
                "COUNT" => {
                    let n = number(value, 1, MAX_COUNT, name)?;
                    count.replace(n).map_or(Ok(()), |_| Err(twice()))?;
                }
                "UNTIL" => {
                    let u = parse_until(value)?;
                    until.replace(u).map_or(Ok(()), |_| Err(twice()))?;
                }
                "BYDAY" => {
                    let days = value
                        .split(',')
                        .map(parse_by_day)
                        .collect::<Result<Vec<_>>>()?;
                    by_day.replace(days).map_or(Ok(()), |_| Err(twice()))?;
                }
                "WKST" => {
                    let w = weekday(value)
                        .ok_or_else(|| refuse(format!("WKST={value} is not a weekday")))?;
                    week_start.replace(w).map_or(Ok(()), |_| Err(twice()))?;
                }
                "" => return Err(refuse("an empty part")),
                other => return Err(refuse(format!("{other} is not supported"))),
            }
        }
        let freq = freq.ok_or_else(|| refuse("FREQ is required"))?;
        if count.is_some() && until.is_some() {
            return Err(refuse("COUNT and UNTIL cannot both be given"));
        }
        let mut by_day = by_day.unwrap_or_default();
        if freq != Freq::Monthly && by_day.iter().any(|d| d.nth.is_some()) {
            return Err(refuse("a BYDAY ordinal such as 1MO needs FREQ=MONTHLY"));
        }
        by_day.sort_by_key(|d| (d.nth, d.weekday.to_monday_zero_offset()));
        by_day.dedup();
        Ok(Recurrence {
            freq,
            interval: interval.unwrap_or(1),
            by_day,
            count,
            until,
            week_start: week_start.unwrap_or(Weekday::Monday),
        })
    }
}

fn number(value: &str, min: u32, max: u32, name: &str) -> Result<u32> {
    match value.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) && value.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(refuse(format!(
            "{name} must be a whole number from {min} to {max}"
        ))),
    }
}

fn parse_by_day(s: &str) -> Result<ByDay> {
    let bad = || refuse(format!("BYDAY {s} is not a weekday such as MO or 1MO"));
    if s.len() < 2 || !s.is_ascii() {
        return Err(bad());
    }
    let (n, day) = s.split_at(s.len() - 2);
    let weekday = weekday(day).ok_or_else(bad)?;
    let nth = match n {
        "" => None,
        n => {
            let digits = n.strip_prefix(['+', '-']).unwrap_or(n);
            if digits.is_empty() || digits.len() > 1 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(bad());
            }
            // A month has at most five of any weekday.
            match n.parse::<i8>() {
                Ok(k) if k != 0 && (-5..=5).contains(&k) => Some(k),
                _ => {
                    return Err(refuse(format!(
                        "BYDAY {s}: the ordinal must be 1–5 or -1–-5"
                    )));
                }
            }
        }
    };
    Ok(ByDay { nth, weekday })
}

fn parse_until(v: &str) -> Result<Until> {
    let bad = || {
        refuse(format!(
            "UNTIL={v} is not a date (20261231) or a time (20261231T235959Z)"
        ))
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let int = |s: &str| s.parse::<i16>().map_err(|_| bad());
    let date_of = |s: &str| -> Result<Date> {
        if s.len() != 8 || !digits(s) {
            return Err(bad());
        }
        Date::new(int(&s[..4])?, int(&s[4..6])? as i8, int(&s[6..])? as i8).map_err(|_| bad())
    };
    match v.split_once('T') {
        None => Ok(Until::Date(date_of(v)?)),
        Some((d, t)) => {
            let (t, utc) = match t.strip_suffix('Z') {
                Some(t) => (t, true),
                None => (t, false),
            };
            if t.len() != 6 || !digits(t) {
                return Err(bad());
            }
            let dt = DateTime::new(
                date_of(d)?.year(),
                date_of(d)?.month(),
                date_of(d)?.day(),
                int(&t[..2])? as i8,
                int(&t[2..4])? as i8,
                int(&t[4..])? as i8,
                0,
            )
            .map_err(|_| bad())?;
            if utc {
                let ts = jiff::tz::TimeZone::UTC
                    .to_timestamp(dt)
                    .map_err(|_| bad())?;
                Ok(Until::Utc(ts))
            } else {
                Ok(Until::Local(dt))
            }
        }
    }
}

impl std::fmt::Display for Recurrence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FREQ={}", self.freq.as_str())?;
        if self.interval != 1 {
            write!(f, ";INTERVAL={}", self.interval)?;
        }
        if !self.by_day.is_empty() {
            f.write_str(";BYDAY=")?;
            for (i, d) in self.by_day.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                if let Some(n) = d.nth {
                    write!(f, "{n}")?;
                }
                f.write_str(weekday_code(d.weekday))?;
            }
        }
        if let Some(c) = self.count {
            write!(f, ";COUNT={c}")?;
        }
        match self.until {
            Some(Until::Date(d)) => write!(f, ";UNTIL={}", d.strftime("%Y%m%d"))?,
            Some(Until::Local(dt)) => write!(f, ";UNTIL={}", dt.strftime("%Y%m%dT%H%M%S"))?,
            Some(Until::Utc(ts)) => write!(f, ";UNTIL={}", ts.strftime("%Y%m%dT%H%M%SZ"))?,
            None => {}
        }
        if self.week_start != Weekday::Monday {
            write!(f, ";WKST={}", weekday_code(self.week_start))?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "tests/recurrence.rs"]
mod tests;
