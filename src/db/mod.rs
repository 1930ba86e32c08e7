//! The storage engine behind one interface.
//!
//! Queries are written once, with `$1`-style placeholders that both SQLite and PostgreSQL
//! understand, as a [`Q`]: SQL text plus typed arguments. A [`Q`] runs on any [`Exec`]: a pooled
//! connection for reads or a [`Tx`] for writes. Where the engines need different SQL the caller
//! asks [`Engine`] and writes both; everything else is shared.

pub mod arrays;
pub mod batch;
pub mod bulk;
pub mod durable;
pub mod migrate;
mod query;
mod read;
pub mod time;
mod write;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, SqliteConnection, Transaction};

pub use durable::Pending;
pub use query::{Arg, FromBoth, Q, anonymous};

/// Which engine a database URL selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A storage error: the small set the layers above care about.
#[derive(Debug)]
pub enum DbError {
    /// A unique constraint refused the write: the same thing is stored already.
    Duplicate(String),
    /// A foreign key refused the write: it names a row that does not exist (or, on a
    /// delete, rows still point at it).
    Dangling(String),
    /// Anything else: connection lost, bad SQL, decode failure.
    Other(sqlx::Error),
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Duplicate(c) => write!(f, "duplicate ({c})"),
            DbError::Dangling(c) => write!(f, "reference to nothing ({c})"),
            DbError::Other(e) => write!(f, "database error: {e}"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e {
            use sqlx::error::ErrorKind;
            let what = || d.constraint().unwrap_or(d.message()).to_string();
            match d.kind() {
                ErrorKind::UniqueViolation => return DbError::Duplicate(what()),
                ErrorKind::ForeignKeyViolation => return DbError::Dangling(what()),
                _ => {}
            }
        }
        DbError::Other(e)
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// A connection pool on one engine.
///
/// SQLite gets one writer connection (writes are serialised by SQLite anyway; one writer
/// avoids `SQLITE_BUSY` between our own connections and lets transactions start with
/// `BEGIN IMMEDIATE`) and several readers (WAL lets them read while the writer writes). Its
/// commits are made durable by [`durable::WalSync`], off the writer's connection.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        write: write::Shared,
        read: Arc<read::Readers>,
        wal: Arc<durable::WalSync>,
    },
    Postgres(PgPool),
}

/// A write transaction.
pub enum Tx {
    Sqlite(write::SqliteTx),
    Postgres(Transaction<'static, Postgres>),
}

/// A pooled connection for reads.
pub enum Conn {
    Sqlite(read::Reader),
    Postgres(PoolConnection<Postgres>),
}

/// Borrowed access to one engine's connection.
pub enum Handle<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Anything a [`Q`] can run on.
pub trait Exec: Send {
    fn handle(&mut self) -> Handle<'_>;
}

impl Exec for Tx {
    fn handle(&mut self) -> Handle<'_> {
        match self {
            Tx::Sqlite(t) => Handle::Sqlite(t.conn()),
            Tx::Postgres(t) => Handle::Postgres(t),
        }
    }
}

impl Exec for Conn {
    fn handle(&mut self) -> Handle<'_> {
        match self {
            Conn::Sqlite(c) => Handle::Sqlite(c.conn()),
            Conn::Postgres(c) => Handle::Postgres(c),
        }
    }
}

impl Tx {
    /// Commits, and answers once the commit is durable.
    pub async fn commit(self) -> DbResult<()> {
        self.commit_pending().await?.durable().await
    }

    /// Commits; the commit is durable once the answer's [`Pending::durable`] says so. The
    /// writer's connection is free again at once.
    pub async fn commit_pending(self) -> DbResult<Pending> {
        Ok(match self {
            Tx::Sqlite(t) => t.commit().await?,
            // PostgreSQL flushes inside the commit (synchronous_commit is on).
            Tx::Postgres(t) => {
                t.commit().await?;
                Pending::done()
            }
        })
    }

    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(..) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }
}

impl Conn {
    pub fn engine(&self) -> Engine {
        match self {
            Conn::Sqlite(_) => Engine::Sqlite,
            Conn::Postgres(_) => Engine::Postgres,
        }
    }
}

/// How to open a database.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    pub url: String,
    /// Create the SQLite file when it does not exist.
    pub create: bool,
    pub max_connections: u32,
}

