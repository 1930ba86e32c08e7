//! What a roster object holds and the references a write is checked against: which
//! buildings a grid holds, which grids a branch covers, who a team's members are (each
//! written as a whole set), and whether an account, a street or some ids are what a
//! reference needs them to be.

use crate::db::{DbResult, Exec, Q};

use super::Place;
use super::query::push_in;

/// Replaces a resident's tags (kept with the resident's community, the partition key).
pub async fn set_tags(
    ex: &mut impl Exec,
    community_id: i64,
    resident_id: i64,
    tags: &[&str],
) -> DbResult<()> {
    Q::new("DELETE FROM resident_tags WHERE community_id = $1 AND resident_id = $2")
        .bind(community_id)
        .bind(resident_id)
        .execute(ex)
        .await?;
    for t in tags {
        Q::new("INSERT INTO resident_tags (community_id, resident_id, tag) VALUES ($1, $2, $3)")
            .bind(community_id)
            .bind(resident_id)
            .bind(crate::roster::model::sealed::stored_tag(t))
            .execute(ex)
            .await?;
    }
    Ok(())
}

/// Makes `building_ids` exactly the grid's buildings.
pub async fn set_grid_buildings(
    ex: &mut impl Exec,
    grid_id: i64,
    building_ids: &[i64],
) -> DbResult<()> {
    Q::new("UPDATE buildings SET grid_id = NULL WHERE grid_id = $1")
        .bind(grid_id)
        .execute(ex)
        .await?;
    if !building_ids.is_empty() {
        let mut q = Q::new("UPDATE buildings SET grid_id = ");
        q.push_bind(grid_id).push(" WHERE ");
        push_in(&mut q, "id", building_ids);
        q.execute(ex).await?;
    }
    Ok(())
}

/// The ids of the buildings a grid holds now.
pub async fn grid_building_ids(ex: &mut impl Exec, grid_id: i64) -> DbResult<Vec<i64>> {
    let rows: Vec<(i64,)> = Q::new("SELECT id FROM buildings WHERE grid_id = $1 ORDER BY id")
        .bind(grid_id)
        .fetch_all(ex)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Sets a grid's outline.
pub async fn set_grid_polygon(ex: &mut impl Exec, grid_id: i64, polygon: &str) -> DbResult<()> {
    Q::new("UPDATE grids SET polygon = $1 WHERE id = $2")
        .bind(polygon)
        .bind(grid_id)
        .execute(ex)
        .await?;
    Ok(())
}

/// Makes `grid_ids` exactly the grids a branch covers.
pub async fn set_branch_grids(
    ex: &mut impl Exec,
    branch_id: i64,
    grid_ids: &[i64],
) -> DbResult<()> {
    Q::new("DELETE FROM branch_grids WHERE branch_id = $1")
        .bind(branch_id)
        .execute(ex)
        .await?;
    for g in grid_ids {
        Q::new("INSERT INTO branch_grids (branch_id, grid_id) VALUES ($1, $2)")
            .bind(branch_id)
            .bind(*g)
            .execute(ex)
            .await?;
    }
    Ok(())
}

/// Makes `user_ids` exactly the members of a team.
pub async fn set_team_members(ex: &mut impl Exec, team_id: i64, user_ids: &[i64]) -> DbResult<()> {
    Q::new("DELETE FROM team_members WHERE team_id = $1")
        .bind(team_id)
        .execute(ex)
        .await?;
    for u in user_ids {
        super::add_team_member(ex, team_id, *u).await?;
    }
    Ok(())
}

pub async fn street_exists(ex: &mut impl Exec, street_id: i64) -> DbResult<bool> {
    let row = Q::new("SELECT id FROM streets WHERE id = $1")
        .bind(street_id)
        .fetch_optional::<(i64,)>(ex)
        .await?;
    Ok(row.is_some())
}

/// How many of `ids` are rows of `table` in this community.
pub async fn count_in_community(
    ex: &mut impl Exec,
    table: &'static str,
    ids: &[i64],
    community_id: i64,
) -> DbResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut q = Q::new(format!(
        "SELECT COUNT(*) FROM {table} WHERE community_id = "
    ));
    q.push_bind(community_id).push(" AND ");
    push_in(&mut q, "id", ids);
    let n = q.fetch_one::<(i64,)>(ex).await?.0;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// How many of `user_ids` are active accounts of this community, or of its street without
/// a community (the people of units).
pub async fn count_users_of(ex: &mut impl Exec, user_ids: &[i64], at: Place) -> DbResult<usize> {
    if user_ids.is_empty() {
        return Ok(0);
    }
    let mut q = Q::new("SELECT COUNT(*) FROM users WHERE active = TRUE AND (community_id = ");
    q.push_bind(at.community_id)
        .push(" OR (community_id IS NULL AND street_id = ")
        .push_bind(at.street_id)
        .push(")) AND ");
    push_in(&mut q, "id", user_ids);
    let n = q.fetch_one::<(i64,)>(ex).await?.0;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Whether the account is an active grid worker of this community.
pub async fn is_grid_worker_of(
    ex: &mut impl Exec,
    user_id: i64,
    community_id: i64,
) -> DbResult<bool> {
    let row = Q::new(
        "SELECT id FROM users WHERE id = $1 AND role = 'grid_worker' AND community_id = $2 \
         AND active = TRUE",
    )
    .bind(user_id)
    .bind(community_id)
    .fetch_optional::<(i64,)>(ex)
    .await?;
    Ok(row.is_some())
}

/// The display names of some accounts.
pub async fn user_names(ex: &mut impl Exec, ids: &[i64]) -> DbResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT id, display_name FROM users WHERE ");
    push_in(&mut q, "id", ids);
    q.fetch_all(ex).await
}
