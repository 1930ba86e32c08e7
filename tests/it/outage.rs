//! Bad connections: clear messages at start-up, and a server that goes away and comes back
//! while Linli keeps serving (health 503 meanwhile, then recovery without a restart).

use std::net::SocketAddr;
use std::process::Command;

use axum::http::Method;
use linli::db::{ConnectOptions, Db};
use linli::state::AppState;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::common::{TestApp, postgres_server};

/// A TCP relay between Linli and PostgreSQL that the test can cut and restore.
struct Relay {
    port: u16,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn start(port: u16, target: SocketAddr) -> Relay {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let tasks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let t = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let conn = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                t.lock().unwrap().push(conn);
            }
        });
        tasks.lock().unwrap().push(accept);
        Relay { port, tasks }
    }

    /// The server "goes away": no new connections, existing ones cut.
    fn cut(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }
}

#[tokio::test]
async fn a_server_that_goes_away_and_comes_back_is_reported_then_recovered() {
    let Some(server) = postgres_server() else {
        eprintln!("SQLite run: a database server going away applies to PostgreSQL only");
        return;
    };
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let hostport = server.rsplit('@').next().unwrap().to_string();
    let target: SocketAddr = tokio::net::lookup_host(hostport.as_str())
        .await
        .unwrap()
        .next()
        .unwrap();
    let name = app
        .state
        .settings
        .database
        .expose()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let relay = Relay::start(0, target).await;
    let user = server
        .split("://")
        .nth(1)
        .unwrap()
        .split('@')
        .next()
        .unwrap();
    let url = format!("postgres://{user}@127.0.0.1:{}/{name}", relay.port);
    let db = Db::connect(&ConnectOptions {
        url,
        create: false,
        max_connections: 2,
    })
    .await
    .unwrap();
    let node = AppState::new(db, (*app.state.settings).clone());
    let router = linli::app::router(node);
    let call = |path: &'static str| {
        let router = router.clone();
        let token = staff.token.clone();
        async move {
            let req = axum::http::Request::builder()
                .method(Method::GET)
                .uri(path)
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap();
            let res = tower::ServiceExt::oneshot(router, req).await.unwrap();
            let status = res.status().as_u16();
            let body = http_body_util::BodyExt::collect(res.into_body())
                .await
                .unwrap()
                .to_bytes();
            (
                status,
                serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default(),
            )
        }
    };
    assert_eq!(call("/healthz").await.0, 200);
    assert_eq!(
        call("/api/v1/me").await.0,
        200,
        "a token from one node works on another"
    );

    relay.cut();
    let (status, body) = call("/healthz").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (503, Some("database_unavailable"))
    );
    let (status, body) = call("/api/v1/demands").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("database_unavailable"))
    );

    let _back = Relay::start(relay.port, target).await;
    let mut healthy = false;
    for _ in 0..40 {
        if call("/healthz").await.0 == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(healthy, "recovers without a restart");
    assert_eq!(call("/api/v1/demands").await.0, 200);
}

#[test]
fn start_up_explains_what_is_wrong_with_the_database() {
    let run = |url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_linli"))
            .args(["serve", "--database", url, "--listen", "127.0.0.1:0"])
            .env("LINLI_LOG", "error")
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = run("postgres://postgres@127.0.0.1:1/linli");
    assert!(err.contains("connection refused"), "{err}");
    let err = run("mysql://localhost/linli");
    assert!(err.contains("unsupported database URL"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let err = run(&format!("sqlite://{}/missing.db", dir.path().display()));
    assert!(err.contains("no SQLite database at"), "{err}");
    let err = run("postgres://someone:s3cret@127.0.0.1:1/linli");
    assert!(
        !err.contains("s3cret"),
        "passwords never reach the log: {err}"
    );
    if let Some(server) = postgres_server() {
        let err = run(&format!("{server}/no_such_database_here"));
        assert!(err.contains("does not exist"), "{err}");
    }
}
