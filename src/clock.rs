//! Time. Everything that decides by time asks a [`Clock`], so tests can move a week ahead
//! and the demo can replay a month of history.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

pub use crate::db::time::Millis;

/// Durations, in milliseconds.
pub const MINUTE: i64 = 60_000;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

/// The system clock plus an offset (always zero outside tests and demo replay).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::default()
    }

    pub fn now(&self) -> Millis {
        system_now() + self.offset.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every clone of it) forward by `by` milliseconds.
    pub fn advance(&self, by: i64) {
        self.offset.fetch_add(by, Ordering::Relaxed);
    }
}

pub fn system_now() -> Millis {
    Millis(jiff::Timestamp::now().as_millisecond())
}

/// Formats a timestamp in China Standard Time, as people read it: `2026-11-25 09:30`.
pub fn format_local(ms: Millis) -> String {
    match jiff::Timestamp::from_millisecond(ms.0) {
        Ok(t) => t
            .to_zoned_datetime(china())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => String::new(),
    }
}

/// The date and time on a wall clock in `tz` (pass `china()`, looked up once, when
/// converting many moments).
pub fn civil_in(ms: Millis, tz: &jiff::tz::TimeZone) -> Option<jiff::civil::DateTime> {
    jiff::Timestamp::from_millisecond(ms.0)
        .ok()
        .map(|t| tz.to_datetime(t))
}

/// RFC 3339 with the +08:00 offset, for the API.
pub fn rfc3339(ms: Millis) -> String {
    match jiff::Timestamp::from_millisecond(ms.0) {
        Ok(t) => t
            .to_zoned_datetime(china())
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        Err(_) => String::new(),
    }
}

/// Asia/Shanghai: deadlines and date ranges are counted in it.
pub fn china() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Shanghai")
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
}

/// Parses `2026-11-25` (start of that day in China), `2026-11-25T14:30` (China time, as a
/// browser's date-and-time field sends it) or an RFC 3339 timestamp.
pub fn parse_time(s: &str) -> Option<Millis> {
    // A civil date and time (a date alone is its midnight); one with an offset or a zone
    // is a timestamp, below.
    if let Ok(d) = s.parse::<jiff::civil::DateTime>()
        && !s.contains(['+', 'Z', 'z', '['])
        && !s.get(10..).is_some_and(|t| t.contains('-'))
    {
        return d
            .to_zoned_datetime(china())
            .ok()
            .map(|z| Millis(z.timestamp().as_millisecond()));
    }
    s.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| Millis(t.as_millisecond()))
}

// Calendar days and months in China time, as whole numbers (for the measures' rollups).

/// China Standard Time as a fixed offset: days and months of the rollups are counted in it (China has kept no summer time
/// since 1991, so this is Asia/Shanghai for every demand Linli holds).
pub const CST: i64 = 8 * HOUR;

/// The day (since 1970-01-01, China time) a moment falls in.
pub fn day_of(t: Millis) -> i64 {
    (t.0 + CST).div_euclid(DAY)
}

/// The first moment of a day.
pub fn day_start(day: i64) -> Millis {
    Millis(day * DAY - CST)
}

/// The month (`year * 12 + month - 1`, China time) a moment falls in.
pub fn month_of(t: Millis) -> i64 {
    let (y, m, _) = civil_from_days(day_of(t));
    y * 12 + m - 1
}

/// The first moment of a month.
pub fn month_start(month: i64) -> Millis {
    let (y, m) = (month.div_euclid(12), month.rem_euclid(12) + 1);
    day_start(days_from_civil(y, m, 1))
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_as_a_day_a_local_time_or_a_timestamp() {
        let day = parse_time("2026-12-03").unwrap();
        assert_eq!(rfc3339(day), "2026-12-03T00:00:00+08:00");
        // As a browser's date-and-time field sends it: China time, minutes kept.
        let local = parse_time("2026-12-03T14:00").unwrap();
        assert_eq!(local, day + 14 * HOUR);
        let stamp = parse_time("2026-12-03T06:00:00Z").unwrap();
        assert_eq!(stamp, day + 14 * HOUR);
        assert_eq!(parse_time("2026-12-03T14:00:00+08:00"), Some(local));
        assert_eq!(parse_time("tomorrow"), None);
    }

    #[test]
    fn months_are_counted_in_china_time() {
        // 2026-01-31 16:00 UTC is 2026-02-01 00:00 in Beijing.
        let t = Millis(
            jiff::Timestamp::from_second(1_769_875_200)
                .unwrap()
                .as_millisecond(),
        );
        assert_eq!(month_of(t), 2026 * 12 + 1);
        assert_eq!(month_of(t - 1), 2026 * 12);
        assert_eq!(month_start(2026 * 12 + 1), t);
    }

    #[test]
    fn days_start_at_midnight_in_china() {
        let t = Millis(
            jiff::Timestamp::from_second(1_769_875_200)
                .unwrap()
                .as_millisecond(),
        );
        let d = day_of(t);
        assert_eq!(day_start(d), t);
        assert_eq!(day_of(t - 1), d - 1);
        assert_eq!(day_of(t + DAY - 1), d);
    }

    #[test]
    fn month_start_and_month_of_agree_over_centuries() {
        for m in (1900 * 12)..(2200 * 12) {
            let s = month_start(m);
            assert_eq!(month_of(s), m);
            assert_eq!(month_of(s - 1), m - 1);
        }
    }
}
