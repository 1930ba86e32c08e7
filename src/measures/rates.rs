//! The rates as plain arithmetic over counts. Each definition is also in `docs/api.md`.

use serde::Serialize;
use utoipa::ToSchema;

/// What the rates are computed from, for one group of demands received in the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema, sqlx::FromRow)]
pub struct Counts {
    /// Demands received, duplicates merged into others not counted.
    pub received: i64,
    /// Received demands whose accept deadline has passed, or that were already accepted or
    /// declined: those that had to be responded to by now.
    pub due_for_response: i64,
    /// Of those, accepted or declined no later than the accept deadline.
    pub responded_on_time: i64,
    /// Demands the resident has rated (the latest rating counts).
    pub rated: i64,
    /// Rated "solved".
    pub solved: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub unsatisfied: i64,
    /// Received demands (not declined) whose feedback deadline has passed, or that were
    /// already fed back.
    pub due_for_feedback: i64,
    /// Of those, first fed back no later than the feedback deadline.
    pub fed_back_on_time: i64,
    /// Closed without a rating after the rating window (counted apart).
    pub closed_unrated: i64,
    pub submitted: i64,
    pub accepted: i64,
    pub dispatched: i64,
    pub in_progress: i64,
    pub resolved: i64,
    pub feedback_given: i64,
    pub closed: i64,
    pub declined: i64,
    pub merged: i64,
}

/// The rates, each a fraction in [0, 1], or null when nothing counts toward it yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Rates {
    /// 响应率 = responded_on_time / due_for_response.
    pub response_rate: Option<f64>,
    /// 解决率 = solved / rated.
    pub resolution_rate: Option<f64>,
    /// 满意率 = (satisfied + basically_satisfied) / rated.
    pub satisfaction_rate: Option<f64>,
    /// 按时反馈率 = fed_back_on_time / due_for_feedback.
    pub on_time_rate: Option<f64>,
}

fn ratio(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

pub fn rates(c: &Counts) -> Rates {
    Rates {
        response_rate: ratio(c.responded_on_time, c.due_for_response),
        resolution_rate: ratio(c.solved, c.rated),
        satisfaction_rate: ratio(c.satisfied + c.basically_satisfied, c.rated),
        on_time_rate: ratio(c.fed_back_on_time, c.due_for_feedback),
    }
}

impl Counts {
    /// Sums groups into a total.
    pub fn add(&mut self, o: &Counts) {
        self.received += o.received;
        self.due_for_response += o.due_for_response;
        self.responded_on_time += o.responded_on_time;
        self.rated += o.rated;
        self.solved += o.solved;
        self.satisfied += o.satisfied;
        self.basically_satisfied += o.basically_satisfied;
        self.unsatisfied += o.unsatisfied;
        self.due_for_feedback += o.due_for_feedback;
        self.fed_back_on_time += o.fed_back_on_time;
        self.closed_unrated += o.closed_unrated;
        self.submitted += o.submitted;
        self.accepted += o.accepted;
        self.dispatched += o.dispatched;
        self.in_progress += o.in_progress;
        self.resolved += o.resolved;
        self.feedback_given += o.feedback_given;
        self.closed += o.closed;
        self.declined += o.declined;
        self.merged += o.merged;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_fractions_of_what_counts_toward_them() {
        let c = Counts {
            received: 10,
            due_for_response: 8,
            responded_on_time: 6,
            rated: 5,
            solved: 4,
            satisfied: 2,
            basically_satisfied: 1,
            unsatisfied: 2,
            due_for_feedback: 4,
            fed_back_on_time: 3,
            ..Default::default()
        };
        let r = rates(&c);
        assert_eq!(r.response_rate, Some(0.75));
        assert_eq!(r.resolution_rate, Some(0.8));
        assert_eq!(r.satisfaction_rate, Some(0.6));
        assert_eq!(r.on_time_rate, Some(0.75));
    }

    #[test]
    fn nothing_to_count_is_no_rate_not_zero() {
        let r = rates(&Counts::default());
        assert_eq!(r, Rates::default());
        assert_eq!(r.response_rate, None);
    }

    #[test]
    fn groups_add_up_to_the_total() {
        let a = Counts {
            received: 2,
            rated: 1,
            solved: 1,
            ..Default::default()
        };
        let mut t = Counts::default();
        t.add(&a);
        t.add(&a);
        assert_eq!(t.received, 4);
        assert_eq!(rates(&t).resolution_rate, Some(1.0));
    }
}
