use super::*;
use crate::clock::{DAY, Millis};
use Status::*;

const POLICY: Policy = Policy {
    rating_window: 7 * DAY,
    reopen_window: 30 * DAY,
};

const SATISFIED: Step = Step::Rate {
    solved: true,
    satisfaction: Satisfaction::Satisfied,
};
const BASICALLY: Step = Step::Rate {
    solved: true,
    satisfaction: Satisfaction::Basically,
};
const UNSATISFIED: Step = Step::Rate {
    solved: true,
    satisfaction: Satisfaction::Unsatisfied,
};
const NOT_SOLVED: Step = Step::Rate {
    solved: false,
    satisfaction: Satisfaction::Basically,
};

mod attach;
mod who;

const ALL_STEPS: [Step; 19] = [
    Step::Accept,
    Step::Decline,
    Step::Merge,
    Step::Dispatch,
    Step::Take,
    Step::Resolve,
    Step::Feedback,
    SATISFIED,
    BASICALLY,
    UNSATISFIED,
    NOT_SOLVED,
    Step::Reopen,
    Step::Close,
    Step::AutoClose,
    Step::Escalate,
    Step::Whistle,
    Step::ReportIn,
    Step::ReportBack,
    Step::Attach,
];

/// The lifecycle table of PRODUCT.md, written out by hand: every legal (from, step) → to.
/// Anything not listed here must be refused.
fn expected(from: Status, step: Step) -> Option<Status> {
    let table: &[(Status, Step, Status)] = &[
        (Submitted, Step::Accept, Accepted),
        (Submitted, Step::Decline, Declined),
        (Submitted, Step::Merge, Merged),
        (Accepted, Step::Merge, Merged),
        (Accepted, Step::Dispatch, Dispatched),
        (Dispatched, Step::Dispatch, Dispatched),
        (InProgress, Step::Dispatch, Dispatched),
        (Dispatched, Step::Take, InProgress),
        (Accepted, Step::Resolve, Resolved),
        (InProgress, Step::Resolve, Resolved),
        (Resolved, Step::Feedback, FeedbackGiven),
        (FeedbackGiven, SATISFIED, Closed),
        (FeedbackGiven, BASICALLY, Closed),
        (FeedbackGiven, UNSATISFIED, Dispatched),
        (FeedbackGiven, NOT_SOLVED, Dispatched),
        (FeedbackGiven, Step::Close, Closed),
        (FeedbackGiven, Step::AutoClose, Closed),
        (Closed, Step::Reopen, Dispatched),
        (Submitted, Step::Escalate, Submitted),
        (Accepted, Step::Escalate, Accepted),
        (Dispatched, Step::Escalate, Dispatched),
        (InProgress, Step::Escalate, InProgress),
        (Resolved, Step::Escalate, Resolved),
        (FeedbackGiven, Step::Escalate, FeedbackGiven),
        (Accepted, Step::Whistle, Accepted),
        (Dispatched, Step::Whistle, Dispatched),
        (InProgress, Step::Whistle, InProgress),
        (Accepted, Step::ReportIn, Accepted),
        (Dispatched, Step::ReportIn, Dispatched),
        (InProgress, Step::ReportIn, InProgress),
        (Accepted, Step::ReportBack, Accepted),
        (Dispatched, Step::ReportBack, Dispatched),
        (InProgress, Step::ReportBack, InProgress),
        (Submitted, Step::Attach, Submitted),
        (Accepted, Step::Attach, Accepted),
        (Dispatched, Step::Attach, Dispatched),
        (InProgress, Step::Attach, InProgress),
        (Resolved, Step::Attach, Resolved),
        (FeedbackGiven, Step::Attach, FeedbackGiven),
    ];
    table
        .iter()
        .find(|(f, s, _)| *f == from && *s == step)
        .map(|(_, _, to)| *to)
}

#[test]
fn the_transition_table_is_exactly_the_lifecycle() {
    let mut legal = 0;
    for &from in Status::ALL {
        for step in ALL_STEPS {
            let got = next_status(from, step, true);
            assert_eq!(got, expected(from, step), "{from} --{}-->", step.name());
            legal += got.is_some() as usize;
        }
    }
    assert_eq!(legal, 39);
}

#[test]
fn a_reopen_without_an_assignee_goes_back_to_accepted() {
    assert_eq!(
        next_status(FeedbackGiven, NOT_SOLVED, false),
        Some(Accepted)
    );
    assert_eq!(next_status(Closed, Step::Reopen, false), Some(Accepted));
}

/// A caller who may take `step` (to show every legal step can be taken by someone).
fn someone_who_may(step: Step) -> (Role, Relation) {
    let rel = Relation::default();
    match step {
        Step::Take => (
            Role::Volunteer,
            Relation {
                assignee: true,
                ..rel
            },
        ),
        Step::Rate { .. } => (
            Role::Resident,
            Relation {
                reporter: true,
                ..rel
            },
        ),
        Step::AutoClose => (
            Role::Admin,
            Relation {
                system: true,
                ..rel
            },
        ),
        Step::Whistle => (Role::Secretary, rel),
        Step::ReportIn => (
            Role::Unit,
            Relation {
                summons: Some(SummonState::Waiting),
                ..rel
            },
        ),
        Step::ReportBack => (
            Role::Unit,
            Relation {
                summons: Some(SummonState::ReportedIn),
                ..rel
            },
        ),
        _ => (Role::Staff, rel),
    }
}

fn facts(status: Status) -> Facts {
    Facts {
        status: Some(status),
        level: Some(Level::Grid),
        has_assignee: true,
        summons_pending: 0,
        feedback_at: Some(Millis(0)),
        closed_at: Some(Millis(0)),
    }
}

