//! Versioned migrations, one tree per engine, applied at start-up and by `linli migrate`.

use super::{Db, Q};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The migration that created `demand_rollups`.
const ROLLUPS: i64 = 2;

/// Brings the schema up to date; returns the versions it applied.
pub async fn run(db: &Db) -> Result<Vec<i64>, String> {
    let applied_before = applied(db).await;
    let migrator = match db {
        Db::Sqlite { .. } => &SQLITE,
        Db::Postgres(_) => &POSTGRES,
    };
    let failed = |e: &dyn std::fmt::Display| format!("migration failed: {e}");
    match db {
        Db::Sqlite { write, wal, .. } => {
            super::write::with_conn(write, async |c| migrator.run(c).await)
                .await
                .map_err(|e| failed(&e))?
                .map_err(|e| failed(&e))?;
            // Its commits went around the writer's transactions: flushed here.
            wal.committed().durable().await.map_err(|e| failed(&e))?;
        }
        Db::Postgres(p) => migrator.run(p).await.map_err(|e| failed(&e))?,
    }
    let applied: Vec<i64> = migrator
        .iter()
        .map(|m| m.version)
        .filter(|v| !applied_before.contains(v))
        .collect();
    if applied.contains(&ROLLUPS) && !applied_before.is_empty() {
        // A database from before the rollups: count what it already holds.
        let e = |e: super::DbError| format!("cannot build the rollups: {e}");
        let mut tx = db.begin().await.map_err(e)?;
        crate::measures::rollups::rebuild(&mut tx)
            .await
            .map_err(e)?;
        tx.commit().await.map_err(e)?;
    }
    Ok(applied)
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
