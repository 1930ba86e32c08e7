//! PostgreSQL: many rows as one statement of fixed text, their arguments column by column,
//! one array a column, read back as rows by `unnest`. A multi-row `VALUES` has one text
//! per number of rows (each parsed and planned anew) and 20-odd arguments a row; this has
//! one text and one argument a column, however many rows.

use sqlx::AssertSqlSafe;

use super::query::Arg;
use super::{DbError, DbResult, Exec, Handle};

/// One column of many rows' arguments.
#[derive(Debug)]
pub enum Column {
    I64(Vec<Option<i64>>),
    F64(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
    Bytes(Vec<Option<Vec<u8>>>),
    /// Moments as milliseconds, made `timestamptz` by [`Column::select`].
    Time(Vec<Option<i64>>),
    /// JSON as text, made `jsonb` by [`Column::select`].
    Json(Vec<Option<String>>),
}

impl Column {
    /// The array's type, for the placeholder's cast.
    fn array_type(&self) -> &'static str {
        match self {
            Column::I64(_) | Column::Time(_) => "int8[]",
            Column::F64(_) => "float8[]",
            Column::Text(_) | Column::Json(_) => "text[]",
            Column::Bool(_) => "bool[]",
            Column::Bytes(_) => "bytea[]",
        }
    }

    /// The expression that gives the column's value from `name`, the unnested element.
    pub fn select(&self, name: &str) -> String {
        match self {
            Column::Time(_) => format!("(timestamptz 'epoch' + {name} * interval '1 millisecond')"),
            Column::Json(_) => format!("{name}::jsonb"),
            _ => name.to_string(),
        }
    }

    fn of(first: &Arg, rows: usize) -> Column {
        match first {
            Arg::I64(_) => Column::I64(Vec::with_capacity(rows)),
            Arg::F64(_) => Column::F64(Vec::with_capacity(rows)),
            Arg::Text(_) => Column::Text(Vec::with_capacity(rows)),
            Arg::Bool(_) => Column::Bool(Vec::with_capacity(rows)),
            Arg::Bytes(_) => Column::Bytes(Vec::with_capacity(rows)),
            Arg::Time(_) => Column::Time(Vec::with_capacity(rows)),
            Arg::Json(_) => Column::Json(Vec::with_capacity(rows)),
        }
    }

    /// Adds a row's value; `false` when it is not of the column's type.
    fn push(&mut self, a: Arg) -> bool {
        match (self, a) {
            (Column::I64(c), Arg::I64(v)) => c.push(v),
            (Column::F64(c), Arg::F64(v)) => c.push(v),
            (Column::Text(c), Arg::Text(v)) => c.push(v),
            (Column::Bool(c), Arg::Bool(v)) => c.push(v),
            (Column::Bytes(c), Arg::Bytes(v)) => c.push(v),
            (Column::Time(c), Arg::Time(v)) => c.push(v.map(|m| m.0)),
            (Column::Json(c), Arg::Json(v)) => c.push(v.map(|j| j.to_string())),
            _ => return false,
        }
        true
    }
}

/// Rows' arguments (each row the same number, of the same types) turned into columns.
/// `None` when there are no rows or they do not agree.
pub fn columns(rows: Vec<Vec<Arg>>) -> Option<Vec<Column>> {
    let n = rows.len();
    let first = rows.first()?;
    let mut cols: Vec<Column> = first.iter().map(|a| Column::of(a, n)).collect();
    for row in rows {
        if row.len() != cols.len() {
            return None;
        }
        for (c, a) in cols.iter_mut().zip(row) {
            if !c.push(a) {
                return None;
            }
        }
    }
    Some(cols)
}

/// `unnest($k::type[], …) WITH ORDINALITY AS alias(name_0, …, ord)` for `cols`, its
/// placeholders numbered from `first`: one row a set of arguments, numbered by `ord`.
pub fn unnest(cols: &[Column], first: usize, alias: &str, prefix: &str) -> String {
    let args: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| format!("${}::{}", first + i, c.array_type()))
        .collect();
    let names: Vec<String> = (0..cols.len()).map(|i| format!("{prefix}{i}")).collect();
    format!(
        "unnest({}) WITH ORDINALITY AS {alias}({}, ord)",
        args.join(", "),
        names.join(", ")
    )
}

/// Runs `sql` with `cols` as its arguments, in order, and gives the ids it selects.
pub async fn fetch_ids(ex: &mut impl Exec, sql: &str, cols: Vec<Column>) -> DbResult<Vec<i64>> {
    let Handle::Postgres(c) = ex.handle() else {
        return Err(DbError::Other(sqlx::Error::Protocol(
            "arrays of arguments are PostgreSQL's".into(),
        )));
    };
    let mut q = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(sql.to_string()));
    for col in cols {
        q = match col {
            Column::I64(v) | Column::Time(v) => q.bind(v),
            Column::F64(v) => q.bind(v),
            Column::Text(v) | Column::Json(v) => q.bind(v),
            Column::Bool(v) => q.bind(v),
            Column::Bytes(v) => q.bind(v),
        };
    }
    Ok(q.fetch_all(c).await?.into_iter().map(|(id,)| id).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_typed_columns() {
        let rows = vec![
            vec![
                Arg::I64(Some(1)),
                Arg::Text(None),
                Arg::Time(Some(super::super::time::Millis(5))),
            ],
            vec![Arg::I64(None), Arg::Text(Some("x".into())), Arg::Time(None)],
        ];
        let cols = columns(rows).expect("agreeing rows");
        assert!(matches!(&cols[0], Column::I64(v) if v == &[Some(1), None]));
        assert!(matches!(&cols[2], Column::Time(v) if v == &[Some(5), None]));
        assert_eq!(
            unnest(&cols, 1, "u", "c"),
            "unnest($1::int8[], $2::text[], $3::int8[]) WITH ORDINALITY AS u(c0, c1, c2, ord)"
        );
        assert!(cols[2].select("c2").contains("interval '1 millisecond'"));
        // Rows that disagree in length or type are refused.
        assert!(columns(vec![vec![Arg::I64(Some(1))], vec![Arg::Text(None)]]).is_none());
        assert!(columns(vec![vec![Arg::I64(Some(1))], vec![]]).is_none());
        assert!(columns(Vec::new()).is_none());
    }
}
