//! A database from before migration 0017, with residents sealed as Linli wrote them then
//! (lookup hashes as 32 hex digits, a UNIQUE over the sealed ID numbers), upgrades on both
//! engines and keeps every resident, their tags and consents, their sealed values and
//! every lookup: found again by the hashes the code makes now, still one per ID number.

use linli::db::{ConnectOptions, Db, Q};
use linli::roster::model::sealed::{
    ChildName, ResidentHealth, ResidentIdNumber, ResidentPhone, stored_tag,
};
use linli::vault::sql::{Opened, Sealed, blind};
use linli::vault::{Blind, current};
use sqlx::Connection;

use crate::common::{migrations_before, postgres_server};

const ID_NUMBER: &str = "130104194307080241";
const PHONE: &str = "13987654321";
const HEALTH: &str = "心脏搭桥术后需定期复查";
const CHILD: &str = "钱小宝";

/// As Linli before 0017 kept a lookup hash: hex of its 16 bytes.
fn old_hash(kind: Blind, value: &str) -> String {
    current().blind_text(kind, kind.part(value).unwrap())
}

/// The statements that fill the old database: a street, a community, a household of an
/// adult with every field, a child, and an adult with neither phone nor ID number; the
/// adult's tags (one sensitive, stored as its hash) and the child's consent. `{now}` is the
/// engine's current moment.
fn old_rows() -> Vec<String> {
    let v = current();
    let seal = |c: linli::vault::Column, p: &str| v.seal(c, p);
    vec![
        "INSERT INTO streets (id, name, district, city, created_at) \
         VALUES (1, '建北街道', '长安区', '石家庄市', {now})"
            .into(),
        "INSERT INTO communities (id, street_id, name, created_at) \
         VALUES (1, 1, '翠屏社区', {now})"
            .into(),
        "INSERT INTO compounds (id, street_id, community_id, name, created_at) \
         VALUES (1, 1, 1, '翠屏小区', {now})"
            .into(),
        "INSERT INTO buildings (id, street_id, community_id, compound_id, name, created_at) \
         VALUES (1, 1, 1, 1, '1号楼', {now})"
            .into(),
        "INSERT INTO households (id, street_id, community_id, building_id, room, created_at) \
         VALUES (1, 1, 1, 1, '101', {now})"
            .into(),
        format!(
            "INSERT INTO residents (id, street_id, community_id, household_id, name, gender, \
             birth_date, id_number, id_number_hash, phone, phone_hash, phone_tail, relation, \
             health_note, created_at, updated_at) VALUES (1, 1, 1, 1, '钱大伟', 'male', \
             '1943-07-08', '{}', '{}', '{}', '{}', '{}', '户主', '{}', {{now}}, {{now}})",
            seal(ResidentIdNumber::COLUMN, ID_NUMBER),
            old_hash(Blind::IdNumber, ID_NUMBER),
            seal(ResidentPhone::COLUMN, PHONE),
            old_hash(Blind::Phone, PHONE),
            old_hash(Blind::PhoneTail, PHONE),
            seal(ResidentHealth::COLUMN, HEALTH),
        ),
        format!(
            "INSERT INTO residents (id, street_id, community_id, household_id, name, relation, \
             child_name, child_name_hash, created_at, updated_at) VALUES (2, 1, 1, 1, '钱**', \
             '孙女', '{}', '{}', {{now}}, {{now}})",
            seal(ChildName::COLUMN, CHILD),
            old_hash(Blind::Name, CHILD),
        ),
        "INSERT INTO residents (id, street_id, community_id, household_id, name, relation, \
         created_at, updated_at) VALUES (3, 1, 1, 1, '孙兰', '配偶', {now}, {now})"
            .into(),
        format!(
            "INSERT INTO resident_tags (resident_id, tag, community_id) VALUES (1, '{}', 1)",
            stored_tag("low_income")
        ),
        "INSERT INTO resident_tags (resident_id, tag, community_id) VALUES (1, 'elderly', 1)"
            .into(),
        "INSERT INTO guardian_consents (street_id, community_id, household_id, child_id, \
         guardian_id, method, given_at) VALUES (1, 1, 1, 2, 1, 'written', {now})"
            .into(),
    ]
}

/// The one resident a lookup hash column finds for `value`, by the hash made now.
async fn found_by(db: &Db, column: &str, kind: Blind, value: &str) -> Vec<i64> {
    let mut c = db.conn().await.unwrap();
    Q::new(format!(
        "SELECT id FROM residents WHERE community_id = 1 AND {column} = $1 ORDER BY id"
    ))
    .bind(blind(kind, value))
    .fetch_all::<(i64,)>(&mut c)
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.0)
    .collect()
}

