//! Who may take each step: the "who" column of the lifecycle table.

use super::*;

#[test]
fn only_the_right_people_may_take_each_step() {
    let f = facts(Submitted);
    let none = Relation::default();
    let own = Relation {
        own_grid: true,
        ..none
    };
    let d = |role, rel: &Relation, step, f: &Facts| decide(f, role, rel, step, Millis(0), &POLICY);
    // Accept: the office and the grid's own worker; not another grid's worker, not residents.
    assert!(d(Role::Staff, &none, Step::Accept, &f).is_ok());
    assert!(d(Role::Secretary, &none, Step::Accept, &f).is_ok());
    assert!(d(Role::GridWorker, &own, Step::Accept, &f).is_ok());
    for role in [
        Role::GridWorker,
        Role::Resident,
        Role::Volunteer,
        Role::Unit,
    ] {
        assert_eq!(
            d(role, &none, Step::Accept, &f),
            Err(Refusal::NotAllowed { step: "accept" })
        );
    }
    // Decline and merge are the office's.
    assert!(d(Role::GridWorker, &own, Step::Decline, &f).is_err());
    assert!(d(Role::GridWorker, &own, Step::Merge, &f).is_err());
    // Take: only the assignee.
    let f = facts(Dispatched);
    assert!(d(Role::Volunteer, &none, Step::Take, &f).is_err());
    assert!(d(Role::Staff, &none, Step::Take, &f).is_err());
    // Resolve on the spot: the grid's worker, not a volunteer.
    let f = facts(Accepted);
    assert!(d(Role::GridWorker, &own, Step::Resolve, &f).is_ok());
    assert!(d(Role::Volunteer, &none, Step::Resolve, &f).is_err());
    // Resolve in progress: the assignee, not the grid worker.
    let f = facts(InProgress);
    let assignee = Relation {
        assignee: true,
        ..none
    };
    assert!(d(Role::Unit, &assignee, Step::Resolve, &f).is_ok());
    assert!(d(Role::GridWorker, &own, Step::Resolve, &f).is_err());
    // Rate: the reporter or the office recording a phone answer; not the grid worker.
    let f = facts(FeedbackGiven);
    assert!(d(Role::GridWorker, &own, SATISFIED, &f).is_err());
    assert!(d(Role::Resident, &none, SATISFIED, &f).is_err());
    // Whistle: the secretary and the street, not staff.
    let f = facts(Accepted);
    assert!(d(Role::Staff, &none, Step::Whistle, &f).is_err());
    assert!(d(Role::Street, &none, Step::Whistle, &f).is_ok());
    // Auto close: only the job.
    let f = facts(FeedbackGiven);
    assert!(
        decide(
            &f,
            Role::Admin,
            &none,
            Step::AutoClose,
            Millis(10 * DAY),
            &POLICY
        )
        .is_err()
    );
    // The street acts on what reached the street, not on grid matters.
    let mut street = facts(Accepted);
    assert!(d(Role::Street, &none, Step::Dispatch, &street).is_err());
    street.level = Some(Level::Street);
    assert!(d(Role::Street, &none, Step::Dispatch, &street).is_ok());
}
