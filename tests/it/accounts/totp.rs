//! The second factor as a person meets it: enrolling an authenticator app on the page (the
//! secret read off the page, codes computed from it by totp-rs as an app would), signing
//! in with its code on the API and on the login page, wrong codes counted toward the
//! lockout, no code accepted twice, recovery codes once each, turning it off, an admin's
//! reset, and a role that must enrol before anything else.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use linli::clock::Millis;
use linli::config::Settings;
use serde_json::json;

use super::{ELSEWHERE, HOME, audited, from, login_from, outcome};
use crate::common::pages::{PageClient, PageResp};
use crate::common::{Resp, TestApp};

const DEMO: &str = "linli-demo";

/// The code an authenticator app shows for `secret` at `at` (RFC 6238 defaults: SHA-1, six
/// digits, 30 s), computed by totp-rs apart from Linli.
pub fn app_code(secret: &str, at: Millis) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("a base32 secret");
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    totp.generate((at.0 / 1000) as u64).to_string()
}

/// Six digits that are no code of the secret around `at`.
fn wrong_code(secret: &str, at: Millis) -> String {
    let near: Vec<String> = [-30_000, 0, 30_000]
        .iter()
        .map(|d| app_code(secret, at + *d))
        .collect();
    (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|c| !near.contains(c))
        .unwrap()
}

/// What is between `start` and the next `end` after it, on the page.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {html}"))
        + start.len();
    let rest = &html[at..];
    &rest[..rest.find(end).unwrap()]
}

