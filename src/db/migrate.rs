//! Versioned migrations, one tree per engine, applied at start-up and by `linli migrate`.

use super::{Db, Q};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// Brings the schema up to date; returns the versions it applied.
pub async fn run(db: &Db) -> Result<Vec<i64>, String> {
    let applied_before = applied(db).await;
    let migrator = match db {
        Db::Sqlite { .. } => &SQLITE,
        Db::Postgres(_) => &POSTGRES,
    };
    let r = match db {
        Db::Sqlite { write, .. } => migrator.run(write).await,
        Db::Postgres(p) => migrator.run(p).await,
    };
    r.map_err(|e| format!("migration failed: {e}"))?;
    Ok(migrator
        .iter()
        .map(|m| m.version)
        .filter(|v| !applied_before.contains(v))
        .collect())
}

async fn applied(db: &Db) -> Vec<i64> {
    let Ok(mut c) = db.conn().await else {
        return Vec::new();
    };
    Q::new("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all::<(i64,)>(&mut c)
        .await
        .map(|rows| rows.into_iter().map(|r| r.0).collect())
        .unwrap_or_default()
}
