use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn p(n: i64) -> Progress {
    Progress::new(n).unwrap()
}

fn item(id: i64, parent: Option<i64>, progress: i64) -> Item {
    Item {
        id,
        parent,
        progress: p(progress),
        status: status_for(p(progress), false),
    }
}

#[test]
fn a_parent_is_the_mean_of_its_children_rounded_down() {
    assert_eq!(derived(&[]), None);
    assert_eq!(derived(&[p(50), p(100)]), Some(p(75)));
    assert_eq!(
        derived(&[p(99), p(100)]),
        Some(p(99)),
        "not done until all are"
    );
    assert_eq!(derived(&[p(0), p(1)]), Some(p(0)));
    assert_eq!(derived(&[p(100), p(100), p(100)]), Some(p(100)));
}

#[test]
fn the_gate_decision_rolls_up() {
    // The decision (1) has two parts: the Beef Noodle gate opened (2: new lock 100 %, the
    // notice posted 100 %) and the opening hours kept (3, 40 %).
    let items = [
        item(1, None, 0),
        item(2, Some(1), 0),
        item(3, Some(1), 40),
        item(4, Some(2), 100),
        item(5, Some(2), 100),
    ];
    let shown = rollup(&items);
    assert_eq!(shown[&2], p(100));
    assert_eq!(shown[&1], p(70));
    assert_eq!(shown[&3], p(40));
}

#[test]
fn cancelled_children_and_broken_links_are_left_out() {
    let mut items = vec![
        item(1, None, 10),
        item(2, Some(1), 100),
        item(3, Some(1), 0),
    ];
    items[2].status = FollowStatus::Cancelled;
    assert_eq!(rollup(&items)[&1], p(100));
    items[1].status = FollowStatus::Cancelled;
    assert_eq!(rollup(&items)[&1], p(10), "no child counted: its own");
    // A link to nothing, to itself, or around a loop.
    let odd = [
        item(7, Some(99), 30),
        item(8, Some(8), 20),
        item(10, Some(11), 10),
        item(11, Some(10), 50),
    ];
    let shown = rollup(&odd);
    assert_eq!((shown[&7], shown[&8]), (p(30), p(20)));
    assert_eq!(shown.len(), 4);
}

#[test]
fn status_follows_progress_unless_cancelled() {
    assert_eq!(status_for(p(0), false), FollowStatus::Planned);
    assert_eq!(status_for(p(1), false), FollowStatus::InProgress);
    assert_eq!(status_for(p(100), false), FollowStatus::Done);
    assert_eq!(status_for(p(100), true), FollowStatus::Cancelled);
}

#[test]
fn overdue_after_the_whole_due_day_in_china() {
    let due = date(2026, 6, 30);
    // 2026-06-30 23:59:59 +08:00 is 15:59:59Z; midnight is 16:00Z.
    let last = Millis(
        jiff::Timestamp::from_second(1_782_835_199)
            .unwrap()
            .as_millisecond(),
    );
    assert_eq!(crate::clock::format_local(last), "2026-06-30 23:59");
    assert!(!overdue(due, FollowStatus::InProgress, last));
    assert!(overdue(due, FollowStatus::InProgress, last + 1000));
    assert!(overdue(due, FollowStatus::Planned, last + 1000));
    assert!(!overdue(due, FollowStatus::Done, last + 1000));
    assert!(!overdue(due, FollowStatus::Cancelled, last + 1000));
}

fn any_tree() -> impl Strategy<Value = Vec<Item>> {
    prop::collection::vec(
        (0u8..=100, any::<prop::sample::Index>(), any::<bool>()),
        1..30,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (progress, parent, root))| {
                // Parents come before children, as links made at creation do.
                let parent = (i > 0 && !root).then(|| parent.index(i) as i64);
                item(i as i64, parent, i64::from(progress))
            })
            .collect()
    })
}

proptest! {
    /// A parent shows 100 % exactly when every child it counts does, and never less than
    /// the least of them nor more than the most.
    #[test]
    fn parents_lie_between_their_children(items in any_tree()) {
        let shown = rollup(&items);
        prop_assert_eq!(shown.len(), items.len());
        for it in &items {
            let kids: Vec<Progress> = items.iter().filter(|k| k.parent == Some(it.id)).map(|k| shown[&k.id]).collect();
            if kids.is_empty() {
                prop_assert_eq!(shown[&it.id], it.progress);
                continue;
            }
            let me = shown[&it.id];
            prop_assert!(kids.iter().min().unwrap() <= &me && &me <= kids.iter().max().unwrap());
            prop_assert_eq!(me == Progress::DONE, kids.iter().all(|k| *k == Progress::DONE));
        }
    }

    /// Progress outside 0–100 is refused, inside it is kept as given.
    #[test]
    fn progress_is_validated(n in -1000i64..1000) {
        match Progress::new(n) {
            Ok(p) => prop_assert_eq!(i64::from(p.percent()), n),
            Err(e) => {
                prop_assert!(!(0..=100).contains(&n));
                prop_assert_eq!(e.code, crate::error::Code::InvalidProgress);
            }
        }
    }
}
