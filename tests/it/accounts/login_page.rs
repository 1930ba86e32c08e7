//! The login page signs in through the same door as the API: the same counts, the same
//! locks, the same known addresses.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use linli::config::Settings;
use tower::ServiceExt;

use super::{ELSEWHERE, HOME, from, login_from, outcome};
use crate::common::TestApp;
use crate::common::pages::urlencode;

const DEMO: &str = "linli-demo";

/// What the login form answers: status, where it sends on, the page.
struct Answer {
    status: StatusCode,
    location: Option<String>,
    html: String,
}

/// Opens the login page and submits it from `addr`.
async fn page_login_from(app: &TestApp, addr: &str, username: &str, password: &str) -> Answer {
    let form = app
        .router
        .clone()
        .oneshot(Request::get("/login").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let pre = form
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("linli_pre="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let fields = [
        ("username", username),
        ("password", password),
        ("csrf", pre.as_str()),
        ("next", ""),
    ];
    let req = Request::post("/login")
        .header(header::COOKIE, format!("linli_pre={pre}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(urlencode(&fields)))
        .unwrap();
    let res = app.router.clone().oneshot(from(req, addr)).await.unwrap();
    let status = res.status();
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        location,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

#[tokio::test]
async fn the_login_page_and_the_api_share_the_locks_and_the_known_addresses() {
    let settings = Settings {
        lockout_failures: 2,
        address_lockout_failures: 3,
        ..Settings::default()
    };
    let app = TestApp::with_settings(settings).await;
    // The owner signs in on the page at home: the address is known to the account.
    let r = page_login_from(&app, HOME, "staff02", DEMO).await;
    assert_eq!(
        (r.status, r.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/work"))
    );

    // Two wrong passwords through the API elsewhere lock the account there…
    for _ in 0..2 {
        login_from(&app, ELSEWHERE, "staff02", "guess").await;
    }
    // …for the page too, with the reason in the page's language (Chinese by default).
    let r = page_login_from(&app, ELSEWHERE, "staff02", DEMO).await;
    assert_eq!(r.status, StatusCode::LOCKED);
    assert!(r.html.contains("锁定"), "{}", r.html);
    // At home, the page still signs the owner in.
    let r = page_login_from(&app, HOME, "staff02", DEMO).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);

    // The page's refusal was the address's third failure: it is locked for the API too.
    let r = login_from(&app, ELSEWHERE, "staff", DEMO).await;
    assert_eq!(outcome(&r), (429, "address_locked"));
    let r = page_login_from(&app, ELSEWHERE, "staff", DEMO).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_username_with_a_nul_or_a_control_character_is_nobodys() {
    let app = TestApp::new().await;
    for name in ["sta\u{0}ff", "staff\u{7}", "\u{0}"] {
        let a = page_login_from(&app, HOME, name, DEMO).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{name:?}: {}", a.html);
        assert!(a.location.is_none());
    }
}
