//! A demand's life as a script of steps: who did what, and when. Pure: the scripts are
//! written by [`super::reports`] and [`super::lifecycle`] and replayed through the demand
//! service by [`super::history`].

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::demands::model::Command;
use crate::demands::service::NewDemand;

use super::accounts::Accounts;
use super::plan::Plan;
use super::roster::Roster;

/// Who takes a step: an account by username, or the background job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    User(&'static str),
    System,
}

#[derive(Clone, Debug)]
pub enum Op {
    Intake(NewDemand),
    Act(Command),
    /// Merge into the demand of another script (a duplicate).
    MergeInto(usize),
}

#[derive(Clone, Debug)]
pub struct Step {
    pub at: Millis,
    pub who: Who,
    pub op: Op,
}

#[derive(Clone, Debug, Default)]
pub struct Script {
    pub steps: Vec<Step>,
}

pub const STAFF: [&str; 7] = [
    "staff", "staff02", "staff03", "staff04", "staff05", "staff06", "staff07",
];
/// Everything the scripts refer to.
pub struct World<'a> {
    pub plan: &'a Plan,
    pub roster: &'a Roster,
    pub accounts: &'a Accounts,
    pub now: Millis,
    /// Milliseconds.
    pub rating_window: i64,
}

/// Moves a moment into working hours (08:00-20:00 in China), never backwards: what
/// happens at night waits for the next morning, between eight and eleven.
pub fn working_hours(t: Millis) -> Millis {
    let local = (t.0 + 8 * HOUR).rem_euclid(DAY);
    let hour = local / HOUR;
    if hour < 8 {
        t - local + 8 * HOUR + local % (3 * HOUR)
    } else if hour >= 20 {
        t - local + DAY + 8 * HOUR + (local - 20 * HOUR) * 3 / 4
    } else {
        t
    }
}

/// One script being written: the time moves forward with each step.
pub struct Pen<'r> {
    pub rng: &'r mut StdRng,
    pub start: Millis,
    pub at: Millis,
    pub steps: Vec<Step>,
}

impl<'r> Pen<'r> {
    pub fn new(rng: &'r mut StdRng, first: Step) -> Pen<'r> {
        Pen {
            rng,
            start: first.at,
            at: first.at,
            steps: vec![first],
        }
    }

    /// A moment between `min` and `max` after the last step, in working hours.
    pub fn later(&mut self, min: i64, max: i64) -> Millis {
        let t = self.at + self.rng.random_range(min..=max.max(min));
        self.at = working_hours(t).max(self.at + MINUTE);
        self.at
    }

    pub fn step(&mut self, min: i64, max: i64, who: &'static str, cmd: Command) {
        let at = self.later(min, max);
        self.steps.push(Step {
            at,
            who: Who::User(who),
            op: Op::Act(cmd),
        });
    }

    pub fn staff(&mut self) -> &'static str {
        STAFF.choose(self.rng).copied().unwrap_or("staff")
    }

    pub fn done(self) -> Script {
        Script { steps: self.steps }
    }
}
