//! The council figures' pure parts: how a follow-through item counts, and the rates.

use jiff::civil::Date;

use crate::clock::Millis;
use crate::councils::model::FollowStatus;

use super::{CouncilCounts, CouncilRates};

/// How one item due in the period counts, on `today` (China).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemCount {
    /// Its due day is past, or it is done: it can be judged.
    pub due: bool,
    /// Done by the end of its due day.
    pub on_time: bool,
    /// Still open after its due day.
    pub overdue: bool,
}

/// `done_day` is the China day it was done (none while open).
pub fn item(due_on: Date, status: FollowStatus, done_day: Option<Date>, today: Date) -> ItemCount {
    let done = status == FollowStatus::Done;
    let open = matches!(status, FollowStatus::Planned | FollowStatus::InProgress);
    let due = status != FollowStatus::Cancelled && (done || due_on < today);
    ItemCount {
        due,
        on_time: done && done_day.is_some_and(|d| d <= due_on),
        overdue: open && due_on < today,
    }
}

/// The China day of a moment.
pub fn day_in_china(at: Millis) -> Option<Date> {
    crate::clock::civil_in(at, &crate::clock::china()).map(|d| d.date())
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

pub fn rates(c: &CouncilCounts) -> CouncilRates {
    CouncilRates {
        attendance_rate: ratio(c.members_present, c.members_expected),
        decided_rate: ratio(c.topics_decided, c.topics_discussed),
        on_time_rate: ratio(c.items_on_time, c.items_due),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn an_item_is_on_time_when_done_by_its_due_day_and_overdue_when_open_after_it() {
        let today = d("2026-12-04");
        let due = d("2026-12-01");
        let done = |day: &str| item(due, FollowStatus::Done, Some(d(day)), today);
        assert_eq!(
            done("2026-12-01"),
            ItemCount {
                due: true,
                on_time: true,
                overdue: false
            }
        );
        assert!(!done("2026-12-02").on_time && done("2026-12-02").due);
        let open = item(due, FollowStatus::InProgress, None, today);
        assert!(open.due && open.overdue && !open.on_time);
        // Due today or later and open: not judged yet.
        let later = item(d("2026-12-04"), FollowStatus::Planned, None, today);
        assert!(!later.due && !later.overdue);
        // Done early, before its due day came: judged, on time.
        let early = item(
            d("2026-12-20"),
            FollowStatus::Done,
            Some(d("2026-12-03")),
            today,
        );
        assert!(early.due && early.on_time);
        // Cancelled: not counted.
        let gone = item(due, FollowStatus::Cancelled, None, today);
        assert!(!gone.due && !gone.overdue && !gone.on_time);
    }

    #[test]
    fn rates_are_null_without_a_whole() {
        let r = rates(&CouncilCounts::default());
        assert_eq!(r, CouncilRates::default());
        let r = rates(&CouncilCounts {
            members_expected: 20,
            members_present: 15,
            topics_discussed: 4,
            topics_decided: 3,
            items_due: 2,
            items_on_time: 1,
            ..Default::default()
        });
        assert_eq!(
            (r.attendance_rate, r.decided_rate, r.on_time_rate),
            (Some(0.75), Some(0.75), Some(0.5))
        );
    }
}
