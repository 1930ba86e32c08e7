//! Group commit: many requests' writes share one durable commit, and none is acknowledged
//! before that commit is on disk.
//!
//! On SQLite every write goes through one connection and each commit waits for an fsync,
//! so one commit per request caps intake at the disk's fsync rate. The [`Writer`] runs the
//! writes waiting at a moment one after another in one transaction, each inside its own
//! savepoint (a write that fails is rolled back alone and answered with its error), then
//! commits once, and answers every caller once that commit is on disk (`db::durable`),
//! while it already writes the next batch. Under light load a batch is one write and
//! nothing waits; under heavy load the batches grow by themselves while the previous one is
//! being written and flushed.
//!
//! PostgreSQL commits concurrent transactions in parallel and flushes them together
//! itself, so there a write of its own simply runs in its own transaction. Writes of a
//! kind that goes faster together ([`Grouped`]) are still batched: many intakes in one
//! transaction are a few statements instead of a few per intake, and the rollup rows they
//! all change are locked once a batch instead of once a row (one transaction a row would
//! make each wait for the commit of the one before). Two batches are written at once
//! ([`PG_IN_FLIGHT`]), each on a connection of its own, and writes wait while both are
//! busy, so the batches grow with the load.

use std::any::{Any, TypeId};
use std::future::Future;
use std::pin::Pin;

use tokio::sync::{mpsc, oneshot, watch};

use super::{Db, DbError, Pending, Q, Tx};

/// Writes in one batch at most.
const MAX_BATCH: usize = 512;
/// Writes waiting for the writer at most; callers beyond it wait to enqueue.
const QUEUE: usize = 4_096;
/// PostgreSQL: batches being written at once, at most: one is written while the one
/// before commits (1, 2 and 4 measured the same on two cores; see docs/performance.md).
const PG_IN_FLIGHT: usize = 2;
/// Checkpoints while commits come, at most this often.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a batched write leaves to do once its batch has committed: answer its caller.
pub type Answer = Box<dyn FnOnce() + Send>;
/// A write: runs in the batch's transaction, says whether it succeeded, and how to answer.
type Run = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, (bool, Answer)> + Send>;

/// Writes of one kind that go faster together than one by one (one call to the database
/// for many of them, say). Each carries its own way to answer its caller.
pub trait Grouped: Sized + Send + 'static {
    /// Runs these writes in the batch's transaction. A write that fails must have taken
    /// back all it wrote and be answered here, at once, with its error; the answers of
    /// those that succeeded are returned, to be given once the batch has committed.
    fn run(tx: &mut Tx, items: Vec<Self>) -> BoxFuture<'_, Result<Vec<Answer>, DbError>>;
}

type RunGroup =
    for<'t> fn(&'t mut Tx, Vec<Box<dyn Any + Send>>) -> BoxFuture<'t, Result<Vec<Answer>, DbError>>;

fn run_erased<G: Grouped>(
    tx: &mut Tx,
    items: Vec<Box<dyn Any + Send>>,
) -> BoxFuture<'_, Result<Vec<Answer>, DbError>> {
    let items = items
        .into_iter()
        .filter_map(|b| b.downcast::<G>().ok().map(|g| *g))
        .collect();
    G::run(tx, items)
}

/// A batch's writes of one kind: the kind, how to run them, the writes.
type Group = (TypeId, RunGroup, Vec<Box<dyn Any + Send>>);

enum Job {
    /// A write of its own, inside a savepoint of its own.
    One(Run),
    /// A write run together with the others of its kind in the batch.
    Grouped {
        kind: TypeId,
        item: Box<dyn Any + Send>,
        run: RunGroup,
    },
}

/// Runs writes, batching their commits where the engine gains by it.
#[derive(Clone, Debug)]
pub struct Writer {
    db: Db,
    queue: Option<mpsc::Sender<Job>>,
}

