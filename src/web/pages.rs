//! The frame every page shares (language, the signed-in person's navigation, the CSRF
//! token), rendering, and refusals shown as pages.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::role::{Actor, Role};
use crate::error::{Class, Error};

use super::i18n::{self, Lang};

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

    /// A message with one named value in it (`%{name}`), in the page's language.
    pub fn fill(&self, key: &str, name: &str, value: &str) -> String {
        self.t(key).replace(&format!("%{{{name}}}"), value)
    }

    /// Whether the page is shown in the large-text, high-contrast view (`web::i18n`).
    pub fn large_text(&self) -> bool {
        i18n::large_text()
    }

    /// A message with a number in it (`%{n}`), in the page's language.
    pub fn t_n(&self, key: &str, n: usize) -> String {
        rust_i18n::t!(key, locale = self.lang.code(), n = n).into_owned()
    }

    /// The signed-in person's start page and its name (the first link of their menu), for
    /// the head of a breadcrumb.
    pub fn home(&self) -> Option<&NavLink> {
        self.user.as_ref().and_then(|u| u.links.first())
    }

    /// A roster tag's name (`elderly_alone` → 独居老人), or the tag itself when it is a
    /// free tag.
    pub fn t_tag(&self, tag: &str) -> String {
        let key = format!("web.roster.tag.{tag}");
        super::i18n::lookup(self.lang, &key).unwrap_or_else(|| tag.to_string())
    }

    /// The frame for a signed-in person on `path`.
    pub fn signed_in(a: &Actor, csrf: String, lang: Lang, title: String, path: &str) -> Page {
        let links = nav_for(a.role)
            .iter()
            .map(|(href, key)| NavLink {
                href,
                label: i18n::text(key),
                current: path == *href,
            })
            .collect();
        Page {
            lang,
            title,
            user: Some(NavUser {
                name: a.display_name.clone(),
                role: i18n::text(&format!("web.role.{}", a.role.as_str())),
                links,
            }),
            csrf,
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

/// Percent-encodes a path for a query parameter.
pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where each role starts, and what its navigation holds.
fn nav_for(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Resident => &[
            ("/me", "web.nav.my_demands"),
            ("/me/new", "web.nav.raise"),
            ("/me/councils", "council_pages.me.title"),
        ],
        Role::Unit => &[("/unit", "web.nav.unit")],
        Role::Volunteer => &[("/work/demands", "web.nav.demands")],
        Role::Staff | Role::GridWorker => &[
            ("/work", "web.nav.work"),
            ("/work/demands", "web.nav.demands"),
            ("/work/demands/new", "web.nav.intake"),
            ("/work/councils", "council_pages.title"),
            ("/dash", "web.nav.dash"),
            ("/roster", "web.nav.roster"),
        ],
        // Those who oversee also read the audit log (of their community, of their street).
        Role::Secretary | Role::Street => &[
            ("/work", "web.nav.work"),
            ("/work/demands", "web.nav.demands"),
            ("/work/demands/new", "web.nav.intake"),
            ("/work/councils", "council_pages.title"),
            ("/dash", "web.nav.dash"),
            ("/roster", "web.nav.roster"),
            ("/audit", "web.nav.audit"),
        ],
        Role::Admin => &[
            ("/work", "web.nav.work"),
            ("/work/demands", "web.nav.demands"),
            ("/work/demands/new", "web.nav.intake"),
            ("/work/councils", "council_pages.title"),
            ("/dash", "web.nav.dash"),
            ("/roster", "web.nav.roster"),
            ("/admin/accounts", "web.admin.nav"),
            ("/audit", "web.nav.audit"),
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

/// Answers routes that do not exist: with the API's error body under `/api` and to
/// programs, with a page in the reader's language to a browser (one that asks for HTML).
pub async fn fallback(headers: axum::http::HeaderMap, uri: axum::http::Uri) -> Response {
    let browser = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if browser && !uri.path().starts_with("/api/") {
        error_page(Error::not_found())
    } else {
        Error::not_found().into_response()
    }
}
