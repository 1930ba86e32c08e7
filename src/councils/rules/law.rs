//! The rules the law sets, counted exactly: owners' decisions on a compound under Civil
//! Code art. 278, and a residents' meeting under the Organic Law of Urban Residents'
//! Committees. Custom rules sit beside them ([`super::tally::VoteRule`],
//! [`super::consent::CampaignRule`]).
//!
//! In Chinese law "以上" includes the amount itself and "过半数"/"超过" do not: Civil Code
//! art. 1259 (民法典第一千二百五十九条: "民法所称的'以上''以下''以内''届满'，包括本数；所称的
//! '不满''超过''以外'，不包括本数。"). So two-thirds of 30 owners is met by 20, and more
//! than half of 30 needs 16.

use crate::councils::model::{Art278Matter, FloorArea, MeetingBasis, Position, Share, Verdict};

/// One owner's part in an owners' decision: the exclusive floor area held (专有部分面积),
/// whether they took part in the vote (参与表决), and whether they agreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnerBallot {
    pub area: FloorArea,
    pub took_part: bool,
    pub agrees: bool,
}

impl OwnerBallot {
    /// From a consent campaign's position: agreeing or objecting is taking part; an
    /// undecided or unreached household has not voted. (An abstention on a ballot paper
    /// takes part without agreeing: `took_part: true, agrees: false`.)
    pub fn from_position(area: FloorArea, p: Position) -> OwnerBallot {
        OwnerBallot {
            area,
            took_part: matches!(p, Position::Agree | Position::Object),
            agrees: p == Position::Agree,
        }
    }
}

/// Owners and their areas: all of them, those who took part, those who agreed. Built by
/// folding [`OwnerBallot`]s, so `agreeing ≤ participating ≤ total` always holds. Each
/// ballot is one owner by head: the caller gives one per owner as the law counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OwnersCount {
    pub owners: u64,
    pub area: FloorArea,
    pub participating_owners: u64,
    pub participating_area: FloorArea,
    pub agreeing_owners: u64,
    pub agreeing_area: FloorArea,
}

impl OwnersCount {
    pub fn of(ballots: impl IntoIterator<Item = OwnerBallot>) -> OwnersCount {
        ballots
            .into_iter()
            .fold(OwnersCount::default(), |mut c, b| {
                c.owners += 1;
                c.area = c.area + b.area;
                if b.took_part {
                    c.participating_owners += 1;
                    c.participating_area = c.participating_area + b.area;
                    if b.agrees {
                        c.agreeing_owners += 1;
                        c.agreeing_area = c.agreeing_area + b.area;
                    }
                }
                c
            })
    }
}

/// What art. 278 came to, and each of its four tests, for the results list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Art278Result {
    pub participation_area: bool,
    pub participation_owners: bool,
    pub agreement_area: bool,
    pub agreement_owners: bool,
    /// The share of the participants that had to agree.
    pub needed: Share,
    pub verdict: Verdict,
}

/// Civil Code art. 278 (民法典第二百七十八条), paragraph 2:
///
/// > 业主共同决定事项，应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主
/// > 参与表决。决定前款第六项至第八项规定的事项，应当经参与表决专有部分面积四分之三以上的
/// > 业主且参与表决人数四分之三以上的业主同意。决定前款其他事项，应当经参与表决专有部分
/// > 面积过半数的业主且参与表决人数过半数的业主同意。
///
/// Owners holding two-thirds or more of the exclusive area *and* two-thirds or more of the
/// owners by head must take part; then items (6)–(8) of paragraph 1 (raising the
/// maintenance fund, rebuilding, changing the use of common parts or using them for
/// business — the bike shed on common ground) need three-quarters or more of the
/// participating area *and* of the participating owners to agree, every other item more
/// than half of both. Item (5), *using* the maintenance fund, is one of the others.
/// Participation short on either count is [`Verdict::NoQuorum`].
pub fn civil_code_278(matter: Art278Matter, c: &OwnersCount) -> Art278Result {
    let participation_area = Share::TWO_THIRDS.met(c.participating_area.centi(), c.area.centi());
    let participation_owners = Share::TWO_THIRDS.met(c.participating_owners, c.owners);
    let needed = if matter.needs_three_quarters() {
        Share::THREE_QUARTERS
    } else {
        Share::MORE_THAN_HALF
    };
    let agreement_area = needed.met(c.agreeing_area.centi(), c.participating_area.centi());
    let agreement_owners = needed.met(c.agreeing_owners, c.participating_owners);
    let verdict = if !(participation_area && participation_owners) {
        Verdict::NoQuorum
    } else if agreement_area && agreement_owners {
        Verdict::Passed
    } else {
        Verdict::Rejected
    };
    Art278Result {
        participation_area,
        participation_owners,
        agreement_area,
        agreement_owners,
        needed,
        verdict,
    }
}

/// A residents' meeting (居民会议), counted in its [`MeetingBasis`]: how many make it up
/// (all adult residents, or one representative per household, or the residents' groups'
/// elected representatives), how many are present, how many of those agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeetingCount {
    pub basis: MeetingBasis,
    pub total: u64,
    pub present: u64,
    pub agreeing: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeetingResult {
    pub quorum_met: bool,
    pub verdict: Verdict,
}

/// The Organic Law of Urban Residents' Committees (城市居民委员会组织法), in its 2018 text,
/// art. 9 para. 3 (the issue calls it art. 10, which in that text is about who convenes
/// the meeting):
///
/// > 居民会议必须有全体十八周岁以上的居民、户的代表或者居民小组选举的代表的过半数出席，
/// > 才能举行。会议的决定，由出席人的过半数通过。
///
/// More than half of the adult residents, of the household representatives or of the
/// groups' representatives present, or the meeting is not held ([`Verdict::NoQuorum`]);
/// passed by more than half of those present (so abstaining or staying silent weighs
/// against). The law was revised on 28 October 2025, in force from 1 January 2026 (seven
/// chapters, 50 articles, chapter 4 "居民会议和居民代表会议"); its text was not at hand
/// when this was written, so check the article and its thresholds against it.
pub fn residents_meeting(c: &MeetingCount) -> MeetingResult {
    let present = c.present.min(c.total);
    let agreeing = c.agreeing.min(present);
    let quorum_met = Share::MORE_THAN_HALF.met(present, c.total);
    let verdict = if !quorum_met {
        Verdict::NoQuorum
    } else if Share::MORE_THAN_HALF.met(agreeing, present) {
        Verdict::Passed
    } else {
        Verdict::Rejected
    };
    MeetingResult {
        quorum_met,
        verdict,
    }
}

#[cfg(test)]
#[path = "tests/law.rs"]
mod tests;
