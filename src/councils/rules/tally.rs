//! Votes on a topic: who may cast one (one per person, or one per household cast by any
//! adult member of it, once), what a secret ballot keeps, and what the count decides.
//!
//! The count, in order:
//! 1. **Quorum**, from attendance counted against membership; without it the outcome is
//!    [`Outcome::NoQuorum`] whatever the votes say, and no decision can be recorded.
//! 2. **Abstentions are counted apart.** Whether they weigh is the rule's
//!    [`MajorityBase`]: against the votes *cast* for an option (the default: an abstention
//!    weighs nothing), against every *ballot* (an abstention weighs as a vote against),
//!    against those *present* (the residents' meeting: "由出席人的过半数通过", so staying
//!    silent weighs against too) or against all *members*.
//! 3. **The leading option is decided** when it alone has the most votes and that number
//!    meets the majority (more than half, two-thirds or more, all; or a custom share) of
//!    the base. Exact: `3·yes ≥ 2·base`, never a float.
//! 4. **A tie at the top** goes to the [`TieRule`]: the chair's casting vote adds one vote
//!    (and one ballot) to the tied option the chair names, which is then decided if it
//!    meets the majority, else rejected; the status quo rejects the topic; undecided leaves
//!    it [`Outcome::Tied`] for another meeting (so does a casting vote not yet given).
//! 5. Otherwise no option has the majority: [`Outcome::Rejected`].

use crate::error::{Code, Error, Result};

use crate::councils::model::{
    Ballot, HouseholdId, MajorityBase, MeetingStatus, OptionId, OutcomeKind, PersonId, Share,
    TieRule, VoteUnit,
};

/// Who asks to vote, as the service found them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Voter {
    pub person: PersonId,
    /// The household the voter lives in, if any.
    pub household: Option<HouseholdId>,
    /// 18 or over.
    pub adult: bool,
    /// In the topic's electorate: a member of the council for a vote per person; living in
    /// a household the topic is put to for a vote per household.
    pub entitled: bool,
}

/// Who has voted on a topic: what the store keeps unique per topic, so that two members
/// of one household voting at the same moment count once (the second insert is refused
/// as a duplicate and answered [`Code::AlreadyVoted`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BallotKey {
    Person(PersonId),
    Household(HouseholdId),
}

/// A vote: for an option, or an abstention (弃权).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    For(OptionId),
    Abstain,
}

/// What the rules need to know to admit a vote.
#[derive(Clone, Copy, Debug)]
pub struct VoteFacts<'a> {
    pub meeting: MeetingStatus,
    pub unit: VoteUnit,
    pub voter: Voter,
    /// The household a vote per household is cast for (the form says which); `None` means
    /// the voter's own. Not consulted for a vote per person.
    pub for_household: Option<HouseholdId>,
    pub choice: Choice,
    /// The topic's options.
    pub options: &'a [OptionId],
    /// Who has voted on the topic already.
    pub voted: &'a [BallotKey],
}

/// Admits a vote, or refuses it: the meeting not in session (`voting_not_open`) or over
/// (`voting_closed`), an option not of this topic (`invalid_choice`), a voter outside the
/// electorate or, for a household, not an adult member of one (`vote_not_eligible`), a vote
/// for another household (`vote_for_other_household`), a second vote of the same person or
/// household (`already_voted`). Gives the key that records that it voted.
pub fn admit(f: &VoteFacts<'_>) -> Result<BallotKey> {
    match f.meeting {
        MeetingStatus::InSession => {}
        MeetingStatus::Scheduled => return Err(Error::new(Code::VotingNotOpen)),
        MeetingStatus::Closed | MeetingStatus::Cancelled => {
            return Err(Error::new(Code::VotingClosed));
        }
    }
    if let Choice::For(o) = f.choice
        && !f.options.contains(&o)
    {
        let allowed = f.options.iter().map(i64::to_string).collect::<Vec<_>>();
        return Err(
            Error::invalid("option", Code::InvalidChoice).with("allowed", allowed.join(", "))
        );
    }
    if !f.voter.entitled {
        return Err(Error::new(Code::VoteNotEligible));
    }
    let key = match f.unit {
        VoteUnit::Person => BallotKey::Person(f.voter.person),
        VoteUnit::Household => {
            let Some(own) = f.voter.household else {
                return Err(Error::new(Code::VoteNotEligible));
            };
            if f.for_household.is_some_and(|h| h != own) {
                return Err(Error::invalid("household", Code::VoteForOtherHousehold));
            }
            if !f.voter.adult {
                return Err(Error::new(Code::VoteNotEligible));
            }
            BallotKey::Household(own)
        }
    };
    if f.voted.contains(&key) {
        return Err(Error::new(Code::AlreadyVoted));
    }
    Ok(key)
}

/// What is written for an admitted vote: that the key voted, and the vote itself — linked
/// to the voter in an open ballot, with no link at all in a secret one (PRODUCT.md §7: a
/// secret ballot stores only *that* someone voted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub voted: BallotKey,
    pub choice: Choice,
    pub by: Option<BallotKey>,
}

pub fn record(ballot: Ballot, key: BallotKey, choice: Choice) -> Record {
    Record {
        voted: key,
        choice,
        by: match ballot {
            Ballot::Open => Some(key),
            Ballot::Secret => None,
        },
    }
}

