//! A database from before every token expired: its tokens without an expiry are given
//! one by the upgrade (migration 0005), on both engines.

use linli::clock::{DAY, Millis};
use linli::db::{ConnectOptions, Db, Q};
use sqlx::Connection;

use crate::common::{migrations_before, postgres_server};

/// A staff account with an API token that never expires, as `issue-token` left it.
const OLD_TOKEN: [&str; 2] = [
    "INSERT INTO users (id, username, display_name, role, password_hash, created_at, \
     updated_at) VALUES (1, 'bridge', 'bridge', 'staff', 'x', {now}, {now})",
    "INSERT INTO tokens (user_id, token_hash, kind, label, created_at, last_seen_at) \
     VALUES (1, 'h', 'api', '12345 bridge', {now}, {now})",
];

async fn expiry_after_upgrade(url: String) -> Millis {
    let db = Db::connect(&ConnectOptions {
        url,
        create: false,
        max_connections: 2,
    })
    .await
    .unwrap();
    let applied = linli::db::migrate::run(&db).await.unwrap();
    // 0005 and whatever came after it, in order.
    assert_eq!(applied.first(), Some(&5), "{applied:?}");
    let mut c = db.conn().await.unwrap();
    let (expires,): (Option<Millis>,) = Q::new("SELECT expires_at FROM tokens")
        .fetch_one(&mut c)
        .await
        .unwrap();
    drop(c);
    db.close().await;
    expires.expect("an expiry")
}

fn about_90_days_from_now(t: Millis) -> bool {
    let now = linli::clock::system_now();
    t > now + 89 * DAY && t < now + 91 * DAY
}

#[tokio::test]
async fn tokens_without_an_expiry_get_90_days_from_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let Some(server) = postgres_server() else {
        let url = format!("sqlite://{}", dir.path().join("old.db").display());
        migrations_before("sqlite", "0005", &dir.path().join("m"));
        let mut c = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        let migrator = sqlx::migrate::Migrator::new(dir.path().join("m"))
            .await
            .unwrap();
        migrator.run(&mut c).await.unwrap();
        let now = linli::clock::system_now().0.to_string();
        for sql in OLD_TOKEN {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.replace("{now}", &now)))
                .execute(&mut c)
                .await
                .unwrap();
        }
        c.close().await.unwrap();
        assert!(about_90_days_from_now(expiry_after_upgrade(url).await));
        return;
    };
    let name = format!("linli_upgrade_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .unwrap();
    let drop_it = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop_it.clone()))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = format!("{server}/{name}");
    migrations_before("postgres", "0005", &dir.path().join("m"));
    let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
    let migrator = sqlx::migrate::Migrator::new(dir.path().join("m"))
        .await
        .unwrap();
    migrator.run(&mut c).await.unwrap();
    for sql in OLD_TOKEN {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.replace("{now}", "now()")))
            .execute(&mut c)
            .await
            .unwrap();
    }
    c.close().await.unwrap();
    let expires = expiry_after_upgrade(url).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop_it))
        .execute(&mut admin)
        .await
        .unwrap();
    assert!(about_90_days_from_now(expires));
}
