//! The lifecycle of a demand as one explicit state machine: which step is legal from which
//! status, who may take it, and what must hold first. Pure: no database, no clock.
//! (What each viewer may read of a demand is decided beside it, in [`audience`].)

pub mod audience;

use crate::auth::Role;
use crate::clock::Millis;
use crate::error::{Code, Error};

use super::model::{Level, Satisfaction, Status};

/// A step someone asks to take on a demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Accept,
    Decline,
    Merge,
    Dispatch,
    Take,
    Resolve,
    Feedback,
    Rate {
        solved: bool,
        satisfaction: Satisfaction,
    },
    Reopen,
    /// Closing an unrated demand, by staff or secretary.
    Close,
    /// The same, by the background job when the rating window has passed.
    AutoClose,
    Escalate,
    Whistle,
    ReportIn,
    ReportBack,
    /// Adding a photo or a document: a step like the others, on an open demand, by someone
    /// who works on it (or the household that raised it), not by someone who only reads it.
    Attach,
    /// A progress note (进展) by whoever works on it; the status stays.
    Note,
    /// Setting when the assignee will come (预约上门); the resident sees it.
    Appoint,
    /// Returning a job dispatched to the wrong hands (退单), with a reason: back to the
    /// dispatcher's queue, accepted and given to nobody.
    Return,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Accept => "accept",
            Step::Decline => "decline",
            Step::Merge => "merge",
            Step::Dispatch => "dispatch",
            Step::Take => "take",
            Step::Resolve => "resolve",
            Step::Feedback => "feedback",
            Step::Rate { .. } => "rate",
            Step::Reopen => "reopen",
            Step::Close | Step::AutoClose => "close",
            Step::Escalate => "escalate",
            Step::Whistle => "whistle",
            Step::ReportIn => "report_in",
            Step::ReportBack => "report_back",
            Step::Attach => "attach",
            Step::Note => "note",
            Step::Appoint => "appoint",
            Step::Return => "return",
        }
    }
}

/// What the rules need to know about the demand.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub status: Option<Status>,
    pub level: Option<Level>,
    /// Someone holds (or held) the order: a reopen goes back to them.
    pub has_assignee: bool,
    /// Summoned units or people that have not reported back yet.
    pub summons_pending: usize,
    pub feedback_at: Option<Millis>,
    pub closed_at: Option<Millis>,
}

impl Facts {
    pub fn status(&self) -> Status {
        self.status.unwrap_or(Status::Submitted)
    }
    pub fn level(&self) -> Level {
        self.level.unwrap_or(Level::Grid)
    }
}

/// How the caller stands to this demand (what their role alone does not say).
#[derive(Clone, Copy, Debug, Default)]
pub struct Relation {
    /// A grid worker whose grid the demand is in.
    pub own_grid: bool,
    /// The person the demand is dispatched to, a member of the team, or a user of the unit.
    pub assignee: bool,
    /// The caller (or their unit) was summoned by a whistle, and where that stands.
    pub summons: Option<SummonState>,
    /// The resident who raised it, or a member of their household.
    pub reporter: bool,
    /// The background job.
    pub system: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummonState {
    Waiting,
    ReportedIn,
    ReportedBack,
}

/// Windows the operator configures.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Milliseconds.
    pub rating_window: i64,
    /// Milliseconds.
    pub reopen_window: i64,
}

/// Why a step is refused. Each has a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The step does not exist from this status.
    IllegalTransition { from: Status, step: &'static str },
    /// The caller's role or relation does not allow it.
    NotAllowed { step: &'static str },
    /// Resolve while a summoned unit has not reported back.
    SummonsPending { pending: usize },
    /// Close an unrated demand before the rating window has passed.
    RatingWindowOpen,
    /// Reopen after the reopen window has passed.
    ReopenWindowPassed,
    /// Escalate beyond the street.
    TopLevel,
    /// Report back before reporting in, or report in twice.
    ReportOrder,
}

impl Refusal {
    pub fn code(self) -> Code {
        match self {
            Refusal::IllegalTransition { .. } => Code::IllegalTransition,
            Refusal::NotAllowed { .. } => Code::NotAllowed,
            Refusal::SummonsPending { .. } => Code::SummonsPending,
            Refusal::RatingWindowOpen => Code::RatingWindowOpen,
            Refusal::ReopenWindowPassed => Code::ReopenWindowPassed,
            Refusal::TopLevel => Code::TopLevel,
            Refusal::ReportOrder => Code::ReportOrder,
        }
    }
}

/// A refusal as the domain error, with what its message names (the step and the status
/// are catalogue words, translated with the message).
impl From<Refusal> for Error {
    fn from(r: Refusal) -> Error {
        let e = Error::new(r.code());
        match r {
            Refusal::IllegalTransition { from, step } => e
                .with_key("step", format!("demand.action.{step}"))
                .with_key("status", format!("demand.status.{from}")),
            Refusal::NotAllowed { step } => e.with_key("step", format!("demand.action.{step}")),
            Refusal::SummonsPending { pending } => e.with("count", pending),
            _ => e,
        }
    }
}

/// Where a legal step leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub to: Status,
    pub level: Level,
    /// The step reopened the demand (a bad rating or a late complaint).
    pub reopened: bool,
}