/// How many must be present for a meeting to decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quorum {
    /// Any attendance will do.
    None,
    /// At least this many present.
    Count(u32),
    /// This share of the membership present (e.g. more than half).
    Members(Share),
}

/// How a topic's votes are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoteRule {
    pub quorum: Quorum,
    pub majority: Share,
    pub base: MajorityBase,
    pub tie: TieRule,
}

impl VoteRule {
    /// A residents' meeting (居民会议) under the Organic Law of Urban Residents' Committees
    /// (see `law::residents_meeting` for the text): more than half of the membership
    /// present, decided by more than half of those present, so a tie fails.
    pub const RESIDENTS_MEETING: VoteRule = VoteRule {
        quorum: Quorum::Members(Share::MORE_THAN_HALF),
        majority: Share::MORE_THAN_HALF,
        base: MajorityBase::Present,
        tie: TieRule::StatusQuo,
    };
}

/// Attendance, counted against membership (in people, or in households for a vote per
/// household).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Attendance {
    pub present: u32,
    pub members: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Decided(OptionId),
    /// No option has the majority the rule asks (or the status quo broke a tie).
    Rejected,
    /// The options that share the most votes, left undecided.
    Tied(Vec<OptionId>),
    NoQuorum,
}

impl Outcome {
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Decided(_) => OutcomeKind::Decided,
            Outcome::Rejected => OutcomeKind::Rejected,
            Outcome::Tied(_) => OutcomeKind::Tied,
            Outcome::NoQuorum => OutcomeKind::NoQuorum,
        }
    }

    /// The option a decision may be recorded for; no decision without quorum
    /// (`no_quorum`) or without a majority (`no_majority`).
    pub fn decided(&self) -> Result<OptionId> {
        match self {
            Outcome::Decided(o) => Ok(*o),
            Outcome::NoQuorum => Err(Error::new(Code::NoQuorum)),
            Outcome::Rejected | Outcome::Tied(_) => Err(Error::new(Code::NoMajority)),
        }
    }
}

/// The count of a topic, with everything a results list shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Votes per option, in the order of the options given.
    pub counts: Vec<(OptionId, u64)>,
    pub abstentions: u64,
    /// Present: the attendance given, or the ballots if more (a ballot proves presence).
    pub present: u64,
    pub members: u64,
    /// What the majority was counted against.
    pub base: u64,
    pub quorum_met: bool,
    /// The chair's casting vote decided a tie.
    pub casting_vote: bool,
    pub outcome: Outcome,
}

/// Counts the votes of a topic (see the module's comment for the order of the rules). A
/// vote for no option of the topic is not counted; [`admit`] never lets one in. `chair` is
/// the chair's casting choice, consulted only for a tie under [`TieRule::ChairCasts`].
pub fn tally(
    options: &[OptionId],
    votes: &[Choice],
    attendance: Attendance,
    rule: &VoteRule,
    chair: Option<OptionId>,
) -> Tally {
    let mut counts: Vec<(OptionId, u64)> = options.iter().map(|o| (*o, 0)).collect();
    let mut abstentions = 0u64;
    for v in votes {
        match v {
            Choice::Abstain => abstentions += 1,
            Choice::For(o) => {
                if let Some(c) = counts.iter_mut().find(|(id, _)| id == o) {
                    c.1 += 1;
                }
            }
        }
    }
    let cast: u64 = counts.iter().map(|(_, n)| n).sum();
    let present = u64::from(attendance.present).max(cast + abstentions);
    let members = u64::from(attendance.members).max(present);
    let base = match rule.base {
        MajorityBase::Cast => cast,
        MajorityBase::Ballots => cast + abstentions,
        MajorityBase::Present => present,
        MajorityBase::Members => members,
    };
    let quorum_met = match rule.quorum {
        Quorum::None => true,
        Quorum::Count(n) => present >= u64::from(n),
        Quorum::Members(s) => s.met(present, members),
    };
    let mut casting_vote = false;
    let outcome = if !quorum_met {
        Outcome::NoQuorum
    } else {
        let top = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let leaders: Vec<OptionId> = counts
            .iter()
            .filter(|(_, n)| top > 0 && *n == top)
            .map(|(o, _)| *o)
            .collect();
        match leaders.as_slice() {
            [] => Outcome::Rejected,
            [one] if rule.majority.met(top, base) => Outcome::Decided(*one),
            [_] => Outcome::Rejected,
            tied => match rule.tie {
                TieRule::StatusQuo => Outcome::Rejected,
                TieRule::Undecided => Outcome::Tied(tied.to_vec()),
                TieRule::ChairCasts => match chair.filter(|c| tied.contains(c)) {
                    None => Outcome::Tied(tied.to_vec()),
                    Some(c) => {
                        casting_vote = true;
                        // The casting vote is one more ballot where ballots are the base.
                        let base = match rule.base {
                            MajorityBase::Cast | MajorityBase::Ballots => base + 1,
                            MajorityBase::Present | MajorityBase::Members => base,
                        };
                        if rule.majority.met(top + 1, base) {
                            Outcome::Decided(c)
                        } else {
                            Outcome::Rejected
                        }
                    }
                },
            },
        }
    };
    Tally {
        counts,
        abstentions,
        present,
        members,
        base,
        quorum_met,
        casting_vote,
        outcome,
    }
}

#[cfg(test)]
#[path = "tests/tally.rs"]
mod tests;
