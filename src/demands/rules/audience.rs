//! What each viewer may read of a demand. Three audiences:
//!
//! - **staff** (grid workers, office staff, secretaries, the street, admin): everything in
//!   their scope, reminders included;
//! - **workers** (volunteers and units, who act on their orders through the demand page):
//!   the work's story, the notes addressed to them and the people they work with, but not
//!   the office's reminders, and no exports;
//! - **the household** that raised it (residents, on the portal or through the API): what
//!   the portal shows. No staff member's or volunteer's name (a unit's or a team's name may
//!   stay: the resident should know the property company is on it, not which of its
//!   employees); no internal notes (dispatch, take, whistle, report, escalation, reopen and
//!   close notes are written for colleagues); no reminders; only the notes written for the
//!   resident (a decline's reason, the result, what they were told) and their own rating.
//!
//! Phone numbers follow the same idea: masked for everyone by default; those who need to
//! call the resident may ask to see it whole in the demand's detail, with a reason, and
//! that view is audited with it.

use crate::auth::Role;
use crate::demands::model::{Action, TargetKind};

use super::Relation;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Staff,
    Worker,
    Household,
}

impl Audience {
    pub fn of(role: Role) -> Audience {
        match role {
            Role::Resident => Audience::Household,
            Role::Volunteer | Role::Unit => Audience::Worker,
            Role::GridWorker | Role::Staff | Role::Secretary | Role::Street | Role::Admin => {
                Audience::Staff
            }
        }
    }

    /// Is this kind of event on their timeline?
    pub fn sees_event(self, action: Action) -> bool {
        match self {
            Audience::Staff => true,
            Audience::Worker => action != Action::Remind,
            // Photos are shown as photos; reminders, progress notes and a job returned to
            // the dispatcher are the office's and its workers'.
            Audience::Household => !matches!(
                action,
                Action::Remind | Action::Attach | Action::Note | Action::Return
            ),
        }
    }

    /// Do they read who took a step? `by_resident`: a resident took it (their household).
    pub fn sees_actor(self, by_resident: bool) -> bool {
        self != Audience::Household || by_resident
    }

    /// Do they read the step's note?
    pub fn sees_note(self, action: Action, by_resident: bool) -> bool {
        match self {
            Audience::Household => {
                matches!(
                    action,
                    Action::Decline
                        | Action::Resolve
                        | Action::Feedback
                        | Action::Appoint
                        | Action::ToCouncil
                        | Action::CouncilResult
                ) || (action == Action::Rate && by_resident)
            }
            _ => true,
        }
    }

    /// Do they read the step's data (whom it was dispatched to, who was summoned…)?
    pub fn sees_data(self, action: Action) -> bool {
        match self {
            Audience::Household => {
                matches!(
                    action,
                    Action::Intake | Action::Feedback | Action::Rate | Action::Appoint
                )
            }
            _ => true,
        }
    }

    /// Do they read whom the demand is given to, or who was summoned?
    pub fn sees_party(self, kind: TargetKind) -> bool {
        self != Audience::Household || kind != TargetKind::User
    }

    /// Do they read who took the order, and the summoned parties' notes?
    pub fn sees_workers_notes(self) -> bool {
        self != Audience::Household
    }

    /// May they download lists as files?
    pub fn may_export(self) -> bool {
        self == Audience::Staff
    }
}

/// May this caller ask to see the reporter's phone number whole (in the demand's detail,
/// with a reason, audited)? The office calls back; a grid worker for their grid or the
/// work given to them; a volunteer or unit given the order needs it to call the resident
/// while the order is open (`open`), not after. Not the street, and not the household: the
/// number may be a neighbour's who called it in, and the portal shows no one's number
/// whole.
pub fn whole_phone(role: Role, rel: &Relation, open: bool) -> bool {
    match role {
        Role::Staff | Role::Secretary | Role::Admin => true,
        Role::GridWorker => rel.own_grid || rel.assignee,
        Role::Volunteer | Role::Unit => rel.assignee && open,
        Role::Street | Role::Resident => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    #[test]
    fn the_household_reads_what_the_portal_shows() {
        let h = Audience::of(Role::Resident);
        assert_eq!(h, Audience::Household);
        for a in [Remind, Attach] {
            assert!(!h.sees_event(a), "{a}");
        }
        for a in [
            Intake, Accept, Dispatch, Take, Resolve, Feedback, Rate, Close,
        ] {
            assert!(h.sees_event(a), "{a}");
        }
        for a in [
            Dispatch, Take, Whistle, ReportIn, ReportBack, Escalate, Reopen, Close,
        ] {
            assert!(!h.sees_note(a, false), "{a}");
        }
        for a in [Decline, Resolve, Feedback] {
            assert!(h.sees_note(a, false), "{a}");
        }
        assert!(h.sees_note(Rate, true) && !h.sees_note(Rate, false));
        assert!(!h.sees_actor(false) && h.sees_actor(true));
        assert!(!h.sees_data(Dispatch) && !h.sees_data(Whistle) && h.sees_data(Rate));
        assert!(h.sees_party(TargetKind::Unit) && h.sees_party(TargetKind::Team));
        assert!(!h.sees_party(TargetKind::User));
        assert!(!h.may_export());
    }

    #[test]
    fn workers_read_the_work_but_not_the_offices_reminders() {
        for role in [Role::Volunteer, Role::Unit] {
            let w = Audience::of(role);
            assert!(!w.sees_event(Remind));
            assert!(w.sees_event(Dispatch) && w.sees_note(Dispatch, false));
            assert!(w.sees_party(TargetKind::User) && w.sees_actor(false));
            assert!(!w.may_export());
        }
        for role in [
            Role::GridWorker,
            Role::Staff,
            Role::Secretary,
            Role::Street,
            Role::Admin,
        ] {
            let s = Audience::of(role);
            assert!(s.sees_event(Remind) && s.may_export(), "{role:?}");
        }
    }

    #[test]
    fn whole_numbers_for_those_who_call_back() {
        let none = Relation::default();
        let assignee = Relation {
            assignee: true,
            ..none
        };
        let own = Relation {
            own_grid: true,
            ..none
        };
        assert!(whole_phone(Role::Staff, &none, true));
        assert!(!whole_phone(Role::Street, &assignee, true));
        assert!(
            whole_phone(Role::GridWorker, &own, true)
                && !whole_phone(Role::GridWorker, &none, true)
        );
        assert!(whole_phone(Role::Unit, &assignee, true) && !whole_phone(Role::Unit, &none, true));
        // The unit calls while the order is open; once closed the number is masked again.
        assert!(!whole_phone(Role::Unit, &assignee, false));
        assert!(whole_phone(Role::Staff, &none, false));
        // The household reads its demands on the portal, every number masked.
        let reporter = Relation {
            reporter: true,
            ..none
        };
        assert!(!whole_phone(Role::Resident, &reporter, true));
    }
}
