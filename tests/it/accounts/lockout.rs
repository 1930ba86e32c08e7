//! The lockout: failing on purpose locks out the one failing, not the account's owner.

use axum::body::Body;
use axum::http::{Request, header};
use linli::config::Settings;
use serde_json::json;

use super::{CAFE, ELSEWHERE, HOME, audited, from, login_from, outcome};
use crate::common::TestApp;

const DEMO: &str = "linli-demo";

#[tokio::test]
async fn failing_on_purpose_elsewhere_does_not_lock_the_owner_out() {
    let app = TestApp::with_settings(Settings::default()).await;
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff02", DEMO).await),
        (200, "")
    );

    // Someone elsewhere tries five wrong passwords: the account is locked for them.
    for _ in 0..5 {
        let r = login_from(&app, ELSEWHERE, "staff02", "guess").await;
        assert_eq!(outcome(&r), (401, "bad_credentials"));
    }
    let r = login_from(&app, ELSEWHERE, "staff02", DEMO).await;
    assert_eq!(outcome(&r), (423, "account_locked"));
    assert!(r.body["error"]["message"].as_str().unwrap().contains("15"));
    // And for any address the account has not signed in from.
    let r = login_from(&app, CAFE, "staff02", DEMO).await;
    assert_eq!(outcome(&r), (423, "account_locked"));

    // Its owner, from where they signed in before, still signs in; the lock stays for
    // the others.
    let r = login_from(&app, HOME, "staff02", DEMO).await;
    assert_eq!(outcome(&r), (200, ""));
    assert_eq!(r.body["user"]["username"], "staff02");
    let r = login_from(&app, ELSEWHERE, "staff02", DEMO).await;
    assert_eq!(outcome(&r), (423, "account_locked"));

    // Every sign-in and every failure is in the audit log, with its address.
    let staff02 = app.user_id("staff02").await;
    let home = "address=203.0.113.10".to_string();
    assert_eq!(
        audited(&app, "sign_in").await,
        vec![(Some(staff02), home.clone()), (Some(staff02), home)]
    );
    let failed = audited(&app, "sign_in_failed").await;
    assert_eq!(failed.len(), 5 + 3, "{failed:?}");
    assert!(failed.iter().all(|(u, _)| *u == Some(staff02)));
    assert_eq!(failed[0].1, "address=198.51.100.66 reason=bad_credentials");
    assert_eq!(failed[5].1, "address=198.51.100.66 reason=account_locked");
    assert_eq!(failed[6].1, "address=192.0.2.33 reason=account_locked");
}

#[tokio::test]
async fn an_address_is_known_for_a_while_only() {
    let settings = Settings {
        known_address_days: 30,
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff02", DEMO).await),
        (200, "")
    );
    // 29 days later the address is still known: the owner signs in through a lock.
    app.advance_hours(29 * 24);
    for _ in 0..5 {
        login_from(&app, ELSEWHERE, "staff02", "guess").await;
    }
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff02", DEMO).await),
        (200, "")
    );
    // 31 days after that last sign-in it is forgotten.
    app.advance_hours(31 * 24);
    for _ in 0..5 {
        login_from(&app, ELSEWHERE, "staff02", "guess").await;
    }
    let r = login_from(&app, HOME, "staff02", DEMO).await;
    assert_eq!(outcome(&r), (423, "account_locked"));
}

