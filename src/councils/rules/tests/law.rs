use super::*;
use proptest::prelude::*;

fn m2(x: u64) -> FloorArea {
    FloorArea::from_centi(x * 100)
}

/// `n` owners of `area` m² each, the first `part` taking part and the first `agree` of
/// them agreeing.
fn owners(n: usize, area: u64, part: usize, agree: usize) -> Vec<OwnerBallot> {
    (0..n)
        .map(|i| OwnerBallot {
            area: m2(area),
            took_part: i < part,
            agrees: i < agree,
        })
        .collect()
}

#[test]
fn the_bike_shed_on_common_ground_needs_three_quarters() {
    // Item (8): changing the use of common parts. 30 owners of 90 m²: 20 take part, which is
    // two-thirds exactly (以上 includes it); 15 of 20 is three-quarters exactly.
    let c = OwnersCount::of(owners(30, 90, 20, 15));
    let r = civil_code_278(Art278Matter::CommonParts, &c);
    assert_eq!(r.verdict, Verdict::Passed);
    assert_eq!(r.needed, Share::THREE_QUARTERS);
    let c = OwnersCount::of(owners(30, 90, 20, 14));
    assert_eq!(
        civil_code_278(Art278Matter::CommonParts, &c).verdict,
        Verdict::Rejected
    );
    // 19 of 30 taking part is short of two-thirds: nothing is decided.
    let c = OwnersCount::of(owners(30, 90, 19, 19));
    let r = civil_code_278(Art278Matter::CommonParts, &c);
    assert_eq!(r.verdict, Verdict::NoQuorum);
    assert!(!r.participation_owners && !r.participation_area);
}

#[test]
fn other_matters_need_more_than_half_of_both() {
    // Item (5), using the maintenance fund, is one of them: 10 of 20 is not more than half.
    let c = OwnersCount::of(owners(30, 90, 20, 10));
    assert_eq!(
        civil_code_278(Art278Matter::UseMaintenanceFund, &c).verdict,
        Verdict::Rejected
    );
    let c = OwnersCount::of(owners(30, 90, 20, 11));
    assert_eq!(
        civil_code_278(Art278Matter::UseMaintenanceFund, &c).verdict,
        Verdict::Passed
    );
    assert_eq!(
        civil_code_278(Art278Matter::RaiseMaintenanceFund, &c).verdict,
        Verdict::Rejected
    );
}

#[test]
fn area_and_heads_are_counted_at_once() {
    // Three small flats and one large shop: the three agree, the shop does not. By head 3 of
    // 4 agree, by area 180 of 480 m² — no double majority.
    let mut b = owners(3, 60, 3, 3);
    b.push(OwnerBallot {
        area: m2(300),
        took_part: true,
        agrees: false,
    });
    let r = civil_code_278(Art278Matter::OwnersCommittee, &OwnersCount::of(b.clone()));
    assert!(r.agreement_owners && !r.agreement_area);
    assert_eq!(r.verdict, Verdict::Rejected);
    // The shop absent: 3 of 4 owners take part but 180 of 480 m² is short of two-thirds.
    b[3].took_part = false;
    let r = civil_code_278(Art278Matter::OwnersCommittee, &OwnersCount::of(b));
    assert!(r.participation_owners && !r.participation_area);
    assert_eq!(r.verdict, Verdict::NoQuorum);
}

#[test]
fn areas_are_exact_to_the_hundredth() {
    // 2/3 of 100.00 m² is 66.666…: 66.66 is short, 66.67 is enough.
    let ballot = |c, part| OwnerBallot {
        area: FloorArea::from_centi(c),
        took_part: part,
        agrees: part,
    };
    let short = OwnersCount {
        owners: 3,
        participating_owners: 3,
        agreeing_owners: 3,
        ..OwnersCount::of([ballot(6666, true), ballot(3334, false)])
    };
    assert!(!civil_code_278(Art278Matter::OtherMajor, &short).participation_area);
    let enough = OwnersCount {
        owners: 3,
        participating_owners: 3,
        agreeing_owners: 3,
        ..OwnersCount::of([ballot(6667, true), ballot(3333, false)])
    };
    assert!(civil_code_278(Art278Matter::OtherMajor, &enough).participation_area);
}