#[test]
fn every_legal_step_is_taken_and_every_illegal_one_refused() {
    let now = Millis(10 * DAY); // past the rating window, inside the reopen window
    for &from in Status::ALL {
        for step in ALL_STEPS {
            let (role, rel) = someone_who_may(step);
            let got = decide(&facts(from), role, &rel, step, now, &POLICY);
            match expected(from, step) {
                Some(to) => assert_eq!(got.map(|o| o.to), Ok(to), "{from} {}", step.name()),
                None => assert_eq!(
                    got,
                    Err(Refusal::IllegalTransition {
                        from,
                        step: step.name()
                    }),
                    "{from} {}",
                    step.name()
                ),
            }
        }
    }
}

#[test]
fn resolving_waits_for_every_summoned_unit() {
    let mut f = facts(InProgress);
    f.summons_pending = 2;
    let rel = Relation {
        assignee: true,
        ..Default::default()
    };
    assert_eq!(
        decide(&f, Role::Unit, &rel, Step::Resolve, Millis(0), &POLICY),
        Err(Refusal::SummonsPending { pending: 2 })
    );
    f.summons_pending = 0;
    assert!(decide(&f, Role::Unit, &rel, Step::Resolve, Millis(0), &POLICY).is_ok());
}

#[test]
fn closing_unrated_waits_for_the_rating_window() {
    let f = Facts {
        feedback_at: Some(Millis(100 * DAY)),
        ..facts(FeedbackGiven)
    };
    let r = Relation::default();
    let early = decide(&f, Role::Staff, &r, Step::Close, Millis(106 * DAY), &POLICY);
    assert_eq!(early, Err(Refusal::RatingWindowOpen));
    let late = decide(&f, Role::Staff, &r, Step::Close, Millis(107 * DAY), &POLICY);
    assert_eq!(late.map(|o| o.to), Ok(Closed));
}

#[test]
fn reopening_needs_the_reopen_window() {
    let f = Facts {
        closed_at: Some(Millis(0)),
        ..facts(Closed)
    };
    let r = Relation::default();
    let ok = decide(
        &f,
        Role::Secretary,
        &r,
        Step::Reopen,
        Millis(30 * DAY),
        &POLICY,
    )
    .unwrap();
    assert!(ok.reopened);
    assert_eq!(ok.to, Dispatched);
    assert_eq!(
        decide(
            &f,
            Role::Secretary,
            &r,
            Step::Reopen,
            Millis(31 * DAY),
            &POLICY
        ),
        Err(Refusal::ReopenWindowPassed)
    );
}

#[test]
fn a_bad_rating_reopens_and_a_good_one_closes() {
    let f = facts(FeedbackGiven);
    let r = Relation {
        reporter: true,
        ..Default::default()
    };
    for (step, to, reopened) in [
        (SATISFIED, Closed, false),
        (BASICALLY, Closed, false),
        (UNSATISFIED, Dispatched, true),
        (NOT_SOLVED, Dispatched, true),
    ] {
        let o = decide(&f, Role::Resident, &r, step, Millis(0), &POLICY).unwrap();
        assert_eq!((o.to, o.reopened), (to, reopened));
    }
}

#[test]
fn escalation_climbs_grid_community_street_and_stops() {
    let mut f = facts(Dispatched);
    let own = Relation {
        own_grid: true,
        ..Default::default()
    };
    let o = decide(
        &f,
        Role::GridWorker,
        &own,
        Step::Escalate,
        Millis(0),
        &POLICY,
    )
    .unwrap();
    assert_eq!((o.to, o.level), (Dispatched, Level::Community));
    f.level = Some(Level::Community);
    // From the community only the office escalates.
    assert!(
        decide(
            &f,
            Role::GridWorker,
            &own,
            Step::Escalate,
            Millis(0),
            &POLICY
        )
        .is_err()
    );
    let o = decide(
        &f,
        Role::Secretary,
        &own,
        Step::Escalate,
        Millis(0),
        &POLICY,
    )
    .unwrap();
    assert_eq!(o.level, Level::Street);
    f.level = Some(Level::Street);
    assert_eq!(
        decide(&f, Role::Street, &own, Step::Escalate, Millis(0), &POLICY),
        Err(Refusal::TopLevel)
    );
    // Closed demands are not escalated.
    assert!(
        decide(
            &facts(Closed),
            Role::Staff,
            &own,
            Step::Escalate,
            Millis(0),
            &POLICY
        )
        .is_err()
    );
}

#[test]
fn summoned_units_report_in_then_back_once() {
    let f = facts(Dispatched);
    let with = |s| Relation {
        summons: Some(s),
        ..Default::default()
    };
    let d = |s, step| decide(&f, Role::Unit, &with(s), step, Millis(0), &POLICY);
    assert!(d(SummonState::Waiting, Step::ReportIn).is_ok());
    assert_eq!(
        d(SummonState::Waiting, Step::ReportBack),
        Err(Refusal::ReportOrder)
    );
    assert!(d(SummonState::ReportedIn, Step::ReportBack).is_ok());
    assert_eq!(
        d(SummonState::ReportedIn, Step::ReportIn),
        Err(Refusal::ReportOrder)
    );
    assert_eq!(
        d(SummonState::ReportedBack, Step::ReportBack),
        Err(Refusal::ReportOrder)
    );
    // A unit that was not summoned may not report.
    assert!(
        decide(
            &f,
            Role::Unit,
            &Relation::default(),
            Step::ReportIn,
            Millis(0),
            &POLICY
        )
        .is_err()
    );
}
