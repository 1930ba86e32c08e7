//! `/audit`: the audit log with its filters (the person concerned, who acted, the kind of
//! action, a period), newest first a page at a time, and the same selection as a file.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};

use crate::auth::Role;
use crate::clock::format_local;
use crate::export::{ExportQuery, download::download};
use crate::state::AppState;
use crate::web::i18n::{Lang, text};
use crate::web::pages::{Page, PageError, error_page, render, url_escape};
use crate::web::routes::PageRoutes;
use crate::web::session::PageUser;

use super::model::{AuditEntry, AuditQuery, KINDS};
use super::service::{self, kind_in, object_in};

/// Who reads the log (the service narrows each to their part).
pub const READERS: &[Role] = &[Role::Admin, Role::Street, Role::Secretary];

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/audit", READERS, list)
        .get("/audit/export", READERS, export)
}

pub struct Row {
    pub at: String,
    pub who: String,
    pub client: String,
    pub kind: String,
    pub object: String,
    pub person: Option<i64>,
    pub detail: String,
    pub failed: bool,
}

impl Row {
    fn of(lang: Lang, e: &AuditEntry) -> Row {
        Row {
            at: format_local(e.at),
            who: match (&e.display_name, &e.username) {
                (Some(d), Some(u)) => format!("{d} ({u})"),
                _ => text("web.audit.system"),
            },
            client: e.client.clone().unwrap_or_default(),
            kind: kind_in(lang, &e.action),
            object: object_in(lang, e),
            person: (e.object_kind == "resident")
                .then_some(e.object_id)
                .flatten()
                .filter(|id| *id != 0),
            detail: e.detail.clone(),
            failed: e.action == "sign_in_failed",
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
    kinds: Vec<(String, String)>,
    person: String,
    actor: String,
    kind: String,
    from: String,
    to: String,
    /// The filters as a query string, for the next page and the files.
    query: String,
    next: Option<String>,
    error: Option<String>,
}

fn query_of(q: &AuditQuery) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", url_escape(&v)));
        }
    };
    add("person", q.person.map(|p| p.to_string()));
    add("actor", q.actor.clone());
    add("kind", q.kind.clone());
    add("from", q.from.clone());
    add("to", q.to.clone());
    parts.join("&")
}

pub async fn list(
    State(st): State<AppState>,
    u: PageUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    let query = query_of(&q);
    let mut p = ListPage {
        page: Page::for_user(&u, text("web.audit.title"), "/audit"),
        rows: Vec::new(),
        kinds: KINDS
            .iter()
            .map(|k| (k.to_string(), kind_in(u.lang, k)))
            .collect(),
        person: q.person.map(|p| p.to_string()).unwrap_or_default(),
        actor: q.actor.clone().unwrap_or_default(),
        kind: q.kind.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        query: query.clone(),
        next: None,
        error: None,
    };
    match service::list(&st, &u.actor, &q).await {
        Ok(page) => {
            p.rows = page.items.iter().map(|e| Row::of(u.lang, e)).collect();
            p.next = page
                .next_cursor
                .map(|c| format!("/audit?{query}&cursor={c}"));
            render(&p)
        }
        Err(e) if e.class() == crate::error::Class::Invalid => {
            p.error = Some(crate::web::error::message(&e));
            (crate::web::error::status(e.class()), render(&p)).into_response()
        }
        Err(e) => error_page(e),
    }
}

pub async fn export(
    State(st): State<AppState>,
    u: PageUser,
    Query(e): Query<ExportQuery>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let file = service::export(&st, &u.actor, &q, e.format, u.lang).await?;
    Ok(download(file).await?)
}
