//! The test harness: the real router on a fresh database per test, seeded with the small
//! demo community (`linli::demo::Size::Small`), and clients that log in as demo users.

#![allow(dead_code)]

pub mod builders;
pub mod pages;
mod serve;

pub use serve::{key_file, serve_command, serve_command_on, spawn_serve, start_serve, stop_serve};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use linli::config::Settings;
use linli::db::{ConnectOptions, Db, Q};
use linli::state::AppState;
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    /// What the builders (`builders.rs`) made.
    pub world: builders::World,
    _db: TestDb,
}

/// Where a test's database lives: a SQLite file in a temporary folder, or a PostgreSQL
/// database of its own (when `TEST_POSTGRES_SERVER` names a server), dropped afterwards.
enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { server: String, name: String },
}

/// The PostgreSQL server the suite runs against, if any: `postgres://user@host:port`.
pub fn postgres_server() -> Option<String> {
    std::env::var("TEST_POSTGRES_SERVER")
        .ok()
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('/').to_string())
}

impl TestDb {
    async fn create() -> (TestDb, String) {
        match postgres_server() {
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("linli.db").display());
                (TestDb::Sqlite(dir), url)
            }
            Some(server) => {
                use std::sync::atomic::{AtomicU32, Ordering};
                static N: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "linli_test_{}_{}_{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed),
                    linli::clock::system_now().0 % 1_000_000
                );
                admin_sql(&server, &format!("CREATE DATABASE \"{name}\"")).await;
                let url = format!("{server}/{name}");
                (TestDb::Postgres { server, name }, url)
            }
        }
    }
}

/// A copy of `engine`'s migrations numbered before `version` ("0005"), in `into`: what a
/// database of an older Linli was made by.
pub fn migrations_before(engine: &str, version: &str, into: &std::path::Path) {
    let tree = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(engine);
    std::fs::create_dir_all(into).unwrap();
    for entry in std::fs::read_dir(tree).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.as_str() < version {
            std::fs::copy(&path, into.join(&name)).unwrap();
        }
    }
}

/// Runs one statement on the server's `postgres` database.
async fn admin_sql(server: &str, sql: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .expect("connect to the PostgreSQL server of TEST_POSTGRES_SERVER");
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { server, name } = self {
            let (server, sql) = (
                server.clone(),
                format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            );
            // The test's runtime is ending: drop the database from a runtime of our own.
            let _ = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap()
                    .block_on(admin_sql(&server, &sql));
            })
            .join();
        }
    }
}

/// A response: status and JSON body (`Value::Null` when the body is empty or not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
}

impl Resp {
    /// The stable error code of an error response.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl TestApp {
    /// A fresh SQLite file with the small demo community. Tests travel weeks ahead in
    /// time, so sessions last 60 days here (the default is 12 hours).
    pub async fn new() -> TestApp {
        TestApp::with_settings(Settings {
            session_hours: 60 * 24,
            ..Settings::default()
        })
        .await
    }

    pub async fn with_settings(settings: Settings) -> TestApp {
        let app = TestApp::empty_with(settings).await;
        linli::demo::seed(&app.state, linli::demo::Size::Small)
            .await
            .expect("seed the small demo community");
        app
    }

    /// A fresh, migrated database with nothing in it (see `builders.rs`).
    pub async fn empty() -> TestApp {
        TestApp::empty_with(Settings {
            session_hours: 60 * 24,
            ..Settings::default()
        })
        .await
    }

    async fn empty_with(mut settings: Settings) -> TestApp {
        let (test_db, url) = TestDb::create().await;
        settings.database = url.into();
        settings.jobs = false;
        let db = Db::connect(&ConnectOptions {
            url: settings.database.expose().to_string(),
            create: true,
            max_connections: 4,
        })
        .await
        .expect("open database");
        linli::db::migrate::run(&db).await.expect("migrate");
        linli::vault::keys::for_tests_on(&db)
            .await
            .expect("the tests' keys");
        let state = AppState::new(db, settings);
        let router = linli::app::router(state.clone());
        TestApp {
            state,
            router,
            world: builders::World::default(),
            _db: test_db,
        }
    }

