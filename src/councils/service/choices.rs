//! What a form that makes or fills a council offers to choose from: the grids of the
//! community, its staff accounts (a chair, a member, an owner of follow-through) and the
//! street's units. Read for a community the caller works in, nothing else.

use crate::auth::{Actor, Role};
use crate::demands::store::catalog;
use crate::error::{Error, Result};
use crate::state::AppState;

/// The choices of one community's council forms.
#[derive(Clone, Debug, Default)]
pub struct Choices {
    pub grids: Vec<(i64, String)>,
    /// Staff accounts: id, name.
    pub people: Vec<(i64, String)>,
    pub units: Vec<(i64, String)>,
}

/// The choices for `community_id` (the caller's own when none): refused for residents and
/// for a community outside the caller's street or community.
pub async fn of_community(
    st: &AppState,
    actor: &Actor,
    community_id: Option<i64>,
) -> Result<Choices> {
    if matches!(actor.role, Role::Resident | Role::Volunteer | Role::Unit) {
        return Err(Error::forbidden());
    }
    let Some(community) = community_id.or(actor.community_id) else {
        return Ok(Choices::default());
    };
    let mut c = st.db.conn().await?;
    let street: Option<(i64,)> =
        crate::db::Q::new("SELECT street_id FROM communities WHERE id = $1")
            .bind(community)
            .fetch_optional(&mut c)
            .await?;
    let Some((street,)) = street else {
        return Err(Error::not_found());
    };
    let within = match actor.role {
        Role::Admin => true,
        Role::Street => actor.street_id == Some(street),
        _ => actor.community_id == Some(community),
    };
    if !within {
        return Err(Error::not_found());
    }
    Ok(Choices {
        grids: catalog::grids(&mut c, community).await?,
        people: catalog::people(&mut c, community)
            .await?
            .into_iter()
            .filter(|(_, _, role)| role != "volunteer")
            .map(|(id, name, _)| (id, name))
            .collect(),
        units: catalog::units(&mut c, street).await?,
    })
}
