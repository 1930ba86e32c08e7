//! Who sees a council and who runs it. A grid's council is run by its chair and the
//! community's office (staff, secretary); the street and an admin run any of theirs.
//! Residents see their own community's councils and their own grid's, not another grid's;
//! workers of the community see all of the community's; a unit sees the linkage teams and
//! councils it sits on.

use crate::auth::{Actor, Role};

/// Where a council is, and the facts about the caller the store found.
#[derive(Clone, Copy, Debug)]
pub struct Place {
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub chair_user_id: Option<i64>,
}

/// What the store knows about the caller and this council.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ties {
    /// The grid of the caller's household's building (a resident).
    pub own_grid: Option<i64>,
    /// The caller (their account, their resident record or their unit) is a member.
    pub member: bool,
}

pub fn sees(actor: &Actor, at: Place, ties: Ties) -> bool {
    if ties.member || runs(actor, at) {
        return true;
    }
    let own_community = actor.community_id == Some(at.community_id);
    match actor.role {
        Role::Admin => true,
        Role::Street => actor.street_id == Some(at.street_id),
        Role::Staff | Role::Secretary | Role::GridWorker | Role::Volunteer => own_community,
        Role::Resident => own_community && at.grid_id.is_none_or(|g| ties.own_grid == Some(g)),
        Role::Unit => false,
    }
}

/// Runs it: sets its members and schedule, its agendas, attendance, decisions, minutes.
pub fn runs(actor: &Actor, at: Place) -> bool {
    if at.chair_user_id.is_some_and(|c| c == actor.user_id) && actor.user_id != 0 {
        return true;
    }
    match actor.role {
        Role::Admin => true,
        Role::Street => actor.street_id == Some(at.street_id),
        Role::Staff | Role::Secretary => actor.community_id == Some(at.community_id),
        _ => false,
    }
}

/// Creates a council in a community: its office, the street, an admin.
pub fn creates(actor: &Actor, street_id: i64, community_id: i64) -> bool {
    runs(
        actor,
        Place {
            street_id,
            community_id,
            grid_id: None,
            chair_user_id: None,
        },
    )
}

/// Raises a topic: anyone who sees the council (a resident on the portal, a worker, the
/// office).
pub fn raises(actor: &Actor, at: Place, ties: Ties) -> bool {
    ties.member || (actor.role != Role::Unit && sees(actor, at, ties))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, community: Option<i64>) -> Actor {
        let mut a = Actor::system();
        a.user_id = 7;
        a.role = role;
        a.street_id = Some(1);
        a.community_id = community;
        a
    }

    const GRID_COUNCIL: Place = Place {
        street_id: 1,
        community_id: 10,
        grid_id: Some(3),
        chair_user_id: Some(99),
    };

    #[test]
    fn a_resident_sees_their_own_grids_council_and_not_anothers() {
        let r = actor(Role::Resident, Some(10));
        let own = Ties {
            own_grid: Some(3),
            member: false,
        };
        let other = Ties {
            own_grid: Some(4),
            member: false,
        };
        assert!(sees(&r, GRID_COUNCIL, own));
        assert!(!sees(&r, GRID_COUNCIL, other));
        let community = Place {
            grid_id: None,
            ..GRID_COUNCIL
        };
        assert!(sees(&r, community, other));
        assert!(!sees(&actor(Role::Resident, Some(11)), community, other));
        assert!(!runs(&r, GRID_COUNCIL));
    }

    #[test]
    fn a_grid_council_is_run_by_its_chair_and_the_communitys_office() {
        let mut chair = actor(Role::GridWorker, Some(10));
        assert!(!runs(&chair, GRID_COUNCIL));
        chair.user_id = 99;
        assert!(runs(&chair, GRID_COUNCIL));
        assert!(runs(&actor(Role::Staff, Some(10)), GRID_COUNCIL));
        assert!(!runs(&actor(Role::Staff, Some(11)), GRID_COUNCIL));
        assert!(runs(&actor(Role::Street, None), GRID_COUNCIL));
        assert!(!runs(&actor(Role::Volunteer, Some(10)), GRID_COUNCIL));
    }

    #[test]
    fn a_unit_sees_only_what_it_sits_on() {
        let u = actor(Role::Unit, None);
        assert!(!sees(&u, GRID_COUNCIL, Ties::default()));
        let member = Ties {
            own_grid: None,
            member: true,
        };
        assert!(sees(&u, GRID_COUNCIL, member));
        assert!(raises(&u, GRID_COUNCIL, member));
        assert!(!raises(&u, GRID_COUNCIL, Ties::default()));
    }
}