/// The transition table: the status a step leads to from `from`, or `None` when the step
/// does not exist there. Rate and reopen go back to the assignee when there is one.
pub fn next_status(from: Status, step: Step, has_assignee: bool) -> Option<Status> {
    use Status::*;
    let back_to_work = if has_assignee { Dispatched } else { Accepted };
    match (from, step) {
        (Submitted, Step::Accept) => Some(Accepted),
        (Submitted, Step::Decline) => Some(Declined),
        (Submitted | Accepted, Step::Merge) => Some(Merged),
        (Accepted | Dispatched | InProgress, Step::Dispatch) => Some(Dispatched),
        (Dispatched, Step::Take) => Some(InProgress),
        (Accepted | InProgress, Step::Resolve) => Some(Resolved),
        (Resolved, Step::Feedback) => Some(FeedbackGiven),
        (
            FeedbackGiven,
            Step::Rate {
                solved,
                satisfaction,
            },
        ) => {
            if solved && satisfaction != Satisfaction::Unsatisfied {
                Some(Closed)
            } else {
                Some(back_to_work)
            }
        }
        (FeedbackGiven, Step::Close | Step::AutoClose) => Some(Closed),
        (Closed, Step::Reopen) => Some(back_to_work),
        (s, Step::Escalate) if s.is_open() => Some(s),
        (Accepted | Dispatched | InProgress, Step::Whistle | Step::ReportIn | Step::ReportBack) => {
            Some(from)
        }
        (s, Step::Attach | Step::Note) if s.is_open() => Some(s),
        (Dispatched | InProgress, Step::Appoint) => Some(from),
        (Dispatched | InProgress, Step::Return) => Some(Accepted),
        _ => None,
    }
}

/// Decides a step: legal from this status, allowed to this caller, preconditions met.
pub fn decide(
    facts: &Facts,
    role: Role,
    rel: &Relation,
    step: Step,
    now: Millis,
    policy: &Policy,
) -> Result<Outcome, Refusal> {
    let from = facts.status();
    let level = facts.level();
    let Some(to) = next_status(from, step, facts.has_assignee) else {
        return Err(Refusal::IllegalTransition {
            from,
            step: step.name(),
        });
    };
    if !allowed(role, rel, step, from, level) {
        return Err(Refusal::NotAllowed { step: step.name() });
    }
    let mut outcome = Outcome {
        to,
        level,
        reopened: false,
    };
    match step {
        Step::Resolve if facts.summons_pending > 0 => {
            return Err(Refusal::SummonsPending {
                pending: facts.summons_pending,
            });
        }
        Step::Close | Step::AutoClose => {
            let fed_back = facts.feedback_at.unwrap_or(now);
            if now < fed_back + policy.rating_window {
                return Err(Refusal::RatingWindowOpen);
            }
        }
        Step::Reopen => {
            let closed = facts.closed_at.unwrap_or(now);
            if now > closed + policy.reopen_window {
                return Err(Refusal::ReopenWindowPassed);
            }
            outcome.reopened = true;
        }
        Step::Rate { .. } => outcome.reopened = to != Status::Closed,
        Step::Escalate => match level.up() {
            Some(up) => outcome.level = up,
            None => return Err(Refusal::TopLevel),
        },
        Step::ReportIn if rel.summons != Some(SummonState::Waiting) => {
            return Err(Refusal::ReportOrder);
        }
        Step::ReportBack if rel.summons != Some(SummonState::ReportedIn) => {
            return Err(Refusal::ReportOrder);
        }
        _ => {}
    }
    Ok(outcome)
}

/// Who may take a step (the "who" column of the lifecycle table).
fn allowed(role: Role, rel: &Relation, step: Step, from: Status, level: Level) -> bool {
    use Role::*;
    let office = role.is_office();
    let street_level = role == Street && level == Level::Street;
    let grid_owner = role == GridWorker && rel.own_grid;
    match step {
        Step::Accept | Step::Dispatch | Step::Feedback => office || grid_owner || street_level,
        Step::Decline => office || street_level,
        Step::Merge => office,
        Step::Take => rel.assignee,
        // On the spot (from accepted) by the grid's worker or the office ("small things stay
        // in the grid"); otherwise by the assignee who took the order, or the office
        // recording the assignee's report.
        Step::Resolve if from == Status::Accepted => office || grid_owner,
        Step::Resolve => rel.assignee || office,
        Step::Rate { .. } => rel.reporter || office,
        Step::Reopen | Step::Close => office,
        Step::AutoClose => rel.system,
        Step::Escalate => match level {
            Level::Grid => office || grid_owner,
            Level::Community => office,
            // Nobody can go higher; say so rather than "not allowed".
            Level::Street => office || role == Street,
        },
        Step::Whistle => role == Secretary || role == Street,
        Step::ReportIn | Step::ReportBack => rel.summons.is_some(),
        // Whoever works on it now (a note is for colleagues: not the household).
        Step::Note => office || grid_owner || street_level || rel.assignee || rel.summons.is_some(),
        // The one who will come, or the office arranging it for them.
        Step::Appoint => rel.assignee || office,
        // Only the hands it was given to can say it is not theirs.
        Step::Return => rel.assignee,
        // Whoever works on it now, or the household that raised it; not the street below
        // its level, admin, a unit it was taken from, or another grid's worker.
        Step::Attach => {
            office
                || grid_owner
                || street_level
                || rel.assignee
                || rel.summons.is_some()
                || rel.reporter
        }
    }
}

#[cfg(test)]
mod tests;
