//! What every page shares: the page frame (language, the logged-in person's navigation,
//! the CSRF token), login and logout, the language switch, the stylesheet.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::auth::{Role, store, tokens};
use crate::clock::{HOUR, MINUTE};
use crate::state::AppState;

use super::i18n::{self, Lang};
use super::routes::{ANYONE, PageRoutes};
use super::session::{self, COOKIE, PageUser, session_cookie, url_escape};
use crate::error::{Class, Error};

/// The frame of every page.
pub struct Page {
    pub lang: Lang,
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf: String,
    /// The current path, escaped, for "come back here" links.
    pub here: String,
    pub flash: Option<String>,
}

pub struct NavUser {
    pub name: String,
    pub role: String,
    pub links: Vec<NavLink>,
}

pub struct NavLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

impl Page {
    /// A message from the catalogue in the page's language.
    pub fn t(&self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.lang.code()).into_owned()
    }

    /// The frame for a logged-in person on `path`.
    pub fn for_user(u: &PageUser, title: String, path: &str) -> Page {
        let a = &u.actor;
        let links = nav_for(a.role)
            .iter()
            .map(|(href, key)| NavLink {
                href,
                label: i18n::text(key),
                current: path == *href,
            })
            .collect();
        Page {
            lang: u.lang,
            title,
            user: Some(NavUser {
                name: a.display_name.clone(),
                role: i18n::text(&format!("web.role.{}", a.role.as_str())),
                links,
            }),
            csrf: u.csrf.clone(),
            here: url_escape(path),
            flash: None,
        }
    }

    /// The frame for someone not logged in.
    pub fn anonymous(title: String, path: &str, csrf: String) -> Page {
        Page {
            lang: i18n::current(),
            title,
            user: None,
            csrf,
            here: url_escape(path),
            flash: None,
        }
    }
}

/// Where each role starts, and what its navigation holds.
fn nav_for(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Resident => &[("/me", "web.nav.my_demands"), ("/me/new", "web.nav.raise")],
        Role::Unit => &[("/unit", "web.nav.unit")],
        Role::Volunteer => &[("/work/demands", "web.nav.demands")],
        Role::Staff | Role::Secretary | Role::GridWorker | Role::Street | Role::Admin => &[
            ("/work", "web.nav.work"),
            ("/work/demands", "web.nav.demands"),
            ("/work/demands/new", "web.nav.intake"),
            ("/dash", "web.nav.dash"),
            ("/roster", "web.nav.roster"),
        ],
    }
}

/// Where a role lands after login.
pub fn home_of(role: Role) -> &'static str {
    nav_for(role)[0].0
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    page: Page,
    message: String,
}

/// A page with a title and one message (errors, refusals).
pub fn message_page(title: &str, message: &str) -> String {
    MessagePage {
        page: Page::anonymous(title.to_string(), "/", String::new()),
        message: message.to_string(),
    }
    .render()
    .unwrap_or_else(|_| message.to_string())
}

/// Renders a template into a response (a template error is a 500, logged).
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(message_page("500", &i18n::text("error.internal"))),
            )
                .into_response()
        }
    }
}

/// A refusal on a page: shown as a page (404 for what is out of scope), not as JSON.
pub struct PageError(pub Error);

impl From<Error> for PageError {
    fn from(e: Error) -> PageError {
        PageError(e)
    }
}

impl From<crate::db::DbError> for PageError {
    fn from(e: crate::db::DbError) -> PageError {
        PageError(Error::from(e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(self.0)
    }
}

/// A refusal as a page: 404 for what is out of scope, the message otherwise.
pub fn error_page(e: Error) -> Response {
    let title = match e.class() {
        Class::NotFound => i18n::text("web.error.not_found_title"),
        Class::Internal | Class::Unavailable => i18n::text("web.error.server_title"),
        _ => i18n::text("web.error.forbidden_title"),
    };
    if matches!(e.class(), Class::Internal | Class::Unavailable) {
        tracing::error!(error = %e, "page failed");
    }
    let status = super::error::status(e.class());
    (
        status,
        Html(message_page(&title, &super::error::message(&e))),
    )
        .into_response()
}

/// Login and logout, the language switch, the stylesheet and script.
pub fn routes() -> PageRoutes {
    PageRoutes::new().post("/logout", ANYONE, logout).public(
        Router::new()
            .route("/", get(home))
            .route("/login", get(login_form).post(login))
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
                    .map(|(a, _)| a),
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
    error: Option<String>,
    next: String,
    username: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Only paths of this site: never send someone elsewhere after login.
fn safe_next(next: Option<&str>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .map(str::to_string)
}

/// The login form. Before there is a session, the form's CSRF token is a random value
/// also set as a cookie (double submit).
async fn login_form(Query(q): Query<NextQuery>) -> Response {
    let pre = tokens::generate().1[..32].to_string();
    let page = LoginPage {
        page: Page::anonymous(i18n::text("web.login.title"), "/login", pre.clone()),
        error: None,
        next: safe_next(q.next.as_deref()).unwrap_or_default(),
        username: String::new(),
    };
    let mut res = render(&page);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "linli_pre={pre}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600"
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
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

async fn login(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let again = |error: String, status: StatusCode| {
        let pre = tokens::generate().1[..32].to_string();
        let page = LoginPage {
            page: Page::anonymous(i18n::text("web.login.title"), "/login", pre.clone()),
            error: Some(error),
            next: safe_next(Some(&f.next)).unwrap_or_default(),
            username: f.username.clone(),
        };
        let mut res = (status, render(&page)).into_response();
        if let Ok(v) = HeaderValue::from_str(&format!(
            "linli_pre={pre}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600"
        )) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        res
    };
    if session::cookie(&headers, "linli_pre").is_none_or(|c| c != f.csrf) {
        return again(i18n::text("web.error.csrf"), StatusCode::FORBIDDEN);
    }
    match crate::auth::api::authenticate(&st, f.username.trim(), &f.password).await {
        Ok(user) => {
            let now = st.clock.now();
            let hours = st.settings.session_hours;
            let issued = async {
                let mut tx = st.db.begin().await?;
                let t = tokens::issue(
                    &mut tx,
                    user.id,
                    "web",
                    "page",
                    now,
                    Some(now + hours * HOUR),
                )
                .await?;
                tx.commit().await?;
                Ok::<_, crate::db::DbError>(t)
            }
            .await;
            let token = match issued {
                Ok(t) => t,
                Err(e) => return crate::error::Error::from(e).into_response(),
            };
            let role = Role::parse(&user.role).unwrap_or(Role::Resident);
            let to = safe_next(Some(&f.next)).unwrap_or_else(|| home_of(role).to_string());
            let mut res = Redirect::to(&to).into_response();
            res.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&token, hours * 3600, st.settings.secure_cookies),
            );
            res
        }
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
    res
}

/// Remembers the language in a cookie (a year) and goes back.
async fn switch_language(Path(code): Path<String>, Query(q): Query<NextQuery>) -> Response {
    let lang = if code.starts_with("en") {
        "en"
    } else {
        "zh-CN"
    };
    let to = safe_next(q.next.as_deref()).unwrap_or_else(|| "/".into());
    let mut res = Redirect::to(&to).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "lang={lang}; Path=/; SameSite=Lax; Max-Age=31536000"
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
