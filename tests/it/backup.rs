//! `linli admin backup` writes a consistent copy while Linli serves, and the copy restores
//! as docs/operations.md says.

use std::process::Command;

use crate::common::{TestApp, postgres_server, record};

/// `linli admin backup` of `database` to `to`, which must succeed; what it printed.
pub(crate) fn backup(database: &str, to: &std::path::Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(["admin", "backup", "--database", database, "--to"])
        .arg(to)
        .env("LINLI_LOG", "warn")
        .env("LINLI_KEY_FILE", crate::common::key_file())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_to_that_moment() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(1).await;
    record(&staff, hh, "water", "备份之前的诉求").await;
    let url = app.state.settings.database.expose().to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("linli-backup");
    assert!(backup(&url, &file).contains("backup written"));
    // The copy never overwrites.
    let again = Command::new(env!("CARGO_BIN_EXE_linli"))
        .args(["admin", "backup", "--database", &url, "--to"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!again.status.success());
    // Work goes on after the backup...
    record(&staff, hh, "water", "备份之后的诉求").await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM demands").await, 2);

    if let Some(server) = postgres_server() {
        let head = std::fs::read(&file).unwrap();
        assert!(head.starts_with(b"PGDMP"), "a pg_dump custom archive");
        // Restore into a new database, as docs/operations.md says.
        let restored = format!("linli_restore_{}", std::process::id());
        let psql = |sql: String| {
            let ok = Command::new("psql")
                .args([format!("{server}/postgres").as_str(), "-qc", &sql])
                .status()
                .unwrap();
            assert!(ok.success(), "{sql}");
        };
        psql(format!("CREATE DATABASE \"{restored}\""));
        let ok = Command::new("pg_restore")
            .args(["--no-owner", "-d", &format!("{server}/{restored}")])
            .arg(&file)
            .status()
            .unwrap();
        assert!(ok.success());
        let out = Command::new("psql")
            .args([
                format!("{server}/{restored}").as_str(),
                "-tAc",
                "SELECT COUNT(*) FROM demands",
            ])
            .output()
            .unwrap();
        psql(format!("DROP DATABASE \"{restored}\" WITH (FORCE)"));
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");
        return;
    }

    // SQLite: stop, put the copy in place of the file (and drop its WAL), start again.
    app.state.db.close().await;
    let path = linli::db::sqlite_path(&url).to_string();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    std::fs::copy(&file, &path).unwrap();
    let db = linli::db::Db::connect(&linli::db::ConnectOptions {
        url: url.clone(),
        create: false,
        max_connections: 2,
    })
    .await
    .unwrap();
    linli::db::migrate::run(&db).await.unwrap();
    linli::vault::keys::for_tests_on(&db).await.unwrap();
    let mut c = db.conn().await.unwrap();
    let (n,): (i64,) = linli::db::Q::new("SELECT COUNT(*) FROM demands")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(n, 1, "the restored database is the one backed up");
    let (check,): (String,) = linli::db::Q::new("PRAGMA integrity_check")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(check, "ok");
}