impl Db {
    /// Opens the database the URL names: `sqlite://path` (or `sqlite::memory:`) or
    /// `postgres://…`.
    pub async fn connect(opts: &ConnectOptions) -> Result<Db, String> {
        let url = opts.url.as_str();
        match engine_of(url)? {
            Engine::Sqlite => {
                let path = sqlite_path(url);
                if !opts.create && !path.is_empty() && !std::path::Path::new(path).exists() {
                    return Err(format!(
                        "no SQLite database at {path}: create one with `linli migrate --database \
                         {url}` (or try `linli demo`), or fix the path"
                    ));
                }
                let base = SqliteConnectOptions::from_str(url)
                    .map_err(|e| format!("bad SQLite URL {url}: {e}"))?
                    .create_if_missing(opts.create)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: a commit we acknowledge survives power loss, not only a crash.
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("temp_store", "memory")
                    // 8 MB of pages per connection; the operating system caches the rest.
                    .pragma("cache_size", "-8000")
                    // Rows a connection's thread may read ahead of the reader: long reads
                    // (exports) then hand rows over in runs, not one thread switch a row.
                    .row_buffer_size(1024);
                // The writer (one connection, taken in turn: db::write) keeps more pages:
                // every insert touches each index of the demands table, and their upper
                // levels should stay in memory. Its commits leave checkpoints to the writer's
                // checkpointer (db::batch), off their path; it checkpoints itself only when
                // the log has grown past 40 MB.
                // NORMAL: its commits leave the flush to `wal` (db::durable), which answers
                // only once it is done, while the writer goes on with the next transaction.
                let write = {
                    use sqlx::Connection;
                    SqliteConnection::connect_with(
                        &base
                            .clone()
                            .synchronous(SqliteSynchronous::Normal)
                            .pragma("cache_size", "-65536")
                            .pragma("wal_autocheckpoint", "10000")
                            .pragma("journal_size_limit", "67108864"),
                    )
                    .await
                    .map_err(|e| format!("cannot open SQLite database {url}: {e}"))?
                };
                let write = write::shared(write);
                // Lent out without sqlx's pool, which pings each connection on its way
                // back (db::read).
                let read = read::Readers::open(
                    base.read_only(false),
                    opts.max_connections.max(2) as usize,
                )
                .await
                .map_err(|e| format!("cannot open SQLite database {url}: {e}"))?;
                let wal = durable::WalSync::new(&absolute(path));
                Ok(Db::Sqlite { write, read, wal })
            }
            Engine::Postgres => {
                let o = PgConnectOptions::from_str(url)
                    .map_err(|e| format!("bad PostgreSQL URL: {e}"))?;
                let target = format!(
                    "{}:{}/{}",
                    o.get_host(),
                    o.get_port(),
                    o.get_database().unwrap_or_default()
                );
                // One connection first: its error says why (the pool would only time out).
                use sqlx::Connection;
                match tokio::time::timeout(Duration::from_secs(10), PgConnection::connect_with(&o))
                    .await
                {
                    Ok(Ok(c)) => {
                        let _ = c.close().await;
                    }
                    Ok(Err(e)) => return Err(explain_pg(&target, &e)),
                    Err(_) => {
                        return Err(format!(
                            "cannot connect to PostgreSQL at {target}: no answer within 10 s"
                        ));
                    }
                }
                let pool = PgPoolOptions::new()
                    .max_connections(opts.max_connections)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(o)
                    .await
                    .map_err(|e| explain_pg(&target, &e))?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite { .. } => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a read-then-write inside it can never fail half-way with
    /// `SQLITE_BUSY` when another process writes too.
    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite { write, wal, .. } => Tx::Sqlite(write::SqliteTx::begin(write, wal).await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A connection for reads.
    pub async fn conn(&self) -> DbResult<Conn> {
        Ok(match self {
            Db::Sqlite { read, .. } => Conn::Sqlite(read.acquire().await?),
            Db::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    /// Answers when the database answers (within three seconds).
    pub async fn ping(&self) -> DbResult<()> {
        let ping = async {
            let mut c = self.conn().await?;
            Q::new("SELECT CAST(1 AS BIGINT)")
                .fetch_one::<(i64,)>(&mut c)
                .await?;
            Ok(())
        };
        match tokio::time::timeout(Duration::from_secs(3), ping).await {
            Ok(r) => r,
            Err(_) => Err(DbError::Other(sqlx::Error::PoolTimedOut)),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { write, read, .. } => {
                read.close().await;
                write::close(write).await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// The file SQLite opened for `path`: absolute, links followed, as SQLite names its log
/// after it (empty stays empty).
fn absolute(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

/// The file path of a SQLite URL (empty for an in-memory database).
pub fn sqlite_path(url: &str) -> &str {
    let p = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    if p.contains(":memory:") { "" } else { p }
}

/// Why a PostgreSQL connection failed, in words an operator can act on.
fn explain_pg(target: &str, e: &sqlx::Error) -> String {
    use std::io::ErrorKind;
    let why = match e {
        sqlx::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => {
            "connection refused: is PostgreSQL running, and are the host and port right?".into()
        }
        sqlx::Error::Database(d) => {
            let msg = d.message().to_string();
            match d.code().as_deref() {
                Some("3D000") => format!("{msg}: create it (createdb) or fix the URL"),
                Some("28P01") | Some("28000") => format!("{msg}: check the user and password"),
                _ => msg,
            }
        }
        sqlx::Error::PoolTimedOut => "no connection within the timeout".into(),
        other => other.to_string(),
    };
    format!("cannot connect to PostgreSQL at {target}: {why}")
}

/// The engine a URL names, or why it names none.
pub fn engine_of(url: &str) -> Result<Engine, String> {
    if url.starts_with("sqlite:") {
        Ok(Engine::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Engine::Postgres)
    } else {
        Err(format!(
            "unsupported database URL {url:?}: use sqlite://path/to/file.db or postgres://user@host/db"
        ))
    }
}
