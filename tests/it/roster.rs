//! C1 · the roster: the tree, residents and their privacy, scope, the history of every
//! write, and the pages beside the API.

mod access;
mod agree;
mod history;
mod input;
mod sensitive;
mod tree;

use axum::http::StatusCode;
use linli::roster::ids::check_digit;
use serde_json::Value;

use crate::common::{Resp, TestApp};

/// A valid ID number: region 130104 (Qiaoxi, Shijiazhuang), the birth date, a serial.
fn id_number(birth: &str, serial: &str) -> String {
    let first17 = format!("130104{birth}{serial}");
    format!("{first17}{}", check_digit(&first17))
}

/// The same number with a wrong check digit.
fn wrong_check_digit(n: &str) -> String {
    let last = if n.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &n[..17])
}

async fn yucheng(app: &TestApp) -> i64 {
    app.scalar("SELECT id FROM communities WHERE name = '裕城社区'")
        .await
}

async fn count(app: &TestApp, table: &'static str) -> i64 {
    let sql: &'static str = match table {
        "residents" => "SELECT COUNT(*) FROM residents",
        "households" => "SELECT COUNT(*) FROM households",
        "buildings" => "SELECT COUNT(*) FROM buildings",
        _ => "SELECT COUNT(*) FROM resident_tags",
    };
    app.scalar(sql).await
}

fn assert_status(r: &Resp, status: StatusCode, what: &str) {
    assert_eq!(r.status, status, "{what}: {}", r.body);
}

fn assert_invalid(r: &Resp, field: &str, code: &str) {
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{field}: {}",
        r.body
    );
    assert_eq!(r.code(), code, "{}", r.body);
    assert_eq!(r.body["error"]["field"], field, "{}", r.body);
    // The message comes from the catalogue, not the bare key.
    let message = r.body["error"]["message"].as_str().unwrap_or("");
    assert!(
        !message.is_empty() && !message.starts_with("roster."),
        "{}",
        r.body
    );
}

/// Whole views of a resident's personal information by one user, in the audit log.
async fn pii_views(app: &TestApp, resident: i64, user: i64) -> i64 {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'view_pii' AND object_kind = 'resident' \
         AND object_id = $1 AND user_id = $2",
    )
    .bind(resident)
    .bind(user)
    .fetch_one::<(i64,)>(&mut c)
    .await
    .unwrap()
    .0
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().expect("an id")
}

#[test]
fn every_roster_endpoint_is_documented_with_its_security() {
    let doc = serde_json::to_value(linli::app::openapi()).unwrap();
    let plurals = [
        "streets",
        "communities",
        "compounds",
        "buildings",
        "households",
        "residents",
        "grids",
        "party-branches",
        "units",
        "teams",
    ];
    for p in plurals {
        let list = &doc["paths"][format!("/api/v1/{p}")];
        let one = &doc["paths"][format!("/api/v1/{p}/{{id}}")];
        for op in [
            &list["get"],
            &list["post"],
            &one["get"],
            &one["patch"],
            &one["delete"],
        ] {
            assert_eq!(op["tags"][0], "roster", "{p}: {op}");
            assert!(op["security"][0].get("bearer").is_some(), "{p}: {op}");
        }
    }
    assert!(
        doc["paths"]["/api/v1/grids/{id}/buildings"]
            .get("put")
            .is_some()
    );
    assert!(
        doc["paths"]["/api/v1/teams/{id}/members"]
            .get("put")
            .is_some()
    );
    let schemas = &doc["components"]["schemas"];
    let page = &schemas["Page_Resident"];
    assert!(
        page["properties"]["items"]["items"]["properties"]
            .get("pii")
            .is_some(),
        "{page}"
    );
    assert!(page["properties"].get("next_cursor").is_some(), "{page}");
    assert!(schemas["Resident"]["properties"].get("pii").is_some());
}