#[tokio::test]
async fn an_address_that_fails_too_often_may_not_try_any_password() {
    let settings = Settings {
        address_lockout_failures: 3,
        address_window_minutes: 15,
        address_lockout_minutes: 30,
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    // Three failures from one address, on three accounts (none of them locks) — an
    // unknown username counts too.
    for who in ["nobody", "grid01", "grid02"] {
        let r = login_from(&app, ELSEWHERE, who, "guess").await;
        assert_eq!(outcome(&r), (401, "bad_credentials"));
    }
    // Now even the right password is refused from there, before it is checked.
    let r = login_from(&app, ELSEWHERE, "staff", DEMO).await;
    assert_eq!(outcome(&r), (429, "address_locked"));
    assert!(r.body["error"]["message"].as_str().unwrap().contains("30"));
    let failures_before = audited(&app, "sign_in_failed").await.len();
    for _ in 0..10 {
        let r = login_from(&app, ELSEWHERE, "staff", "guess").await;
        assert_eq!(outcome(&r), (429, "address_locked"));
    }
    // Refused without a check: nothing was counted against the account, nor written.
    assert_eq!(audited(&app, "sign_in_failed").await.len(), failures_before);
    assert_eq!(
        app.scalar("SELECT failed_logins FROM users WHERE username = 'staff'")
            .await,
        0
    );
    // Other addresses are not concerned.
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff", DEMO).await),
        (200, "")
    );
    // The lock ends.
    app.advance_hours(1);
    assert_eq!(
        outcome(&login_from(&app, ELSEWHERE, "staff", DEMO).await),
        (200, "")
    );
}

#[tokio::test]
async fn failures_are_counted_per_window() {
    let settings = Settings {
        address_lockout_failures: 3,
        address_window_minutes: 15,
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    for _ in 0..2 {
        login_from(&app, ELSEWHERE, "nobody", "guess").await;
    }
    // Two failures, then a window later two more: never three in one window.
    app.advance_hours(1);
    for _ in 0..2 {
        let r = login_from(&app, ELSEWHERE, "nobody", "guess").await;
        assert_eq!(outcome(&r), (401, "bad_credentials"));
    }
    assert_eq!(
        outcome(&login_from(&app, ELSEWHERE, "staff", DEMO).await),
        (200, "")
    );
    // A third in this window locks.
    login_from(&app, ELSEWHERE, "nobody", "guess").await;
    let r = login_from(&app, ELSEWHERE, "staff", DEMO).await;
    assert_eq!(outcome(&r), (429, "address_locked"));
}

/// A sign-in from `peer` saying it forwards for `forwarded`: the address it is audited at.
async fn audited_address(app: &TestApp, peer: &str, forwarded: &str) -> String {
    let req = Request::post("/api/v1/login")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", forwarded)
        .body(Body::from(
            json!({"username": "staff", "password": DEMO}).to_string(),
        ))
        .unwrap();
    let r = app.send_request(from(req, peer)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    audited(app, "sign_in").await.pop().unwrap().1
}

#[tokio::test]
async fn x_forwarded_for_is_believed_from_trusted_proxies_only() {
    let settings = Settings {
        trusted_proxies: vec!["10.0.0.0/24".parse().unwrap()],
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    assert_eq!(
        audited_address(&app, "10.0.0.5:3000", "203.0.113.77").await,
        "address=203.0.113.77"
    );
    // What a client writes itself is to the left of what the proxy saw.
    assert_eq!(
        audited_address(&app, "10.0.0.5:3000", "6.6.6.6, 203.0.113.78").await,
        "address=203.0.113.78"
    );
    // From anyone else the header is ignored, so it cannot dodge the address limit.
    assert_eq!(
        audited_address(&app, "198.51.100.9:3000", "203.0.113.77").await,
        "address=198.51.100.9"
    );

    // By default no proxy is trusted.
    let app = TestApp::with_settings(Settings::default()).await;
    assert_eq!(
        audited_address(&app, "10.0.0.5:3000", "203.0.113.77").await,
        "address=10.0.0.5"
    );
}

#[tokio::test]
async fn a_running_server_knows_the_address_of_each_connection() {
    let app = TestApp::new().await;
    let url = app.state.settings.database.expose().to_string();
    let (child, base) = crate::common::spawn_serve(&url, &[("LINLI_JOBS", "false")]);
    let body = json!({"username": "staff", "password": DEMO});
    let (status, _) = tokio::task::spawn_blocking(move || {
        crate::common::http(&base, "POST", "/api/v1/login", None, Some(&body))
    })
    .await
    .unwrap();
    crate::common::stop_serve(child);
    assert_eq!(status, 200);
    let (user, detail) = audited(&app, "sign_in").await.pop().unwrap();
    assert_eq!(
        (user, detail.as_str()),
        (Some(app.user_id("staff").await), "address=127.0.0.1")
    );
}