impl Writer {
    /// A writer for `db`; on SQLite (inside a Tokio runtime) it starts the batching task,
    /// which ends when every clone of the writer is dropped.
    ///
    /// The task runs on a thread of its own: each of its steps is a hand-off to the
    /// database connection's thread and back, and on the server's worker threads it would
    /// wait behind every request being handled before each next step.
    pub fn new(db: Db) -> Writer {
        let queue = match db {
            Db::Sqlite { .. } if tokio::runtime::Handle::try_current().is_ok() => {
                let (tx, rx) = mpsc::channel(QUEUE);
                let (committed, commits) = watch::channel(());
                tokio::spawn(checkpoints(db.clone(), commits));
                let on = db.clone();
                let started = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .and_then(|rt| {
                        std::thread::Builder::new()
                            .name("linli-writer".into())
                            .spawn(move || rt.block_on(run(on, rx, committed)))
                    });
                if let Err(e) = started {
                    tracing::warn!(error = %e, "no thread for the writer: writes go one by one");
                    return Writer { db, queue: None };
                }
                Some(tx)
            }
            Db::Postgres(_) if tokio::runtime::Handle::try_current().is_ok() => {
                let (tx, rx) = mpsc::channel(QUEUE);
                tokio::spawn(run_concurrent(db.clone(), rx));
                Some(tx)
            }
            _ => None,
        };
        Writer { db, queue }
    }

    pub fn engine(&self) -> super::Engine {
        self.db.engine()
    }

    /// Runs `f` in a write transaction and returns its result once that transaction has
    /// committed durably. If `f` fails, nothing it wrote is kept. If the commit fails,
    /// the caller gets a "database unavailable" error and nothing was written.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
    {
        // PostgreSQL: a write of its own in its own transaction (see the module's text).
        let queue = match &self.queue {
            Some(q) if self.engine() == super::Engine::Sqlite => Some(q),
            _ => None,
        };
        let Some(queue) = queue else {
            let mut tx = self.db.begin().await?;
            let v = f(&mut tx).await?;
            tx.commit().await?;
            return Ok(v);
        };
        let (answer, answered) = oneshot::channel::<Result<T, E>>();
        let job = Job::One(Box::new(move |tx| {
            Box::pin(async move {
                let out = f(tx).await;
                let ok = out.is_ok();
                let reply: Answer = Box::new(move || {
                    let _ = answer.send(out);
                });
                (ok, reply)
            })
        }));
        let gone = || E::from(DbError::Other(sqlx::Error::WorkerCrashed));
        queue.send(job).await.map_err(|_| gone())?;
        // Dropped unanswered: the batch could not begin or commit.
        answered.await.map_err(|_| gone())?
    }

    /// Hands a write to be run with the others of its kind waiting at that moment; it
    /// answers its caller itself, only after the commit. If the batch cannot commit, the
    /// write is dropped unanswered (its caller sees its answer channel closed).
    pub async fn write_grouped<G: Grouped>(&self, item: G) -> Result<(), DbError> {
        let Some(queue) = &self.queue else {
            let mut tx = self.db.begin().await?;
            let answers = G::run(&mut tx, vec![item]).await?;
            tx.commit().await?;
            answers.into_iter().for_each(|a| a());
            return Ok(());
        };
        let job = Job::Grouped {
            kind: TypeId::of::<G>(),
            item: Box::new(item),
            run: run_erased::<G>,
        };
        queue
            .send(job)
            .await
            .map_err(|_| DbError::Other(sqlx::Error::WorkerCrashed))
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Job>, committed: watch::Sender<()>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut idle = std::time::Instant::now();
    // Batches committed and waiting for their flush, to answer.
    let mut flushing = tokio::task::JoinSet::new();
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        while flushing.try_join_next().is_some() {}
        let batch = std::mem::take(&mut jobs);
        let waited = idle.elapsed();
        let r = commit_batch(&db, batch, waited).await;
        idle = std::time::Instant::now();
        match r {
            Ok((pending, answers)) => {
                committed.send_replace(());
                // The next batch is written while this one is flushed (db::durable).
                flushing.spawn(answer_when_durable(pending, answers));
            }
            Err(e) => {
                tracing::warn!(error = %e, "a batch of writes failed to commit; its callers were told")
            }
        }
    }
    // The last batches are answered before the writer's thread ends.
    flushing.join_all().await;
}

/// Answers a committed batch's callers once its commit is durable; if it cannot be made
/// durable, they are told by their answers being dropped.
async fn answer_when_durable(pending: Pending, answers: Vec<Answer>) {
    match pending.durable().await {
        Ok(()) => answers.into_iter().for_each(|a| a()),
        Err(e) => {
            tracing::error!(error = %e, "a batch of writes could not be made durable; its callers were told")
        }
    }
}

