//! Intakes written together, on both engines. The writer hands all the intakes of a batch
//! to [`Pending`]'s [`Grouped::run`], which writes them a chunk at a time: one INSERT of
//! the demands, one of their timeline entries, one change of each rollup row they share.
//! On SQLite a chunk is one call to the database's thread; on PostgreSQL, whose statements
//! with arguments go one per round trip, it is two (the demands with their entries, the
//! rollups) however many intakes it holds.

use crate::db::batch::{Answer, BoxFuture, Grouped};
use crate::db::{Arg, DbError, DbResult, Engine, Q, Tx, arrays};
use crate::error::{Error, Result};

use super::super::super::model::Channel;
use super::super::super::store::{self, DemandRow};
use super::super::Ctx;
use super::{Written, event, insert};

/// Stands for the demand's id in the timeline entry's text (see [`Shape`]).
const ID: &str = "{demand_id}";

/// SQLite: the text of a chunk's statements, from one intake's: the head of the demand
/// INSERT and its row of anonymous placeholders, and the same of the timeline entry (its
/// row with [`ID`] where the demand's id goes). The same for every intake.
struct Shape {
    demands: String,
    demand_row: String,
    events: String,
    event_row: String,
}

static SHAPE: std::sync::OnceLock<Shape> = std::sync::OnceLock::new();

/// Splits `INSERT … VALUES (…)` into its head and its row, the row's placeholders made
/// anonymous.
fn split_values(q: Q) -> (String, String, Vec<Arg>) {
    let (sql, args) = q.into_parts();
    let sql = crate::db::anonymous(&sql)
        .expect("an intake's statement uses each placeholder once, in order");
    let at = sql.find(" VALUES ").expect("an INSERT … VALUES");
    (sql[..at].to_string(), sql[at + 8..].to_string(), args)
}

/// An intake's two rows, ready to be written with others: the arguments of its demand's
/// and of its timeline entry's INSERT.
pub(super) enum Rows {
    /// The demand's id not among them: SQLite numbers the rows (see [`Shape`]).
    Sqlite(Vec<Arg>, Vec<Arg>),
    /// The entry's first argument is the demand's id, taken when the batch is written (see
    /// [`postgres_rows`]).
    Postgres(Vec<Arg>, Vec<Arg>),
}

/// The rows of an intake, for `engine`.
pub(super) fn rows(engine: Engine, pre: &DemandRow, ctx: &Ctx<'_>, channel: Channel) -> Rows {
    match engine {
        Engine::Sqlite => {
            let (demand, event) = sqlite_args(pre, ctx, channel);
            Rows::Sqlite(demand, event)
        }
        Engine::Postgres => {
            let demand = insert(pre, None);
            let event = store::event_insert(event(pre, ctx, channel), None);
            if PG_TEXT.get().is_none() {
                let _ = PG_TEXT.set(postgres_text(demand.sql(), event.sql()));
            }
            Rows::Postgres(demand.into_parts().1, event.into_parts().1)
        }
    }
}

/// Writes new demands (with their [`Rows`]), their timeline entries and their rollups,
/// inside a savepoint of their own, and gives their ids in order. Either all are written
/// or, on an error, none.
pub(super) async fn chunk(tx: &mut Tx, items: &[(&DemandRow, &Rows)]) -> DbResult<Vec<i64>> {
    match tx {
        Tx::Sqlite(..) => sqlite_chunk(tx, items).await,
        Tx::Postgres(..) => postgres_chunk(tx, items).await,
    }
}

/// The arguments of an intake's two rows on SQLite, the demand's and its timeline
/// entry's (see [`Shape`]).
fn sqlite_args(pre: &DemandRow, ctx: &Ctx<'_>, channel: Channel) -> (Vec<Arg>, Vec<Arg>) {
    let demand = insert(pre, None);
    let event = store::event_insert(event(pre, ctx, channel), Some(ID));
    if SHAPE.get().is_none() {
        let (demands, demand_row, _) = split_values(demand.clone());
        let (events, event_row, _) = split_values(event.clone());
        let _ = SHAPE.set(Shape {
            demands,
            demand_row,
            events,
            event_row,
        });
    }
    (demand.into_parts().1, event.into_parts().1)
}