/// Upgrades the database at `url` (at 0014, filled) and checks what it kept.
async fn upgrades_and_keeps(url: String) {
    let db = Db::connect(&ConnectOptions {
        url,
        create: false,
        max_connections: 2,
    })
    .await
    .unwrap();
    let applied = linli::db::migrate::run(&db).await.unwrap();
    assert_eq!(
        applied.first(),
        Some(&17),
        "0017 first, then only the later ones: {applied:?}"
    );
    assert!(applied.windows(2).all(|w| w[0] < w[1]), "{applied:?}");
    // The index key's check value is still the one the database recorded.
    linli::vault::keys::for_tests_on(&db).await.unwrap();

    let count = |sql: &'static str| {
        let db = &db;
        async move {
            let mut c = db.conn().await.unwrap();
            Q::new(sql).fetch_one::<(i64,)>(&mut c).await.unwrap().0
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM residents").await, 3);
    assert_eq!(
        count("SELECT COUNT(*) FROM resident_tags").await,
        2,
        "tags kept"
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM guardian_consents WHERE child_id = 2 AND guardian_id = 1")
            .await,
        1,
        "the consent kept"
    );

    // Every lookup finds its resident by the hash the code makes now.
    assert_eq!(
        found_by(&db, "id_number_hash", Blind::IdNumber, ID_NUMBER).await,
        [1]
    );
    assert_eq!(found_by(&db, "phone_hash", Blind::Phone, PHONE).await, [1]);
    assert_eq!(
        found_by(&db, "phone_tail", Blind::PhoneTail, PHONE).await,
        [1]
    );
    assert_eq!(
        found_by(&db, "child_name_hash", Blind::Name, CHILD).await,
        [2]
    );
    let stored_tag_found = {
        let mut c = db.conn().await.unwrap();
        Q::new("SELECT resident_id FROM resident_tags WHERE community_id = 1 AND tag = $1")
            .bind(stored_tag("low_income"))
            .fetch_all::<(i64,)>(&mut c)
            .await
            .unwrap()
    };
    assert_eq!(
        stored_tag_found,
        [(1,)],
        "the sensitive tag found by its hash"
    );
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM residents WHERE id = 3 AND id_number_hash IS NULL \
             AND phone_hash IS NULL AND phone_tail IS NULL AND child_name_hash IS NULL"
        )
        .await,
        1,
        "no hash where there was none"
    );

    // The sealed values open as they did.
    let mut c = db.conn().await.unwrap();
    let (id_number, phone, health): (
        Opened<ResidentIdNumber>,
        Opened<ResidentPhone>,
        Opened<ResidentHealth>,
    ) = Q::new("SELECT id_number, phone, health_note FROM residents WHERE id = 1")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(String::from(id_number), ID_NUMBER);
    assert_eq!(String::from(phone), PHONE);
    assert_eq!(String::from(health), HEALTH);
    let (child,): (Opened<ChildName>,) = Q::new("SELECT child_name FROM residents WHERE id = 2")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(String::from(child), CHILD);
    drop(c);

    // An ID number is still kept once (by its hash), and references are still checked:
    // the writer's connection has its foreign keys on again.
    let mut tx = db.begin().await.unwrap();
    let again = Q::new(
        "INSERT INTO residents (street_id, community_id, name, relation, id_number, \
         id_number_hash, created_at, updated_at) VALUES (1, 1, '重复', '', $1, $2, $3, $3)",
    )
    .bind(current().seal(ResidentIdNumber::COLUMN, ID_NUMBER))
    .bind(blind(Blind::IdNumber, ID_NUMBER))
    .bind(linli::clock::system_now())
    .execute(&mut tx)
    .await;
    assert!(
        matches!(again, Err(linli::db::DbError::Duplicate(_))),
        "{again:?}"
    );
    drop(tx);
    let mut tx = db.begin().await.unwrap();
    let dangling = Q::new(
        "INSERT INTO resident_tags (resident_id, tag, community_id) VALUES (99, 'elderly', 1)",
    )
    .execute(&mut tx)
    .await;
    assert!(
        matches!(dangling, Err(linli::db::DbError::Dangling(_))),
        "{dangling:?}"
    );
    drop(tx);
    if let Db::Sqlite { .. } = db {
        let mut c = db.conn().await.unwrap();
        let (ok,): (String,) = Q::new("PRAGMA integrity_check")
            .fetch_one(&mut c)
            .await
            .unwrap();
        assert_eq!(ok, "ok");
    }
    db.close().await;
}

/// Fills the database at `url` through `c`, which the migrations before 0017 made.
async fn fill<C>(c: &mut C, now: &str)
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    for sql in old_rows() {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.replace("{now}", now)))
            .execute(&mut *c)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// Records the tests' keys in the old database, as a server of then did at start.
async fn record_keys(url: &str) {
    let db = Db::connect(&ConnectOptions {
        url: url.to_string(),
        create: false,
        max_connections: 2,
    })
    .await
    .unwrap();
    linli::vault::keys::for_tests_on(&db).await.unwrap();
    db.close().await;
}

#[tokio::test]
async fn a_database_at_0014_upgrades_and_keeps_its_residents_and_their_lookups() {
    linli::vault::for_tests();
    let dir = tempfile::tempdir().unwrap();
    let Some(server) = postgres_server() else {
        let url = format!("sqlite://{}", dir.path().join("old.db").display());
        migrations_before("sqlite", "0017", &dir.path().join("m"));
        let mut c = sqlx::SqliteConnection::connect(&format!("{url}?mode=rwc"))
            .await
            .unwrap();
        let migrator = sqlx::migrate::Migrator::new(dir.path().join("m"))
            .await
            .unwrap();
        migrator.run(&mut c).await.unwrap();
        sqlx::raw_sql("PRAGMA foreign_keys = ON")
            .execute(&mut c)
            .await
            .unwrap();
        fill(&mut c, &linli::clock::system_now().0.to_string()).await;
        c.close().await.unwrap();
        record_keys(&url).await;
        upgrades_and_keeps(url).await;
        return;
    };
    let name = format!("linli_upgrade_0017_{}", std::process::id());
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
    migrations_before("postgres", "0017", &dir.path().join("m"));
    let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
    let migrator = sqlx::migrate::Migrator::new(dir.path().join("m"))
        .await
        .unwrap();
    migrator.run(&mut c).await.unwrap();
    fill(&mut c, "now()").await;
    c.close().await.unwrap();
    record_keys(&url).await;
    upgrades_and_keeps(url).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(drop_it))
        .execute(&mut admin)
        .await
        .unwrap();
}
