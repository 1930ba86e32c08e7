use super::*;
use proptest::prelude::*;

const FOR: OptionId = 1;
const AGAINST: OptionId = 2;
const BOTH: [OptionId; 2] = [FOR, AGAINST];

fn rule(majority: Share, base: MajorityBase, tie: TieRule) -> VoteRule {
    VoteRule {
        quorum: Quorum::Members(Share::MORE_THAN_HALF),
        majority,
        base,
        tie,
    }
}

fn simple() -> VoteRule {
    rule(
        Share::MORE_THAN_HALF,
        MajorityBase::Cast,
        TieRule::Undecided,
    )
}

fn votes(for_: usize, against: usize, abstain: usize) -> Vec<Choice> {
    let mut v = vec![Choice::For(FOR); for_];
    v.extend(vec![Choice::For(AGAINST); against]);
    v.extend(vec![Choice::Abstain; abstain]);
    v
}

fn at(present: u32, members: u32) -> Attendance {
    Attendance { present, members }
}

fn voter(person: PersonId, household: HouseholdId, adult: bool) -> Voter {
    Voter {
        person,
        household: Some(household),
        adult,
        entitled: true,
    }
}

fn facts<'a>(unit: VoteUnit, v: Voter, voted: &'a [BallotKey]) -> VoteFacts<'a> {
    VoteFacts {
        meeting: MeetingStatus::InSession,
        unit,
        voter: v,
        for_household: None,
        choice: Choice::For(FOR),
        options: &BOTH,
        voted,
    }
}

#[test]
fn the_small_gates_are_decided_by_those_who_vote() {
    // Seed 004: 12 of 20 members in the living room; 7 for opening the Beef Noodle gate,
    // 3 against, 2 abstain. Abstentions apart: 7 of 10 cast is more than half.
    let t = tally(&BOTH, &votes(7, 3, 2), at(12, 20), &simple(), None);
    assert_eq!(t.outcome, Outcome::Decided(FOR));
    assert_eq!((t.abstentions, t.base, t.present), (2, 10, 12));
    // Counted against every ballot, 7 of 12 still is; 6 of 12 would not be.
    let ballots = rule(
        Share::MORE_THAN_HALF,
        MajorityBase::Ballots,
        TieRule::Undecided,
    );
    assert_eq!(
        tally(&BOTH, &votes(7, 3, 2), at(12, 20), &ballots, None).outcome,
        Outcome::Decided(FOR)
    );
    assert_eq!(
        tally(&BOTH, &votes(6, 3, 3), at(12, 20), &ballots, None).outcome,
        Outcome::Rejected
    );
    assert_eq!(
        tally(&BOTH, &votes(6, 3, 3), at(12, 20), &simple(), None).outcome,
        Outcome::Decided(FOR)
    );
}

#[test]
fn no_quorum_decides_nothing() {
    // 10 of 20 is not more than half.
    let t = tally(&BOTH, &votes(10, 0, 0), at(10, 20), &simple(), None);
    assert!(!t.quorum_met);
    assert_eq!(t.outcome, Outcome::NoQuorum);
    assert_eq!(t.outcome.decided().unwrap_err().code, Code::NoQuorum);
    assert_eq!(
        tally(&BOTH, &votes(10, 0, 0), at(11, 20), &simple(), None).outcome,
        Outcome::Decided(FOR)
    );
    // A fixed count.
    let count = VoteRule {
        quorum: Quorum::Count(5),
        ..simple()
    };
    assert_eq!(
        tally(&BOTH, &votes(4, 0, 0), at(4, 100), &count, None).outcome,
        Outcome::NoQuorum
    );
    assert_eq!(
        tally(&BOTH, &votes(4, 0, 0), at(5, 100), &count, None).outcome,
        Outcome::Decided(FOR)
    );
    // Ballots prove presence: attendance taken too low is raised to them.
    let t = tally(&BOTH, &votes(8, 3, 0), at(0, 20), &simple(), None);
    assert_eq!((t.present, t.outcome), (11, Outcome::Decided(FOR)));
}