/// PostgreSQL: the one statement that writes a batch's demands and their timeline
/// entries, from the two INSERTs of one intake. Its arguments are the columns of both,
/// one array each ([`crate::db::arrays`]); each row takes an id from the demands'
/// identity, the entry names it, and the ids come back in the rows' order.
static PG_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn postgres_text(demand: &str, event: &str) -> String {
    // "INSERT INTO t (a, b, …) VALUES …": the table and its columns.
    fn head(sql: &str) -> (&str, Vec<&str>) {
        let open = sql.find('(').unwrap_or(0);
        let close = sql.find(')').unwrap_or(open);
        let cols = sql[open + 1..close].split(',').map(str::trim).collect();
        (sql[..open].trim(), cols)
    }
    let (demands, demand_cols) = head(demand);
    let (events, event_cols) = head(event);
    // The entry's first column is the demand's id: not an argument, the row's new id.
    let event_cols = &event_cols[1..];
    let n = demand_cols.len() + event_cols.len();
    let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let args: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    format!(
        "WITH v AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence('demands', 'id')) AS id, \
         u.* FROM unnest({args}) WITH ORDINALITY AS u({names}, ord)), \
         d AS ({demands} (id, {dc}) SELECT id, {{d}} FROM v), \
         e AS ({events} (demand_id, {ec}) SELECT id, {{e}} FROM v) \
         SELECT id FROM v ORDER BY ord",
        args = args.join(", "),
        names = names.join(", "),
        dc = demand_cols.join(", "),
        ec = event_cols.join(", "),
    )
}

/// PostgreSQL: writes a batch's demands, their entries and the rollups, two statements
/// however many intakes, inside a savepoint.
async fn postgres_chunk(tx: &mut Tx, items: &[(&DemandRow, &Rows)]) -> DbResult<Vec<i64>> {
    Q::new("SAVEPOINT intake").execute(tx).await?;
    match postgres_rows(tx, items).await {
        Ok(ids) => {
            Q::new("RELEASE SAVEPOINT intake").execute(tx).await?;
            Ok(ids)
        }
        Err(e) => {
            let _ = Q::new("ROLLBACK TO SAVEPOINT intake").execute(tx).await;
            let _ = Q::new("RELEASE SAVEPOINT intake").execute(tx).await;
            Err(e)
        }
    }
}

