//! Roster pages: the tree street → community → compound → building → household → resident,
//! the grids with their buildings and worker, and the history of a building or a resident.
//! They read through the roster's service, so scope, masking and the audit of whole views
//! are the same as in the API, and show the same names and counts.

mod admin;
mod admin_groups;
mod history;
mod resident;
mod tree;

use askama::Template;
use axum::response::Response;

use crate::roster::model::KNOWN_TAGS;
use crate::web::i18n::text;
use crate::web::pages::{Page, render};
use crate::web::routes::{PageRoutes, STAFF};
use crate::web::session::PageUser;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/roster", STAFF, tree::index)
        .get("/roster/communities/{id}", STAFF, tree::community)
        .get("/roster/compounds/{id}", STAFF, tree::compound)
        .get("/roster/buildings/{id}", STAFF, tree::building)
        .get("/roster/residents/{id}", STAFF, resident::resident)
        .merge(admin::routes())
}

/// A table cell: text, and a link when it leads somewhere.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: None,
    }
}

fn link(text: impl Into<String>, href: String) -> Cell {
    Cell {
        text: text.into(),
        href: Some(href),
    }
}

/// One table of a roster page.
pub struct Table {
    pub title: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

fn table(title: &str, head: &[&str], rows: Vec<Vec<Cell>>) -> Table {
    Table {
        title: text(&format!("web.roster.{title}")),
        head: head
            .iter()
            .map(|k| text(&format!("web.roster.{k}")))
            .collect(),
        rows,
    }
}

#[derive(Template)]
#[template(path = "roster.html")]
struct RosterPage {
    page: Page,
    crumbs: Vec<Cell>,
    facts: Vec<(String, String)>,
    tables: Vec<Table>,
    note: Option<String>,
}

/// What one roster page shows.
struct View {
    title: String,
    crumbs: Vec<Cell>,
    facts: Vec<(String, String)>,
    tables: Vec<Table>,
    note: Option<String>,
}

impl View {
    fn new(title: impl Into<String>) -> View {
        View {
            title: title.into(),
            crumbs: vec![link(text("web.nav.roster"), "/roster".into())],
            facts: Vec::new(),
            tables: Vec::new(),
            note: None,
        }
    }

    fn crumb(mut self, key: &str, href: String) -> View {
        self.crumbs
            .push(link(text(&format!("web.roster.{key}")), href));
        self
    }

    fn fact(mut self, key: &str, value: impl Into<String>) -> View {
        self.facts
            .push((text(&format!("web.roster.{key}")), value.into()));
        self
    }

    fn table(mut self, t: Table) -> View {
        self.tables.push(t);
        self
    }

    fn render(self, u: &PageUser) -> Response {
        render(&RosterPage {
            page: Page::for_user(u, self.title, "/roster"),
            crumbs: self.crumbs,
            facts: self.facts,
            tables: self.tables,
            note: self.note,
        })
    }
}

/// A tag's name, for the known ones; free tags as written.
fn tag_label(t: &str) -> String {
    if KNOWN_TAGS.contains(&t) {
        text(&format!("web.roster.tag.{t}"))
    } else {
        t.to_string()
    }
}

fn tag_labels(tags: &[String]) -> String {
    tags.iter()
        .map(|t| tag_label(t))
        .collect::<Vec<_>>()
        .join("、")
}
