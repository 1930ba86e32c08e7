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

/// Parses `2026-11-25` (start of that day in China) or an RFC 3339 timestamp.
pub fn parse_time(s: &str) -> Option<Millis> {
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return d
            .to_zoned_datetime(china())
            .ok()
            .map(|z| Millis(z.timestamp().as_millisecond()));
    }
    s.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| Millis(t.as_millisecond()))
}