async fn postgres_rows(tx: &mut Tx, items: &[(&DemandRow, &Rows)]) -> DbResult<Vec<i64>> {
    let refused = |why: &str| DbError::Other(sqlx::Error::Protocol(why.into()));
    let mut rows = Vec::with_capacity(items.len());
    let mut demand_width = 0;
    for (_, r) in items {
        let Rows::Postgres(demand, event) = r else {
            return Err(refused("an intake prepared for another engine"));
        };
        demand_width = demand.len();
        rows.push(demand.iter().chain(event.iter().skip(1)).cloned().collect());
    }
    let cols = arrays::columns(rows).ok_or_else(|| refused("intakes of different shapes"))?;
    let text = PG_TEXT.get().ok_or_else(|| refused("no intake prepared"))?;
    let select = |range: std::ops::Range<usize>| {
        range
            .map(|i| cols[i].select(&format!("c{i}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sql = text
        .replace("{d}", &select(0..demand_width))
        .replace("{e}", &select(demand_width..cols.len()));
    let ids = arrays::fetch_ids(tx, &sql, cols).await?;
    if ids.len() != items.len() {
        return Err(DbError::Other(sqlx::Error::RowNotFound));
    }
    // What the rollups count does not depend on the id: the rows as prepared.
    let written: Vec<&DemandRow> = items.iter().map(|(pre, _)| *pre).collect();
    if let Some(q) = crate::measures::rollups::upsert_new(&written, false) {
        q.execute(tx).await?;
    }
    Ok(ids)
}

/// Intakes written together on SQLite in one call at most (a power of two, as every
/// chunk is: few distinct texts, each prepared once by the writer's connection).
const CHUNK: usize = 32;
/// Intakes written together on PostgreSQL in one statement at most (its text is the same
/// for any number, see [`postgres_text`]).
const PG_CHUNK: usize = 512;

/// The text of a chunk of `k` intakes: one INSERT of the `k` demands, the id of the last
/// (SQLite numbers the rows of one INSERT one after another, in order), one INSERT of their
/// `k` timeline entries, each taking its demand's id from the last. Not `RETURNING`:
/// SQLite runs it as a trigger, which made every INSERT copy each page it changed to a
/// statement journal first.
fn chunk_text(k: usize) -> String {
    let Some(s) = SHAPE.get() else {
        return String::new();
    };
    let demand_rows = vec![s.demand_row.as_str(); k].join(", ");
    let event_rows = (0..k)
        .map(|i| {
            s.event_row.replacen(
                ID,
                &format!("(SELECT MAX(id) FROM demands) - {}", k - 1 - i),
                1,
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{} VALUES {demand_rows};\nSELECT last_insert_rowid();\n{} VALUES {event_rows}",
        s.demands, s.events
    )
}

/// SQLite: writes new demands (with their arguments from [`sqlite_args`]), their timeline
/// entries and their rollups, in one call to the database inside a savepoint of its own,
/// and gives their ids in order. Either all are written or, on an error, none.
async fn sqlite_chunk(tx: &mut Tx, items: &[(&DemandRow, &Rows)]) -> DbResult<Vec<i64>> {
    static TEXTS: [std::sync::OnceLock<String>; 6] = [const { std::sync::OnceLock::new() }; 6];
    let k = items.len();
    let text = match TEXTS.get(k.trailing_zeros() as usize) {
        Some(t) if k.is_power_of_two() => t.get_or_init(|| chunk_text(k)).as_str(),
        _ => &chunk_text(k),
    };
    let rows: Vec<&DemandRow> = items.iter().map(|(d, _)| *d).collect();
    let (rollup, rollup_args) = match crate::measures::rollups::upsert_new(&rows, true) {
        Some(q) => q.into_parts(),
        None => (Default::default(), Vec::new()),
    };
    let rollup = crate::db::anonymous(&rollup).unwrap_or_default();
    let mut sql = String::with_capacity(text.len() + rollup.len() + 64);
    sql.push_str("SAVEPOINT intake;\n");
    sql.push_str(text);
    sql.push_str(";\n");
    let mut args = Vec::with_capacity(k * 40 + rollup_args.len());
    for (_, rows) in items {
        if let Rows::Sqlite(demand, _) = rows {
            args.extend(demand.iter().cloned());
        }
    }
    for (_, rows) in items {
        if let Rows::Sqlite(_, event) = rows {
            args.extend(event.iter().cloned());
        }
    }
    if !rollup.is_empty() {
        sql.push_str(&rollup);
        sql.push_str(";\n");
        args.extend(rollup_args);
    }
    sql.push_str("RELEASE SAVEPOINT intake");
    match Q::from_parts(sql, args).fetch_all::<(i64,)>(tx).await {
        Ok(last) if last.len() == 1 => {
            let last = last[0].0;
            Ok((0..k as i64).map(|i| last - (k as i64 - 1) + i).collect())
        }
        Ok(_) => {
            undo(tx).await;
            Err(crate::db::DbError::Other(sqlx::Error::RowNotFound))
        }
        Err(e) => {
            undo(tx).await;
            Err(e)
        }
    }
}

/// Hands a demand to the writer, to be written with the others waiting, and answers once
/// its batch has committed: with the new demand, or with the one its client id recorded
/// before (sent twice at once, the second finds the first when its own row is refused).
pub(super) async fn submit(
    writer: &crate::db::batch::Writer,
    ctx: &Ctx<'_>,
    pre: DemandRow,
    channel: Channel,
) -> Result<Written> {
    let rows = rows(writer.engine(), &pre, ctx, channel);
    let (reply, answer) = tokio::sync::oneshot::channel();
    writer.write_grouped(Pending { pre, rows, reply }).await?;
    answer
        .await
        .map_err(|_| Error::from(DbError::Other(sqlx::Error::WorkerCrashed)))?
}

/// An intake waiting for the writer: its row, its statements and its caller. The writer
/// hands all those waiting at a moment to [`Grouped::run`], which writes them a chunk at a
/// time: a few round trips, and one change of each rollup row they share, instead of
/// those of each demand.
pub struct Pending {
    pre: DemandRow,
    rows: Rows,
    reply: tokio::sync::oneshot::Sender<Result<Written>>,
}

/// The demand that holds the client id of an intake refused as a duplicate: the same
/// intake sent twice, the first written by this batch or committed before it. `None` when
/// the intake has no client id or the duplicate was something else.
async fn first_of(tx: &mut Tx, pre: &DemandRow, e: &DbError) -> Option<DemandRow> {
    let (DbError::Duplicate(_), Some(client_id)) = (e, pre.client_id.as_deref()) else {
        return None;
    };
    // A lookup that fails leaves the intake's own error to answer.
    store::by_client_id(tx, client_id).await.ok().flatten()
}

impl Grouped for Pending {
    fn run(tx: &mut Tx, items: Vec<Pending>) -> BoxFuture<'_, Result<Vec<Answer>, DbError>> {
        Box::pin(async move {
            let mut answers: Vec<Answer> = Vec::with_capacity(items.len());
            let mut rest = items;
            let engine = tx.engine();
            while !rest.is_empty() {
                let size = match engine {
                    Engine::Sqlite => prev_power_of_two(rest.len().min(CHUNK)),
                    Engine::Postgres => rest.len().min(PG_CHUNK),
                };
                let chunk_of: Vec<Pending> = rest.drain(..size).collect();
                let both: Vec<(&DemandRow, &Rows)> =
                    chunk_of.iter().map(|p| (&p.pre, &p.rows)).collect();
                let written = chunk(tx, &both).await;
                match written {
                    Ok(ids) => {
                        for (p, id) in chunk_of.into_iter().zip(ids) {
                            let row = DemandRow { id, ..p.pre };
                            let reply = p.reply;
                            answers.push(Box::new(move || {
                                let _ = reply.send(Ok(Written::New(row)));
                            }));
                        }
                    }
                    // One of them was refused: each on its own then, so that only it fails.
                    Err(_) if size > 1 => {
                        for p in chunk_of {
                            answers.extend(Box::pin(Pending::run(tx, vec![p])).await?);
                        }
                    }
                    Err(e) => {
                        let Some(p) = chunk_of.into_iter().next() else {
                            continue;
                        };
                        match first_of(tx, &p.pre, &e).await {
                            // Answered once the batch (which may hold the first) commits.
                            Some(first) => answers.push(Box::new(move || {
                                let _ = p.reply.send(Ok(Written::Before(first)));
                            })),
                            None => {
                                let _ = p.reply.send(Err(Error::from(e)));
                            }
                        }
                    }
                }
            }
            Ok(answers)
        })
    }
}

fn prev_power_of_two(n: usize) -> usize {
    1 << (usize::BITS - 1 - n.leading_zeros())
}

/// SQLite: takes back what a failed one-call intake wrote before it failed.
async fn undo(tx: &mut Tx) {
    let _ = Q::new("ROLLBACK TO SAVEPOINT intake")
        .then(Q::new("RELEASE SAVEPOINT intake"))
        .execute(tx)
        .await;
}
