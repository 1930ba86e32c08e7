//! `linli bench pages`: server render time of the list pages (and the workbench, the
//! dashboard, a demand page) at a million demands, through the real router, with an
//! OFFSET-paginated query as the baseline for the deep page.

use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::auth::tokens;
use crate::clock::HOUR;
use crate::db::Q;
use crate::demands::store::COLUMNS;
use crate::state::AppState;

use super::median_p95;

pub struct Figure {
    pub name: String,
    pub median_ms: f64,
    pub p95_ms: f64,
    pub bytes: usize,
}

/// Times `iterations` renders of each page as `username`, and the baseline.
pub async fn run(
    st: &AppState,
    username: &str,
    iterations: usize,
) -> Result<(Vec<Figure>, Vec<Figure>), String> {
    let e = |e: crate::db::DbError| e.to_string();
    let now = st.clock.now();
    let (user_id, community_id): (i64, Option<i64>) = {
        let mut c = st.db.conn().await.map_err(e)?;
        Q::new("SELECT id, community_id FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&mut c)
            .await
            .map_err(e)?
            .ok_or_else(|| format!("no user {username}"))?
    };
    let community = community_id.ok_or("the user has no community")?;
    let token = {
        let mut tx = st.db.begin().await.map_err(e)?;
        let t = tokens::issue(
            &mut tx,
            user_id,
            crate::auth::model::TokenKind::Web,
            "bench",
            now,
            now + HOUR,
        )
        .await
        .map_err(e)?;
        tx.commit().await.map_err(e)?;
        t
    };
    // Where page 1,000 starts (50 a page), and a demand to open.
    let (cursor, some_id): (i64, i64) = {
        let mut c = st.db.conn().await.map_err(e)?;
        let deep = Q::new(
            "SELECT id FROM demands WHERE community_id = $1 ORDER BY id DESC LIMIT 1 OFFSET 49949",
        )
        .bind(community)
        .fetch_optional::<(i64,)>(&mut c)
        .await
        .map_err(e)?
        .map(|r| r.0)
        .ok_or("fewer than 50,000 demands in the community: generate more first")?;
        let any = Q::new("SELECT MAX(id) FROM demands WHERE community_id = $1")
            .bind(community)
            .fetch_one::<(i64,)>(&mut c)
            .await
            .map_err(e)?
            .0;
        (deep, any)
    };
    let router = crate::app::router(st.clone());
    let pages = [
        ("list, page 1", "/work/demands".to_string()),
        (
            "list, page 1,000 (keyset)",
            format!("/work/demands?cursor={cursor}"),
        ),
        ("overdue list, page 1", "/work/demands?overdue=true".into()),
        (
            "filtered list (closed, water)",
            "/work/demands?status=closed&category=water".into(),
        ),
        ("workbench", "/work".into()),
        ("dashboard (30 days)", "/dash".into()),
        ("demand page", format!("/work/demands/{some_id}")),
    ];
    let mut figures = Vec::new();
    for (name, path) in pages {
        let mut times = Vec::with_capacity(iterations);
        let mut bytes = 0;
        for i in 0..iterations + 2 {
            let req = Request::get(&path)
                .header(header::COOKIE, format!("linli_session={token}"))
                .body(Body::empty())
                .map_err(|e| e.to_string())?;
            let started = Instant::now();
            let res = router
                .clone()
                .oneshot(req)
                .await
                .map_err(|e| e.to_string())?;
            let status = res.status();
            let body = res
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if !status.is_success() {
                return Err(format!("{path} answered {status}"));
            }
            bytes = body.len();
            if i >= 2 {
                times.push(ms); // the first two warm the caches
            }
        }
        let (median_ms, p95_ms) = median_p95(&mut times);
        figures.push(Figure {
            name: name.to_string(),
            median_ms,
            p95_ms,
            bytes,
        });
    }
    // The deep page's query, keyset against OFFSET, on the same connection pool.
    let mut baseline = Vec::new();
    for (name, sql, arg) in [
        (
            "page 1,000 query, keyset",
            format!(
                "SELECT {COLUMNS} FROM demands d WHERE d.community_id = $1 AND d.id < $2 \
                 ORDER BY d.id DESC LIMIT 51"
            ),
            Some(cursor),
        ),
        (
            "page 1,000 query, OFFSET (baseline)",
            format!(
                "SELECT {COLUMNS} FROM demands d WHERE d.community_id = $1 \
                 ORDER BY d.id DESC LIMIT 51 OFFSET 49950"
            ),
            None,
        ),
    ] {
        let mut times = Vec::with_capacity(iterations);
        for i in 0..iterations + 2 {
            let mut c = st.db.conn().await.map_err(e)?;
            let mut q = Q::new(sql.clone()).bind(community);
            if let Some(a) = arg {
                q = q.bind(a);
            }
            let started = Instant::now();
            let rows: Vec<crate::demands::store::DemandRow> =
                q.fetch_all(&mut c).await.map_err(e)?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            if rows.is_empty() {
                return Err(format!("{name}: no rows"));
            }
            if i >= 2 {
                times.push(ms);
            }
        }
        let (median_ms, p95_ms) = median_p95(&mut times);
        baseline.push(Figure {
            name: name.to_string(),
            median_ms,
            p95_ms,
            bytes: 0,
        });
    }
    Ok((figures, baseline))
}
