//! The login page tells people on a plain-HTTP address, where their browser refuses the
//! `Secure` sign-in cookie, why signing in does not hold and what to do: up front, when
//! the form's own cookie does not come back, and when a sign-in that went through comes
//! back without its session.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use linli::config::Settings;
use tower::ServiceExt;

use crate::common::TestApp;
use crate::common::pages::urlencode;

/// Words of each explanation, in Chinese and English.
const UP_FRONT: &str = "登录不会保持";
const UP_FRONT_EN: &str = "signing in here will not hold";
const REFUSED: &str = "浏览器拒收了只能经 HTTPS 传送的登录凭据";
const DROPPED: &str = "刚才的登录已经通过，但浏览器没有保存登录凭据";
const DROPPED_EN: &str = "Your sign-in went through, but your browser did not keep";
/// The generic message of a form whose token did not match.
const EXPIRED: &str = "这个表单已过期";

/// Status, `Set-Cookie` lines, where it sends on, and the page.
struct Answer {
    status: StatusCode,
    cookies: Vec<String>,
    location: Option<String>,
    html: String,
}

async fn send(app: &TestApp, req: Request<Body>) -> Answer {
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        cookies,
        location,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The login page, opened with these headers.
async fn login_page(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    send(app, req.body(Body::empty()).unwrap()).await
}

fn login_post(headers: &[(&str, &str)], csrf: &str) -> Request<Body> {
    let mut req =
        Request::post("/login").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::from(urlencode(&[
        ("username", "staff"),
        ("password", "linli-demo"),
        ("csrf", csrf),
        ("next", ""),
    ])))
    .unwrap()
}

#[tokio::test]
async fn the_login_page_says_up_front_that_a_plain_http_lan_address_cannot_hold_a_sign_in() {
    let app = TestApp::new().await;
    let lan = [("host", "192.168.1.5:8080")];
    let page = login_page(&app, "/login", &lan).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains(UP_FRONT), "{}", page.html);
    assert!(
        page.html.contains("https://"),
        "it says which address to open"
    );
    let en = login_page(&app, "/login?lang=en", &lan).await;
    assert!(en.html.contains(UP_FRONT_EN), "{}", en.html);
    let en = login_page(&app, "/login", &[lan[0], ("cookie", "lang=en")]).await;
    assert!(en.html.contains(UP_FRONT_EN), "the language chosen is kept");

    // Where the browser keeps the cookie, nothing is said.
    for headers in [
        &[("host", "localhost:8080")][..],
        &[("host", "127.0.0.1:8080")][..],
        &[("host", "office-pc:8080"), ("x-forwarded-proto", "https")][..],
    ] {
        let page = login_page(&app, "/login", headers).await;
        assert!(!page.html.contains(UP_FRONT), "{headers:?}");
    }
    for settings in [
        Settings {
            secure_cookies: false,
            ..Settings::default()
        },
        Settings {
            tls_self_signed: true,
            ..Settings::default()
        },
    ] {
        let app = TestApp::with_settings(settings).await;
        let page = login_page(&app, "/login", &lan).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.html.contains(UP_FRONT));
    }
}

#[tokio::test]
async fn a_form_whose_cookie_the_browser_refused_is_explained_not_called_expired() {
    let app = TestApp::new().await;
    // The browser on http://192.168.1.5 refused the form's Secure cookie: it posts the
    // token from the page without it.
    let page = login_page(&app, "/login", &[("host", "192.168.1.5:8080")]).await;
    let token = page.html.split("name=\"csrf\" value=\"").nth(1).unwrap();
    let token = &token[..token.find('"').unwrap()];
    let lan = [
        ("host", "192.168.1.5:8080"),
        ("origin", "http://192.168.1.5:8080"),
    ];
    let r = send(&app, login_post(&lan, token)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.html.contains(REFUSED), "{}", r.html);
    assert!(!r.html.contains(EXPIRED));
    assert!(r.location.is_none(), "not signed in");

    // Over HTTPS (a proxy) a missing cookie is an expired form, as before.
    let https = [("host", "office-pc"), ("origin", "https://office-pc")];
    let r = send(&app, login_post(&https, token)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.html.contains(EXPIRED), "{}", r.html);
    assert!(!r.html.contains(REFUSED));
}

#[tokio::test]
async fn a_sign_in_whose_session_cookie_did_not_come_back_lands_on_the_reason() {
    let app = TestApp::new().await;
    let page = login_page(&app, "/login", &[]).await;
    let pre = page
        .cookies
        .iter()
        .find_map(|c| c.strip_prefix("linli_pre="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let signed_in = send(
        &app,
        login_post(&[("cookie", &format!("linli_pre={pre}"))], &pre),
    )
    .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.html
    );
    let to = signed_in.location.clone().unwrap();
    let session = signed_in
        .cookies
        .iter()
        .find(|c| c.starts_with("linli_session="))
        .unwrap();
    assert!(session.contains("; Secure"));
    // Beside it, a hint that is not Secure: a browser on plain HTTP keeps it.
    let hint = signed_in
        .cookies
        .iter()
        .find(|c| c.starts_with("linli_signed_in="))
        .expect("the hint of a sign-in");
    assert!(!hint.contains("Secure"), "{hint}");
    assert!(!hint.contains("linli_session"), "it holds nothing secret");
    let hint = hint.split(';').next().unwrap();

    // The browser kept the hint and dropped the Secure session cookie: its next page sends
    // it to the login page, which says why.
    let landed = login_page(&app, &to, &[("cookie", hint)]).await;
    assert_eq!(landed.status, StatusCode::SEE_OTHER);
    let login = landed.location.unwrap();
    assert!(login.starts_with("/login"), "{login}");
    let page = login_page(&app, &login, &[("cookie", hint)]).await;
    assert!(page.html.contains(DROPPED), "{}", page.html);
    let en = login_page(&app, "/login?lang=en", &[("cookie", hint)]).await;
    assert!(en.html.contains(DROPPED_EN), "{}", en.html);

    // A browser that kept its session is told nothing, and never was without the hint.
    let session = session.split(';').next().unwrap();
    let both = format!("{hint}; {session}");
    let page = login_page(&app, "/login", &[("cookie", &both)]).await;
    assert!(!page.html.contains(DROPPED));
    let work = login_page(&app, &to, &[("cookie", &both)]).await;
    assert_eq!(work.status, StatusCode::OK);
    let page = login_page(&app, "/login", &[]).await;
    assert!(!page.html.contains(DROPPED));

    // Signed in over HTTPS, there is no hint to leave.
    let https = TestApp::with_settings(Settings {
        tls_self_signed: true,
        ..Settings::default()
    })
    .await;
    let page = login_page(&https, "/login", &[]).await;
    let pre = page
        .cookies
        .iter()
        .find_map(|c| c.strip_prefix("linli_pre="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_string();
    let r = send(
        &https,
        login_post(&[("cookie", &format!("linli_pre={pre}"))], &pre),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!r.cookies.iter().any(|c| c.starts_with("linli_signed_in=")));
}
