//! Accounts and their secrets: signing in from client addresses (the lockout by account
//! and by address, known addresses, trusted proxies, the audit of sign-ins) through the
//! API and the login page, the second factor (TOTP) and the password policies, and API
//! tokens that expire and can be listed and revoked.

mod lockout;
mod login_page;
mod passwords;
mod plain_http;
mod tokens;
mod totp;
mod upgrade;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use linli::db::Q;
use serde_json::json;

use crate::common::{Resp, TestApp};

/// Addresses the tests sign in from.
pub const HOME: &str = "203.0.113.10:50000";
pub const ELSEWHERE: &str = "198.51.100.66:40000";
pub const CAFE: &str = "192.0.2.33:41000";

/// A request as if it came over a connection from `from` (what `axum::serve` with connect
/// information gives every request).
pub fn from(mut req: Request<Body>, from: &str) -> Request<Body> {
    let peer: SocketAddr = from.parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

/// `POST /api/v1/login` from `addr`.
pub async fn login_from(app: &TestApp, addr: &str, username: &str, password: &str) -> Resp {
    let req = Request::post("/api/v1/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap();
    app.send_request(from(req, addr)).await
}

/// The status and code of an answer.
pub fn outcome(r: &Resp) -> (u16, &str) {
    (r.status.as_u16(), r.code())
}

/// The audit rows of an action: (user id, detail), oldest first.
pub async fn audited(app: &TestApp, action: &str) -> Vec<(Option<i64>, String)> {
    let mut c = app.state.db.conn().await.unwrap();
    Q::new("SELECT user_id, detail FROM audit_log WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(&mut c)
        .await
        .unwrap()
}
