//! Group commit: many requests' writes share one durable commit, and none is acknowledged
//! before that commit is on disk.
//!
//! On SQLite every write goes through one connection and each commit waits for an fsync,
//! so one commit per request caps intake at the disk's fsync rate. The [`Writer`] runs the
//! writes waiting at a moment one after another in one transaction, each inside its own
//! savepoint (a write that fails is rolled back alone and answered with its error), then
//! commits once and only then answers every caller. Under light load a batch is one write
//! and nothing waits; under heavy load the batches grow by themselves while the previous
//! commit is being flushed. PostgreSQL commits concurrent transactions in parallel and
//! flushes them together itself, so there the writer simply runs each write in its own
//! transaction.

use std::future::Future;
use std::pin::Pin;

use tokio::sync::{mpsc, oneshot};

use super::{Db, DbError, Q, Tx};

/// Writes in one batch at most.
const MAX_BATCH: usize = 512;
/// Writes waiting for the writer at most; callers beyond it wait to enqueue.
const QUEUE: usize = 4_096;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a batched write leaves to do once its batch has committed: answer its caller.
type Answer = Box<dyn FnOnce() + Send>;
/// A write: runs in the batch's transaction, says whether it succeeded, and how to answer.
type Run = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, (bool, Answer)> + Send>;

struct Job {
    run: Run,
    /// The write keeps to itself: when it fails it has taken back all it wrote, so the
    /// batch needs no savepoint around it.
    atomic: bool,
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
    pub fn new(db: Db) -> Writer {
        let queue = match db {
            Db::Sqlite { .. } if tokio::runtime::Handle::try_current().is_ok() => {
                let (tx, rx) = mpsc::channel(QUEUE);
                tokio::spawn(run(db.clone(), rx));
                Some(tx)
            }
            _ => None,
        };
        Writer { db, queue }
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
        self.enqueue(f, false).await
    }

    /// Like [`write`](Self::write), for a write that, when it fails, has itself taken back
    /// everything it wrote (on SQLite: it runs inside a savepoint of its own). The batch
    /// then spends no round trip on a savepoint around it.
    pub async fn write_atomic<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
    {
        self.enqueue(f, true).await
    }

    async fn enqueue<T, E, F>(&self, f: F, atomic: bool) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T, E>> + Send + 'static,
    {
        let Some(queue) = &self.queue else {
            let mut tx = self.db.begin().await?;
            let v = f(&mut tx).await?;
            tx.commit().await?;
            return Ok(v);
        };
        let (answer, answered) = oneshot::channel::<Result<T, E>>();
        let job = Job {
            run: Box::new(move |tx| {
                Box::pin(async move {
                    let out = f(tx).await;
                    let ok = out.is_ok();
                    let reply: Answer = Box::new(move || {
                        let _ = answer.send(out);
                    });
                    (ok, reply)
                })
            }),
            atomic,
        };
        let gone = || E::from(DbError::Other(sqlx::Error::WorkerCrashed));
        queue.send(job).await.map_err(|_| gone())?;
        // Dropped unanswered: the batch could not begin or commit.
        answered.await.map_err(|_| gone())?
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Job>) {
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let batch = std::mem::take(&mut jobs);
        if let Err(e) = commit_batch(&db, batch).await {
            tracing::warn!(error = %e, "a batch of writes failed to commit; its callers were told");
        }
    }
}

/// Runs the batch in one transaction and answers its callers after the commit. On any
/// failure of the transaction itself, the answers are dropped: callers get an error.
async fn commit_batch(db: &Db, batch: Vec<Job>) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    let mut answers = Vec::with_capacity(batch.len());
    // One round trip between two writes: the end of one savepoint and the start of the next.
    let mut open = false;
    for job in batch {
        if job.atomic {
            boundary(&mut tx, open, false).await?;
            open = false;
        } else {
            boundary(&mut tx, open, true).await?;
            open = true;
        }
        let (ok, answer) = (job.run)(&mut tx).await;
        if !ok && !job.atomic {
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
    tx.commit().await?;
    for a in answers {
        a();
    }
    Ok(())
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
                .execute(&mut **t)
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
