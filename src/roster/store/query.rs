//! What every kind of roster object shares in the database: reading one by id, listing a
//! keyset page of them kept to the caller's scope and filters, saving an edited row, and
//! deleting one that nothing refers to any more. Each kind says its table, its columns
//! and what refers to it ([`Stored`]); the rest is written once, here.

use std::future::Future;

use crate::db::{Arg, DbError, DbResult, Exec, FromBoth, Q};
use crate::roster::model::{Page, Paging, contains_pattern};
use crate::roster::scope::{Kind, Loc, Reach, Scope};

/// A kind of roster object as it is stored.
pub trait Stored: FromBoth + Sized {
    const KIND: Kind;
    /// `SELECT … FROM <table> x …`: the table aliased `x`, without a `WHERE`.
    const SELECT: &'static str;
    /// Queries that answer a row while something still refers to the object (`$1` is
    /// its id): it may not be deleted then.
    const USED_BY: &'static [&'static str];
    /// Rows that belong to the object and go with it (`$1` is its id).
    const OWNS: &'static [&'static str] = &[];

    fn id(&self) -> i64;
    fn loc(&self) -> Loc;

    /// The object's row written back, every column an edit may change.
    fn update(&self) -> Q;

    /// Reads what the objects hold besides their row (a grid's buildings, a team's
    /// members, a resident's tags), for all of them at once.
    fn fill(ex: &mut impl Exec, items: &mut [Self]) -> impl Future<Output = DbResult<()>> + Send {
        let _ = (ex, items);
        async { Ok(()) }
    }
}

/// A table's name, for the kinds' own statements.
pub fn table(kind: Kind) -> &'static str {
    match kind {
        Kind::Street => "streets",
        Kind::Community => "communities",
        Kind::Compound => "compounds",
        Kind::Building => "buildings",
        Kind::Household => "households",
        Kind::Resident => "residents",
        Kind::Grid => "grids",
        Kind::Branch => "party_branches",
        Kind::Unit => "units",
        Kind::Team => "teams",
    }
}

/// One object by id, with what it holds.
pub async fn find<T: Stored>(ex: &mut impl Exec, id: i64) -> DbResult<Option<T>> {
    let mut found = find_many::<T>(ex, &[id]).await?;
    Ok(found.pop())
}

/// Some objects by id, in id order, with what they hold.
pub async fn find_many<T: Stored>(ex: &mut impl Exec, ids: &[i64]) -> DbResult<Vec<T>> {
    let mut q = Q::new(format!("{} WHERE ", T::SELECT));
    push_in(&mut q, "x.id", ids);
    q.push(" ORDER BY x.id");
    let mut items = q.fetch_all::<T>(ex).await?;
    T::fill(ex, &mut items).await?;
    Ok(items)
}

