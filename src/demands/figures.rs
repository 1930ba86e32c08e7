//! What each figure of the measures counts, written once as a condition on a demand (alias
//! `d`): the measures sum these conditions, and the demand list filters by them
//! (`?counted=…`), so a figure on the dashboard and the list it opens always hold the
//! same demands. The definitions are the 12345 hotline's (see `measures::rates`).

use serde::Deserialize;

use crate::clock::Millis;
use crate::db::Q;

/// A part of a rate: the demands it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// Received, duplicates merged into others not counted.
    Received,
    /// Whose accept deadline has passed, or that were already accepted or declined.
    DueForResponse,
    /// Of those, accepted or declined no later than the accept deadline.
    RespondedOnTime,
    /// Rated by the resident (the latest rating counts).
    Rated,
    /// Rated solved.
    Solved,
    /// Rated satisfied or basically satisfied.
    Pleased,
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
    /// Not declined, whose feedback deadline has passed, or already fed back.
    DueForFeedback,
    /// Of those, first fed back no later than the feedback deadline.
    FedBackOnTime,
    /// Closed without a rating after the rating window.
    ClosedUnrated,
    /// Closed (rated or not).
    Closed,
}

/// Stands for the moment of counting in a condition.
const NOW: &str = "{now}";

impl Counted {
    pub const ALL: [Counted; 13] = [
        Counted::Received,
        Counted::DueForResponse,
        Counted::RespondedOnTime,
        Counted::Rated,
        Counted::Solved,
        Counted::Pleased,
        Counted::Satisfied,
        Counted::BasicallySatisfied,
        Counted::Unsatisfied,
        Counted::DueForFeedback,
        Counted::FedBackOnTime,
        Counted::ClosedUnrated,
        Counted::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Received => "received",
            Counted::DueForResponse => "due_for_response",
            Counted::RespondedOnTime => "responded_on_time",
            Counted::Rated => "rated",
            Counted::Solved => "solved",
            Counted::Pleased => "pleased",
            Counted::Satisfied => "satisfied",
            Counted::BasicallySatisfied => "basically_satisfied",
            Counted::Unsatisfied => "unsatisfied",
            Counted::DueForFeedback => "due_for_feedback",
            Counted::FedBackOnTime => "fed_back_on_time",
            Counted::ClosedUnrated => "closed_unrated",
            Counted::Closed => "closed",
        }
    }

    /// The condition on a demand `d`, with [`NOW`] where the moment of counting goes.
    fn condition(self) -> &'static str {
        match self {
            Counted::Received => "d.status <> 'merged'",
            Counted::DueForResponse => {
                "d.status <> 'merged' AND (d.responded_at IS NOT NULL OR d.accept_due_at < {now})"
            }
            Counted::RespondedOnTime => {
                "d.status <> 'merged' AND d.responded_at <= d.accept_due_at"
            }
            Counted::Rated => "d.rating_solved IS NOT NULL",
            Counted::Solved => "d.rating_solved = TRUE",
            Counted::Pleased => {
                "d.rating_solved IS NOT NULL AND d.rating_satisfaction IN ('satisfied', 'basically')"
            }
            Counted::Satisfied => {
                "d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'satisfied'"
            }
            Counted::BasicallySatisfied => {
                "d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'basically'"
            }
            Counted::Unsatisfied => {
                "d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'unsatisfied'"
            }
            Counted::DueForFeedback => {
                "d.status NOT IN ('merged', 'declined') \
                 AND (d.first_feedback_at IS NOT NULL OR d.feedback_due_at < {now})"
            }
            Counted::FedBackOnTime => {
                "d.status NOT IN ('merged', 'declined') AND d.first_feedback_at <= d.feedback_due_at"
            }
            Counted::ClosedUnrated => "d.close_kind = 'unrated'",
            Counted::Closed => "d.status = 'closed'",
        }
    }

    /// The condition as SQL text, the moment of counting being the placeholder `now`
    /// (e.g. `$1`): for sums over many demands.
    pub fn sql(self, now: &str) -> String {
        self.condition().replace(NOW, now)
    }

    /// Appends ` AND (condition)` to a query, binding the moment of counting.
    pub fn push(self, q: &mut Q, now: Millis) {
        q.push(" AND (");
        let mut parts = self.condition().split(NOW);
        if let Some(first) = parts.next() {
            q.push(first);
        }
        for rest in parts {
            q.push_bind(now).push(rest);
        }
        q.push(")");
    }

    /// `CAST(COALESCE(SUM(CASE WHEN condition THEN 1 ELSE 0 END), 0) AS BIGINT) AS name`.
    pub fn sum(self, now: &str) -> String {
        format!(
            "CAST(COALESCE(SUM(CASE WHEN {} THEN 1 ELSE 0 END), 0) AS BIGINT) AS {}",
            self.sql(now),
            self.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_condition_binds_the_moment_wherever_it_needs_it() {
        let mut q = Q::new("SELECT 1 FROM demands d WHERE 1 = 1");
        Counted::DueForFeedback.push(&mut q, Millis(5));
        assert!(q.sql().contains("d.feedback_due_at < $1)"), "{}", q.sql());
        let mut q = Q::new("SELECT 1 FROM demands d WHERE 1 = 1");
        Counted::Solved.push(&mut q, Millis(5));
        assert!(!q.sql().contains('$'));
        assert!(Counted::Received.sum("$1").ends_with("AS received"));
    }

    #[test]
    fn every_part_has_its_name() {
        let names: std::collections::HashSet<_> = Counted::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Counted::ALL.len());
    }
}
