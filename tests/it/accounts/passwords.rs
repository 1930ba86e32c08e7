//! The password policies as a person meets them: common passwords refused under both (in
//! the reader's language), and under 等保 (`password_policy = "dengbao"`) three kinds of
//! characters, a change at sign-in once 90 days have passed, and none of the last five.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use linli::auth::policy::PasswordPolicy;
use linli::config::Settings;
use serde_json::json;

use super::{HOME, login_from, outcome};
use crate::common::TestApp;
use crate::common::pages::{PageClient, PageResp};

const DEMO: &str = "linli-demo";

#[tokio::test]
async fn a_common_password_is_refused_whatever_its_case_in_the_readers_language() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    let staff = app.user_id("staff").await;
    let path = format!("/api/v1/accounts/{staff}/password");
    for pw in ["1qaz2wsx3edc", "WoAiNi1314520", "Password1234"] {
        let r = admin.post(&path, json!({ "password": pw })).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "password_common"),
            "{pw}"
        );
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("常见"),
            "{}",
            r.body
        );
    }
    let req = Request::post(&path)
        .header(header::AUTHORIZATION, format!("Bearer {}", admin.token))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "en")
        .body(Body::from(json!({"password": "qwerty123456"}).to_string()))
        .unwrap();
    let r = app.send_request(req).await;
    assert_eq!(r.code(), "password_common");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("most common"),
        "{}",
        r.body
    );
    // Nothing changed: the old password still signs in.
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff", DEMO).await),
        (200, "")
    );
    // Under the default policy, length is what counts: 12 characters.
    let r = admin.post(&path, json!({"password": "elevenchars"})).await;
    assert_eq!(r.code(), "password_too_short");
    let r = admin
        .post(&path, json!({"password": "all lower case words"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Submits the own password form as `c`.
async fn change(c: &mut PageClient<'_>, current: &str, new: &str) -> PageResp {
    c.submit(
        "/account/password",
        "/account/password",
        &[
            ("current_password", current),
            ("password", new),
            ("password2", new),
        ],
    )
    .await
}

#[tokio::test]
async fn under_dengbao_an_old_password_is_changed_at_sign_in_to_one_of_three_kinds_not_reused() {
    let app = TestApp::with_settings(Settings {
        password_policy: PasswordPolicy::Dengbao,
        session_hours: 60 * 24,
        ..Settings::default()
    })
    .await;
    // The demo's passwords were set 90 days ago: expired under this policy. The API gives
    // no token and says where to change it.
    let r = login_from(&app, HOME, "staff", DEMO).await;
    assert_eq!(outcome(&r), (403, "password_expired"));
    assert!(r.body["token"].is_null());

    // On the pages, every page sends to the change until it is done.
    let mut c = PageClient::login(&app, "staff").await;
    for path in ["/work", "/roster", "/account/totp"] {
        assert_eq!(
            c.get(path).await.location.as_deref(),
            Some("/account/password"),
            "{path}"
        );
    }
    assert!(
        c.page("/account/password")
            .await
            .html
            .contains("id=\"expired\"")
    );

    // Three kinds of eight characters at least; the current password must be right.
    let r = change(&mut c, DEMO, "alllowercase").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("至少三类"), "{}", r.html);
    let r = change(&mut c, DEMO, "Ab1!").await;
    assert!(r.html.contains("密码至少 8 位"), "{}", r.html);
    let r = change(&mut c, "not it", "Lower12x").await;
    assert!(r.html.contains("当前密码错误"), "{}", r.html);
    let r = change(&mut c, DEMO, "Lower12x").await;
    assert_eq!(
        r.location.as_deref(),
        Some("/account/password?done=password")
    );
    assert_eq!(c.page("/work").await.status, StatusCode::OK);
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff", "Lower12x").await),
        (200, "")
    );

    // None of the last five again: four more, then the first is still refused…
    let mut current = "Lower12x".to_string();
    for next in ["Upper34y", "Third56z", "Fourth78w", "Fifth90v"] {
        let r = change(&mut c, &current, next).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}: {}", r.html);
        current = next.to_string();
    }
    for old in ["Lower12x", "Third56z", "Fifth90v"] {
        let r = change(&mut c, &current, old).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{old}");
        assert!(r.html.contains("最近 5 次"), "{}", r.html);
    }
    // …and after a sixth it may come back.
    let r = change(&mut c, &current, "Sixth12u").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = change(&mut c, "Sixth12u", "Lower12x").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM password_history WHERE user_id = $1",
            app.user_id("staff").await
        )
        .await,
        5,
        "only the last five hashes are kept"
    );

    // It lasts 90 days from its change.
    app.advance_hours(89 * 24);
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff", "Lower12x").await),
        (200, "")
    );
    app.advance_hours(2 * 24);
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff", "Lower12x").await),
        (403, "password_expired")
    );
}
