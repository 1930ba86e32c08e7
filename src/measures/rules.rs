//! Who may read the measures, and what they see of them. Pure.

use crate::auth::Role;

/// The measures are for those who answer for work: the community office, grid workers,
/// the street and admin; residents, volunteers and units are refused.
pub fn may_read(role: Role) -> bool {
    !matches!(role, Role::Resident | Role::Volunteer | Role::Unit)
}

/// Those above one community see each community's figures side by side.
pub fn sees_communities(role: Role) -> bool {
    matches!(role, Role::Street | Role::Admin)
}

/// Weeks of the dashboard's trend.
pub const TREND_WEEKS: i64 = 12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measures_are_for_those_who_answer_for_work() {
        for r in Role::ALL {
            let expected = !matches!(r, Role::Resident | Role::Volunteer | Role::Unit);
            assert_eq!(may_read(r), expected, "{r:?}");
        }
        assert!(sees_communities(Role::Street) && !sees_communities(Role::Secretary));
    }
}