#[test]
fn two_thirds_and_all_are_exact() {
    let two = rule(Share::TWO_THIRDS, MajorityBase::Cast, TieRule::Undecided);
    assert_eq!(
        tally(&BOTH, &votes(2, 1, 0), at(3, 3), &two, None).outcome,
        Outcome::Decided(FOR)
    );
    assert_eq!(
        tally(&BOTH, &votes(666, 334, 0), at(1000, 1000), &two, None).outcome,
        Outcome::Rejected
    );
    assert_eq!(
        tally(&BOTH, &votes(667, 333, 0), at(1000, 1000), &two, None).outcome,
        Outcome::Decided(FOR)
    );
    let all = rule(Share::ALL, MajorityBase::Cast, TieRule::Undecided);
    assert_eq!(
        tally(&BOTH, &votes(9, 1, 0), at(10, 10), &all, None).outcome,
        Outcome::Rejected
    );
    assert_eq!(
        tally(&BOTH, &votes(9, 0, 1), at(10, 10), &all, None).outcome,
        Outcome::Decided(FOR)
    );
    let all_present = rule(Share::ALL, MajorityBase::Present, TieRule::Undecided);
    assert_eq!(
        tally(&BOTH, &votes(9, 0, 1), at(10, 10), &all_present, None).outcome,
        Outcome::Rejected
    );
}

#[test]
fn ties_go_by_the_stated_rule() {
    let v = votes(5, 5, 1);
    let undecided = tally(&BOTH, &v, at(11, 11), &simple(), None);
    assert_eq!(undecided.outcome, Outcome::Tied(vec![FOR, AGAINST]));
    assert_eq!(
        undecided.outcome.decided().unwrap_err().code,
        Code::NoMajority
    );

    let quo = rule(
        Share::MORE_THAN_HALF,
        MajorityBase::Cast,
        TieRule::StatusQuo,
    );
    assert_eq!(
        tally(&BOTH, &v, at(11, 11), &quo, None).outcome,
        Outcome::Rejected
    );

    let chair = rule(
        Share::MORE_THAN_HALF,
        MajorityBase::Cast,
        TieRule::ChairCasts,
    );
    let t = tally(&BOTH, &v, at(11, 11), &chair, Some(AGAINST));
    assert_eq!(t.outcome, Outcome::Decided(AGAINST));
    assert!(t.casting_vote);
    // No casting vote given yet, or one for an option not in the tie: still tied.
    assert_eq!(
        tally(&BOTH, &v, at(11, 11), &chair, None).outcome,
        Outcome::Tied(vec![FOR, AGAINST])
    );
    let three = [FOR, AGAINST, 3];
    let v3 = [votes(3, 3, 0), vec![Choice::For(3); 2]].concat();
    assert_eq!(
        tally(&three, &v3, at(8, 8), &chair, Some(3)).outcome,
        Outcome::Tied(vec![FOR, AGAINST])
    );
    // A casting vote breaks a tie but does not make a majority: 4 of 9 is not more than half.
    assert_eq!(
        tally(&three, &v3, at(8, 8), &chair, Some(FOR)).outcome,
        Outcome::Rejected
    );
    // Nor a two-thirds one from 5:5.
    let chair_two = rule(Share::TWO_THIRDS, MajorityBase::Cast, TieRule::ChairCasts);
    assert_eq!(
        tally(&BOTH, &v, at(11, 11), &chair_two, Some(FOR)).outcome,
        Outcome::Rejected
    );
}

#[test]
fn nothing_cast_decides_nothing() {
    let t = tally(&BOTH, &votes(0, 0, 6), at(6, 10), &simple(), None);
    assert_eq!(t.outcome, Outcome::Rejected);
}

#[test]
fn the_residents_meeting_decides_by_those_present() {
    let r = VoteRule::RESIDENTS_MEETING;
    // 51 of 100 present; 26 for is more than half of them, 25 is not, even if nobody
    // votes against.
    assert_eq!(
        tally(&BOTH, &votes(26, 10, 0), at(51, 100), &r, None).outcome,
        Outcome::Decided(FOR)
    );
    assert_eq!(
        tally(&BOTH, &votes(25, 0, 0), at(51, 100), &r, None).outcome,
        Outcome::Rejected
    );
    assert_eq!(
        tally(&BOTH, &votes(50, 0, 0), at(50, 100), &r, None).outcome,
        Outcome::NoQuorum
    );
}

