//! The doors of what the forms choose from: categories (everyone reads them, admin sets
//! them), the people, teams, units and grids a demand can be given to, and residents found
//! at the counter.

use crate::auth::{Actor, Role};
use crate::demands::model::{
    Category, CategoryInput, Choices, DemandView, ResidentMatch, ResidentMatches,
};
use crate::demands::store::catalog;
use crate::error::{Error, Result};
use crate::roster::ids::mask_phone;
use crate::state::AppState;

/// Every category, inactive ones included.
pub async fn categories(st: &AppState, _actor: &Actor) -> Result<Vec<Category>> {
    let mut c = st.db.conn().await?;
    Ok(catalog::categories(&mut c).await?)
}

/// Creates or changes a category and its deadlines (admin), audited. New deadlines apply
/// to demands received or accepted from then on.
pub async fn put_category(st: &AppState, actor: &Actor, input: CategoryInput) -> Result<Category> {
    if actor.role != Role::Admin {
        return Err(Error::forbidden());
    }
    let mut tx = st.db.begin().await?;
    catalog::upsert_category(&mut tx, &input).await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Entry {
            at: st.clock.now(),
            user_id: actor.user_id,
            action: "set_category",
            object_kind: "category",
            object_id: 0,
            detail: &input.code,
            place: None,
        },
    )
    .await?;
    let c = catalog::category(&mut tx, &input.code)
        .await?
        .ok_or_else(|| Error::internal("a category just written is not there"))?;
    tx.commit().await?;
    Ok(c)
}

/// The choices for a demand the caller reads (its community's people, teams and grids, its
/// street's units, the active categories).
pub async fn choices(st: &AppState, _actor: &Actor, d: &DemandView) -> Result<Choices> {
    let mut c = st.db.conn().await?;
    let people = catalog::people(&mut c, d.community_id).await?;
    Ok(Choices {
        categories: catalog::categories(&mut c)
            .await?
            .into_iter()
            .filter(|c| c.active)
            .collect(),
        grids: catalog::grids(&mut c, d.community_id).await?,
        people: people
            .into_iter()
            .filter_map(|(id, name, role)| Some((id, name, Role::parse(&role)?)))
            .collect(),
        teams: catalog::teams(&mut c, d.community_id).await?,
        units: catalog::units(&mut c, d.street_id).await?,
    })
}

/// Residents in the caller's reach whose name, phone ending or room matches `q`.
pub async fn find_residents(st: &AppState, actor: &Actor, q: &str) -> Result<ResidentMatches> {
    let q = q.trim();
    if q.is_empty() {
        return Ok(ResidentMatches::default());
    }
    let mut c = st.db.conn().await?;
    let mut rows = catalog::find_residents(&mut c, actor, q, ResidentMatches::MOST)
        .await?
        .ok_or_else(Error::forbidden)?;
    let more = rows.len() > ResidentMatches::MOST;
    rows.truncate(ResidentMatches::MOST);
    let found = rows
        .into_iter()
        .map(|r| ResidentMatch {
            address: format!("{} {} {} {}", r.compound, r.building, r.unit_no, r.room),
            phone: r.phone.as_deref().map(mask_phone).unwrap_or_default(),
            flags: r
                .visit_flags
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            id: r.id,
            name: r.name,
        })
        .collect();
    Ok(ResidentMatches { found, more })
}
