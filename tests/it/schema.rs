//! The two migration trees describe the same tables, columns (with their NOT NULL) and
//! indexes. Each engine keeps its own types.

use std::collections::BTreeSet;

use linli::db::{ConnectOptions, Db, Q};

use crate::common::{TestApp, postgres_server};

type Columns = BTreeSet<(String, String, bool)>;

async fn sqlite_schema() -> (Columns, BTreeSet<String>) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&ConnectOptions {
        url: format!("sqlite://{}", dir.path().join("s.db").display()),
        create: true,
        max_connections: 2,
    })
    .await
    .unwrap();
    linli::db::migrate::run(&db).await.unwrap();
    let mut c = db.conn().await.unwrap();
    let cols: Vec<(String, String, i64, i64)> = Q::new(
        "SELECT m.name, p.name, p.\"notnull\", p.pk FROM sqlite_master m \
         JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
         AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let indexes: Vec<(String,)> =
        Q::new("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .fetch_all(&mut c)
            .await
            .unwrap();
    (
        cols.into_iter()
            .map(|(t, c, nn, pk)| (t, c, nn == 1 || pk > 0))
            .collect(),
        indexes.into_iter().map(|i| i.0).collect(),
    )
}

async fn postgres_schema(app: &TestApp) -> (Columns, BTreeSet<String>) {
    let mut c = app.state.db.conn().await.unwrap();
    let cols: Vec<(String, String, String)> = Q::new(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(is_nullable AS TEXT) \
         FROM information_schema.columns WHERE table_schema = 'public' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let indexes: Vec<(String,)> = Q::new(
        "SELECT CAST(i.indexname AS TEXT) FROM pg_indexes i WHERE i.schemaname = 'public' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    (
        cols.into_iter()
            .map(|(t, c, nullable)| (t, c, nullable == "NO"))
            .collect(),
        indexes.into_iter().map(|i| i.0).collect(),
    )
}

#[tokio::test]
async fn both_engines_have_the_same_tables_columns_and_indexes() {
    let (sqlite_cols, sqlite_idx) = sqlite_schema().await;
    assert!(sqlite_cols.len() > 150, "the SQLite schema was read");
    assert!(sqlite_idx.contains("demands_grid"));
    let Some(_) = postgres_server() else {
        eprintln!("SQLite run: the comparison runs in the PostgreSQL run");
        return;
    };
    let app = TestApp::new().await;
    let (pg_cols, pg_idx) = postgres_schema(&app).await;
    let only_sqlite: Vec<_> = sqlite_cols.difference(&pg_cols).collect();
    let only_pg: Vec<_> = pg_cols.difference(&sqlite_cols).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "columns only in SQLite: {only_sqlite:?}\ncolumns only in PostgreSQL: {only_pg:?}"
    );
    assert_eq!(sqlite_idx, pg_idx, "the same indexes");
}
