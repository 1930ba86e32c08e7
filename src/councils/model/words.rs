//! The words of councils, decisions and consent campaigns: each a closed set of codes,
//! parsed once at the edge ([`Word::from_code`]: an unknown code is refused, never
//! defaulted) and shown through its catalogue key `councils.<group>.<code>`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::demands::model::Word;

/// A word with its catalogue key: `councils.<group>.<code>` in `locales/*.yml`.
pub trait Labelled: Word {
    const GROUP: &'static str;

    fn key(self) -> String {
        format!("councils.{}.{}", Self::GROUP, self.code())
    }
}

macro_rules! word {
    ($(#[$m:meta])* $name:ident = $group:literal { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$v),)+ _ => None }
            }
        }

        impl Word for $name {
            fn all() -> &'static [$name] {
                $name::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
        }

        impl Labelled for $name {
            const GROUP: &'static str = $group;
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(v: String) -> std::result::Result<Self, String> {
                $name::parse(&v).ok_or(v)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word!(
    /// What kind of body meets: a council (议事会: the living room, a grid's gazebo
    /// council) or a linkage team (五方联动) of units and people. Both use the same meeting
    /// machinery: agenda, attendance, minutes, votes, decisions, follow-through.
    CouncilKind = "kind" {
        Council = "council",
        LinkageTeam = "linkage_team",
    }
);

word!(
    /// Where a council belongs: a whole community (the neighbourhood living room) or one
    /// grid (the gazebo council run by its party branch secretary).
    ScopeKind = "scope" {
        Community = "community",
        Grid = "grid",
    }
);

word!(
    /// Who a member of a council is.
    MemberKind = "member" {
        /// 居民: a resident of the council's community or grid.
        Resident = "resident",
        /// 社工: community staff, the secretary, a grid worker.
        Staff = "staff",
        /// 共建单位: a unit (property company, police station, …), by its representative.
        Unit = "unit",
    }
);

word!(
    /// How votes are counted on a topic: one per person present, or one per household
    /// (cast by any adult member of it, once).
    VoteUnit = "vote_unit" {
        Person = "person",
        Household = "household",
    }
);

word!(
    /// Open: who voted for what is kept. Secret: only *that* someone (or a household)
    /// voted is kept, never a link from a vote to the voter.
    Ballot = "ballot" {
        Open = "open",
        Secret = "secret",
    }
);

word!(
    /// The majority an option needs, of the [`MajorityBase`].
    Majority = "majority" {
        /// More than half (过半数).
        Simple = "simple",
        /// Two-thirds or more (三分之二以上).
        TwoThirds = "two_thirds",
        /// Every one (全体同意).
        All = "all",
    }
);

word!(
    /// What a majority is counted against.
    MajorityBase = "base" {
        /// The votes cast for an option: abstentions are counted apart and do not weigh.
        Cast = "cast",
        /// Every ballot, abstentions included: an abstention weighs as a vote against.
        Ballots = "ballots",
        /// Everyone present, voting or not (居民会议: "由出席人的过半数通过").
        Present = "present",
        /// Every member, present or not.
        Members = "members",
    }
);

word!(
    /// What a tie at the top decides.
    TieRule = "tie" {
        /// The chair's casting vote: one more vote for the tied option the chair names.
        ChairCasts = "chair_casts",
        /// Nothing changes: a tie rejects the topic.
        StatusQuo = "status_quo",
        /// Left undecided: recorded as a tie, for another meeting.
        Undecided = "undecided",
    }
);

word!(
    /// What a topic's vote came to.
    OutcomeKind = "outcome" {
        Decided = "decided",
        Rejected = "rejected",
        Tied = "tied",
        NoQuorum = "no_quorum",
    }
);

word!(
    /// What a counted legal rule (Civil Code art. 278, a residents' meeting) or a consent
    /// campaign's threshold came to.
    Verdict = "verdict" {
        Passed = "passed",
        Rejected = "rejected",
        /// Too few took part (or were present) for anything to be decided.
        NoQuorum = "no_quorum",
    }
);

word!(
    /// How long a decision holds.
    TermsKind = "terms" {
        /// 临时: until an end date (seed 004: "temporarily open the gate").
        Temporary = "temporary",
        Permanent = "permanent",
    }
);

word!(
    /// Where a meeting stands.
    MeetingStatus = "meeting_status" {
        Scheduled = "scheduled",
        /// Under way: attendance is taken and votes are open.
        InSession = "in_session",
        /// Closed: nothing about its votes changes any more.
        Closed = "closed",
        Cancelled = "cancelled",
    }
);

word!(
    /// A household's position in a consent campaign (征求意见).
    Position = "position" {
        Agree = "agree",
        Object = "object",
        /// Reached, but has not made up its mind.
        Undecided = "undecided",
        /// Nobody reached yet (no answer at the door, not at home).
        NotReached = "not_reached",
    }
);

word!(
    /// The share of a campaign's households (or floor area) that must agree.
    ThresholdShare = "threshold" {
        /// Every household (全体同意).
        All = "all",
        /// Two-thirds or more (三分之二以上).
        TwoThirds = "two_thirds",
        /// More than half (过半数).
        Majority = "majority",
    }
);

word!(
    /// What a campaign's threshold is counted in.
    ThresholdBasis = "basis" {
        Households = "households",
        /// Exclusive floor area (专有部分面积), where the roster knows it.
        FloorArea = "floor_area",
    }
);

word!(
    /// Where a consent campaign stands: collecting positions; in its public notice period
    /// (公示), when objections may still be raised; final.
    CampaignPhase = "campaign_phase" {
        Open = "open",
        Notice = "notice",
        Final = "final",
    }
);

word!(
    /// The matters of Civil Code art. 278 para. 1 (民法典第二百七十八条第一款), items (1)–(9).
    Art278Matter = "matter" {
        /// (一) 制定和修改业主大会议事规则.
        RulesOfProcedure = "rules_of_procedure",
        /// (二) 制定和修改管理规约.
        ManagementStatute = "management_statute",
        /// (三) 选举业主委员会或者更换业主委员会成员.
        OwnersCommittee = "owners_committee",
        /// (四) 选聘和解聘物业服务企业或者其他管理人.
        PropertyManager = "property_manager",
        /// (五) 使用建筑物及其附属设施的维修资金.
        UseMaintenanceFund = "use_maintenance_fund",
        /// (六) 筹集建筑物及其附属设施的维修资金.
        RaiseMaintenanceFund = "raise_maintenance_fund",
        /// (七) 改建、重建建筑物及其附属设施.
        Rebuild = "rebuild",
        /// (八) 改变共有部分的用途或者利用共有部分从事经营活动 (the bike shed on common ground).
        CommonParts = "common_parts",
        /// (九) 有关共有和共同管理权利的其他重大事项.
        OtherMajor = "other_major",
    }
);

impl Art278Matter {
    /// The item's number in art. 278 para. 1.
    pub fn item(self) -> u8 {
        Art278Matter::ALL
            .iter()
            .position(|m| *m == self)
            .map_or(0, |i| i as u8 + 1)
    }

    /// Items (6)–(8), decided by three-quarters of the participating area and owners; the
    /// others by more than half of both (art. 278 para. 2).
    pub fn needs_three_quarters(self) -> bool {
        matches!(self.item(), 6..=8)
    }
}

word!(
    /// Who a residents' meeting (居民会议) is made of, for its quorum: all adult residents,
    /// a representative of each household, or the representatives elected by the
    /// residents' groups (居民小组).
    MeetingBasis = "meeting_basis" {
        AdultResidents = "adult_residents",
        Households = "households",
        GroupRepresentatives = "group_representatives",
    }
);

word!(
    /// Where a follow-through item of a decision stands (like Decidim's accountability).
    FollowStatus = "follow_status" {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
);

word!(
    /// Where a topic stands on the three lists (三单): raised (the demand list), on a
    /// meeting's agenda (the negotiation list), and what came of it (the results list).
    TopicStatus = "topic_status" {
        Raised = "raised",
        OnAgenda = "on_agenda",
        Decided = "decided",
        Rejected = "rejected",
        Tied = "tied",
        NoQuorum = "no_quorum",
        Withdrawn = "withdrawn",
    }
);

impl TopicStatus {
    /// The status a topic takes from what its meeting came to.
    pub fn of(outcome: OutcomeKind) -> TopicStatus {
        match outcome {
            OutcomeKind::Decided => TopicStatus::Decided,
            OutcomeKind::Rejected => TopicStatus::Rejected,
            OutcomeKind::Tied => TopicStatus::Tied,
            OutcomeKind::NoQuorum => TopicStatus::NoQuorum,
        }
    }
}

word!(
    /// Who put a topic on the demand list: a resident on the portal, the office, or an
    /// open demand promoted in one step.
    TopicSource = "topic_source" {
        Portal = "portal",
        Staff = "staff",
        Demand = "demand",
    }
);

/// Every labelled word's catalogue key, for the test that finds each in both languages.
pub fn all_keys() -> Vec<String> {
    fn keys<W: Labelled>() -> impl Iterator<Item = String> {
        W::all().iter().map(|w| w.key())
    }
    keys::<CouncilKind>()
        .chain(keys::<ScopeKind>())
        .chain(keys::<MemberKind>())
        .chain(keys::<VoteUnit>())
        .chain(keys::<Ballot>())
        .chain(keys::<Majority>())
        .chain(keys::<MajorityBase>())
        .chain(keys::<TieRule>())
        .chain(keys::<OutcomeKind>())
        .chain(keys::<Verdict>())
        .chain(keys::<TermsKind>())
        .chain(keys::<MeetingStatus>())
        .chain(keys::<Position>())
        .chain(keys::<ThresholdShare>())
        .chain(keys::<ThresholdBasis>())
        .chain(keys::<CampaignPhase>())
        .chain(keys::<Art278Matter>())
        .chain(keys::<MeetingBasis>())
        .chain(keys::<FollowStatus>())
        .chain(keys::<TopicStatus>())
        .chain(keys::<TopicSource>())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_and_unknown_ones_are_refused() {
        for p in Position::ALL {
            assert_eq!(Position::parse(p.as_str()), Some(*p));
            assert_eq!(Position::from_code(p.code()), Some(*p));
        }
        assert_eq!(Position::parse("maybe"), None);
        assert_eq!(Majority::parse("Simple"), None, "codes are exact");
        assert_eq!(TieRule::ChairCasts.key(), "councils.tie.chair_casts");
    }

    #[test]
    fn items_six_to_eight_of_art_278_need_three_quarters() {
        let strict: Vec<u8> = Art278Matter::ALL
            .iter()
            .filter(|m| m.needs_three_quarters())
            .map(|m| m.item())
            .collect();
        assert_eq!(strict, [6, 7, 8]);
        assert_eq!(Art278Matter::UseMaintenanceFund.item(), 5);
        assert!(!Art278Matter::UseMaintenanceFund.needs_three_quarters());
        assert_eq!(Art278Matter::CommonParts.item(), 8);
    }

    #[test]
    fn every_word_has_its_text_in_both_languages() {
        let keys = all_keys();
        assert!(keys.len() > 50);
        for key in keys {
            for lang in ["zh-CN", "en"] {
                let text = crate::_rust_i18n_backend_translate(lang, &key);
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "{key} has no text in {lang}"
                );
            }
        }
    }
}
