//! API tokens: every one expires; its owner (or an admin) lists and revokes them, by the
//! command line and by the API, and never sees a token again after it was issued.

use std::process::Command;

use axum::http::Method;
use serde_json::Value;

use crate::common::TestApp;

/// Runs `linli admin <args> --database <the app's>`: (success, stdout, stderr).
fn admin(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let url = app.state.settings.database.expose().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_linli"))
        .env_remove("LINLI_CONFIG")
        .env("LINLI_LOG", "warn")
        .env("LINLI_KEY_FILE", crate::common::key_file())
        .arg("admin")
        .args(args)
        .args(["--database", &url])
        .output()
        .expect("run linli");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Issues an API token for `username`; gives the token.
fn issue(app: &TestApp, username: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "issue-token",
        "--username",
        username,
        "--label",
        "12345 bridge",
    ];
    args.extend_from_slice(extra);
    let (ok, out, err) = admin(app, &args);
    assert!(ok, "{err}");
    out.trim().to_string()
}

async fn me(app: &TestApp, token: &str) -> u16 {
    app.send(Method::GET, "/api/v1/me", Some(token), None)
        .await
        .status
        .as_u16()
}

#[tokio::test]
async fn a_token_issued_without_days_expires_after_api_token_days() {
    let app = TestApp::new().await;
    let default = issue(&app, "grid01", &[]);
    let year = issue(&app, "grid01", &["--days", "365"]);
    assert_eq!(
        (me(&app, &default).await, me(&app, &year).await),
        (200, 200)
    );
    app.advance_hours(89 * 24);
    assert_eq!(me(&app, &default).await, 200);
    app.advance_hours(2 * 24);
    assert_eq!(me(&app, &default).await, 401, "90 days by default");
    assert_eq!(me(&app, &year).await, 200);

    let (ok, _, err) = admin(
        &app,
        &["issue-token", "--username", "grid01", "--days", "0"],
    );
    assert!(!ok && err.contains("between 1 and 3650"), "{err}");
}

#[tokio::test]
async fn the_command_line_lists_and_revokes_tokens_without_showing_them() {
    let app = TestApp::new().await;
    let token = issue(&app, "grid01", &[]);
    app.login("grid01").await;
    let (ok, out, err) = admin(&app, &["list-tokens", "--username", "grid01"]);
    assert!(ok, "{err}");
    assert!(!out.contains(&token) && !out.contains(&linli::auth::tokens::digest(&token)));
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{out}");
    // Newest first: the API session, then the API token with its label.
    assert!(
        rows[0].contains("session") && rows[0].contains("login"),
        "{out}"
    );
    assert!(
        rows[1].contains("api") && rows[1].contains("12345 bridge"),
        "{out}"
    );
    let id = rows[1].split_whitespace().next().unwrap().to_string();

    let (ok, out, err) = admin(&app, &["revoke-token", "--id", &id]);
    assert!(ok && out.contains("revoked"), "{err}");
    assert_eq!(me(&app, &token).await, 401);
    let (ok, _, err) = admin(&app, &["revoke-token", "--id", &id]);
    assert!(!ok && err.contains("no live token"), "{err}");
    let (_, out, _) = admin(&app, &["list-tokens", "--username", "grid01"]);
    assert_eq!(out.lines().count(), 2, "only the session is left: {out}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'revoke_token'")
            .await,
        1
    );
}

/// The ids of a token list.
fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn people_list_and_revoke_their_own_tokens_and_an_admin_anyones() {
    let app = TestApp::new().await;
    let bridge = issue(&app, "grid01", &[]);
    let grid01 = app.login("grid01").await;
    let staff = app.login("staff").await;

    let mine = grid01.fetch("/api/v1/tokens").await;
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{mine}");
    assert_eq!(
        (items[0]["kind"].as_str(), items[1]["kind"].as_str()),
        (Some("session"), Some("api"))
    );
    let api = &items[1];
    assert_eq!(api["label"], "12345 bridge");
    for field in ["created_at", "expires_at", "last_seen_at"] {
        assert!(
            api[field].as_str().is_some_and(|t| t.len() >= 20),
            "{field}: {api}"
        );
    }
    let text = mine.to_string();
    assert!(!text.contains(&bridge) && !text.contains(&grid01.token));
    assert!(!text.contains(&linli::auth::tokens::digest(&bridge)));
    assert!(api.get("token").is_none() && api.get("token_hash").is_none());

    // Last seen moves when the token is used.
    let seen = api["last_seen_at"].as_str().unwrap().to_string();
    app.advance_hours(2);
    assert_eq!(me(&app, &bridge).await, 200);
    let again = grid01.fetch("/api/v1/tokens").await;
    assert_ne!(again["items"][1]["last_seen_at"].as_str().unwrap(), seen);

    // Someone else's tokens are not theirs to see or end.
    let staff_id = app.user_id("staff").await;
    let r = grid01
        .get(&format!("/api/v1/tokens?user_id={staff_id}"))
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (403, "forbidden"));
    let staff_session = ids(&staff.fetch("/api/v1/tokens").await)[0];
    let r = grid01
        .delete(&format!("/api/v1/tokens/{staff_session}"))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(me(&app, &staff.token).await, 200);

    // Their own they revoke: it stops at once, the others keep working.
    let api_id = api["id"].as_i64().unwrap();
    assert_eq!(
        grid01
            .delete(&format!("/api/v1/tokens/{api_id}"))
            .await
            .status,
        204
    );
    assert_eq!(me(&app, &bridge).await, 401);
    assert_eq!(me(&app, &grid01.token).await, 200);
    assert_eq!(ids(&grid01.fetch("/api/v1/tokens").await).len(), 1);
    assert_eq!(
        grid01
            .delete(&format!("/api/v1/tokens/{api_id}"))
            .await
            .status,
        404
    );

    // An admin sees and ends anyone's.
    let admin = app.login("admin").await;
    let grid01_id = app.user_id("grid01").await;
    let theirs = admin
        .fetch(&format!("/api/v1/tokens?user_id={grid01_id}"))
        .await;
    let session = ids(&theirs)[0];
    assert_eq!(
        admin
            .delete(&format!("/api/v1/tokens/{session}"))
            .await
            .status,
        204
    );
    assert_eq!(me(&app, &grid01.token).await, 401);
    let r = admin.get("/api/v1/tokens?user_id=999999").await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "unknown_user"));
}

#[tokio::test]
async fn token_lists_come_in_pages() {
    let app = TestApp::new().await;
    let grid01 = app.login("grid01").await;
    for _ in 0..4 {
        app.login("grid01").await;
    }
    let first = grid01.fetch("/api/v1/tokens?limit=2").await;
    let cursor = first["next_cursor"].as_i64().unwrap();
    let second = grid01
        .fetch(&format!("/api/v1/tokens?limit=2&cursor={cursor}"))
        .await;
    let third = grid01
        .fetch(&format!(
            "/api/v1/tokens?limit=2&cursor={}",
            second["next_cursor"].as_i64().unwrap()
        ))
        .await;
    let mut all = [ids(&first), ids(&second), ids(&third)].concat();
    assert_eq!(all.len(), 5);
    assert!(third["next_cursor"].is_null());
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first: {all:?}");
    all.dedup();
    assert_eq!(all.len(), 5);
    let r = grid01.get("/api/v1/tokens?limit=0").await;
    assert_eq!((r.status.as_u16(), r.code()), (400, "invalid_query"));
}
