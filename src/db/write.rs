//! SQLite's one writing connection, taken in turn by each write transaction.
//!
//! Not a pool of one: a pooled connection is pinged on its way back to the pool, one more
//! hand-off to the connection's thread and back, which the next transaction waits for. The
//! writer takes a connection hundreds of times a second (db::batch), and those hand-offs
//! were a large share of its time. Here the connection sits behind a fair lock; a
//! transaction holds the lock from `BEGIN IMMEDIATE` to its end.

use std::sync::Arc;
use std::time::Duration;

use sqlx::SqliteConnection;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::durable::{Pending, WalSync};
use super::{DbError, DbResult};

/// How long a write transaction waits for its turn before giving up (as a pool would).
const WAIT: Duration = Duration::from_secs(30);

/// The writing connection, shared by every transaction in turn.
#[derive(Debug)]
pub struct Slot {
    /// `None` once the database is closed.
    conn: Option<SqliteConnection>,
    /// A transaction was begun and did not end through commit: it must be rolled back
    /// before the next (its holder went away, or failed half-way).
    open: bool,
}

pub type Shared = Arc<Mutex<Slot>>;

impl Slot {
    /// The connection, outside any transaction: one its last holder left open is rolled
    /// back first.
    async fn ready(&mut self) -> DbResult<&mut SqliteConnection> {
        let Some(conn) = self.conn.as_mut() else {
            return Err(DbError::Other(sqlx::Error::PoolClosed));
        };
        if self.open {
            // Fails harmlessly when SQLite already rolled it back itself.
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            self.open = false;
        }
        Ok(conn)
    }
}

pub fn shared(conn: SqliteConnection) -> Shared {
    Arc::new(Mutex::new(Slot {
        conn: Some(conn),
        open: false,
    }))
}

/// A write transaction on SQLite, with what makes its commit durable.
pub struct SqliteTx {
    /// Taken only when the transaction is dropped (see `Drop`).
    slot: Option<OwnedMutexGuard<Slot>>,
    wal: Arc<WalSync>,
}

impl Drop for SqliteTx {
    /// A transaction dropped unfinished (an error returned half-way, a caller gone) is
    /// rolled back at once, the connection kept until it is. Left open until this
    /// process's next write, it would hold SQLite's write lock all that while, and every
    /// other process writing to the file (`linli admin`, a second server) would wait and
    /// fail with "database is locked".
    fn drop(&mut self) {
        let Some(mut slot) = self.slot.take().filter(|s| s.open) else {
            return;
        };
        // Without a runtime (the process is ending), the next transaction rolls it back
        // first (`Slot::ready`).
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = slot.ready().await;
            });
        }
    }
}

impl SqliteTx {
    /// Waits for the connection and begins (`BEGIN IMMEDIATE`: the write lock at once).
    pub async fn begin(shared: &Shared, wal: &Arc<WalSync>) -> DbResult<SqliteTx> {
        wal.check()?;
        let mut slot = tokio::time::timeout(WAIT, shared.clone().lock_owned())
            .await
            .map_err(|_| DbError::Other(sqlx::Error::PoolTimedOut))?;
        let conn = slot.ready().await?;
        sqlx::query("BEGIN IMMEDIATE").execute(conn).await?;
        slot.open = true;
        Ok(SqliteTx {
            slot: Some(slot),
            wal: wal.clone(),
        })
    }

    pub fn conn(&mut self) -> &mut SqliteConnection {
        // A transaction only exists on an open connection (see `begin`), and closing the
        // database waits for the lock this transaction holds; the slot is only taken by
        // `Drop`.
        self.slot
            .as_mut()
            .and_then(|s| s.conn.as_mut())
            .expect("a write transaction holds an open connection")
    }

    /// Commits; durable once the answer says so. The connection is free at once.
    pub async fn commit(mut self) -> DbResult<Pending> {
        sqlx::query("COMMIT").execute(self.conn()).await?;
        if let Some(s) = self.slot.as_mut() {
            s.open = false;
        }
        Ok(self.wal.committed())
    }
}

/// Closes the connection once the transaction holding it (if any) has ended.
pub async fn close(shared: &Shared) {
    let mut slot = shared.lock().await;
    if let Some(conn) = slot.conn.take() {
        use sqlx::Connection;
        let _ = conn.close().await;
    }
}

/// Runs `f` on the connection outside any transaction of ours (migrations).
pub async fn with_conn<T>(
    shared: &Shared,
    f: impl AsyncFnOnce(&mut SqliteConnection) -> T,
) -> DbResult<T> {
    let mut slot = shared.lock().await;
    Ok(f(slot.ready().await?).await)
}

#[cfg(test)]
mod tests {
    use crate::db::{ConnectOptions, Db, Q};

    async fn count(db: &Db) -> i64 {
        let mut c = db.conn().await.unwrap();
        Q::new("SELECT COUNT(*) FROM t")
            .fetch_one::<(i64,)>(&mut c)
            .await
            .unwrap()
            .0
    }

    #[tokio::test]
    async fn a_transaction_dropped_unfinished_leaves_nothing_and_the_next_one_writes() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("w.db").display());
        let db = Db::connect(&ConnectOptions {
            url,
            create: true,
            max_connections: 2,
        })
        .await
        .unwrap();
        let mut tx = db.begin().await.unwrap();
        Q::new("CREATE TABLE t (x INTEGER)")
            .execute(&mut tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = db.begin().await.unwrap();
        Q::new("INSERT INTO t VALUES (1)")
            .execute(&mut tx)
            .await
            .unwrap();
        drop(tx);
        assert_eq!(count(&db).await, 0);

        let mut tx = db.begin().await.unwrap();
        Q::new("INSERT INTO t VALUES (2)")
            .execute(&mut tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Only the second row: the first transaction was rolled back, not committed with it.
        assert_eq!(count(&db).await, 1);

        db.close().await;
        assert!(
            db.begin().await.is_err(),
            "a closed database refuses writes"
        );
    }

    #[tokio::test]
    async fn a_transaction_dropped_unfinished_leaves_the_file_free_for_another_writer() {
        use sqlx::{ConnectOptions as _, Connection as _};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let db = Db::connect(&ConnectOptions {
            url: format!("sqlite://{}", path.display()),
            create: true,
            max_connections: 2,
        })
        .await
        .unwrap();
        let mut tx = db.begin().await.unwrap();
        Q::new("CREATE TABLE t (x INTEGER)")
            .execute(&mut tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // A write that fails half-way: its transaction is dropped, and nothing else is
        // written by this process afterwards.
        let mut tx = db.begin().await.unwrap();
        Q::new("INSERT INTO t VALUES (1)")
            .execute(&mut tx)
            .await
            .unwrap();
        drop(tx);
        // Another process (here another connection) writes to the file meanwhile.
        let mut other = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .busy_timeout(std::time::Duration::from_secs(5))
            .connect()
            .await
            .unwrap();
        sqlx::raw_sql("BEGIN IMMEDIATE; INSERT INTO t VALUES (2); COMMIT")
            .execute(&mut other)
            .await
            .expect("the write lock is free once the dropped transaction is gone");
        other.close().await.unwrap();
        assert_eq!(count(&db).await, 1, "only the other writer's row");
        db.close().await;
    }
}
