//! Whom a demand can be given to (dispatch) or who can be summoned (whistle), checked
//! against the roster and the demand's place.

use crate::db::{Exec, Q};
use crate::error::{Code, Error, Result};

use super::super::model::{SummonTarget, Target, TargetKind};
use super::super::store::DemandRow;

/// Checks a dispatch target and gives its display name.
///
/// People must be grid workers, volunteers or office staff of the demand's community;
/// teams must belong to the community; units to its street.
pub async fn check_target(ex: &mut impl Exec, d: &DemandRow, t: Target) -> Result<String> {
    let name = match t.kind {
        TargetKind::User => Q::new(
            "SELECT display_name FROM users WHERE id = $1 AND active = TRUE \
             AND role IN ('grid_worker', 'volunteer', 'staff', 'secretary') \
             AND community_id = $2",
        )
        .bind(t.id)
        .bind(d.community_id),
        TargetKind::Team => Q::new("SELECT name FROM teams WHERE id = $1 AND community_id = $2")
            .bind(t.id)
            .bind(d.community_id),
        TargetKind::Unit => Q::new("SELECT name FROM units WHERE id = $1 AND street_id = $2")
            .bind(t.id)
            .bind(d.street_id),
    }
    .fetch_optional::<(String,)>(ex)
    .await?;
    name.map(|n| n.0)
        .ok_or_else(|| Error::invalid("to", Code::UnknownAssignee))
}

/// Checks a whistle target: a unit of the street, or a person of the community.
pub async fn check_summon(ex: &mut impl Exec, d: &DemandRow, t: SummonTarget) -> Result<String> {
    let q = match t.kind {
        TargetKind::Unit => Q::new("SELECT name FROM units WHERE id = $1 AND street_id = $2")
            .bind(t.id)
            .bind(d.street_id),
        TargetKind::User => Q::new(
            "SELECT display_name FROM users WHERE id = $1 AND active = TRUE \
             AND role IN ('grid_worker', 'volunteer', 'staff', 'secretary') \
             AND community_id = $2",
        )
        .bind(t.id)
        .bind(d.community_id),
        TargetKind::Team => {
            return Err(Error::invalid("summon", Code::UnknownSummoned));
        }
    };
    q.fetch_optional::<(String,)>(ex)
        .await?
        .map(|n| n.0)
        .ok_or_else(|| Error::invalid("summon", Code::UnknownSummoned))
}