#[test]
fn positions_become_owners_ballots() {
    let a = m2(80);
    let c = OwnersCount::of([
        OwnerBallot::from_position(a, Position::Agree),
        OwnerBallot::from_position(a, Position::Object),
        OwnerBallot::from_position(a, Position::Undecided),
        OwnerBallot::from_position(a, Position::NotReached),
    ]);
    assert_eq!(
        (c.owners, c.participating_owners, c.agreeing_owners),
        (4, 2, 1)
    );
    assert_eq!(
        (c.area, c.participating_area, c.agreeing_area),
        (m2(320), m2(160), m2(80))
    );
}

#[test]
fn a_residents_meeting_needs_more_than_half_present_and_agreeing() {
    let count = |present, agreeing| MeetingCount {
        basis: MeetingBasis::Households,
        total: 100,
        present,
        agreeing,
    };
    assert_eq!(residents_meeting(&count(50, 50)).verdict, Verdict::NoQuorum);
    assert_eq!(residents_meeting(&count(51, 26)).verdict, Verdict::Passed);
    assert_eq!(residents_meeting(&count(51, 25)).verdict, Verdict::Rejected);
    assert_eq!(residents_meeting(&count(100, 51)).verdict, Verdict::Passed);
    let empty = MeetingCount {
        basis: MeetingBasis::AdultResidents,
        total: 0,
        present: 0,
        agreeing: 0,
    };
    assert_eq!(residents_meeting(&empty).verdict, Verdict::NoQuorum);
}

fn any_ballots() -> impl Strategy<Value = Vec<OwnerBallot>> {
    prop::collection::vec(
        (1u64..50_000, any::<bool>(), any::<bool>()).prop_map(|(c, part, agree)| OwnerBallot {
            area: FloorArea::from_centi(c),
            took_part: part,
            agrees: part && agree,
        }),
        0..60,
    )
}

proptest! {
    /// Passed means all four tests held; a stricter matter never passes where an ordinary
    /// one does not.
    #[test]
    fn passed_means_both_counts_twice(b in any_ballots(), strict in 5usize..8, other in 0usize..5) {
        let c = OwnersCount::of(b);
        prop_assert!(c.agreeing_owners <= c.participating_owners && c.participating_owners <= c.owners);
        let s = civil_code_278(Art278Matter::ALL[strict], &c);
        let o = civil_code_278(Art278Matter::ALL[other], &c);
        if s.verdict == Verdict::Passed {
            prop_assert!(s.participation_area && s.participation_owners && s.agreement_area && s.agreement_owners);
            prop_assert_eq!(o.verdict, Verdict::Passed);
        }
        prop_assert_eq!(s.verdict == Verdict::NoQuorum, o.verdict == Verdict::NoQuorum);
        // The same thing in plain integers.
        let quorum = 3 * c.participating_owners >= 2 * c.owners && 3 * c.participating_area.centi() >= 2 * c.area.centi() && c.owners > 0;
        prop_assert_eq!(s.verdict != Verdict::NoQuorum, quorum);
        let half = 2 * c.agreeing_owners > c.participating_owners && 2 * c.agreeing_area.centi() > c.participating_area.centi();
        prop_assert_eq!(o.verdict == Verdict::Passed, quorum && half);
        let three = 4 * c.agreeing_owners >= 3 * c.participating_owners && 4 * c.agreeing_area.centi() >= 3 * c.participating_area.centi() && c.participating_owners > 0;
        prop_assert_eq!(s.verdict == Verdict::Passed, quorum && three);
    }

    /// One more owner agreeing never undoes a passed decision.
    #[test]
    fn agreeing_more_never_hurts(mut b in any_ballots(), i: prop::sample::Index, matter in 0usize..9) {
        prop_assume!(!b.is_empty());
        let before = civil_code_278(Art278Matter::ALL[matter], &OwnersCount::of(b.clone())).verdict;
        let k = i.index(b.len());
        b[k].took_part = true;
        b[k].agrees = true;
        let after = civil_code_278(Art278Matter::ALL[matter], &OwnersCount::of(b)).verdict;
        if before == Verdict::Passed {
            prop_assert_eq!(after, Verdict::Passed);
        }
    }
}
