//! Every response carries the security headers (`web::headers`), whoever answered it: a
//! page, the API, a static file, an attachment, an error, the fallback, a panic. And the
//! pages hold nothing their Content-Security-Policy would block.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use linli::config::Settings;
use tower::ServiceExt;

use crate::common::pages::PageClient;
use crate::common::{TestApp, record};
use crate::page_access::{LOGINS, concrete};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
                   img-src 'self' data: blob:; object-src 'none'; base-uri 'self'; \
                   form-action 'self'; frame-ancestors 'none'";

/// Status and headers of one request through the router.
async fn head(app: &TestApp, req: Request<Body>) -> (StatusCode, HeaderMap) {
    let res = app.router.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let _ = res.into_body().collect().await.unwrap();
    (status, headers)
}

fn get(path: &str) -> axum::http::request::Builder {
    Request::get(path)
}

/// Asserts every security header on a response; `what` names it in a failure.
fn assert_secured(what: &str, h: &HeaderMap) {
    let value = |name: &str| {
        h.get(name)
            .unwrap_or_else(|| panic!("{what}: no {name} in {h:?}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(value("content-security-policy"), CSP, "{what}");
    assert_eq!(value("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(value("referrer-policy"), "same-origin", "{what}");
    assert_eq!(value("x-frame-options"), "DENY", "{what}");
    assert_eq!(value("cross-origin-opener-policy"), "same-origin", "{what}");
    let permissions = value("permissions-policy");
    for off in [
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
    ] {
        assert!(permissions.contains(off), "{what}: {off} in {permissions}");
    }
    // Each once: a handler's own header is kept, not doubled.
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
    ] {
        assert_eq!(h.get_all(name).iter().count(), 1, "{what}: one {name}");
    }
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers_and_no_hsts_by_default() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let pages = PageClient::login(&app, "staff").await;
    let cookie = pages.cookie_header();
    let id = record(&staff, app.household_in_grid(1).await, "water", "漏水").await;
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let up = Request::post(format!(
        "/api/v1/demands/{id}/attachments?file_name=%E6%BC%8F%E6%B0%B4.png"
    ))
    .header(header::AUTHORIZATION, format!("Bearer {}", staff.token))
    .header(header::CONTENT_TYPE, "image/png")
    .body(Body::from(png))
    .unwrap();
    let r = app.send_request(up).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let file = r.body["id"].as_i64().unwrap();
    let bearer = format!("Bearer {}", staff.token);

    let cases: Vec<(&str, Request<Body>, StatusCode)> = vec![
        (
            "a page",
            get("/work").header(header::COOKIE, &cookie),
            StatusCode::OK,
        ),
        (
            "a demand's page",
            get(&format!("/work/demands/{id}")).header(header::COOKIE, &cookie),
            StatusCode::OK,
        ),
        ("the login page", get("/login"), StatusCode::OK),
        ("a redirect", get("/"), StatusCode::SEE_OTHER),
        (
            "a page without a session",
            get("/work"),
            StatusCode::SEE_OTHER,
        ),
        (
            "an API answer",
            get("/api/v1/demands").header(header::AUTHORIZATION, &bearer),
            StatusCode::OK,
        ),
        ("the API document", get("/api/openapi.json"), StatusCode::OK),
        ("the health check", get("/healthz"), StatusCode::OK),
        (
            "an API refusal",
            get("/api/v1/demands"),
            StatusCode::UNAUTHORIZED,
        ),
        ("the script", get("/static/app.js"), StatusCode::OK),
        ("the stylesheet", get("/static/app.css"), StatusCode::OK),
        (
            "the 404 page",
            get("/nowhere").header(header::ACCEPT, "text/html"),
            StatusCode::NOT_FOUND,
        ),
        (
            "the API's 404",
            get("/api/v1/nowhere"),
            StatusCode::NOT_FOUND,
        ),
        (
            "a page out of scope",
            get("/work/demands/999999").header(header::COOKIE, &cookie),
            StatusCode::NOT_FOUND,
        ),
        (
            "a wrong method",
            get("/logout").method(Method::DELETE),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "an attachment from the API",
            get(&format!("/api/v1/attachments/{file}")).header(header::AUTHORIZATION, &bearer),
            StatusCode::OK,
        ),
        (
            "an attachment from a page",
            get(&format!("/work/attachments/{file}")).header(header::COOKIE, &cookie),
            StatusCode::OK,
        ),
    ]
    .into_iter()
    .map(|(what, b, status)| (what, b.body(Body::empty()).unwrap(), status))
    .collect();
    for (what, req, status) in cases {
        let path = req.uri().to_string();
        let (got, h) = head(&app, req).await;
        assert_eq!(got, status, "{what}: {path}");
        assert_secured(what, &h);
        assert!(
            h.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "{what}: no HSTS unless the setting says so"
        );
    }

    // A login refused for its CSRF token is a page too.
    let refused = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("username=staff&password=x&csrf=forged"))
        .unwrap();
    let (status, h) = head(&app, refused).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_secured("a refused login", &h);
}

#[tokio::test]
async fn an_attachment_is_sent_under_its_checked_type_and_name_and_never_sniffed() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let id = record(&staff, app.household_in_grid(1).await, "water", "漏水").await;
    let jpeg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF".to_vec();
    let up = |ct: &str, bytes: Vec<u8>| {
        Request::post(format!(
            "/api/v1/demands/{id}/attachments?file_name=%E6%BC%8F%E6%B0%B4.jpg"
        ))
        .header(header::AUTHORIZATION, format!("Bearer {}", staff.token))
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(bytes))
        .unwrap()
    };
    // A page named like a photo, sent as one, is refused by its bytes.
    let html = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    let r = app.send_request(up("image/jpeg", html)).await;
    assert_eq!((r.status.as_u16(), r.code()), (415, "unsupported_file"));
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
    let r = app.send_request(up("image/svg+xml", svg)).await;
    assert_eq!((r.status.as_u16(), r.code()), (415, "unsupported_file"));

    let r = app.send_request(up("image/jpeg", jpeg.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let file = r.body["id"].as_i64().unwrap();
    let got = staff.download(&format!("/api/v1/attachments/{file}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.bytes, jpeg);
    assert_eq!(got.header("content-type"), "image/jpeg");
    assert_eq!(
        got.header("content-disposition"),
        "inline; filename*=UTF-8''%E6%BC%8F%E6%B0%B4.jpg"
    );
    assert_secured("an attachment", &got.headers);

    // A PDF is downloaded, not opened in the browser on this site.
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let up = Request::post(format!(
        "/api/v1/demands/{id}/attachments?file_name=%E5%9B%9E%E6%89%A7.pdf"
    ))
    .header(header::AUTHORIZATION, format!("Bearer {}", staff.token))
    .header(header::CONTENT_TYPE, "application/pdf")
    .body(Body::from(pdf.clone()))
    .unwrap();
    let r = app.send_request(up).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let got = staff
        .download(&format!("/api/v1/attachments/{}", r.body["id"]))
        .await;
    assert_eq!(got.bytes, pdf);
    assert_eq!(got.header("content-type"), "application/pdf");
    assert_eq!(
        got.header("content-disposition"),
        "attachment; filename*=UTF-8''%E5%9B%9E%E6%89%A7.pdf"
    );
    assert_secured("a PDF", &got.headers);
}

#[tokio::test]
async fn hsts_is_sent_on_every_response_when_the_setting_says_https() {
    let app = TestApp::with_settings(Settings {
        hsts: linli::config::Hsts::On,
        session_hours: 60 * 24,
        ..Settings::default()
    })
    .await;
    for (path, status) in [
        ("/login", StatusCode::OK),
        ("/api/v1/demands", StatusCode::UNAUTHORIZED),
        ("/static/app.css", StatusCode::OK),
        ("/nowhere", StatusCode::NOT_FOUND),
    ] {
        let (got, h) = head(&app, get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(got, status, "{path}");
        assert_secured(path, &h);
        assert_eq!(
            h.get(header::STRICT_TRANSPORT_SECURITY)
                .map(|v| v.to_str().unwrap()),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_panic_answered_as_500_carries_the_headers_too() {
    let app = TestApp::new().await;
    let routes = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            let digits: Vec<u8> = Vec::new();
            // An out-of-bounds index, as a careless parser would make.
            digits[3].to_string()
        }),
    );
    let router = linli::app::with_layers(routes, &app.state.settings).with_state(app.state.clone());
    let res = router
        .oneshot(get("/boom").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_secured("a panic", res.headers());
}

#[tokio::test]
async fn cookies_are_secure_when_the_session_cookie_is_and_readable_only_where_secret() {
    for secure in [true, false] {
        let app = TestApp::with_settings(Settings {
            secure_cookies: secure,
            session_hours: 60 * 24,
            ..Settings::default()
        })
        .await;
        let mut set = Vec::new();
        let mut c = PageClient::new(&app);
        let mut keep = |h: &HeaderMap| {
            for v in h.get_all(header::SET_COOKIE) {
                set.push(v.to_str().unwrap().to_string());
            }
        };
        let (_, h) = head(&app, get("/login").body(Body::empty()).unwrap()).await;
        keep(&h);
        let (_, h) = head(
            &app,
            get("/lang/en?next=/login").body(Body::empty()).unwrap(),
        )
        .await;
        keep(&h);
        let (_, h) = head(
            &app,
            get("/login?large_text=1").body(Body::empty()).unwrap(),
        )
        .await;
        keep(&h);
        let form = c.get("/login").await;
        let req = Request::post("/login")
            .header(header::COOKIE, c.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(crate::common::pages::urlencode(&[
                ("username", "staff"),
                ("password", "linli-demo"),
                ("csrf", &form.csrf()),
                ("next", ""),
            ])))
            .unwrap();
        let (status, h) = head(&app, req).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        keep(&h);
        for name in ["linli_pre=", "lang=", "large_text=", "linli_session="] {
            let cookie = set
                .iter()
                .find(|c| c.starts_with(name))
                .unwrap_or_else(|| panic!("{name} set: {set:?}"));
            assert_eq!(cookie.contains("; Secure"), secure, "{cookie}");
            assert!(cookie.contains("SameSite="), "{cookie}");
            let secret = matches!(name, "linli_pre=" | "linli_session=");
            assert_eq!(cookie.contains("HttpOnly"), secret, "{cookie}");
        }
    }
}

/// What a page may not hold under the policy: inline script, handler attributes, `style`
/// attributes or elements, `javascript:` URLs. `None` when the page is clean.
fn blocked_by_csp(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    if lower.contains("javascript:") {
        return Some("a javascript: URL".into());
    }
    let mut rest = lower.as_str();
    while let Some(open) = rest.find('<') {
        let tag = &rest[open + 1..];
        let end = tag.find('>').unwrap_or(tag.len());
        let inside = &tag[..end];
        rest = &tag[end..];
        let name = inside.split_whitespace().next().unwrap_or("");
        if name == "style" {
            return Some("a <style> element".into());
        }
        if name == "script" && !inside.contains(" src=") {
            return Some(format!("an inline <{inside}>"));
        }
        for attr in inside.split_whitespace().skip(1) {
            let Some((attr, _)) = attr.split_once('=') else {
                continue;
            };
            let handler = attr.len() > 2
                && attr.starts_with("on")
                && attr.bytes().all(|b| b.is_ascii_lowercase());
            if attr == "style" || handler {
                return Some(format!("<{inside}>"));
            }
        }
    }
    None
}

#[test]
fn the_page_scan_finds_what_the_policy_blocks() {
    assert_eq!(
        blocked_by_csp("<p class=\"a\">x</p><script src=\"/static/app.js\" defer></script>"),
        None
    );
    assert!(blocked_by_csp("<form onsubmit=\"return confirm()\">").is_some());
    assert!(blocked_by_csp("<input style=\"width:auto\">").is_some());
    assert!(blocked_by_csp("<script>alert(1)</script>").is_some());
    assert!(blocked_by_csp("<a href=\"javascript:void(0)\">").is_some());
    assert!(blocked_by_csp("<style>p{}</style>").is_some());
}

#[tokio::test]
async fn no_page_of_any_role_holds_what_its_policy_would_block() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let demand = record(&staff, app.household_in_grid(1).await, "water", "漏水").await;
    let routes = linli::app::page_routes();
    let mut seen = 0;
    for (role, login) in LOGINS {
        let mut c = PageClient::login(&app, login).await;
        for r in routes
            .iter()
            .filter(|r| r.method == "GET" && r.allows(role))
        {
            let path = concrete(r.path, demand);
            let got = c.get(&path).await;
            if got.status != StatusCode::OK || !got.html.contains("<html") {
                continue;
            }
            seen += 1;
            if let Some(bad) = blocked_by_csp(&got.html) {
                panic!("{login} on {path}: {bad}");
            }
        }
    }
    // The resident search answers a piece of a page, put into the intake form by the script.
    let mut c = PageClient::login(&app, "staff").await;
    let found = c.get("/work/residents/search?q=%E6%BD%98").await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(blocked_by_csp(&found.html), None);
    let login = PageClient::new(&app).get("/login").await;
    assert_eq!(blocked_by_csp(&login.html), None);
    assert!(seen >= 15, "pages checked: {seen}");
}
