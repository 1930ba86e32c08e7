use super::*;
use crate::clock::DAY;
use proptest::prelude::*;

fn row(
    household: HouseholdId,
    building: BuildingId,
    floor: i16,
    m2: u64,
    position: Position,
) -> ConsentRow {
    ConsentRow {
        household,
        building,
        floor: Some(floor),
        area: Some(FloorArea::from_centi(m2 * 100)),
        position,
    }
}

/// Building 3: six floors of two households, 70 m² each.
fn building_3(positions: &[Position; 12]) -> Vec<ConsentRow> {
    (0..12)
        .map(|i| row(300 + i as i64, 3, (i / 2 + 1) as i16, 70, positions[i]))
        .collect()
}

const ALL_HOUSEHOLDS: CampaignRule = CampaignRule::Threshold {
    share: ThresholdShare::All,
    basis: ThresholdBasis::Households,
};

#[test]
fn the_bike_shed_reaches_all_households_after_the_visits() {
    use Position::*;
    // Day 1: objections on the ground floor, nobody home on the sixth.
    let day1 = building_3(&[
        Object, Object, Agree, Undecided, Agree, Agree, Agree, Agree, Agree, Agree, NotReached,
        NotReached,
    ]);
    let s = summarise(&day1);
    assert_eq!(
        (
            s.total.agree,
            s.total.object,
            s.total.undecided,
            s.total.not_reached
        ),
        (7, 2, 1, 2)
    );
    let r = reach(ALL_HOUSEHOLDS, &s.total);
    assert!(!r.reached());
    assert_eq!((r.agreeing, r.of, r.needed), (7, 12, Some(12)));
    // Per floor: the first floor's two households both object.
    let b = &s.buildings[0];
    assert_eq!(b.building, 3);
    assert_eq!(b.floors.len(), 6);
    assert_eq!((b.floors[0].floor, b.floors[0].counts.object), (Some(1), 2));
    assert_eq!(b.floors[5].counts.not_reached, 2);
    // Within the week, Master Du's visits: everyone agrees.
    let s = summarise(&building_3(&[Agree; 12]));
    assert!(reach(ALL_HOUSEHOLDS, &s.total).reached());
}

#[test]
fn thresholds_by_households_or_by_area() {
    use Position::*;
    // 9 of 12 agree: two-thirds or more by households, more than half too.
    let mut rows = building_3(&[
        Agree, Agree, Agree, Agree, Agree, Agree, Agree, Agree, Agree, Object, Object, Object,
    ]);
    let s = summarise(&rows);
    let two_thirds = CampaignRule::Threshold {
        share: ThresholdShare::TwoThirds,
        basis: ThresholdBasis::Households,
    };
    assert!(reach(two_thirds, &s.total).reached());
    // By area: the three objecting households are large (200 m²): 630 of 1230 m² agree,
    // short of two-thirds but more than half.
    for r in rows.iter_mut().skip(9) {
        r.area = Some(FloorArea::from_centi(20_000));
    }
    let s = summarise(&rows);
    let by_area = |share| CampaignRule::Threshold {
        share,
        basis: ThresholdBasis::FloorArea,
    };
    let r = reach(by_area(ThresholdShare::TwoThirds), &s.total);
    assert!(!r.reached());
    assert_eq!((r.agreeing, r.of), (63_000, 123_000));
    assert!(reach(by_area(ThresholdShare::Majority), &s.total).reached());
    // An area unknown: nothing is reached by area until the roster has it.
    rows[0].area = None;
    let s = summarise(&rows);
    let r = reach(by_area(ThresholdShare::Majority), &s.total);
    assert_eq!((r.reached(), r.area_unknown), (false, 1));
    assert!(
        reach(two_thirds, &s.total).reached(),
        "by households the area does not matter"
    );
}

#[test]
fn the_shed_on_common_ground_under_art_278() {
    use Position::*;
    // Item (8): 8 of 12 take part (two-thirds), 6 of 8 agree (three-quarters).
    let rows = building_3(&[
        Agree, Agree, Agree, Agree, Agree, Agree, Object, Object, Undecided, Undecided, NotReached,
        NotReached,
    ]);
    let r = reach(
        CampaignRule::CivilCode278(Art278Matter::CommonParts),
        &summarise(&rows).total,
    );
    assert_eq!(r.verdict, Verdict::Passed);
    assert!(r.art278.is_some());
    // 7 taking part is too few.
    let rows = building_3(&[
        Agree, Agree, Agree, Agree, Agree, Agree, Object, Undecided, Undecided, Undecided,
        NotReached, NotReached,
    ]);
    let r = reach(
        CampaignRule::CivilCode278(Art278Matter::CommonParts),
        &summarise(&rows).total,
    );
    assert_eq!(r.verdict, Verdict::NoQuorum);
}

