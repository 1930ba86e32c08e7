//! What people ask of a demand after intake: one command per lifecycle step, its free text
//! already trimmed and bounded, its choices already parsed. The API's JSON and the pages'
//! forms both become one of these, so a limit here holds for both.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{Code, Error, Result};

use super::{FeedbackMethod, Satisfaction, TargetKind, Urgency};

/// Someone to dispatch a demand to.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Target {
    /// `user` (a grid worker, volunteer or staff member), `team` or `unit`.
    pub kind: TargetKind,
    pub id: i64,
}

/// Someone a whistle summons: a unit, or a person (party member, building head).
#[derive(Clone, Copy, Debug, Deserialize, ToSchema, PartialEq, Eq)]
pub struct SummonTarget {
    /// `unit` or `user`.
    pub kind: TargetKind,
    pub id: i64,
}

/// The most units and people one whistle summons.
pub const MAX_SUMMONED: usize = 20;

/// The parties of one whistle: at least one, at most [`MAX_SUMMONED`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summons(Vec<SummonTarget>);

impl Summons {
    pub fn parse(targets: Vec<SummonTarget>) -> Result<Summons> {
        if targets.is_empty() {
            return Err(Error::required("summon"));
        }
        if targets.len() > MAX_SUMMONED {
            return Err(Error::invalid("summon", Code::TooManySummoned).with("max", MAX_SUMMONED));
        }
        Ok(Summons(targets))
    }

    pub fn targets(&self) -> &[SummonTarget] {
        &self.0
    }
}

/// A step with what it needs.
#[derive(Clone, Debug)]
pub enum Command {
    Accept {
        category: Option<String>,
        grid_id: Option<i64>,
        urgency: Option<Urgency>,
        note: Option<String>,
    },
    Decline {
        reason: String,
    },
    Merge {
        into: i64,
        note: Option<String>,
    },
    Dispatch {
        to: Target,
        note: Option<String>,
    },
    Take {
        note: Option<String>,
    },
    Resolve {
        result: String,
    },
    Feedback {
        method: FeedbackMethod,
        note: String,
    },
    Rate {
        solved: bool,
        satisfaction: Satisfaction,
        comment: Option<String>,
        /// Recorded by staff on the resident's behalf (回访), and how they asked the resident.
        /// Required then; refused when the household rates it themselves.
        on_behalf: Option<FeedbackMethod>,
    },
    Reopen {
        reason: String,
    },
    Close {
        note: Option<String>,
    },
    /// The background job closing an unrated demand after the rating window.
    AutoClose,
    Escalate {
        reason: String,
    },
    Whistle {
        summon: Summons,
        note: Option<String>,
    },
    ReportIn {
        note: Option<String>,
    },
    ReportBack {
        note: String,
    },
    Note {
        note: String,
    },
    Appoint {
        at: crate::clock::Millis,
        note: Option<String>,
    },
    Return {
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whistle_summons_one_to_twenty() {
        let t = SummonTarget {
            kind: TargetKind::Unit,
            id: 1,
        };
        assert_eq!(Summons::parse(vec![]).unwrap_err().code, "missing_field");
        assert_eq!(Summons::parse(vec![t; 20]).unwrap().targets().len(), 20);
        let e = Summons::parse(vec![t; 21]).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_deref()),
            (Code::TooManySummoned, Some("summon"))
        );
    }
}
