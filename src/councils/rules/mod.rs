//! The pure decisions of councils: no database, no clock read, no HTTP. Each takes the
//! facts the service gathered (and "now" when time matters) and gives a value or a refusal
//! with its [`Code`](crate::error::Code).
//!
//! - [`access`]: who sees a council and who runs it;
//! - [`tally`]: who may vote on a topic and what the votes decide (quorum, majority,
//!   abstentions, ties, household votes, secret ballots);
//! - [`law`]: the legal presets, Civil Code art. 278 and the residents' meeting;
//! - [`consent`]: consent campaigns: summaries per building and floor, thresholds, the
//!   notice period;
//! - [`follow`]: follow-through: progress derived from children, overdue items;
//! - [`schedule`]: meetings from a council's recurrence rule.

pub mod access;
pub mod consent;
pub mod follow;
pub mod law;
pub mod schedule;
pub mod tally;
