//! Durable intake over HTTP: demands accepted per second by the real router on a real
//! socket, many clients at once, each answered only after its commit is durable. Measured
//! beside the engine's own rates for the same rows, one commit per row and 1,000 rows per
//! transaction, on the same database and disk. Everything written is removed afterwards.

use std::sync::Arc;
use std::time::Instant;

use crate::auth::tokens;
use crate::clock::HOUR;
use crate::db::Q;
use crate::state::AppState;

use super::city::Row;
use super::db;

/// What one run of intake over HTTP did.
pub struct Sent {
    pub rate: f64,
    pub secs: f64,
    pub accepted: usize,
    pub stored: usize,
    pub asked: usize,
    /// The first demand id of the run (its demands are removed from it on).
    pub first_new: i64,
}

pub async fn run(st: &AppState, clients: usize, total: usize) -> Result<Vec<Row>, String> {
    let now = st.clock.now();
    let Sent {
        rate,
        secs,
        accepted,
        stored,
        asked,
        first_new,
    } = send(st, clients, total, false).await?;

    // The engine's own rates for the same kind of rows.
    let single = super::generate::insert_rate(&st.db, 2_000, 1, now).await?;
    let thousand = super::generate::insert_rate(&st.db, 50_000, 1_000, now).await?;
    remove_from(st, first_new).await?;

    let sqlite = st.db.engine() == crate::db::Engine::Sqlite;
    let share = rate / thousand;
    let all = accepted == asked && stored == accepted;
    Ok(vec![
        Row {
            figure: format!("durable intake over HTTP, {clients} clients"),
            unit: "demands/s",
            value: rate,
            baseline: Some(single),
            ratio: Some(rate / single),
            // SQLite: the disk's fsyncs cap one commit a row, so the figure is absolute.
            // PostgreSQL: against its own one commit a row on the same server.
            target: if sqlite {
                "≥ 5,000/s".into()
            } else {
                "≥ 2× baseline".into()
            },
            pass: Some(
                all && if sqlite {
                    rate >= 5_000.0
                } else {
                    rate >= 2.0 * single
                },
            ),
            note: format!(
                "{accepted} of {asked} answered 201 in {secs:.1} s, {stored} stored; baseline: one \
                 fsynced commit per row"
            ),
        },
        Row {
            figure: "durable intake vs 1,000-row transactions".into(),
            unit: "demands/s",
            value: rate,
            baseline: Some(thousand),
            ratio: Some(share),
            target: "≥ 10 % (0.1×)".into(),
            pass: Some(share >= 0.1),
            note: "baseline: the same rows inserted 1,000 to a transaction".into(),
        },
    ])
}

