//! The API answers only what its document says, whatever it is sent. Every operation of
//! the OpenAPI document is called the ways an outside fuzzer calls it — without a token,
//! with path segments that name nothing or do not parse, with query values of the wrong
//! type or random Unicode, with bodies that are not JSON, not declared as JSON, or of the
//! wrong shape — and each answer's status must be one the document lists for that
//! operation, with the error body; none may be a 500.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

use crate::common::TestApp;
use crate::common::pages::urlencode;

/// Query values that are wrong in the ways clients get them wrong.
const NASTY: &[&str] = &[
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "1.5",
    "中文",
    "😀",
    "2026-13-45",
    "true",
    " ",
    "\u{0}",
    "%",
    "'; DROP TABLE demands; --",
];

/// One operation of the document.
struct Op {
    method: Method,
    path: String,
    documented: Vec<u16>,
    secured: bool,
    query: Vec<String>,
    json_body: bool,
    /// The body's schema, when it names one.
    body_schema: Option<String>,
}

fn operations(doc: &Value) -> Vec<Op> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            let method = match m.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue,
            };
            let documented = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .filter_map(|k| k.parse().ok())
                .collect();
            let query = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "query")
                        .map(|p| p["name"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default();
            let json_body = op["requestBody"]["content"]
                .as_object()
                .is_some_and(|c| c.keys().any(|k| k.contains("json")));
            let body_schema = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .map(str::to_string);
            out.push(Op {
                body_schema,
                method,
                path: path.clone(),
                documented,
                secured: op["security"].as_array().is_some_and(|s| !s.is_empty()),
                query,
                json_body,
            });
        }
    }
    out
}

/// A body of the schema's shape with every text field holding `text`: each field's own
/// validation is reached (a NUL, a control character, a thousand characters).
fn body_of(doc: &Value, schema: &str, text: &str) -> String {
    let mut body = serde_json::Map::new();
    let props = &doc["components"]["schemas"][schema]["properties"];
    for (name, p) in props.as_object().into_iter().flatten() {
        let ty = p["type"]
            .as_str()
            .or_else(|| p["type"][0].as_str())
            .unwrap_or("");
        let v = match ty {
            "string" => Value::from(text),
            "integer" => Value::from(1),
            "boolean" => Value::from(true),
            "array" => Value::Array(Vec::new()),
            _ => continue,
        };
        body.insert(name.clone(), v);
    }
    Value::Object(body).to_string()
}

/// The path with every `{param}` replaced by `segment`.
fn with_params(path: &str, segment: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(segment);
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

struct Call<'a> {
    op: &'a Op,
    uri: String,
    token: Option<&'a str>,
    content_type: Option<&'a str>,
    body: Option<String>,
}

async fn check(app: &TestApp, c: Call<'_>) {
    let mut req = Request::builder().method(c.op.method.clone()).uri(&c.uri);
    if let Some(t) = c.token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(ct) = c.content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    let req = req
        .body(c.body.map(Body::from).unwrap_or_else(Body::empty))
        .unwrap();
    let r = app.send_request(req).await;
    let status = r.status.as_u16();
    assert!(
        r.status != StatusCode::INTERNAL_SERVER_ERROR,
        "{} {} answered 500: {}",
        c.op.method,
        c.uri,
        r.body
    );
    assert!(
        c.op.documented.contains(&status),
        "{} {} answered {status}, not in its document {:?}: {}",
        c.op.method,
        c.uri,
        c.op.documented,
        r.body
    );
    if r.status.is_client_error() {
        assert!(
            r.body["error"]["code"].is_string(),
            "{} {} → {status} without the error body: {}",
            c.op.method,
            c.uri,
            r.body
        );
    }
}

#[tokio::test]
async fn every_operation_answers_only_the_statuses_its_document_lists() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let doc = serde_json::to_value(linli::app::openapi()).unwrap();
    let ops = operations(&doc);
    assert!(ops.len() > 40, "the document lists every operation");
    for op in &ops {
        // Logging out ends the token the rest of the calls use.
        if op.path.ends_with("/logout") {
            continue;
        }
        let absent = with_params(&op.path, "99999999");
        if op.secured {
            check(
                &app,
                Call {
                    op,
                    uri: absent.clone(),
                    token: None,
                    content_type: None,
                    body: None,
                },
            )
            .await;
        }
        if op.path.contains('{') {
            for seg in ["abc", "-1", "99999999999999999999", "%E4%B8%AD"] {
                let uri = with_params(&op.path, seg);
                let (ct, body) = if op.json_body {
                    (Some("application/json"), Some("{}".to_string()))
                } else {
                    (None, None)
                };
                check(
                    &app,
                    Call {
                        op,
                        uri,
                        token: Some(&staff.token),
                        content_type: ct,
                        body,
                    },
                )
                .await;
            }
        }
        for name in &op.query {
            for v in NASTY {
                let uri = format!("{absent}?{}", urlencode(&[(name, v)]));
                check(
                    &app,
                    Call {
                        op,
                        uri,
                        token: Some(&staff.token),
                        content_type: None,
                        body: None,
                    },
                )
                .await;
            }
        }
        if op.json_body {
            for (ct, body) in [
                (Some("application/json"), "{\"description\": "),
                (Some("application/json"), "[1, 2]"),
                (Some("application/json"), "{\"unknown_field\": 1}"),
                (Some("text/plain"), "{}"),
                (None, "{}"),
            ] {
                check(
                    &app,
                    Call {
                        op,
                        uri: absent.clone(),
                        token: Some(&staff.token),
                        content_type: ct,
                        body: Some(body.into()),
                    },
                )
                .await;
            }
            if let Some(schema) = &op.body_schema {
                let long = "长".repeat(5_000);
                for text in ["a\u{0}b", "\u{7}", " ", long.as_str(), "😀中文"] {
                    let body = body_of(&doc, schema, text);
                    check(
                        &app,
                        Call {
                            op,
                            uri: absent.clone(),
                            token: Some(&staff.token),
                            content_type: Some("application/json"),
                            body: Some(body),
                        },
                    )
                    .await;
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_query_values_never_break_the_lists() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let doc = serde_json::to_value(linli::app::openapi()).unwrap();
    let ops: Vec<Op> = operations(&doc)
        .into_iter()
        .filter(|o| o.method == Method::GET && !o.query.is_empty() && !o.path.contains('{'))
        .collect();
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    for op in &ops {
        let names = op.query.clone();
        let values = prop::collection::vec("\\PC{0,12}", names.len());
        runner
            .run(&values, |vals| {
                let pairs: Vec<(&str, &str)> = names
                    .iter()
                    .map(String::as_str)
                    .zip(vals.iter().map(String::as_str))
                    .collect();
                let uri = format!("{}?{}", op.path, urlencode(&pairs));
                let call = Call {
                    op,
                    uri,
                    token: Some(&staff.token),
                    content_type: None,
                    body: None,
                };
                tokio::task::block_in_place(|| {
                    tokio::runtime::Handle::current().block_on(check(&app, call))
                });
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", op.path));
    }
}