    /// Sends one request through the router.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.send_request(req).await
    }

    pub async fn send_request(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp { status, body }
    }

    /// Logs in as a demo user (password `linli-demo`).
    pub async fn login(&self, username: &str) -> Client<'_> {
        let r = self
            .send(
                Method::POST,
                "/api/v1/login",
                None,
                Some(serde_json::json!({"username": username, "password": "linli-demo"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {:?}", r.body);
        Client {
            app: self,
            token: r.body["token"].as_str().unwrap().to_string(),
        }
    }

    /// A client without a token.
    pub fn anonymous(&self) -> Client<'_> {
        Client {
            app: self,
            token: String::new(),
        }
    }

    /// Moves the application clock forward.
    pub fn advance_hours(&self, hours: i64) {
        self.state.clock.advance(hours * 3_600_000);
    }

    pub fn now(&self) -> linli::clock::Millis {
        self.state.clock.now()
    }

    /// One integer from the database (for looking up ids the tests need).
    /// The rollup table as kept, and as a recount from scratch would make it (the recount
    /// is rolled back: a test compares, it does not repair).
    pub async fn rollups_kept_and_recounted(&self) -> (Vec<RollupRow>, Vec<RollupRow>) {
        let kept = {
            let mut c = self.state.db.conn().await.unwrap();
            linli::measures::rollups::dump(&mut c).await.unwrap()
        };
        let mut tx = self.state.db.begin().await.unwrap();
        linli::measures::rollups::rebuild(&mut tx).await.unwrap();
        let recounted = linli::measures::rollups::dump(&mut tx).await.unwrap();
        drop(tx);
        (kept, recounted)
    }

    pub async fn scalar(&self, sql: &'static str) -> i64 {
        let mut c = self.state.db.conn().await.unwrap();
        Q::new(sql).fetch_one::<(i64,)>(&mut c).await.unwrap().0
    }

    pub async fn scalar_with(&self, sql: &'static str, arg: impl Into<linli::db::Arg>) -> i64 {
        let mut c = self.state.db.conn().await.unwrap();
        Q::new(sql)
            .bind(arg)
            .fetch_one::<(i64,)>(&mut c)
            .await
            .unwrap()
            .0
    }

    /// The id of a user.
    pub async fn user_id(&self, username: &str) -> i64 {
        self.scalar_with("SELECT id FROM users WHERE username = $1", username)
            .await
    }

    /// A household in the n-th grid (1-based, by grid id order) of Yucheng.
    pub async fn household_in_grid(&self, n: i64) -> i64 {
        self.scalar_with(
            "SELECT MIN(h.id) FROM households h JOIN buildings b ON b.id = h.building_id \
             WHERE b.grid_id = (SELECT id FROM grids WHERE worker_user_id = \
             (SELECT id FROM users WHERE username = $1))",
            format!("grid{n:02}"),
        )
        .await
    }

    /// The id of a unit by its kind (property, gas, water, power, police, owners_committee).
    pub async fn unit_id(&self, kind: &str) -> i64 {
        self.scalar_with("SELECT MIN(id) FROM units WHERE kind = $1", kind)
            .await
    }

    /// Rows in the demands table and its timeline: to show a refused request changed nothing.
    pub async fn demand_footprint(&self) -> (i64, i64, i64) {
        (
            self.scalar("SELECT COUNT(*) FROM demands").await,
            self.scalar("SELECT COUNT(*) FROM demand_events").await,
            self.scalar("SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM demands")
                .await,
        )
    }
}

/// A response kept as bytes (files, not JSON).
#[derive(Debug)]
pub struct RawResp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl RawResp {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// A logged-in user.
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub token: String,
}

impl Client<'_> {
    fn token(&self) -> Option<&str> {
        (!self.token.is_empty()).then_some(self.token.as_str())
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.app.send(Method::GET, path, self.token(), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.app
            .send(Method::POST, path, self.token(), Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.app
            .send(Method::PATCH, path, self.token(), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.app
            .send(Method::PUT, path, self.token(), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.app
            .send(Method::DELETE, path, self.token(), None)
            .await
    }

    /// GETs a download: status, headers and the body's bytes.
    pub async fn download(&self, path: &str) -> RawResp {
        let mut req = Request::get(path);
        if let Some(t) = self.token() {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let res = self
            .app
            .router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        RawResp {
            status,
            headers,
            bytes,
        }
    }

    /// Every id the list gives for `filters` (`status=submitted&…`), following the cursor.
    pub async fn all_ids(&self, filters: &str) -> Vec<i64> {
        let mut all = Vec::new();
        let mut cursor: Option<i64> = None;
        loop {
            let mut path = format!("/api/v1/demands?limit=200&{filters}");
            if let Some(c) = cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = self.fetch(&path).await;
            all.extend(ids(&page));
            match page["next_cursor"].as_i64() {
                Some(c) => cursor = Some(c),
                None => return all,
            }
        }
    }

    /// POSTs and insists on success; returns the body.
    pub async fn ok(&self, path: &str, body: Value) -> Value {
        let r = self.post(path, body).await;
        assert!(
            r.status.is_success(),
            "POST {path} → {}: {}",
            r.status,
            r.body
        );
        r.body
    }

    /// GETs and insists on success; returns the body.
    pub async fn fetch(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert!(
            r.status.is_success(),
            "GET {path} → {}: {}",
            r.status,
            r.body
        );
        r.body
    }
}

/// Records a demand as `who` for a household (staff, grid workers), returns its id.
pub async fn record(who: &Client<'_>, household_id: i64, category: &str, description: &str) -> i64 {
    let b = who
        .ok(
            "/api/v1/demands",
            serde_json::json!({
                "channel": "phone",
                "household_id": household_id,
                "category": category,
                "description": description,
            }),
        )
        .await;
    b["id"].as_i64().unwrap()
}

/// POSTs a step and returns the demand as it now is.
pub async fn step(who: &Client<'_>, id: i64, action: &str, body: Value) -> Value {
    who.ok(&format!("/api/v1/demands/{id}/{action}"), body)
        .await
}

/// The actions on a demand's timeline, in order.
pub async fn timeline(who: &Client<'_>, id: i64) -> Vec<String> {
    let d = who.fetch(&format!("/api/v1/demands/{id}")).await;
    d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

/// The ids on one page of a demand list.
pub fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect()
}

/// One HTTP/1.1 request to a running `linli serve` (blocking; call from spawn_blocking or
/// a plain thread). Returns the status and the JSON body.
pub fn http(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).expect("connect to linli");
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let status = text[9..12].parse().unwrap_or(0);
    let (head, payload) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    // Bodies may come chunked: take the JSON between the first '{' or '[' and the last '}'/']'.
    let json = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let start = payload.find(['{', '[']).unwrap_or(0);
        let end = payload
            .rfind(['}', ']'])
            .map(|e| e + 1)
            .unwrap_or(payload.len());
        &payload[start..end]
    } else {
        payload
    };
    (status, serde_json::from_str(json).unwrap_or(Value::Null))
}

/// One rollup row as `linli::measures::rollups::dump` gives it.
pub type RollupRow = (i64, String, String, String, i64, i64, Vec<i64>);
