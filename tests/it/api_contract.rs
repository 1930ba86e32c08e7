//! The API contract: the OpenAPI document (snapshot), health, login and tokens.

use axum::http::Method;
use serde_json::json;

use crate::common::TestApp;

#[tokio::test]
async fn the_openapi_document_is_served_and_matches_the_snapshot() {
    let app = TestApp::new().await;
    let served = app.send(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(served.status, 200);
    let doc = serde_json::to_value(linli::app::openapi()).unwrap();
    assert_eq!(served.body, doc);
    assert_eq!(
        doc["openapi"].as_str().map(|v| v.starts_with("3.")),
        Some(true)
    );
    for path in [
        "/api/v1/login",
        "/api/v1/demands",
        "/api/v1/demands/{id}",
        "/api/v1/demands/{id}/accept",
        "/api/v1/demands/{id}/report-back",
        "/api/v1/measures",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
    insta::assert_json_snapshot!("openapi", doc);
}

/// Every `$ref` in the document, with where it stands.
fn refs<'a>(v: &'a serde_json::Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x.as_str()) {
                    ("$ref", Some(r)) => out.push((at.clone(), r)),
                    _ => refs(x, format!("{at}/{k}"), out),
                }
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                refs(x, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_reference_of_the_document_resolves() {
    let doc = serde_json::to_value(linli::app::openapi()).unwrap();
    let mut all = Vec::new();
    refs(&doc, String::new(), &mut all);
    assert!(!all.is_empty());
    for (at, r) in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{at} refers to {r}, which the document does not hold"
        );
    }
}

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = TestApp::new().await;
    let r = app.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(
        (r.status.as_u16(), r.body["status"].as_str()),
        (200, Some("ok"))
    );
    app.state.db.close().await;
    let r = app.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(r.status, 503);
}

#[tokio::test]
async fn login_locks_after_repeated_failures_and_logout_ends_the_token() {
    let app = TestApp::with_settings(linli::config::Settings::default()).await;
    let anon = app.anonymous();
    let r = anon
        .post(
            "/api/v1/login",
            json!({"username": "nobody", "password": "x"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (401, "bad_credentials"));
    for _ in 0..5 {
        let r = anon
            .post(
                "/api/v1/login",
                json!({"username": "staff02", "password": "wrong"}),
            )
            .await;
        assert_eq!(r.code(), "bad_credentials");
    }
    let r = anon
        .post(
            "/api/v1/login",
            json!({"username": "staff02", "password": "linli-demo"}),
        )
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (423, "account_locked"));
    app.advance_hours(1);
    app.login("staff02").await;

    let staff = app.login("staff").await;
    let me = staff.fetch("/api/v1/me").await;
    assert_eq!(me["role"], "staff");
    assert_eq!(staff.post("/api/v1/logout", json!({})).await.status, 204);
    assert_eq!(staff.get("/api/v1/me").await.status, 401);
    // Sessions expire.
    let grid01 = app.login("grid01").await;
    app.advance_hours(13);
    assert_eq!(grid01.get("/api/v1/me").await.status, 401);
    // A made-up token is nobody.
    let r = app
        .send(Method::GET, "/api/v1/me", Some("ll_made_up"), None)
        .await;
    assert_eq!(r.status, 401);
}