/// `total` intakes over HTTP from `clients` connections, each with a reporter's phone when
/// `phones` (a personal field the intake seals); the demands stay until `remove_from`.
pub async fn send(
    st: &AppState,
    clients: usize,
    total: usize,
    phones: bool,
) -> Result<Sent, String> {
    let now = st.clock.now();
    let (staff_id, community): (i64, i64) = {
        let mut c = st.db.conn().await.map_err(db)?;
        Q::new("SELECT id, community_id FROM users WHERE username = 'staff'")
            .fetch_one(&mut c)
            .await
            .map_err(db)?
    };
    let homes: Vec<(i64,)> = {
        let mut c = st.db.conn().await.map_err(db)?;
        Q::new("SELECT id FROM households WHERE community_id = $1 ORDER BY id LIMIT 2000")
            .bind(community)
            .fetch_all(&mut c)
            .await
            .map_err(db)?
    };
    let token = {
        let mut tx = st.db.begin().await.map_err(db)?;
        let t = tokens::issue(
            &mut tx,
            staff_id,
            crate::auth::model::TokenKind::Api,
            "bench",
            now,
            now + HOUR,
        )
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        t
    };
    let first_new = max_id(st).await? + 1;

    // The real router on a real socket.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, crate::app::router(st.clone()))
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );
    // Each client keeps one HTTP/1.1 connection and sends its requests one after another,
    // as a counter's or a phone line's software would; a plain hyper connection, so the
    // clients, which share the machine with the server, cost it little.
    let auth = Arc::new(format!("Bearer {token}"));
    let homes = Arc::new(homes);
    let per_client = total / clients;
    let mut senders = Vec::with_capacity(clients);
    for _ in 0..clients {
        senders.push(connect(addr).await?);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (c, mut sender) in senders.into_iter().enumerate() {
        let (auth, homes) = (auth.clone(), homes.clone());
        tasks.push(tokio::spawn(async move {
            let mut ok = 0usize;
            for i in 0..per_client {
                let hh = homes[(c * per_client + i) % homes.len()].0;
                let phone = if phones {
                    format!(r#","reporter_phone":"139{:04}{:04}""#, c % 10_000, i % 10_000)
                } else {
                    String::new()
                };
                let body = format!(
                    r#"{{"channel":"phone","household_id":{hh},"category":"water","description":"厨房水管漏水，楼下天花板渗水 {c}-{i}"{phone}}}"#
                );
                let Ok(req) = axum::http::Request::post("/api/v1/demands")
                    .header(axum::http::header::HOST, "bench")
                    .header(axum::http::header::AUTHORIZATION, auth.as_str())
                    .header(axum::http::header::CONTENT_TYPE, "application/json")
                    .body(http_body_util::Full::new(axum::body::Bytes::from(body)))
                else {
                    continue;
                };
                if let Ok(r) = sender.send_request(req).await {
                    let created = r.status() == axum::http::StatusCode::CREATED;
                    if http_body_util::BodyExt::collect(r.into_body()).await.is_ok() && created {
                        ok += 1;
                    }
                }
            }
            ok
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.map_err(|e| e.to_string())?;
    }
    let secs = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let _ = server.await;
    let rate = accepted as f64 / secs;
    let stored = {
        let mut c = st.db.conn().await.map_err(db)?;
        Q::new("SELECT COUNT(*) FROM demands WHERE id >= $1")
            .bind(first_new)
            .fetch_one::<(i64,)>(&mut c)
            .await
            .map_err(db)?
            .0 as usize
    };

    Ok(Sent {
        rate,
        secs,
        accepted,
        stored,
        asked: per_client * clients,
        first_new,
    })
}

type Sender = hyper::client::conn::http1::SendRequest<http_body_util::Full<axum::body::Bytes>>;

/// One client's connection to the server.
async fn connect(addr: std::net::SocketAddr) -> Result<Sender, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    Ok(sender)
}

async fn max_id(st: &AppState) -> Result<i64, String> {
    let mut c = st.db.conn().await.map_err(db)?;
    Ok(Q::new("SELECT COALESCE(MAX(id), 0) FROM demands")
        .fetch_one::<(i64,)>(&mut c)
        .await
        .map_err(db)?
        .0)
}

/// Removes the demands the benchmark wrote (id ≥ `first`), with their timeline and their
/// share of the rollups, so the database is as it was.
pub async fn remove_from(st: &AppState, first: i64) -> Result<(), String> {
    let mut tx = st.db.begin().await.map_err(db)?;
    let rows: Vec<crate::demands::store::DemandRow> = Q::new(format!(
        "SELECT {} FROM demands d WHERE d.id >= $1 AND EXISTS \
         (SELECT 1 FROM demand_events e WHERE e.demand_id = d.id)",
        crate::demands::store::COLUMNS
    ))
    .bind(first)
    .fetch_all(&mut tx)
    .await
    .map_err(db)?;
    // Only the intake's demands were counted (the baselines' raw rows never were).
    for r in &rows {
        crate::measures::rollups::apply(&mut tx, Some(r), None)
            .await
            .map_err(db)?;
    }
    // The timeline refuses deletions; the benchmark's own entries are lifted out with the
    // guard off inside this transaction (DDL is transactional on both engines, so no one
    // else ever sees the table unguarded).
    let (off, on) = match st.db.engine() {
        crate::db::Engine::Sqlite => (
            "DROP TRIGGER demand_events_no_delete",
            "CREATE TRIGGER demand_events_no_delete BEFORE DELETE ON demand_events \
             BEGIN SELECT RAISE(ABORT, 'demand_events is append-only'); END",
        ),
        crate::db::Engine::Postgres => (
            "ALTER TABLE demand_events DISABLE TRIGGER demand_events_no_update",
            "ALTER TABLE demand_events ENABLE TRIGGER demand_events_no_update",
        ),
    };
    Q::new(off).execute(&mut tx).await.map_err(db)?;
    Q::new("DELETE FROM demand_events WHERE demand_id >= $1")
        .bind(first)
        .execute(&mut tx)
        .await
        .map_err(db)?;
    Q::new(on).execute(&mut tx).await.map_err(db)?;
    Q::new("DELETE FROM demands WHERE id >= $1")
        .bind(first)
        .execute(&mut tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(())
}