#[test]
fn addressed_to_the_community_only() {
    assert!(check_addressed(1, &[(10, 1), (11, 1)]).is_ok());
    let e = check_addressed(1, &[(10, 1), (11, 2), (12, 3)]).unwrap_err();
    assert_eq!(e.code, Code::CampaignOutsideCommunity);
    assert_eq!(e.arg("count"), Some(&crate::error::Arg::Text("2".into())));
    assert_eq!(
        check_addressed(1, &[]).unwrap_err().code,
        Code::MissingField
    );
}

#[test]
fn floors_from_room_numbers() {
    assert_eq!(floor_of_room("302"), Some(3));
    assert_eq!(floor_of_room("1203"), Some(12));
    assert_eq!(floor_of_room("0101"), Some(1));
    for other in ["12", "B101", "3-302", "12034", "", "099"] {
        assert_eq!(floor_of_room(other), None, "{other}");
    }
}

#[test]
fn the_result_is_final_only_after_the_notice_period() {
    let start = Millis(1_780_000_000_000);
    let notice = Notice::new(start, start + 7 * DAY).unwrap();
    assert_eq!(phase(false, None, start), CampaignPhase::Open);
    assert_eq!(phase(false, Some(notice), start - 1), CampaignPhase::Open);
    assert_eq!(
        phase(false, Some(notice), start + DAY),
        CampaignPhase::Notice
    );
    assert_eq!(
        phase(false, Some(notice), start + 30 * DAY),
        CampaignPhase::Notice
    );
    assert_eq!(
        phase(true, Some(notice), start + 30 * DAY),
        CampaignPhase::Final
    );
    // Objections during the notice period are taken; after the result is final, not.
    assert!(may_respond(CampaignPhase::Notice).is_ok());
    assert_eq!(
        may_respond(CampaignPhase::Final).unwrap_err().code,
        Code::CampaignFinal
    );

    assert_eq!(
        may_finalise(false, None, start).unwrap_err().code,
        Code::NoticeRequired
    );
    let e = may_finalise(false, Some(notice), start + 7 * DAY - 1).unwrap_err();
    assert_eq!(e.code, Code::NoticePeriodOpen);
    assert!(e.arg("ends_at").is_some());
    assert!(may_finalise(false, Some(notice), start + 7 * DAY).is_ok());
    assert_eq!(
        may_finalise(true, Some(notice), start + 8 * DAY)
            .unwrap_err()
            .code,
        Code::CampaignFinal
    );
    assert_eq!(
        Notice::new(start, start).unwrap_err().code,
        Code::EndsBeforeStart
    );
}

fn any_rows() -> impl Strategy<Value = Vec<ConsentRow>> {
    prop::collection::vec(
        (
            1i64..5,
            prop::option::of(1i16..8),
            prop::option::of(1u64..30_000),
            prop::sample::select(Position::ALL.to_vec()),
        ),
        0..80,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (building, floor, area, position))| ConsentRow {
                household: i as i64,
                building,
                floor,
                area: area.map(FloorArea::from_centi),
                position,
            })
            .collect()
    })
}

proptest! {
    /// The summary is a fold: every row is counted once in the total, once in its building
    /// and once on its floor, whatever the order of the rows.
    #[test]
    fn the_summary_adds_up(mut rows in any_rows(), seed: u64) {
        let s = summarise(&rows);
        let t = s.total;
        prop_assert_eq!(t.households, rows.len() as u64);
        prop_assert_eq!(t.agree + t.object + t.undecided + t.not_reached, t.households);
        let sum = |f: fn(&Counts) -> u64| s.buildings.iter().map(|b| f(&b.counts)).sum::<u64>();
        prop_assert_eq!(sum(|c| c.households), t.households);
        prop_assert_eq!(sum(|c| c.agree_area.centi()), t.agree_area.centi());
        prop_assert_eq!(sum(|c| c.area_unknown), t.area_unknown);
        for b in &s.buildings {
            let floors: u64 = b.floors.iter().map(|f| f.counts.households).sum();
            prop_assert_eq!(floors, b.counts.households);
            prop_assert!(b.floors.windows(2).all(|w| w[0].floor < w[1].floor));
        }
        prop_assert!(s.buildings.windows(2).all(|w| w[0].building < w[1].building));
        let n = rows.len().max(1);
        rows.rotate_left(seed as usize % n);
        prop_assert_eq!(summarise(&rows), s);
    }

    /// "All" is reached exactly when every household agrees; a threshold is never reached
    /// with fewer agreeing than it says it needs.
    #[test]
    fn thresholds_mean_what_they_say(rows in any_rows(), share in prop::sample::select(ThresholdShare::ALL.to_vec())) {
        let t = summarise(&rows).total;
        let all = reach(ALL_HOUSEHOLDS, &t);
        prop_assert_eq!(all.reached(), t.households > 0 && t.agree == t.households);
        let r = reach(CampaignRule::Threshold { share, basis: ThresholdBasis::Households }, &t);
        prop_assert_eq!(r.reached(), r.needed.is_some_and(|n| r.agreeing >= n));
        let a = reach(CampaignRule::Threshold { share, basis: ThresholdBasis::FloorArea }, &t);
        if a.reached() {
            prop_assert_eq!(t.area_unknown, 0);
        }
    }
}