/// A condition of a list's filter, applied when its value is given.
pub enum Cond<'a> {
    /// `column = value`.
    Eq(&'static str, Option<Arg>),
    /// `column = text`, when the text is not blank.
    Text(&'static str, Option<&'a str>),
    /// `column` contains the text, when it is not blank.
    Contains(&'static str, Option<&'a str>),
    /// `column` contains the text, or the second column equals the value (a sealed
    /// value's keyed hash), when the text is not blank.
    ContainsOr(&'static str, Option<&'a str>, &'static str, Option<Arg>),
    /// A subquery that ends where the value goes, closed by `)`: `x.id IN (SELECT … = `.
    Sub(&'static str, Option<Arg>),
}

/// The filters of a list of one kind.
pub trait Filter: Sync {
    type Item: Stored;
    fn conds(&self) -> Vec<Cond<'_>>;
}

/// A keyset page of the objects the scope reaches and the filter keeps, with what they
/// hold. The caller has checked that the scope may list this kind at all.
pub async fn list<F: Filter>(
    ex: &mut impl Exec,
    scope: &Scope,
    filter: &F,
    paging: Paging,
) -> DbResult<Page<F::Item>> {
    let mut q = Q::new(format!("{} WHERE 1 = 1", F::Item::SELECT));
    restrict(&mut q, scope, F::Item::KIND);
    for c in filter.conds() {
        push_cond(&mut q, c);
    }
    q.push(" AND x.id > ").push_bind(paging.after);
    q.push(" ORDER BY x.id LIMIT ").push_bind(paging.limit + 1);
    let rows = q.fetch_all::<F::Item>(ex).await?;
    let mut page = paging.page(rows, F::Item::id);
    F::Item::fill(ex, &mut page.items).await?;
    Ok(page)
}

/// How many objects the scope reaches and the filter keeps (the list's total).
pub async fn count<F: Filter>(ex: &mut impl Exec, scope: &Scope, filter: &F) -> DbResult<i64> {
    let mut q = Q::new(format!(
        "SELECT COUNT(*) FROM ({} WHERE 1 = 1",
        F::Item::SELECT
    ));
    restrict(&mut q, scope, F::Item::KIND);
    for c in filter.conds() {
        push_cond(&mut q, c);
    }
    q.push(") n");
    let (n,) = q.fetch_one::<(i64,)>(ex).await?;
    Ok(n)
}

/// A text filter's value, or none when blank.
fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

fn push_cond(q: &mut Q, c: Cond<'_>) {
    match c {
        Cond::Eq(column, Some(v)) => {
            q.push(" AND ").push(column).push(" = ").push_bind(v);
        }
        Cond::Text(column, v) => {
            if let Some(v) = given(v) {
                q.push(" AND ").push(column).push(" = ").push_bind(v);
            }
        }
        Cond::Contains(column, v) => {
            if let Some(v) = given(v) {
                q.push(" AND ").push(column).push(" LIKE ");
                q.push_bind(contains_pattern(v)).push(" ESCAPE '\\'");
            }
        }
        Cond::ContainsOr(column, v, other, equal) => {
            if let Some(v) = given(v) {
                q.push(" AND (").push(column).push(" LIKE ");
                q.push_bind(contains_pattern(v)).push(" ESCAPE '\\'");
                if let Some(e) = equal {
                    q.push(" OR ").push(other).push(" = ").push_bind(e);
                }
                q.push(")");
            }
        }
        Cond::Sub(sql, Some(v)) => {
            q.push(" AND ").push(sql).push_bind(v).push(")");
        }
        Cond::Eq(_, None) | Cond::Sub(_, None) => {}
    }
}

/// Appends to a list query (its table aliased `x`, after a `WHERE`) the conditions that
/// keep it to what the scope reaches.
pub fn restrict(q: &mut Q, scope: &Scope, kind: Kind) {
    match (scope.reach, kind) {
        (Reach::All, _) => {}
        (Reach::Nothing, _) => {
            q.push(" AND 1 = 0");
        }
        (Reach::Street(s), Kind::Street) => {
            q.push(" AND x.id = ").push_bind(s);
        }
        (Reach::Street(s), _) => {
            q.push(" AND x.street_id = ").push_bind(s);
        }
        (Reach::Community(p), Kind::Street) => {
            q.push(" AND x.id = ").push_bind(p.street_id);
        }
        (Reach::Community(p), Kind::Community) => {
            q.push(" AND x.id = ").push_bind(p.community_id);
        }
        (Reach::Community(p), Kind::Unit) => {
            q.push(" AND x.street_id = ").push_bind(p.street_id);
            q.push(" AND (x.community_id IS NULL OR x.community_id = ")
                .push_bind(p.community_id)
                .push(")");
        }
        (Reach::Community(p), _) => {
            q.push(" AND x.community_id = ").push_bind(p.community_id);
        }
    }
    if scope.grid_bound(kind) {
        q.push(match kind {
            Kind::Household => " AND x.building_id IN (SELECT b.id FROM buildings b WHERE ",
            _ => {
                " AND x.household_id IN (SELECT h.id FROM households h \
                 JOIN buildings b ON b.id = h.building_id WHERE "
            }
        });
        push_in(q, "b.grid_id", &scope.grid_ids);
        q.push(")");
    }
}

/// Appends `column IN ($n, …)`, or a condition that is never true for an empty list.
pub fn push_in(q: &mut Q, column: &str, ids: &[i64]) {
    if ids.is_empty() {
        q.push("1 = 0");
        return;
    }
    q.push(column).push(" IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*id);
    }
    q.push(")");
}

/// Writes an edited object back.
pub async fn save<T: Stored>(ex: &mut impl Exec, item: &T) -> DbResult<u64> {
    item.update().execute(ex).await
}

/// Deletes an object and the rows it owns, unless something still refers to it: answers
/// whether it was deleted (a foreign key the checks do not know yet counts as in use too).
pub async fn delete<T: Stored>(ex: &mut impl Exec, id: i64) -> DbResult<bool> {
    for sql in T::USED_BY {
        let used = Q::new(*sql).bind(id).fetch_optional::<(i64,)>(ex).await?;
        if used.is_some() {
            return Ok(false);
        }
    }
    for sql in T::OWNS {
        Q::new(*sql).bind(id).execute(ex).await?;
    }
    let sql = format!("DELETE FROM {} WHERE id = $1", table(T::KIND));
    match Q::new(sql).bind(id).execute(ex).await {
        Ok(_) => Ok(true),
        Err(DbError::Dangling(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Rows of a child table as `(owner id, value)` for some owners, ordered by owner:
/// `sql` selects the two columns and ends with `WHERE`, `owner` is the owner's column.
pub async fn children<V>(
    ex: &mut impl Exec,
    sql: &'static str,
    owner: &'static str,
    owners: &[i64],
) -> DbResult<Vec<(i64, V)>>
where
    (i64, V): FromBoth,
{
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(sql);
    q.push(" ");
    push_in(&mut q, owner, owners);
    q.push(" ORDER BY 1, 2");
    q.fetch_all(ex).await
}

/// Reads the children of `items` (see [`children`]) and hands each its own.
pub async fn fill_children<T: Stored, V>(
    ex: &mut impl Exec,
    items: &mut [T],
    sql: &'static str,
    owner: &'static str,
    put: impl FnMut(&mut T, V) + Send,
) -> DbResult<()>
where
    (i64, V): FromBoth,
{
    let ids: Vec<i64> = items.iter().map(T::id).collect();
    let rows = children::<V>(ex, sql, owner, &ids).await?;
    attach(items, rows, T::id, put);
    Ok(())
}

/// Hands each item the children that are its own: `rows` are ordered by owner, and so
/// (by id) are the items.
pub fn attach<T, V>(
    items: &mut [T],
    rows: Vec<(i64, V)>,
    id: impl Fn(&T) -> i64,
    mut put: impl FnMut(&mut T, V),
) {
    let mut rows = rows.into_iter().peekable();
    for item in items.iter_mut() {
        let owner = id(item);
        while let Some((_, v)) = rows.next_if(|(o, _)| *o == owner) {
            put(item, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;
    use crate::roster::store::Place;

    #[test]
    fn lists_are_restricted_in_sql() {
        let g = Scope {
            role: Role::GridWorker,
            user_id: 1,
            reach: Reach::Community(Place {
                street_id: 1,
                community_id: 10,
            }),
            grid_ids: vec![5, 6],
        };
        let mut q = Q::new("SELECT x.id FROM residents x WHERE 1 = 1");
        restrict(&mut q, &g, Kind::Resident);
        assert!(q.sql().contains("x.community_id = $1"));
        assert!(q.sql().contains("b.grid_id IN ($2, $3)"));
    }

    #[test]
    fn children_go_to_their_owners() {
        let mut owners = vec![(1, Vec::new()), (2, Vec::new()), (4, Vec::new())];
        let rows = vec![(1, 10), (1, 11), (4, 40)];
        attach(&mut owners, rows, |o| o.0, |o, v| o.1.push(v));
        assert_eq!(owners[0].1, vec![10, 11]);
        assert!(owners[1].1.is_empty());
        assert_eq!(owners[2].1, vec![40]);
    }
}
