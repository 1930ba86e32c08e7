//! Durable commits on SQLite without holding the writer during the flush.
//!
//! With `synchronous=FULL` SQLite flushes the write-ahead log inside every commit, on the
//! writer's only connection: while the disk works, nothing else can be written. The writer
//! connection runs with `synchronous=NORMAL` instead, where a commit only appends its frames
//! to the log, and the commit is made durable here, by flushing the log file
//! (`fdatasync`) from another thread. A commit is reported durable only after a flush that
//! began after the commit had returned, so every frame it wrote is on disk: exactly the
//! guarantee of `FULL`. Meanwhile the writer is already writing the next transaction, and
//! one flush serves every commit that finished before it began (group flush).
//!
//! Readers may see a commit up to one flush (a millisecond or two) before it is durable;
//! nobody is told a write succeeded before, and a later write, being later in the log,
//! is only ever durable together with everything it could have read.
//!
//! If a flush fails, the writes it covered are reported failed and every later write is
//! refused: after a failed `fdatasync` the kernel may have dropped the pages, and only a
//! restart (SQLite replays the log from disk) tells what is really there.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use super::DbError;

/// Flushes one SQLite database's write-ahead log for the commits that ask.
#[derive(Debug)]
pub struct WalSync {
    /// The log file; `None` for an in-memory database (nothing to make durable).
    wal: Option<PathBuf>,
    state: Mutex<State>,
    /// The last commit ticket known durable.
    synced: watch::Sender<u64>,
}

#[derive(Debug, Default)]
struct State {
    /// Tickets handed out so far: one per commit, in commit order.
    committed: u64,
    /// A flush is under way.
    flushing: bool,
    /// A flush failed: nothing is durable any more.
    failed: bool,
    /// Flushes done, to see commits share them.
    flushes: u64,
}

/// A commit that has returned and may not be durable yet.
#[must_use = "a commit is not durable until `durable()` has answered"]
pub struct Pending(Option<(Arc<WalSync>, u64)>);

impl Pending {
    /// Already durable (the engine flushed it itself).
    pub fn done() -> Pending {
        Pending(None)
    }

    /// Answers once the commit is on disk, or why it may not be.
    pub async fn durable(self) -> Result<(), DbError> {
        match self.0 {
            Some((w, ticket)) => w.durable(ticket).await,
            None => Ok(()),
        }
    }
}

impl WalSync {
    /// For the database file at `db_path` (empty: in memory).
    pub fn new(db_path: &str) -> Arc<WalSync> {
        Arc::new(WalSync {
            wal: (!db_path.is_empty()).then(|| PathBuf::from(format!("{db_path}-wal"))),
            state: Mutex::new(State::default()),
            synced: watch::Sender::new(0),
        })
    }

    /// Call right after a commit has returned: the commit is durable once the returned
    /// [`Pending`] says so.
    pub fn committed(self: &Arc<Self>) -> Pending {
        let ticket = {
            let mut s = self.lock();
            s.committed += 1;
            s.committed
        };
        Pending(Some((self.clone(), ticket)))
    }

    /// Refuses new writes once a flush has failed.
    pub fn check(&self) -> Result<(), DbError> {
        if self.lock().failed {
            return Err(failed());
        }
        Ok(())
    }

    /// How many flushes have run.
    pub fn flushes(&self) -> u64 {
        self.lock().flushes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn durable(self: &Arc<Self>, ticket: u64) -> Result<(), DbError> {
        let mut synced = self.synced.subscribe();
        loop {
            if *synced.borrow_and_update() >= ticket {
                return Ok(());
            }
            let lead = {
                let mut s = self.lock();
                if s.failed {
                    return Err(failed());
                }
                let lead = !s.flushing;
                s.flushing = true;
                lead.then_some(s.committed)
            };
            if let Some(upto) = lead {
                // On a thread of its own and to the end even if this caller goes away:
                // the others wait for it.
                let w = self.clone();
                tokio::task::spawn_blocking(move || w.flush(upto));
            }
            if synced.changed().await.is_err() {
                return Err(failed());
            }
        }
    }

    /// Flushes the log; every commit up to `upto` had returned before this began.
    fn flush(&self, upto: u64) {
        let r = match &self.wal {
            Some(path) => flush_file(path),
            None => Ok(()),
        };
        let mut s = self.lock();
        s.flushing = false;
        s.flushes += 1;
        if let Err(e) = &r {
            tracing::error!(error = %e, "flushing the write-ahead log failed: writes are refused until a restart");
            s.failed = true;
        }
        drop(s);
        // Wakes every waiter: those covered see their ticket passed, the others lead or
        // wait for the next flush, and after a failure all see it.
        self.synced.send_modify(|v| {
            if r.is_ok() {
                *v = (*v).max(upto);
            }
        });
    }
}

fn flush_file(path: &std::path::Path) -> std::io::Result<()> {
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
    {
        Ok(f) => f.sync_data(),
        // No log: the last connection closed and SQLite copied it into the database
        // file, flushed, before removing it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn failed() -> DbError {
    DbError::Other(sqlx::Error::Io(std::io::Error::other(
        "the write-ahead log could not be flushed to disk; restart after checking the disk",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_commit_is_durable_only_after_a_flush_that_began_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        std::fs::write(format!("{}-wal", db.display()), b"frames").unwrap();
        let w = WalSync::new(db.to_str().unwrap());
        w.committed().durable().await.unwrap();
        assert_eq!(w.flushes(), 1);
        // A commit after that flush needs a flush of its own.
        w.committed().durable().await.unwrap();
        assert_eq!(w.flushes(), 2);
        // Commits waiting together share a flush.
        let pending: Vec<Pending> = (0..50).map(|_| w.committed()).collect();
        let waits: Vec<_> = pending
            .into_iter()
            .map(|p| tokio::spawn(p.durable()))
            .collect();
        for t in waits {
            t.await.unwrap().unwrap();
        }
        // All fifty had committed before the first flush began: it covers them all.
        assert_eq!(w.flushes(), 3);
    }

    #[tokio::test]
    async fn a_failed_flush_fails_its_commits_and_refuses_later_writes() {
        let dir = tempfile::tempdir().unwrap();
        // The log's path is a directory: opening it for writing fails.
        let db = dir.path().join("x.db");
        std::fs::create_dir(format!("{}-wal", db.display())).unwrap();
        let w = WalSync::new(db.to_str().unwrap());
        assert!(w.check().is_ok());
        assert!(w.committed().durable().await.is_err());
        assert!(w.check().is_err());
        assert!(w.committed().durable().await.is_err());
    }

    #[tokio::test]
    async fn no_log_file_and_no_file_at_all_need_no_flush() {
        let dir = tempfile::tempdir().unwrap();
        let w = WalSync::new(dir.path().join("gone.db").to_str().unwrap());
        w.committed().durable().await.unwrap();
        let m = WalSync::new("");
        m.committed().durable().await.unwrap();
    }
}
