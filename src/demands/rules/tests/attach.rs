//! Attaching a photo: a step on an open demand, by someone who works on it or the household
//! that raised it; never on a closed, declined or merged demand, never by a reader only.

use super::*;

fn attach(status: Status, role: Role, rel: Relation) -> Result<Outcome, Refusal> {
    decide(&facts(status), role, &rel, Step::Attach, Millis(0), &POLICY)
}

#[test]
fn a_photo_goes_on_an_open_demand_and_changes_nothing_else() {
    for &s in Status::ALL {
        let got = attach(s, Role::Staff, Relation::default());
        if s.is_open() {
            assert_eq!(
                got,
                Ok(Outcome {
                    to: s,
                    level: Level::Grid,
                    reopened: false
                }),
                "{s}"
            );
        } else {
            assert_eq!(
                got,
                Err(Refusal::IllegalTransition {
                    from: s,
                    step: "attach"
                }),
                "{s}"
            );
        }
    }
}

#[test]
fn who_may_attach_and_who_only_reads() {
    let none = Relation::default();
    let with = |f: fn(&mut Relation)| {
        let mut r = Relation::default();
        f(&mut r);
        r
    };
    let own_grid = with(|r| r.own_grid = true);
    let assignee = with(|r| r.assignee = true);
    let summoned = with(|r| r.summons = Some(SummonState::Waiting));
    let reporter = with(|r| r.reporter = true);
    // (role, relation, may attach)
    let table: &[(Role, &Relation, bool)] = &[
        (Role::Staff, &none, true),
        (Role::Secretary, &none, true),
        (Role::GridWorker, &own_grid, true),
        (Role::GridWorker, &assignee, true),
        (Role::GridWorker, &none, false),
        (Role::Volunteer, &assignee, true),
        (Role::Volunteer, &none, false),
        (Role::Unit, &assignee, true),
        (Role::Unit, &summoned, true),
        // A unit the order was taken from still reads the demand, and only reads it.
        (Role::Unit, &none, false),
        (Role::Resident, &reporter, true),
        // The street reads its communities' demands; it works on what reached the street.
        (Role::Street, &none, false),
        (Role::Admin, &none, false),
    ];
    for &(role, rel, may) in table {
        let got = attach(Status::Dispatched, role, *rel);
        if may {
            assert!(got.is_ok(), "{role:?} {rel:?}: {got:?}");
        } else {
            assert_eq!(
                got,
                Err(Refusal::NotAllowed { step: "attach" }),
                "{role:?} {rel:?}"
            );
        }
    }
    let mut street_level = facts(Status::Dispatched);
    street_level.level = Some(Level::Street);
    assert!(
        decide(
            &street_level,
            Role::Street,
            &none,
            Step::Attach,
            Millis(0),
            &POLICY
        )
        .is_ok()
    );
}
