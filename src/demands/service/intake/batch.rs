//! SQLite: intakes written together. The writer hands all the intakes of a batch to
//! [`Pending`]'s [`Grouped::run`], which writes them [`CHUNK`] to a call to the database's
//! thread: one INSERT of the demands, one of their timeline entries, one change of each
//! rollup row they share.

use crate::db::batch::{Answer, BoxFuture, Grouped};
use crate::db::{Arg, DbError, DbResult, Q, Tx};
use crate::error::{Error, Result};

use super::super::super::model::Channel;
use super::super::super::store::{self, DemandRow};
use super::super::Ctx;
use super::{event, insert};

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

/// The arguments of an intake's two rows on SQLite, the demand's and its timeline
/// entry's (see [`Shape`]).
pub(super) fn sqlite_args(pre: &DemandRow, ctx: &Ctx<'_>, channel: Channel) -> RowArgs {
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

/// An intake's arguments on SQLite: its demand row's, its timeline entry's.
pub(super) type RowArgs = (Vec<Arg>, Vec<Arg>);

/// Intakes written together on SQLite in one call at most (a power of two, as every
/// chunk is: few distinct texts, each prepared once by the writer's connection).
const CHUNK: usize = 32;

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
pub(super) async fn sqlite_chunk(
    tx: &mut Tx,
    items: &[(&DemandRow, &RowArgs)],
) -> DbResult<Vec<i64>> {
    static TEXTS: [std::sync::OnceLock<String>; 6] = [const { std::sync::OnceLock::new() }; 6];
    let k = items.len();
    let text = match TEXTS.get(k.trailing_zeros() as usize) {
        Some(t) if k.is_power_of_two() => t.get_or_init(|| chunk_text(k)).as_str(),
        _ => &chunk_text(k),
    };
    let rows: Vec<&DemandRow> = items.iter().map(|(d, _)| *d).collect();
    let (rollup, rollup_args) = match crate::measures::rollups::upsert_new(&rows) {
        Some(q) => q.into_parts(),
        None => (Default::default(), Vec::new()),
    };
    let rollup = crate::db::anonymous(&rollup).unwrap_or_default();
    let mut sql = String::with_capacity(text.len() + rollup.len() + 64);
    sql.push_str("SAVEPOINT intake;\n");
    sql.push_str(text);
    sql.push_str(";\n");
    let mut args = Vec::with_capacity(k * 40 + rollup_args.len());
    for (_, (demand, _)) in items {
        args.extend(demand.iter().cloned());
    }
    for (_, (_, event)) in items {
        args.extend(event.iter().cloned());
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
/// its batch has committed.
pub(super) async fn submit(
    writer: &crate::db::batch::Writer,
    ctx: &Ctx<'_>,
    pre: DemandRow,
    channel: Channel,
) -> Result<DemandRow> {
    let args = sqlite_args(&pre, ctx, channel);
    let (reply, answer) = tokio::sync::oneshot::channel();
    writer.write_grouped(Pending { pre, args, reply }).await?;
    answer
        .await
        .map_err(|_| Error::from(DbError::Other(sqlx::Error::WorkerCrashed)))?
}

/// An intake waiting for the writer on SQLite: its row, its statements' arguments and
/// its caller. The writer hands all those waiting at a moment to [`Grouped::run`], which
/// writes them [`CHUNK`] to a call: one round trip to the database's thread, and one
/// change of each rollup row they share, instead of one of each per demand.
pub struct Pending {
    pre: DemandRow,
    args: RowArgs,
    reply: tokio::sync::oneshot::Sender<Result<DemandRow>>,
}

impl Grouped for Pending {
    fn run(tx: &mut Tx, items: Vec<Pending>) -> BoxFuture<'_, Result<Vec<Answer>, DbError>> {
        Box::pin(async move {
            let mut answers: Vec<Answer> = Vec::with_capacity(items.len());
            let mut rest = items;
            while !rest.is_empty() {
                let size = prev_power_of_two(rest.len().min(CHUNK));
                let chunk: Vec<Pending> = rest.drain(..size).collect();
                let both: Vec<(&DemandRow, &RowArgs)> =
                    chunk.iter().map(|p| (&p.pre, &p.args)).collect();
                let written = sqlite_chunk(tx, &both).await;
                match written {
                    Ok(ids) => {
                        for (p, id) in chunk.into_iter().zip(ids) {
                            let row = DemandRow { id, ..p.pre };
                            let reply = p.reply;
                            answers.push(Box::new(move || {
                                let _ = reply.send(Ok(row));
                            }));
                        }
                    }
                    // One of them was refused: each on its own then, so that only it fails.
                    Err(_) if size > 1 => {
                        for p in chunk {
                            answers.extend(Box::pin(Pending::run(tx, vec![p])).await?);
                        }
                    }
                    Err(e) => {
                        if let Some(p) = chunk.into_iter().next() {
                            let _ = p.reply.send(Err(Error::from(e)));
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

/// Takes back what a failed one-call intake wrote before it failed.
async fn undo(tx: &mut Tx) {
    let _ = Q::new("ROLLBACK TO SAVEPOINT intake")
        .then(Q::new("RELEASE SAVEPOINT intake"))
        .execute(tx)
        .await;
}