#[test]
fn a_household_votes_once_by_any_adult_member() {
    let mother = voter(11, 100, true);
    let father = voter(12, 100, true);
    let son = voter(13, 100, false);
    let key = admit(&facts(VoteUnit::Household, mother, &[])).unwrap();
    assert_eq!(key, BallotKey::Household(100));
    let voted = [key];
    assert_eq!(
        admit(&facts(VoteUnit::Household, father, &voted))
            .unwrap_err()
            .code,
        Code::AlreadyVoted
    );
    assert_eq!(
        admit(&facts(VoteUnit::Household, son, &[]))
            .unwrap_err()
            .code,
        Code::VoteNotEligible
    );
    // For another household: refused, whoever asks.
    let other = VoteFacts {
        for_household: Some(200),
        ..facts(VoteUnit::Household, father, &[])
    };
    assert_eq!(admit(&other).unwrap_err().code, Code::VoteForOtherHousehold);
    let own = VoteFacts {
        for_household: Some(100),
        ..facts(VoteUnit::Household, father, &[])
    };
    assert!(admit(&own).is_ok());
    // Per person, each adult and the son vote for themselves.
    assert_eq!(
        admit(&facts(VoteUnit::Person, son, &voted)).unwrap(),
        BallotKey::Person(13)
    );
    let twice = [BallotKey::Person(13)];
    assert_eq!(
        admit(&facts(VoteUnit::Person, son, &twice))
            .unwrap_err()
            .code,
        Code::AlreadyVoted
    );
    // Without a household nobody votes for one.
    let lodger = Voter {
        household: None,
        ..mother
    };
    assert_eq!(
        admit(&facts(VoteUnit::Household, lodger, &[]))
            .unwrap_err()
            .code,
        Code::VoteNotEligible
    );
    let outsider = Voter {
        entitled: false,
        ..mother
    };
    assert_eq!(
        admit(&facts(VoteUnit::Person, outsider, &[]))
            .unwrap_err()
            .code,
        Code::VoteNotEligible
    );
}

#[test]
fn votes_only_while_the_meeting_is_in_session_and_for_its_options() {
    let v = voter(1, 1, true);
    for (status, code) in [
        (MeetingStatus::Scheduled, Code::VotingNotOpen),
        (MeetingStatus::Closed, Code::VotingClosed),
        (MeetingStatus::Cancelled, Code::VotingClosed),
    ] {
        let f = VoteFacts {
            meeting: status,
            ..facts(VoteUnit::Person, v, &[])
        };
        assert_eq!(admit(&f).unwrap_err().code, code);
    }
    let f = VoteFacts {
        choice: Choice::For(99),
        ..facts(VoteUnit::Person, v, &[])
    };
    let e = admit(&f).unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (Code::InvalidChoice, Some("option"))
    );
    let f = VoteFacts {
        choice: Choice::Abstain,
        ..facts(VoteUnit::Person, v, &[])
    };
    assert!(admit(&f).is_ok());
}

#[test]
fn a_secret_ballot_keeps_only_that_someone_voted() {
    let k = BallotKey::Household(7);
    let open = record(Ballot::Open, k, Choice::For(FOR));
    assert_eq!((open.voted, open.by), (k, Some(k)));
    let secret = record(Ballot::Secret, k, Choice::For(FOR));
    assert_eq!(
        (secret.voted, secret.by, secret.choice),
        (k, None, Choice::For(FOR))
    );
}

fn any_rule() -> impl Strategy<Value = VoteRule> {
    let share = prop_oneof![
        Just(Share::MORE_THAN_HALF),
        Just(Share::TWO_THIRDS),
        Just(Share::ALL),
        Just(Share::new(1, 2, false).unwrap()),
        Just(Share::new(1, 3, false).unwrap()),
    ];
    let base = prop::sample::select(MajorityBase::ALL.to_vec());
    let tie = prop::sample::select(TieRule::ALL.to_vec());
    let quorum = prop_oneof![
        Just(Quorum::None),
        (0u32..30).prop_map(Quorum::Count),
        Just(Quorum::Members(Share::MORE_THAN_HALF)),
        Just(Quorum::Members(Share::TWO_THIRDS)),
    ];
    (quorum, share, base, tie).prop_map(|(quorum, majority, base, tie)| VoteRule {
        quorum,
        majority,
        base,
        tie,
    })
}

fn any_votes() -> impl Strategy<Value = Vec<Choice>> {
    prop::collection::vec(
        prop_oneof![3 => (1i64..4).prop_map(Choice::For), 1 => Just(Choice::Abstain)],
        0..40,
    )
}

