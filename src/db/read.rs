//! SQLite's reading connections: a handful, lent out one at a time.
//!
//! Not sqlx's pool: it pings every connection on its way back (one more hand-off to the
//! connection's thread and back, on a task of its own), which doubled the round trips of a
//! request that reads once. A connection here goes back to the shelf as it is: reads hold
//! no transaction open, and a read given up half-way leaves nothing behind (the
//! connection's thread stops and resets the statement when nobody takes its rows).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteConnectOptions;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{DbError, DbResult};

/// How long a read waits for a connection before giving up (as a pool would).
const WAIT: Duration = Duration::from_secs(30);

/// The reading connections of one database.
#[derive(Debug)]
pub struct Readers {
    options: SqliteConnectOptions,
    idle: Mutex<Vec<SqliteConnection>>,
    /// One permit per connection that may be open.
    permits: Arc<Semaphore>,
}

/// A reading connection, back on the shelf when dropped.
#[derive(Debug)]
pub struct Reader {
    conn: Option<SqliteConnection>,
    readers: Arc<Readers>,
    _permit: OwnedSemaphorePermit,
}

impl Readers {
    /// At most `max` connections, opened when first needed; one is opened now, so a
    /// database that cannot be read says so at once.
    pub async fn open(options: SqliteConnectOptions, max: usize) -> Result<Arc<Readers>, String> {
        let first = connect(&options).await.map_err(|e| e.to_string())?;
        Ok(Arc::new(Readers {
            options,
            idle: Mutex::new(vec![first]),
            permits: Arc::new(Semaphore::new(max.max(1))),
        }))
    }

    pub async fn acquire(self: &Arc<Self>) -> DbResult<Reader> {
        let permit = tokio::time::timeout(WAIT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| DbError::Other(sqlx::Error::PoolTimedOut))?
            .map_err(|_| DbError::Other(sqlx::Error::PoolClosed))?;
        let idle = self.shelf().pop();
        let conn = match idle {
            Some(c) => c,
            None => connect(&self.options).await?,
        };
        Ok(Reader {
            conn: Some(conn),
            readers: self.clone(),
            _permit: permit,
        })
    }

    /// Closes the connections on the shelf and refuses new reads; those lent out close
    /// when given back.
    pub async fn close(&self) {
        self.permits.close();
        let idle = std::mem::take(&mut *self.shelf());
        for c in idle {
            use sqlx::Connection;
            let _ = c.close().await;
        }
    }

    fn shelf(&self) -> std::sync::MutexGuard<'_, Vec<SqliteConnection>> {
        // A Vec stays whole whatever panicked while it was held.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}

async fn connect(options: &SqliteConnectOptions) -> Result<SqliteConnection, sqlx::Error> {
    use sqlx::Connection;
    SqliteConnection::connect_with(options).await
}

impl Reader {
    pub fn conn(&mut self) -> &mut SqliteConnection {
        self.conn
            .as_mut()
            .expect("a lent connection is only taken back when dropped")
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take()
            && !self.readers.permits.is_closed()
        {
            self.readers.shelf().push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::str::FromStr;

    #[tokio::test]
    async fn a_read_given_up_half_way_leaves_the_connection_fit_for_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let options = SqliteConnectOptions::from_str(&url)
            .unwrap()
            .create_if_missing(true);
        let readers = Readers::open(options, 1).await.unwrap();
        let mut r = readers.acquire().await.unwrap();
        sqlx::raw_sql(
            "CREATE TABLE t (x INTEGER); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL \
             SELECT i + 1 FROM n WHERE i < 5000) INSERT INTO t SELECT i FROM n",
        )
        .execute(r.conn())
        .await
        .unwrap();
        {
            let mut rows =
                sqlx::query_as::<_, (i64,)>("SELECT x FROM t ORDER BY x").fetch(r.conn());
            assert_eq!(rows.next().await.unwrap().unwrap().0, 1);
        }
        drop(r);
        // The same connection (there is one), lent again.
        let mut r = readers.acquire().await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM t")
            .fetch_one(r.conn())
            .await
            .unwrap();
        assert_eq!(n, 5000);
        drop(r);
        readers.close().await;
        assert!(readers.acquire().await.is_err(), "closed: no more reads");
    }
}
