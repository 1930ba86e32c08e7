//! A council's meetings from its schedule: the date-times in Asia/Shanghai that a
//! [`Recurrence`] produces from the first meeting (DTSTART) within a window of time.
//!
//! Semantics of RFC 5545 §3.3.10 for the subset Linli reads: the time of day is the first
//! meeting's; WEEKLY counts weeks from the week (starting on WKST) that holds the first
//! meeting, and without BYDAY meets on its weekday; MONTHLY without BYDAY meets on its day
//! of the month and skips months that lack it (no 31 February, as the RFC says), with BYDAY
//! on every such weekday, or the nth (`1MO`) or nth from last (`-1FR`); DAILY with BYDAY
//! keeps only those weekdays. COUNT counts meetings from the first; UNTIL is inclusive.
//! A first meeting that the rule itself does not produce (a Tuesday for `BYDAY=MO`) is not
//! one of them, as python-dateutil and most calendars do; RFC 5545 leaves it undefined.

use jiff::ZonedDateTime;
use jiff::civil::{Date, DateTime, Weekday};
use jiff::{Span, Timestamp};

use crate::clock::{Millis, china};
use crate::councils::model::{Freq, Recurrence, Until};

/// The most meetings one call gives; ask again from the last one for more.
pub const MAX_OCCURRENCES: usize = 2_000;
/// The most periods (days, weeks or months) one call walks through, so that a rule that
/// never meets in the window (a DAILY every 7 days on a weekday it never lands on) ends.
const MAX_PERIODS: i64 = 200_000;

/// The meetings of `rule` from the first one at `dtstart` (wall clock in Asia/Shanghai)
/// that fall in `[from, to)`, in order, at most [`MAX_OCCURRENCES`].
pub fn occurrences(
    rule: &Recurrence,
    dtstart: DateTime,
    from: Millis,
    to: Millis,
) -> Vec<ZonedDateTime> {
    let tz = china();
    let (from, to) = (instant(from), instant(to));
    if from >= to {
        return Vec::new();
    }
    let last_day = tz.to_datetime(to).date();
    let anchor = anchor(rule, dtstart.date());
    // Without COUNT, nothing before the window matters: start a period before it.
    let first = if rule.count.is_some() {
        0
    } else {
        let from_day = tz.to_datetime(from).date();
        (periods_between(rule.freq, anchor, from_day) / i64::from(rule.interval) - 1).max(0)
    };
    let mut out = Vec::new();
    let mut counted = 0u32;
    for i in first..first + MAX_PERIODS {
        let Some(start) = period_start(rule, anchor, i) else {
            break;
        };
        if start > last_day {
            break;
        }
        for day in candidates(rule, start, dtstart.date()) {
            let at = day.to_datetime(dtstart.time());
            if at < dtstart {
                continue;
            }
            let Ok(z) = at.to_zoned_datetime(tz.clone()) else {
                continue;
            };
            if past_until(rule.until, at, z.timestamp()) {
                return out;
            }
            counted += 1;
            if z.timestamp() >= to {
                return out;
            }
            if z.timestamp() >= from {
                out.push(z);
                if out.len() >= MAX_OCCURRENCES {
                    return out;
                }
            }
            if rule.count.is_some_and(|c| counted >= c) {
                return out;
            }
        }
    }
    out
}

/// A moment as jiff holds it, the ends of time clamped to jiff's (a little narrower than
/// [`Millis::MIN`]..[`Millis::MAX`]).
fn instant(m: Millis) -> Timestamp {
    Timestamp::from_millisecond(m.0).unwrap_or(if m.0 < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// The first day of the period that holds the first meeting.
fn anchor(rule: &Recurrence, first: Date) -> Date {
    match rule.freq {
        Freq::Daily => first,
        Freq::Weekly => {
            let back = rule.week_start.until(first.weekday());
            first.checked_sub(Span::new().days(back)).unwrap_or(first)
        }
        Freq::Monthly => first.first_of_month(),
    }
}

fn periods_between(freq: Freq, a: Date, b: Date) -> i64 {
    match freq {
        Freq::Daily => a.duration_until(b).as_secs() / 86_400,
        Freq::Weekly => a.duration_until(b).as_secs() / (7 * 86_400),
        Freq::Monthly => {
            (i64::from(b.year()) * 12 + i64::from(b.month()))
                - (i64::from(a.year()) * 12 + i64::from(a.month()))
        }
    }
}

fn period_start(rule: &Recurrence, anchor: Date, i: i64) -> Option<Date> {
    let n = i.checked_mul(i64::from(rule.interval))?;
    let span = match rule.freq {
        Freq::Daily => Span::new().try_days(n).ok()?,
        Freq::Weekly => Span::new().try_days(n.checked_mul(7)?).ok()?,
        Freq::Monthly => Span::new().try_months(n).ok()?,
    };
    anchor.checked_add(span).ok()
}

/// The days of one period that the rule meets on, in order.
fn candidates(rule: &Recurrence, start: Date, first: Date) -> Vec<Date> {
    match rule.freq {
        Freq::Daily => {
            let keep =
                rule.by_day.is_empty() || rule.by_day.iter().any(|d| d.weekday == start.weekday());
            if keep { vec![start] } else { vec![] }
        }
        Freq::Weekly => {
            let mut offsets: Vec<i8> = if rule.by_day.is_empty() {
                vec![rule.week_start.until(first.weekday())]
            } else {
                rule.by_day
                    .iter()
                    .map(|d| rule.week_start.until(d.weekday))
                    .collect()
            };
            offsets.sort_unstable();
            offsets.dedup();
            offsets
                .into_iter()
                .filter_map(|o| start.checked_add(Span::new().days(o)).ok())
                .collect()
        }
        Freq::Monthly => {
            let mut days: Vec<Date> = if rule.by_day.is_empty() {
                start.with().day(first.day()).build().into_iter().collect()
            } else {
                rule.by_day
                    .iter()
                    .flat_map(|d| match d.nth {
                        Some(n) => start
                            .nth_weekday_of_month(n, d.weekday)
                            .ok()
                            .into_iter()
                            .collect(),
                        None => every(start, d.weekday),
                    })
                    .collect()
            };
            days.sort_unstable();
            days.dedup();
            days
        }
    }
}

/// Every `weekday` of the month that starts on `first`.
fn every(first: Date, weekday: Weekday) -> Vec<Date> {
    (1..=5)
        .filter_map(|n| first.nth_weekday_of_month(n, weekday).ok())
        .collect()
}

fn past_until(until: Option<Until>, at: DateTime, ts: Timestamp) -> bool {
    match until {
        None => false,
        Some(Until::Date(d)) => at.date() > d,
        Some(Until::Local(dt)) => at > dt,
        Some(Until::Utc(u)) => ts > u,
    }
}

#[cfg(test)]
#[path = "tests/schedule.rs"]
mod tests;
