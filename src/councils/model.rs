//! The words and values of councils (议事会), their meetings and votes, decisions and
//! their follow-through, consent campaigns (征求意见) and linkage teams (五方联动).
//!
//! Everything here is parsed once, at the edge: a code is an enum the moment it leaves a
//! request or a row, and an unknown one is refused, never defaulted; a progress, a share,
//! a floor area, a decision's terms and a schedule cannot hold an illegal value once made.
//! The decisions over them are in `rules`.

pub mod inputs;
pub mod records;
mod recurrence;
mod values;
mod words;

pub use recurrence::{ByDay, Freq, MAX_COUNT, MAX_INTERVAL, MAX_RULE, Recurrence, Until};
pub use values::{FloorArea, MAX_TERMS, Progress, Share, Terms};
pub use words::{
    Art278Matter, Ballot, CampaignPhase, CouncilKind, FollowStatus, Labelled, Majority,
    MajorityBase, MeetingBasis, MeetingStatus, MemberKind, OutcomeKind, Position, ScopeKind,
    TermsKind, ThresholdBasis, ThresholdShare, TieRule, TopicSource, TopicStatus, Verdict,
    VoteUnit, Word, all_keys,
};

/// An option of a topic (`options.id`): what a vote is cast for.
pub type OptionId = i64;
/// A resident (`residents.id`).
pub type PersonId = i64;
/// A household (`households.id`).
pub type HouseholdId = i64;
/// A building (`buildings.id`).
pub type BuildingId = i64;
