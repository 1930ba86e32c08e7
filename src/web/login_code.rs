//! The login page's second step: after the password of an account with a second factor,
//! the six digits of its authenticator app (or a recovery code), before any session
//! exists. The sign-in waits behind a random token in a short-lived cookie, HttpOnly and
//! sent to `/login` only; the form's CSRF token is derived from it.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::auth::service;
use crate::clock::Millis;
use crate::error::Code;
use crate::state::AppState;

use super::client::ClientAddr;
use super::i18n;
use super::landing::{NextQuery, safe_next, signed_in_to};
use super::pages::{Page, render, url_escape};
use super::session::{self, csrf_for};

/// The cookie of a sign-in waiting for its code.
const COOKIE: &str = "linli_code";

pub fn routes() -> Router<AppState> {
    Router::new().route("/login/code", get(code_form).post(code))
}

/// `Set-Cookie` for the waiting sign-in (or for clearing it with `max_age` 0).
fn code_cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("linli_code=; Path=/login; Max-Age=0"))
}

/// After a right password: on to the code, the sign-in's token in its cookie.
pub fn ask_for_code(
    st: &AppState,
    challenge: &str,
    expires_at: Millis,
    next: Option<String>,
) -> Response {
    let to = match next {
        Some(n) => format!("/login/code?next={}", url_escape(&n)),
        None => "/login/code".to_string(),
    };
    let max_age = ((expires_at - st.clock.now()) / 1000).max(1);
    let mut res = Redirect::to(&to).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        code_cookie(challenge, max_age, st.settings.secure_cookies),
    );
    res
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    page: Page,
    error: Option<String>,
    next: String,
}

fn code_page(challenge: &str, next: Option<String>, error: Option<String>) -> CodePage {
    CodePage {
        page: Page::anonymous(
            i18n::text("web.login.code_title"),
            "/login/code",
            csrf_for(challenge),
        ),
        error,
        next: next.unwrap_or_default(),
    }
}

/// Back to the password, with why.
fn to_login(st: &AppState) -> Response {
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        code_cookie("", 0, st.settings.secure_cookies),
    );
    res
}

async fn code_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    match session::cookie(&headers, COOKIE).filter(|c| !c.is_empty()) {
        Some(challenge) => render(&code_page(challenge, safe_next(q.next.as_deref()), None)),
        None => to_login(&st),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub next: String,
    #[serde(default)]
    pub csrf: String,
}

async fn code(
    State(st): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<CodeForm>,
) -> Response {
    let Some(challenge) = session::cookie(&headers, COOKIE).filter(|c| !c.is_empty()) else {
        return to_login(&st);
    };
    let next = safe_next(Some(&f.next));
    if f.csrf != csrf_for(challenge) {
        let p = code_page(challenge, next, Some(i18n::text("web.error.csrf")));
        return (StatusCode::FORBIDDEN, render(&p)).into_response();
    }
    match service::second_step(&st, challenge, &f.code, &from).await {
        Ok(signed_in) => {
            let mut res = signed_in_to(&st, &headers, &signed_in, next);
            res.headers_mut().append(
                header::SET_COOKIE,
                code_cookie("", 0, st.settings.secure_cookies),
            );
            res
        }
        Err(e) if e.code == Code::SignInExpired => {
            // Too slow, or too many wrong codes: the password again, and why.
            let mut res = super::pages::error_page(e);
            res.headers_mut().append(
                header::SET_COOKIE,
                code_cookie("", 0, st.settings.secure_cookies),
            );
            res
        }
        Err(e) => {
            let p = code_page(challenge, next, Some(super::error::message(&e)));
            (super::error::status(e.class()), render(&p)).into_response()
        }
    }
}