/// Enrols on `/account/totp` as the signed-in `c`: the secret as the page shows it, and the
/// recovery codes shown after the confirming code.
pub async fn enrol(app: &TestApp, c: &mut PageClient<'_>) -> (String, Vec<String>) {
    let page = c.page("/account/totp").await;
    let secret = between(&page.html, "<code id=\"secret\">", "</code>").to_string();
    let uri = between(&page.html, "<code id=\"otpauth\">", "</code>").replace("&amp;", "&");
    assert!(uri.starts_with("otpauth://totp/Linli:"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    assert!(
        page.html.contains("<svg"),
        "the QR code is drawn in the page"
    );
    let code = app_code(&secret, app.now());
    let done = c
        .post(
            "/account/totp",
            &[("code", code.as_str()), ("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    let shown = between(&done.html, "id=\"recovery-codes\"", "</section>");
    let codes: Vec<String> = shown
        .split("<code>")
        .skip(1)
        .map(|c| c[..c.find("</code>").unwrap()].to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{shown}");
    (secret, codes)
}

/// `POST /api/v1/login` from `addr` with a code.
pub async fn login_with(app: &TestApp, addr: &str, user: &str, pw: &str, code: &str) -> Resp {
    let req = Request::post("/api/v1/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": user, "password": pw, "totp": code}).to_string(),
        ))
        .unwrap();
    app.send_request(from(req, addr)).await
}

/// The login page's two steps: the password, then the code; the last answer.
async fn page_sign_in(c: &mut PageClient<'_>, user: &str, pw: &str, code: &str) -> PageResp {
    let form = c.get("/login").await;
    let r = c
        .post(
            "/login",
            &[
                ("username", user),
                ("password", pw),
                ("csrf", &form.csrf()),
                ("next", ""),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/login/code"), "{}", r.html);
    let step = c.get("/login/code").await;
    assert_eq!(step.status, StatusCode::OK);
    c.post(
        "/login/code",
        &[("code", code), ("csrf", &step.csrf()), ("next", "")],
    )
    .await
}

#[tokio::test]
async fn an_enrolled_account_signs_in_with_its_apps_code_once_and_its_recovery_codes_once() {
    let app = TestApp::new().await;
    let mut staff = PageClient::login(&app, "staff").await;
    let (secret, recovery) = enrol(&app, &mut staff).await;
    let id = app.user_id("staff").await;
    assert_eq!(
        audited(&app, "totp_enrol").await,
        vec![(Some(id), String::new())]
    );

    // The secret is sealed at rest: the raw column holds no base32 of it.
    let raw = {
        let mut c = app.state.db.conn().await.unwrap();
        linli::db::Q::new("SELECT secret FROM totp_secrets WHERE user_id = $1")
            .bind(id)
            .fetch_one::<(String,)>(&mut c)
            .await
            .unwrap()
            .0
    };
    assert!(raw.starts_with("enc1:"), "{raw}");
    assert!(!raw.contains(&secret));
    // The recovery codes are kept as hashes only.
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = $1 AND code_hash LIKE '%-%'",
            id
        )
        .await,
        0
    );

    // The password alone no longer signs in.
    let r = login_from(&app, HOME, "staff", DEMO).await;
    assert_eq!(outcome(&r), (401, "totp_required"));
    assert!(r.body["token"].is_null());
    // The code the app shows now was used to confirm the enrolment: not again.
    let now_code = app_code(&secret, app.now());
    let r = login_with(&app, HOME, "staff", DEMO, &now_code).await;
    assert_eq!(outcome(&r), (401, "totp_invalid"));
    // Thirty seconds on, the app's next code signs in; once.
    app.state.clock.advance(30_000);
    let code = app_code(&secret, app.now());
    let r = login_with(&app, HOME, "staff", DEMO, &code).await;
    assert_eq!(outcome(&r), (200, ""), "{}", r.body);
    assert_eq!(r.body["user"]["username"], "staff");
    let r = login_with(&app, HOME, "staff", DEMO, &code).await;
    assert_eq!(outcome(&r), (401, "totp_invalid"), "a code is not replayed");

    // A recovery code signs in once, typed as it was shown or not.
    let typed = recovery[3].to_uppercase().replace('-', " ");
    let r = login_with(&app, HOME, "staff", DEMO, &typed).await;
    assert_eq!(outcome(&r), (200, ""), "{}", r.body);
    let r = login_with(&app, HOME, "staff", DEMO, &recovery[3]).await;
    assert_eq!(outcome(&r), (401, "totp_invalid"));
    assert_eq!(
        audited(&app, "totp_recovery_used").await,
        vec![(Some(id), "left=9".to_string())]
    );
    // A wrong password is still a wrong password, code or not.
    app.state.clock.advance(30_000);
    let code = app_code(&secret, app.now());
    let r = login_with(&app, HOME, "staff", "guess", &code).await;
    assert_eq!(outcome(&r), (401, "bad_credentials"));

    // The login page asks for the code on a second step, before any session exists.
    let mut c = PageClient::new(&app);
    let r = page_sign_in(&mut c, "staff", DEMO, &wrong_code(&secret, app.now())).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.html.contains("动态码错误"), "{}", r.html);
    assert_eq!(c.get("/work").await.status, StatusCode::SEE_OTHER);
    let r = page_sign_in(&mut c, "staff", DEMO, &code).await;
    assert_eq!(
        (r.status, r.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/work"))
    );
    assert_eq!(c.page("/work").await.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_codes_count_toward_the_lockout_like_wrong_passwords() {
    let app = TestApp::with_settings(Settings::default()).await;
    let mut staff = PageClient::login(&app, "staff").await;
    let (secret, _) = enrol(&app, &mut staff).await;
    app.state.clock.advance(30_000);
    let id = app.user_id("staff").await;
    for i in 1..=5 {
        let wrong = wrong_code(&secret, app.now());
        let r = login_with(&app, ELSEWHERE, "staff", DEMO, &wrong).await;
        assert_eq!(outcome(&r), (401, "totp_invalid"));
        assert_eq!(
            app.scalar_with("SELECT failed_logins FROM users WHERE id = $1", id)
                .await,
            i
        );
    }
    let failed = audited(&app, "sign_in_failed").await;
    assert_eq!(failed.len(), 5);
    assert_eq!(failed[0].1, "address=198.51.100.66 reason=totp_invalid");
    // Locked for that address: the right password and code are refused there.
    let code = app_code(&secret, app.now());
    let r = login_with(&app, ELSEWHERE, "staff", DEMO, &code).await;
    assert_eq!(outcome(&r), (423, "account_locked"));
}

#[tokio::test]
async fn a_required_role_without_a_second_factor_is_sent_to_enrol_before_anything_else() {
    let app = TestApp::new().await;
    // The demo's street account, once off the demo password, must enrol (admin and street
    // by default).
    let admin = app.login("admin").await;
    let street = app.user_id("street").await;
    let pw = "a street passphrase";
    let r = admin
        .post(
            &format!("/api/v1/accounts/{street}/password"),
            json!({ "password": pw }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // The API gives no token, and says where to go.
    let r = login_from(&app, HOME, "street", pw).await;
    assert_eq!(outcome(&r), (403, "totp_enrolment_required"));
    assert!(r.body["token"].is_null());
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/account/totp")
    );

    // The pages: every page sends it to enrol, until it has.
    let mut c = PageClient::new(&app);
    let form = c.get("/login").await;
    let csrf = form.csrf();
    let fields = [("username", "street"), ("password", pw), ("csrf", &csrf)];
    let r = c.post("/login", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for path in ["/work", "/roster", "/dash", "/account/password"] {
        let r = c.get(path).await;
        assert_eq!(
            r.location.as_deref(),
            Some("/account/totp"),
            "{path} sends to enrol"
        );
    }
    let page = c.page("/account/totp").await;
    assert!(page.html.contains("id=\"required\""));
    let (secret, _) = enrol(&app, &mut c).await;
    assert_eq!(c.page("/work").await.status, StatusCode::OK);

    // Now the API signs it in with its code.
    app.state.clock.advance(30_000);
    let r = login_with(&app, HOME, "street", pw, &app_code(&secret, app.now())).await;
    assert_eq!(outcome(&r), (200, ""), "{}", r.body);

    // The admin sees it on, and resets it on the account's page (a lost phone): audited,
    // and it must enrol again.
    let mut admin_pages = PageClient::login(&app, "admin").await;
    let page = format!("/admin/accounts/{street}");
    assert!(
        admin_pages
            .page(&page)
            .await
            .html
            .contains("<p id=\"totp\">已开启")
    );
    let r = admin_pages
        .submit(&page, &format!("{page}/totp/reset"), &[])
        .await;
    assert_eq!(r.location, Some(format!("{page}?done=totp_reset")));
    assert!(
        admin_pages
            .page(&page)
            .await
            .html
            .contains("<p id=\"totp\">未开启")
    );
    let admin_id = app.user_id("admin").await;
    assert_eq!(
        audited(&app, "totp_reset").await,
        vec![(Some(admin_id), "had=yes".to_string())]
    );
    // The API answers the account, now without it.
    let r = admin
        .delete(&format!("/api/v1/accounts/{street}/totp"))
        .await;
    assert_eq!(
        (r.status, &r.body["totp_enabled"]),
        (StatusCode::OK, &json!(false))
    );
    let r = login_from(&app, HOME, "street", pw).await;
    assert_eq!(outcome(&r), (403, "totp_enrolment_required"));
    assert_eq!(
        c.get("/work").await.location.as_deref(),
        Some("/account/totp")
    );
    // Other roles are not asked; the demo accounts are spared while on the demo password.
    assert_eq!(
        outcome(&login_from(&app, HOME, "staff", DEMO).await),
        (200, "")
    );
    assert_eq!(
        outcome(&login_from(&app, HOME, "admin", DEMO).await),
        (200, "")
    );
}

#[tokio::test]
async fn its_owner_turns_it_off_with_a_code_and_a_wrong_one_changes_nothing() {
    let app = TestApp::new().await;
    let mut c = PageClient::login(&app, "secretary").await;
    let (secret, _) = enrol(&app, &mut c).await;
    let page = c.page("/account/totp").await;
    assert!(page.html.contains("id=\"totp-status\""));
    let wrong = wrong_code(&secret, app.now());
    let r = c
        .post(
            "/account/totp/disable",
            &[("code", wrong.as_str()), ("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("动态码不正确"), "{}", r.html);
    assert_eq!(
        outcome(&login_from(&app, HOME, "secretary", DEMO).await),
        (401, "totp_required")
    );
    app.state.clock.advance(30_000);
    let code = app_code(&secret, app.now());
    let r = c
        .post(
            "/account/totp/disable",
            &[("code", code.as_str()), ("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/account/totp?done=disabled"));
    let id = app.user_id("secretary").await;
    assert_eq!(
        audited(&app, "totp_disable").await,
        vec![(Some(id), "with=code".to_string())]
    );
    assert_eq!(
        outcome(&login_from(&app, HOME, "secretary", DEMO).await),
        (200, "")
    );
}
