//! Deadline arithmetic: "accept within 24 hours, feed back within two weeks" (seed 004),
//! per category, counted from the moment the demand was received.

use crate::clock::{DAY, HOUR, Millis};

use super::model::Status;

/// A category's deadlines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    pub accept_hours: i64,
    pub feedback_days: i64,
}

impl Default for Deadlines {
    /// The seeds' rule: accept within 24 hours, feedback within 14 days.
    fn default() -> Self {
        Deadlines {
            accept_hours: 24,
            feedback_days: 14,
        }
    }
}

impl Deadlines {
    /// `(accept_due_at, feedback_due_at)` for a demand received at `received`.
    pub fn due(self, received: Millis) -> (Millis, Millis) {
        (
            received + self.accept_hours * HOUR,
            received + self.feedback_days * DAY,
        )
    }
}

/// Which deadline, if any, an open demand has missed at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Overdue {
    /// Not accepted (or declined) within the accept deadline.
    Accept,
    /// Not fed back to the resident within the feedback deadline.
    Feedback,
}

pub fn overdue(
    status: Status,
    accept_due_at: Millis,
    feedback_due_at: Millis,
    now: Millis,
) -> Option<Overdue> {
    if status.awaits_feedback() && now > feedback_due_at {
        Some(Overdue::Feedback)
    } else if status == Status::Submitted && now > accept_due_at {
        Some(Overdue::Accept)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_a_day_to_accept_and_two_weeks_to_feed_back() {
        let (a, f) = Deadlines::default().due(Millis(1_000));
        assert_eq!(a, Millis(1_000 + 24 * HOUR));
        assert_eq!(f, Millis(1_000 + 14 * DAY));
    }

    #[test]
    fn overdue_is_the_missed_deadline_of_open_work_only() {
        let (a, f) = Deadlines::default().due(Millis(0));
        assert_eq!(overdue(Status::Submitted, a, f, a), None);
        assert_eq!(
            overdue(Status::Submitted, a, f, a + 1),
            Some(Overdue::Accept)
        );
        assert_eq!(overdue(Status::Accepted, a, f, a + 1), None);
        assert_eq!(
            overdue(Status::InProgress, a, f, f + 1),
            Some(Overdue::Feedback)
        );
        assert_eq!(
            overdue(Status::Submitted, a, f, f + 1),
            Some(Overdue::Feedback)
        );
        for done in [
            Status::FeedbackGiven,
            Status::Closed,
            Status::Declined,
            Status::Merged,
        ] {
            assert_eq!(overdue(done, a, f, f + DAY), None);
        }
    }
}
