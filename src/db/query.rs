//! One query, both engines.

use std::borrow::Cow;

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, FromRow};

use super::time::Millis;
use super::{DbResult, Exec, Handle};

/// A typed argument. Nulls keep their type: PostgreSQL needs it to plan the statement.
#[derive(Clone, Debug)]
pub enum Arg {
    I64(Option<i64>),
    F64(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Bytes(Option<Vec<u8>>),
    /// A moment: INTEGER milliseconds on SQLite, `timestamptz` on PostgreSQL.
    Time(Option<Millis>),
    /// JSON: TEXT on SQLite, `jsonb` on PostgreSQL.
    Json(Option<serde_json::Value>),
}

macro_rules! arg_from {
    ($t:ty, $v:ident, $e:expr) => {
        impl From<$t> for Arg {
            fn from($v: $t) -> Arg {
                $e
            }
        }
    };
}
arg_from!(i64, v, Arg::I64(Some(v)));
arg_from!(Option<i64>, v, Arg::I64(v));
arg_from!(i32, v, Arg::I64(Some(v.into())));
arg_from!(f64, v, Arg::F64(Some(v)));
arg_from!(Option<f64>, v, Arg::F64(v));
arg_from!(bool, v, Arg::Bool(Some(v)));
arg_from!(Option<bool>, v, Arg::Bool(v));
arg_from!(String, v, Arg::Text(Some(v)));
arg_from!(Option<String>, v, Arg::Text(v));
arg_from!(&str, v, Arg::Text(Some(v.to_string())));
arg_from!(Option<&str>, v, Arg::Text(v.map(str::to_string)));
arg_from!(&String, v, Arg::Text(Some(v.clone())));
arg_from!(Vec<u8>, v, Arg::Bytes(Some(v)));
arg_from!(Option<Vec<u8>>, v, Arg::Bytes(v));
arg_from!(Millis, v, Arg::Time(Some(v)));
arg_from!(Option<Millis>, v, Arg::Time(v));
arg_from!(serde_json::Value, v, Arg::Json(Some(v)));

/// Rows that decode on both engines.
pub trait FromBoth:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> FromBoth for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// SQL text with its arguments. Placeholders are `$1`, `$2`, … on both engines.
#[derive(Clone, Debug)]
pub struct Q {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(v),
                Arg::F64(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
                Arg::Bool(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
                Arg::Time(v) => q.bind(v),
                Arg::Json(v) => q.bind(v.map(sqlx::types::Json)),
            };
        }
        q
    }};
}