/// PostgreSQL: takes the grouped writes waiting, up to [`PG_IN_FLIGHT`] batches at once,
/// each written and committed on a connection of its own; answers each batch's callers
/// once it has committed.
async fn run_concurrent(db: Db, mut rx: mpsc::Receiver<Job>) {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(PG_IN_FLIGHT));
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    loop {
        // While every slot is busy, the writes waiting pile up into the next batch.
        let Ok(slot) = slots.clone().acquire_owned().await else {
            break;
        };
        if rx.recv_many(&mut jobs, MAX_BATCH).await == 0 {
            break;
        }
        let batch = std::mem::take(&mut jobs);
        let db = db.clone();
        tokio::spawn(async move {
            let _slot = slot;
            match commit_batch(&db, batch, std::time::Duration::ZERO).await {
                Ok((pending, answers)) => answer_when_durable(pending, answers).await,
                Err(e) => {
                    tracing::warn!(error = %e, "a batch of writes failed to commit; its callers were told")
                }
            }
        });
    }
    // The last batches are answered before the writer ends.
    let _ = slots.acquire_many(PG_IN_FLIGHT as u32).await;
}

/// Checkpoints on a reader's connection: copies what the commits appended to the
/// write-ahead log into the database file, at most every [`CHECKPOINT_EVERY`] while
/// commits come. SQLite would otherwise do it inside the commit that crosses its
/// threshold, making the writer and every caller in that batch wait for it. PASSIVE: it
/// never blocks the writer or a reader. Ends with the writer, or when the database closes.
async fn checkpoints(db: Db, mut commits: watch::Receiver<()>) {
    while commits.changed().await.is_ok() {
        let Ok(mut c) = db.conn().await else {
            return;
        };
        if let Err(e) = Q::new("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut c)
            .await
        {
            tracing::warn!(error = %e, "a checkpoint failed; the next commits try again");
        }
        drop(c);
        tokio::time::sleep(CHECKPOINT_EVERY).await;
    }
}

/// Runs the batch in one transaction and commits it; gives the answers to send once the
/// commit is durable. On any failure of the transaction itself, the answers are dropped:
/// callers get an error.
async fn commit_batch(
    db: &Db,
    batch: Vec<Job>,
    waited: std::time::Duration,
) -> Result<(Pending, Vec<Answer>), DbError> {
    let started = std::time::Instant::now();
    let mut tx = db.begin().await?;
    let began = started.elapsed();
    let mut answers = Vec::with_capacity(batch.len());
    let mut groups: Vec<Group> = Vec::new();
    // One round trip between two writes: the end of one savepoint and the start of the next.
    let mut open = false;
    for job in batch {
        let run = match job {
            Job::One(run) => run,
            Job::Grouped { kind, item, run } => {
                match groups.iter_mut().find(|g| g.0 == kind) {
                    Some(g) => g.2.push(item),
                    None => groups.push((kind, run, vec![item])),
                }
                continue;
            }
        };
        boundary(&mut tx, open, true).await?;
        open = true;
        let (ok, answer) = run(&mut tx).await;
        if !ok {
            Q::new("ROLLBACK TO SAVEPOINT w").execute(&mut tx).await?;
        }
        if ok {
            answers.push(answer);
        } else {
            // Its error does not depend on the commit: say it now.
            answer();
        }
    }
    if open {
        boundary(&mut tx, true, false).await?;
    }
    for (_, run, items) in groups {
        answers.extend(run(&mut tx, items).await?);
    }
    let written = std::time::Instant::now();
    let pending = tx.commit_pending().await?;
    // Where the writer's time goes: waiting for work, writing, committing.
    tracing::trace!(
        writes = answers.len(),
        waited_us = waited.as_micros() as u64,
        began_us = began.as_micros() as u64,
        wrote_us = (written - started).as_micros() as u64,
        commit_us = written.elapsed().as_micros() as u64,
        "committed"
    );
    Ok((pending, answers))
}

/// Releases the savepoint of the write before (if any) and opens one for the next (if
/// any), in one call.
async fn boundary(tx: &mut Tx, release: bool, start: bool) -> Result<(), DbError> {
    let sql = match (release, start) {
        (true, true) => "RELEASE SAVEPOINT w; SAVEPOINT w",
        (true, false) => "RELEASE SAVEPOINT w",
        (false, true) => "SAVEPOINT w",
        (false, false) => return Ok(()),
    };
    match tx {
        Tx::Sqlite(t) => {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(t.conn())
                .await?;
        }
        Tx::Postgres(t) => {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}
