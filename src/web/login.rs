//! Signing in and out, the language switch, and the stylesheet and script every page loads.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::auth::model::{Credentials, PageSignIn};
use crate::auth::{service, store, tokens};
use crate::clock::MINUTE;
use crate::state::AppState;

use super::client::ClientAddr;
use super::i18n;
use super::landing::{NextQuery, hint_cookie, safe_next, signed_in_to};
use super::pages::{Page, home_of, render};
use super::plain_http::{self, SIGNED_IN_HINT};
use super::routes::{ANYONE, PageRoutes};
use super::session::{self, COOKIE, PageUser, session_cookie};

/// Login and logout, the language switch, the stylesheet and script.
pub fn routes() -> PageRoutes {
    PageRoutes::new().post("/logout", ANYONE, logout).public(
        Router::new()
            .route("/", get(home))
            .route("/login", get(login_form).post(login))
            .merge(super::login_code::routes())
            .route("/lang/{code}", get(switch_language))
            .route("/static/app.css", get(stylesheet))
            .route("/static/app.js", get(script)),
    )
}

/// `/`: the person's own start page, or the login page.
async fn home(st: State<AppState>, headers: HeaderMap) -> Response {
    let logged_in = match session::cookie(&headers, COOKIE) {
        Some(t) => {
            let now = st.clock.now();
            let idle = now - st.settings.session_idle_minutes * MINUTE;
            match st.db.conn().await {
                Ok(mut c) => store::actor_for_web_session(&mut c, &tokens::digest(t), now, idle)
                    .await
                    .ok()
                    .flatten()
                    .map(|c| c.actor),
                Err(_) => None,
            }
        }
        None => None,
    };
    match logged_in {
        Some(a) => Redirect::to(home_of(a.role)).into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    /// Why signing in does not hold here, when it cannot (`web::plain_http`).
    notice: Option<String>,
    error: Option<String>,
    next: String,
    username: String,
}

/// The login form. Before there is a session, the form's CSRF token is a random value
/// also set as a cookie (double submit). Where the browser refuses the session cookie,
/// the page says so above the form.
async fn login_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    let pre = tokens::generate().1[..32].to_string();
    let page = LoginPage {
        page: Page::anonymous(i18n::text("web.login.title"), "/login", pre.clone()),
        notice: cookie_notice(&st, &headers),
        error: None,
        next: safe_next(q.next.as_deref()).unwrap_or_default(),
        username: String::new(),
    };
    let mut res = render(&page);
    res.headers_mut().append(
        header::SET_COOKIE,
        pre_cookie(&pre, st.settings.secure_cookies),
    );
    res
}

/// Why signing in will not hold, if it will not: a sign-in a moment ago whose session
/// cookie this browser did not send back (the hint came back, the session did not), or an
/// address where the browser refuses `Secure` cookies.
fn cookie_notice(st: &AppState, headers: &HeaderMap) -> Option<String> {
    if session::cookie(headers, SIGNED_IN_HINT).is_some()
        && session::cookie(headers, COOKIE).is_none()
    {
        return Some(i18n::text("web.login.cookie_dropped"));
    }
    plain_http::drops_secure_cookies(&st.settings, headers)
        .then(|| i18n::text("web.login.plain_http"))
}

/// `Set-Cookie` for the login form's double-submit token: only the login page sees it,
/// `Secure` when the session cookie is.
fn pre_cookie(pre: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "linli_pre={pre}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("linli_pre=; Path=/login; Max-Age=0"))
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: String,
    #[serde(default)]
    pub csrf: String,
}

/// Signs in through the same door as `POST /api/v1/login` (`auth::service`), with a page
/// session for a token; an account with a second factor goes on to its code
/// (`web::login_code`) first.
async fn login(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let again = |error: String, status: StatusCode| {
        let pre = tokens::generate().1[..32].to_string();
        let page = LoginPage {
            page: Page::anonymous(i18n::text("web.login.title"), "/login", pre.clone()),
            notice: None,
            error: Some(error),
            next: safe_next(Some(&f.next)).unwrap_or_default(),
            username: f.username.clone(),
        };
        let mut res = (status, render(&page)).into_response();
        res.headers_mut().append(
            header::SET_COOKIE,
            pre_cookie(&pre, st.settings.secure_cookies),
        );
        res
    };
    match session::cookie(&headers, "linli_pre") {
        // The form's own cookie never came back: on plain HTTP the browser refused it,
        // as it would the session's.
        None if plain_http::drops_secure_cookies(&st.settings, &headers) => {
            return again(
                i18n::text("web.login.cookie_refused"),
                StatusCode::FORBIDDEN,
            );
        }
        Some(c) if c == f.csrf => {}
        _ => return again(i18n::text("web.error.csrf"), StatusCode::FORBIDDEN),
    }
    let credentials = Credentials {
        username: f.username.trim(),
        password: &f.password,
        code: None,
    };
    let next = safe_next(Some(&f.next));
    match service::sign_in_page(&st, credentials, &from).await {
        Ok(PageSignIn::Session(signed_in)) => signed_in_to(&st, &headers, &signed_in, next),
        Ok(PageSignIn::NeedsCode {
            challenge,
            expires_at,
        }) => super::login_code::ask_for_code(&st, &challenge, expires_at, next),
        Err(e) => again(super::error::message(&e), super::error::status(e.class())),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

async fn logout(
    State(st): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(r) = user.check_csrf(&f.csrf) {
        return r.into_response();
    }
    if let Some(token) = session::cookie(&headers, COOKIE) {
        let revoke = async {
            let mut tx = st.db.begin().await?;
            tokens::revoke(&mut tx, token, st.clock.now()).await?;
            tx.commit().await
        };
        if let Err(e) = revoke.await {
            return crate::error::Error::from(e).into_response();
        }
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        session_cookie("", 0, st.settings.secure_cookies),
    );
    res.headers_mut().append(header::SET_COOKIE, hint_cookie(0));
    res
}

/// Remembers the language in a cookie (a year; not a secret, but `Secure` when the session
/// cookie is) and goes back.
async fn switch_language(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = if code.starts_with("en") {
        "en"
    } else {
        "zh-CN"
    };
    let to = safe_next(q.next.as_deref()).unwrap_or_else(|| "/".into());
    let mut res = Redirect::to(&to).into_response();
    let secure = if st.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    if let Ok(v) = HeaderValue::from_str(&format!(
        "lang={lang}; Path=/; SameSite=Lax; Max-Age=31536000{secure}"
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}
