//! Group commit: writes batched into one transaction are each all-or-nothing, and every
//! caller is answered with its own outcome.

use linli::db::batch::Writer;
use linli::db::{DbError, Q};

use crate::common::TestApp;

#[derive(Debug)]
enum Refused {
    Db(DbError),
    ChangedMind,
}

impl From<DbError> for Refused {
    fn from(e: DbError) -> Self {
        Refused::Db(e)
    }
}

#[tokio::test]
async fn a_failing_write_in_a_batch_leaves_no_trace_and_the_others_commit() {
    let app = TestApp::new().await;
    let writer = Writer::new(app.state.db.clone());
    let now = app.now();
    let mut tasks = Vec::new();
    for i in 0..40_usize {
        let w = writer.clone();
        tasks.push(tokio::spawn(async move {
            w.write(move |tx| {
                Box::pin(async move {
                    let id = linli::roster::store::insert_street(
                        tx,
                        &format!("测试街道{i}"),
                        "测试区",
                        "测试市",
                        now,
                    )
                    .await?;
                    // Every third write changes its mind after writing.
                    if i.is_multiple_of(3) {
                        return Err(Refused::ChangedMind);
                    }
                    Ok::<i64, Refused>(id)
                })
            })
            .await
        }));
    }
    let mut ok = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        match t.await.unwrap() {
            Ok(id) => {
                assert!(!i.is_multiple_of(3));
                assert!(id > 0);
                ok += 1;
            }
            Err(Refused::ChangedMind) => assert!(i.is_multiple_of(3)),
            Err(Refused::Db(e)) => panic!("write {i} failed in the database: {e}"),
        }
    }
    assert_eq!(ok, 26);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM streets WHERE district = '测试区'")
            .await,
        26,
        "exactly the writes that succeeded are stored"
    );
    let mut c = app.state.db.conn().await.unwrap();
    let refused: Vec<(String,)> = Q::new("SELECT name FROM streets WHERE district = '测试区'")
        .fetch_all(&mut c)
        .await
        .unwrap();
    assert!(
        refused.iter().all(|(n,)| {
            let i: usize = n.trim_start_matches("测试街道").parse().unwrap();
            !i.is_multiple_of(3)
        }),
        "none of the refused writes left a row"
    );
}

#[tokio::test]
async fn many_concurrent_intakes_are_all_stored_once() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(3).await;
    let before = app.scalar("SELECT COUNT(*) FROM demands").await;
    let last_before = app.scalar("SELECT COALESCE(MAX(id), 0) FROM demands").await;
    let mut futures = Vec::new();
    for i in 0..60 {
        let body = if i % 10 == 0 {
            // Unknown category: refused, in the middle of the others.
            serde_json::json!({"channel": "phone", "household_id": hh, "category": "nope", "description": "x"})
        } else {
            serde_json::json!({"channel": "phone", "household_id": hh, "category": "water", "description": format!("漏水 {i}")})
        };
        futures.push(staff.post("/api/v1/demands", body));
    }
    let results = futures_util::future::join_all(futures).await;
    let created = results.iter().filter(|r| r.status == 201).count();
    let refused = results.iter().filter(|r| r.status == 422).count();
    assert_eq!((created, refused), (54, 6));
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM demands").await,
        before + 54
    );
    let ids: std::collections::BTreeSet<i64> = results
        .iter()
        .filter_map(|r| r.body["id"].as_i64())
        .collect();
    assert_eq!(ids.len(), 54, "each answer names its own demand");
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM demand_events WHERE action = 'intake' AND demand_id > $1",
            last_before,
        )
        .await,
        54,
        "one intake event for each stored demand, none for the refused"
    );
}

#[tokio::test]
async fn an_intake_refused_by_the_database_half_way_leaves_nothing_and_the_others_commit() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hh = app.household_in_grid(2).await;
    // The database refuses the timeline entry of visits: their demand row is already
    // written by then, and must go again.
    let mut c = app.state.db.conn().await.unwrap();
    match app.state.db.engine() {
        linli::db::Engine::Sqlite => {
            Q::new(
                "CREATE TRIGGER refuse_visits BEFORE INSERT ON demand_events \
                 WHEN NEW.data LIKE '%visit%' BEGIN SELECT RAISE(ABORT, 'refused'); END",
            )
            .execute(&mut c)
            .await
            .unwrap();
        }
        linli::db::Engine::Postgres => {
            Q::new(
                "CREATE FUNCTION refuse_visits() RETURNS trigger AS $f$ BEGIN \
                 IF NEW.data->>'channel' = 'visit' THEN RAISE EXCEPTION 'refused'; END IF; \
                 RETURN NEW; END $f$ LANGUAGE plpgsql",
            )
            .execute(&mut c)
            .await
            .unwrap();
            Q::new(
                "CREATE TRIGGER refuse_visits BEFORE INSERT ON demand_events FOR EACH ROW \
                 EXECUTE FUNCTION refuse_visits()",
            )
            .execute(&mut c)
            .await
            .unwrap();
        }
    }
    drop(c);
    let visits_counted = "SELECT CAST(COALESCE(SUM(received), 0) AS BIGINT) FROM demand_rollups \
                          WHERE grain = 'day' AND dim = 'channel' AND k = 'visit'";
    let counted_before = app.scalar(visits_counted).await;
    let before = app.scalar("SELECT COUNT(*) FROM demands").await;
    let mut futures = Vec::new();
    for i in 0..30 {
        let channel = if i % 5 == 0 { "visit" } else { "phone" };
        futures.push(staff.post(
            "/api/v1/demands",
            serde_json::json!({"channel": channel, "household_id": hh, "category": "water", "description": format!("漏水 {i}")}),
        ));
    }
    let results = futures_util::future::join_all(futures).await;
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.status == 201, i % 5 != 0, "intake {i}: {}", r.status);
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM demands").await,
        before + 24
    );
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM demands WHERE channel = 'visit' AND id > $1",
            0_i64
        )
        .await,
        app.scalar("SELECT COUNT(*) FROM demand_events e JOIN demands d ON d.id = e.demand_id WHERE e.action = 'intake' AND d.channel = 'visit'")
            .await,
        "no visit demand without its timeline"
    );
    assert_eq!(
        app.scalar(visits_counted).await,
        counted_before,
        "the refused intakes were not counted"
    );
}