impl Q {
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Q {
        Q {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    /// Adds the next positional argument.
    pub fn bind(mut self, a: impl Into<Arg>) -> Q {
        self.args.push(a.into());
        self
    }

    /// Appends SQL text (for queries assembled from filters).
    pub fn push(&mut self, sql: &str) -> &mut Q {
        self.sql.to_mut().push_str(sql);
        self
    }

    /// Appends a placeholder for `a` and binds it.
    pub fn push_bind(&mut self, a: impl Into<Arg>) -> &mut Q {
        self.args.push(a.into());
        let n = self.args.len();
        self.sql.to_mut().push_str(&format!("${n}"));
        self
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The text and the arguments, apart (to assemble statements whose text is known).
    pub fn into_parts(self) -> (Cow<'static, str>, Vec<Arg>) {
        (self.sql, self.args)
    }

    pub fn from_parts(sql: impl Into<Cow<'static, str>>, args: Vec<Arg>) -> Q {
        Q {
            sql: sql.into(),
            args,
        }
    }

    pub async fn fetch_all<T: FromBoth>(self, ex: &mut impl Exec) -> DbResult<Vec<T>> {
        let sql = AssertSqlSafe(self.sql);
        Ok(match ex.handle() {
            Handle::Sqlite(c) => {
                bind_all!(sqlx::query_as::<_, T>(positional(sql)), self.args)
                    .fetch_all(c)
                    .await?
            }
            Handle::Postgres(c) => {
                bind_all!(sqlx::query_as::<_, T>(sql), self.args)
                    .fetch_all(c)
                    .await?
            }
        })
    }

    pub async fn fetch_optional<T: FromBoth>(self, ex: &mut impl Exec) -> DbResult<Option<T>> {
        let sql = AssertSqlSafe(self.sql);
        Ok(match ex.handle() {
            Handle::Sqlite(c) => {
                bind_all!(sqlx::query_as::<_, T>(positional(sql)), self.args)
                    .fetch_optional(c)
                    .await?
            }
            Handle::Postgres(c) => {
                bind_all!(sqlx::query_as::<_, T>(sql), self.args)
                    .fetch_optional(c)
                    .await?
            }
        })
    }

    pub async fn fetch_one<T: FromBoth>(self, ex: &mut impl Exec) -> DbResult<T> {
        match self.fetch_optional(ex).await? {
            Some(t) => Ok(t),
            None => Err(sqlx::Error::RowNotFound.into()),
        }
    }

    /// Runs a statement; returns the number of rows it changed.
    pub async fn execute(self, ex: &mut impl Exec) -> DbResult<u64> {
        let sql = AssertSqlSafe(self.sql);
        Ok(match ex.handle() {
            Handle::Sqlite(c) => bind_all!(sqlx::query(positional(sql)), self.args)
                .execute(c)
                .await?
                .rows_affected(),
            Handle::Postgres(c) => bind_all!(sqlx::query(sql), self.args)
                .execute(c)
                .await?
                .rows_affected(),
        })
    }

    /// Runs an `INSERT … RETURNING id` and gives the id.
    pub async fn insert_id(self, ex: &mut impl Exec) -> DbResult<i64> {
        Ok(self.fetch_one::<(i64,)>(ex).await?.0)
    }
}

/// The `$n` placeholders of `sql` outside quoted text: (byte offset, length, n).
fn placeholders(sql: &str) -> Vec<(usize, usize, usize)> {
    let bytes = sql.as_bytes();
    let mut found = Vec::new();
    let (mut i, mut quoted) = (0, false);
    while i < bytes.len() {
        // Straight to the next byte that matters.
        match bytes[i..].iter().position(|b| matches!(b, b'$' | b'\'')) {
            Some(skip) => i += skip,
            None => break,
        }
        match bytes[i] {
            b'\'' => quoted = !quoted,
            b'$' if !quoted => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                if digits > 0 {
                    let n = sql[i + 1..i + 1 + digits].parse().unwrap_or(0);
                    found.push((i, digits + 1, n));
                    i += digits;
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// SQLite: when the placeholders are exactly `$1`, `$2`, … `$n`, each once and in order,
/// they become anonymous `?`s. sqlx binds a named parameter by asking SQLite for its name,
/// which walks a list: binding `n` of them costs `n²`, noticeable in the rollups' upsert of
/// 150 arguments on every write. Text in quotes is left alone.
fn positional(sql: AssertSqlSafe<Cow<'static, str>>) -> AssertSqlSafe<Cow<'static, str>> {
    const WORTH_IT: usize = 24;
    // Texts assembled with anonymous placeholders already are long: no scan for them.
    if !sql.0.contains('$') {
        return sql;
    }
    let spots = placeholders(&sql.0);
    if spots.len() < WORTH_IT {
        return sql;
    }
    match anonymize(&sql.0, &spots) {
        Some(out) => AssertSqlSafe(Cow::Owned(out)),
        None => sql,
    }
}

/// `sql` with its placeholders `$1` … `$n` (each once and in order) as anonymous `?`s,
/// which SQLite binds in order without asking their names; `None` when they are not so.
/// Text in quotes is left alone.
pub fn anonymous(sql: &str) -> Option<String> {
    anonymize(sql, &placeholders(sql))
}

fn anonymize(text: &str, spots: &[(usize, usize, usize)]) -> Option<String> {
    if spots.iter().enumerate().any(|(i, s)| s.2 != i + 1) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, len, _) in spots {
        out.push_str(&text[last..*at]);
        out.push('?');
        last = at + len;
    }
    out.push_str(&text[last..]);
    Some(out)
}

impl Q {
    /// Appends another statement (after `;`) with its arguments, its placeholders moved
    /// past this one's: several statements in one round trip, where the engine runs them
    /// (SQLite; PostgreSQL takes one statement with arguments at a time).
    pub fn then(mut self, other: Q) -> Q {
        let offset = self.args.len();
        let sql = self.sql.to_mut();
        sql.push_str(";\n");
        push_shifted(sql, &other.sql, offset);
        self.args.extend(other.args);
        self
    }
}

/// Appends `other` to `sql`, its placeholders numbered `offset` further.
fn push_shifted(sql: &mut String, other: &str, offset: usize) {
    let mut last = 0;
    for (at, len, n) in placeholders(other) {
        sql.push_str(&other[last..at]);
        sql.push_str(&format!("${}", n + offset));
        last = at + len;
    }
    sql.push_str(&other[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(sql: &str) -> String {
        positional(AssertSqlSafe(Cow::Owned(sql.to_string())))
            .0
            .into_owned()
    }

    #[test]
    fn long_sequential_placeholders_become_anonymous() {
        let many: Vec<String> = (1..=30).map(|i| format!("${i}")).collect();
        let sql = format!("INSERT INTO t VALUES ({}) -- '$9'", many.join(", "));
        let out = rewrite(&sql);
        assert_eq!(out.matches('?').count(), 30);
        assert!(!out.contains("$1,"));
        assert!(out.ends_with("'$9'"));
        // Repeated, out of order or few: left as they are.
        let repeated = format!("{sql} AND x = $3");
        assert_eq!(rewrite(&repeated), repeated);
        assert_eq!(rewrite("SELECT $2, $1"), "SELECT $2, $1");
        assert_eq!(rewrite("SELECT $1, $2"), "SELECT $1, $2");
        assert_eq!(
            anonymous("SELECT $1, '$2', $2").as_deref(),
            Some("SELECT ?, '$2', ?")
        );
        assert_eq!(anonymous("SELECT $2, $1"), None);
    }

    #[test]
    fn statements_joined_keep_their_own_arguments() {
        let a = Q::new("INSERT INTO t VALUES ($1, $2, $1)").bind(1).bind(2);
        let b = Q::new("UPDATE u SET x = $2 WHERE y = $1 AND z = '$1'")
            .bind(3)
            .bind(4);
        let q = a.then(b);
        assert_eq!(
            q.sql(),
            "INSERT INTO t VALUES ($1, $2, $1);\nUPDATE u SET x = $4 WHERE y = $3 AND z = '$1'"
        );
        assert_eq!(q.args.len(), 4);
    }
}
