//! A cookie-keeping client for the server-rendered pages (no browser): it logs in through
//! the login form, keeps the session cookie, and reads the CSRF token out of each page.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::TestApp;

pub struct PageClient<'a> {
    pub app: &'a TestApp,
    cookies: Vec<(String, String)>,
}

/// A page response: status, HTML, and where a redirect points.
#[derive(Debug)]
pub struct PageResp {
    pub status: StatusCode,
    pub html: String,
    pub location: Option<String>,
}

impl PageResp {
    /// The value of the first `name="csrf"` field on the page.
    pub fn csrf(&self) -> String {
        let at = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF token");
        let rest = &self.html[at + 19..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

/// `a=1&b=2`, percent-encoded.
pub fn urlencode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            let enc = |s: &str| {
                s.bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                            (b as char).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            };
            format!("{}={}", enc(k), enc(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

impl<'a> PageClient<'a> {
    pub fn new(app: &'a TestApp) -> PageClient<'a> {
        PageClient {
            app,
            cookies: Vec::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(k, _)| k != name);
        self.cookies.push((name.into(), value.into()));
    }

    pub async fn send(&mut self, req: Request<Body>) -> PageResp {
        let res = self.app.router.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !v.contains("Max-Age=0") {
                self.cookies.push((k.to_string(), val.to_string()));
            }
        }
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        PageResp {
            status,
            html: String::from_utf8_lossy(&bytes).into_owned(),
            location,
        }
    }

    pub async fn get(&mut self, path: &str) -> PageResp {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> PageResp {
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(urlencode(fields)))
            .unwrap();
        self.send(req).await
    }

    /// Logs in through the login form; panics unless it lands on a page.
    pub async fn login(app: &'a TestApp, username: &str) -> PageClient<'a> {
        let mut c = PageClient::new(app);
        let form = c.get("/login").await;
        let csrf = form.csrf();
        let r = c
            .post(
                "/login",
                &[
                    ("username", username),
                    ("password", "linli-demo"),
                    ("csrf", &csrf),
                    ("next", ""),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login {username}: {}",
            r.html
        );
        c
    }

    /// GETs a page that must answer 200, and returns it.
    pub async fn page(&mut self, path: &str) -> PageResp {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}: {:?}", r.location);
        r
    }

    /// Posts a form found on `page_path` (its CSRF token included) to `action`.
    pub async fn submit(
        &mut self,
        page_path: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> PageResp {
        let csrf = self.page(page_path).await.csrf();
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post(action, &all).await
    }
}