const THREE: [OptionId; 3] = [1, 2, 3];

proptest! {
    /// No quorum, no decision; a decided option is the one alone at the top with the
    /// majority, or the chair's among those tied at the top.
    #[test]
    fn a_decision_has_quorum_and_the_most_votes(
        r in any_rule(), v in any_votes(), present in 0u32..50, extra in 0u32..50, chair in prop::option::of(1i64..4),
    ) {
        let t = tally(&THREE, &v, at(present, present + extra), &r, chair);
        prop_assert_eq!(t.outcome == Outcome::NoQuorum, !t.quorum_met);
        if let Outcome::Decided(o) = t.outcome {
            let top = t.counts.iter().map(|c| c.1).max().unwrap();
            let mine = t.counts.iter().find(|c| c.0 == o).unwrap().1;
            prop_assert_eq!(mine, top);
            let at_top = t.counts.iter().filter(|c| c.1 == top).count();
            if t.casting_vote {
                prop_assert!(at_top >= 2 && chair == Some(o) && r.tie == TieRule::ChairCasts);
            } else {
                prop_assert_eq!(at_top, 1);
                prop_assert!(r.majority.met(mine, t.base));
            }
        }
        if let Outcome::Tied(ref tied) = t.outcome {
            prop_assert!(tied.len() >= 2 && r.tie != TieRule::StatusQuo);
        }
    }

    /// The order the votes were cast in changes nothing.
    #[test]
    fn order_does_not_matter(r in any_rule(), mut v in any_votes(), present in 0u32..50, seed: u64) {
        let before = tally(&THREE, &v, at(present, 60), &r, Some(1));
        let n = v.len().max(1);
        v.rotate_left((seed as usize) % n);
        v.reverse();
        prop_assert_eq!(tally(&THREE, &v, at(present, 60), &r, Some(1)), before);
    }

    /// Counted against the votes cast, abstentions change nothing (quorum held equal).
    #[test]
    fn abstentions_apart_weigh_nothing(r in any_rule(), v in any_votes(), more in 0usize..20) {
        let r = VoteRule { base: MajorityBase::Cast, ..r };
        let mut with = v.clone();
        with.extend(vec![Choice::Abstain; more]);
        let a = at(100, 120);
        prop_assert_eq!(tally(&THREE, &with, a, &r, Some(2)).outcome, tally(&THREE, &v, a, &r, Some(2)).outcome);
    }

    /// Counted against every ballot, abstentions can only undo a decision, never make one.
    #[test]
    fn abstentions_counted_only_weigh_against(r in any_rule(), v in any_votes(), more in 0usize..20) {
        let r = VoteRule { base: MajorityBase::Ballots, ..r };
        let mut with = v.clone();
        with.extend(vec![Choice::Abstain; more]);
        let a = at(100, 120);
        if let Outcome::Decided(o) = tally(&THREE, &with, a, &r, Some(2)).outcome {
            prop_assert_eq!(tally(&THREE, &v, a, &r, Some(2)).outcome, Outcome::Decided(o));
        }
    }

    /// However the members of households try, each household is counted at most once,
    /// only for itself, and only by an adult of it.
    #[test]
    fn one_vote_per_household(attempts in prop::collection::vec((0i64..6, 0i64..4, any::<bool>(), prop::option::of(0i64..4)), 0..40)) {
        let mut voted: Vec<BallotKey> = Vec::new();
        for (person, household, adult, for_household) in attempts {
            let v = voter(person * 10 + household, household, adult);
            let f = VoteFacts { for_household, ..facts(VoteUnit::Household, v, &voted) };
            if let Ok(k) = admit(&f) {
                prop_assert_eq!(k, BallotKey::Household(household));
                prop_assert!(adult && for_household.is_none_or(|h| h == household));
                prop_assert!(!voted.contains(&k));
                voted.push(k);
            }
        }
        prop_assert!(voted.len() <= 4);
    }

    /// A secret ballot never links a vote to its voter; an open one always does.
    #[test]
    fn secret_means_no_link(id: i64, household: bool, secret: bool, o in 1i64..4) {
        let k = if household { BallotKey::Household(id) } else { BallotKey::Person(id) };
        let r = record(if secret { Ballot::Secret } else { Ballot::Open }, k, Choice::For(o));
        prop_assert_eq!(r.by.is_none(), secret);
        prop_assert_eq!(r.voted, k);
    }
}
