//! Where residents live, in words, for the lists and files that show many at once: the
//! compound, building, unit and room of some households, and the names of some grids and
//! compounds, each read for a whole page or batch in one query.

use crate::db::{DbResult, Exec, Q};

use super::query::push_in;

/// A household's address and grid, by name.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Address {
    pub household_id: i64,
    pub compound: String,
    pub building: String,
    pub unit_no: String,
    pub room: String,
    pub grid: Option<String>,
}

/// The addresses of some households, in id order.
pub async fn addresses(ex: &mut impl Exec, households: &[i64]) -> DbResult<Vec<Address>> {
    if households.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(
        "SELECT h.id AS household_id, c.name AS compound, b.name AS building, h.unit_no, \
         h.room, g.name AS grid FROM households h JOIN buildings b ON b.id = h.building_id \
         JOIN compounds c ON c.id = b.compound_id LEFT JOIN grids g ON g.id = b.grid_id WHERE ",
    );
    push_in(&mut q, "h.id", households);
    q.push(" ORDER BY h.id");
    q.fetch_all(ex).await
}

/// `(id, name)` of some rows of a table that has names (grids, compounds, buildings).
pub async fn names(
    ex: &mut impl Exec,
    table: &'static str,
    ids: &[i64],
) -> DbResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!("SELECT id, name FROM {table} WHERE "));
    push_in(&mut q, "id", ids);
    q.push(" ORDER BY id");
    q.fetch_all(ex).await
}