/// Holds the application's writer busy for a moment, so that the writes sent meanwhile
/// wait and are then run as one batch.
pub fn hold_the_writer(app: &TestApp, for_ms: u64) -> tokio::task::JoinHandle<()> {
    let writer = app.state.writer.clone();
    if let linli::db::Db::Postgres(_) = app.state.db {
        // PostgreSQL runs a write of its own beside the batches: hold the batches instead,
        // at the rollups every intake changes, so those that come meanwhile wait together.
        let db = app.state.db.clone();
        return tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            Q::new("LOCK TABLE demand_rollups IN SHARE MODE")
                .execute(&mut tx)
                .await
                .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(for_ms)).await;
            tx.commit().await.unwrap();
        });
    }
    tokio::spawn(async move {
        writer
            .write(move |_tx| {
                Box::pin(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(for_ms)).await;
                    Ok::<(), DbError>(())
                })
            })
            .await
            .unwrap();
    })
}

#[tokio::test]
async fn intakes_written_together_are_each_answered_timed_and_counted_as_one_by_one() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let homes = [
        app.household_in_grid(1).await,
        app.household_in_grid(2).await,
        app.household_in_grid(3).await,
    ];
    let last_before = app.scalar("SELECT COALESCE(MAX(id), 0) FROM demands").await;
    let flushes = || match &app.state.db {
        linli::db::Db::Sqlite { wal, .. } => wal.flushes(),
        linli::db::Db::Postgres(_) => 0,
    };
    let flushes_before = flushes();
    let held = hold_the_writer(&app, 1_500);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    // 45 at once: more than one chunk (32 + 8 + 4 + 1), three grids, two categories, two
    // channels, one of them refused by the database half-way through its chunk.
    // The database itself refuses one of them, as a foreign key or a full disk would.
    let mut c = app.state.db.conn().await.unwrap();
    let refuse: &[&str] = match app.state.db.engine() {
        // Its timeline entry, after its demand was written in the same chunk.
        linli::db::Engine::Sqlite => &[
            "CREATE TRIGGER refuse_marked BEFORE INSERT ON demand_events \
             WHEN (SELECT description FROM demands WHERE id = NEW.demand_id) = '拒收' \
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
        // Its demand, in the one statement that writes the batch's demands and entries.
        linli::db::Engine::Postgres => &[
            "CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN IF NEW.description = '拒收' THEN RAISE EXCEPTION 'refused'; END IF; \
             RETURN NEW; END $$",
            "CREATE TRIGGER refuse_marked BEFORE INSERT ON demands \
             FOR EACH ROW EXECUTE FUNCTION refuse_marked()",
        ],
    };
    for sql in refuse {
        Q::new(*sql).execute(&mut c).await.unwrap();
    }
    drop(c);
    let mut futures = Vec::new();
    for i in 0..45_usize {
        let description = if i == 20 {
            "拒收".to_string()
        } else {
            format!("楼道灯不亮 {i}")
        };
        futures.push(staff.post(
            "/api/v1/demands",
            serde_json::json!({
                "channel": if i % 2 == 0 { "phone" } else { "wechat" },
                "household_id": homes[i % 3],
                "category": if i % 3 == 0 { "water" } else { "public_facility" },
                "description": description,
            }),
        ));
    }
    let results = futures_util::future::join_all(futures).await;
    held.await.unwrap();
    let sqlite = app.state.db.engine() == linli::db::Engine::Sqlite;
    if sqlite {
        // Answered after the log was flushed for them (db::durable): the held
        // transaction's flush and at least one for the intakes' batch.
        assert!(
            flushes() >= flushes_before + 2,
            "{flushes_before} → {}",
            flushes()
        );
    }
    for (i, r) in results.iter().enumerate() {
        let refused = i == 20;
        assert_eq!(
            r.status == 201,
            !refused,
            "intake {i}: {} {}",
            r.status,
            r.body
        );
        if !refused {
            assert_eq!(r.body["status"], "submitted", "intake {i}");
            assert!(r.body["id"].as_i64().unwrap() > last_before);
        }
    }
    let stored = 44;
    assert_eq!(
        app.scalar_with("SELECT COUNT(*) FROM demands WHERE id > $1", last_before)
            .await,
        stored
    );
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM demand_events WHERE action = 'intake' AND demand_id > $1",
            last_before
        )
        .await,
        stored,
        "one timeline entry each"
    );
    // Each answer is its own demand, exactly as stored, with its one timeline entry.
    for r in results.iter().filter(|r| r.status == 201) {
        let id = r.body["id"].as_i64().unwrap();
        let shown = staff.get(&format!("/api/v1/demands/{id}")).await;
        assert_eq!(shown.body["demand"], r.body, "demand {id}");
        assert_eq!(shown.body["timeline"].as_array().unwrap().len(), 1);
    }
    // The rollups equal a recount from scratch.
    let (kept, recounted) = app.rollups_kept_and_recounted().await;
    assert_eq!(kept, recounted);
}
