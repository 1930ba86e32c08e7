//! Loading many rows fast, inside a caller's transaction: multi-row `INSERT`s with
//! positional parameters on SQLite, `COPY … FROM STDIN` on PostgreSQL. For generators and
//! imports, where rows come by the hundred thousand.

use super::{Arg, DbResult, Q, Tx};

/// SQLite's limit of parameters in one statement.
const SQLITE_MAX_PARAMS: usize = 32_766;
/// Rows per SQLite statement at most.
const SQLITE_MAX_ROWS: usize = 1_000;
/// Bytes per COPY message sent to PostgreSQL.
const PG_BYTES_PER_SEND: usize = 1 << 20;

/// Inserts `rows` (each the values of `columns`, in order) into `table`, calling
/// `progress(rows so far)` after each statement or COPY message. Returns the rows loaded.
pub async fn load(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<Arg>>,
    progress: &mut dyn FnMut(usize),
) -> DbResult<usize> {
    let names = columns.join(", ");
    let mut done = 0;
    match tx {
        Tx::Postgres(t) => {
            let mut copy = t
                .copy_in_raw(&format!("COPY {table} ({names}) FROM STDIN (FORMAT text)"))
                .await?;
            let mut buf = String::with_capacity(PG_BYTES_PER_SEND + 4096);
            for row in rows {
                copy_line(&mut buf, &row);
                done += 1;
                if buf.len() >= PG_BYTES_PER_SEND {
                    copy.send(buf.as_bytes()).await?;
                    buf.clear();
                    progress(done);
                }
            }
            if !buf.is_empty() {
                copy.send(buf.as_bytes()).await?;
            }
            copy.finish().await?;
            progress(done);
        }
        Tx::Sqlite(..) => {
            let per = (SQLITE_MAX_PARAMS / columns.len().max(1)).clamp(1, SQLITE_MAX_ROWS);
            let full = insert_sql(table, &names, columns.len(), per);
            let mut rows = rows.peekable();
            while rows.peek().is_some() {
                let chunk: Vec<Vec<Arg>> = rows.by_ref().take(per).collect();
                let mut q = Q::new(if chunk.len() == per {
                    full.clone()
                } else {
                    insert_sql(table, &names, columns.len(), chunk.len())
                });
                let n = chunk.len();
                for v in chunk.into_iter().flatten() {
                    q = q.bind(v);
                }
                q.execute(tx).await?;
                done += n;
                progress(done);
            }
        }
    }
    Ok(done)
}

/// `INSERT INTO table (…) VALUES (?, …), …` for `rows` rows. The parameters are
/// positional (`?`): sqlx looks named ones up by name, which costs the square of their
/// number in one statement.
fn insert_sql(table: &str, names: &str, columns: usize, rows: usize) -> String {
    let one = format!("({})", vec!["?"; columns].join(", "));
    format!(
        "INSERT INTO {table} ({names}) VALUES {}",
        vec![one.as_str(); rows].join(", ")
    )
}

/// One row in PostgreSQL's COPY text format: tab-separated, `\N` for null.
pub fn copy_line(buf: &mut String, row: &[Arg]) {
    use std::fmt::Write;
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            buf.push('\t');
        }
        match v {
            Arg::I64(Some(n)) => {
                let _ = write!(buf, "{n}");
            }
            Arg::F64(Some(n)) => {
                let _ = write!(buf, "{n}");
            }
            Arg::Bool(Some(b)) => buf.push(if *b { 't' } else { 'f' }),
            Arg::Text(Some(s)) => escape(buf, s),
            Arg::Json(Some(j)) => escape(buf, &j.to_string()),
            Arg::Time(Some(t)) => match jiff::Timestamp::from_millisecond(t.0) {
                Ok(t) => {
                    let _ = write!(buf, "{t}");
                }
                Err(_) => buf.push_str("\\N"),
            },
            Arg::Bytes(Some(b)) => {
                buf.push_str("\\\\x");
                for byte in b {
                    let _ = write!(buf, "{byte:02x}");
                }
            }
            _ => buf.push_str("\\N"),
        }
    }
    buf.push('\n');
}

fn escape(buf: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// The next id of `table` when ids are handed out by the loader itself (so rows can
/// refer to each other before they are written).
pub async fn next_id(tx: &mut Tx, table: &str) -> DbResult<i64> {
    let (max,): (i64,) = Q::new(format!("SELECT COALESCE(MAX(id), 0) FROM {table}"))
        .fetch_one(tx)
        .await?;
    Ok(max + 1)
}

/// After ids were given explicitly: on PostgreSQL, moves the table's identity past them
/// (SQLite's rowids follow the largest id by themselves).
pub async fn sync_ids(tx: &mut Tx, table: &str) -> DbResult<()> {
    if let Tx::Postgres(_) = tx {
        Q::new(format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))
        .execute(tx)
        .await?;
    }
    Ok(())
}

/// Drops `table`'s secondary indexes (not those behind constraints), returning the
/// statements that build them again. Building an index once at the end of a load is many
/// times faster than keeping it up to date row by row.
pub async fn drop_indexes(tx: &mut Tx, table: &str) -> DbResult<Vec<String>> {
    let list = match tx {
        Tx::Sqlite(..) => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 \
             AND sql IS NOT NULL"
        }
        Tx::Postgres(_) => {
            "SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i \
             WHERE i.tablename = $1 AND i.schemaname = current_schema() \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        }
    };
    let found: Vec<(String, String)> = Q::new(list).bind(table).fetch_all(tx).await?;
    for (name, _) in &found {
        Q::new(format!("DROP INDEX {name}")).execute(tx).await?;
    }
    Ok(found.into_iter().map(|(_, sql)| sql).collect())
}
