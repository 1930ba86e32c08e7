//! Roster pages: the tree street → community → compound → building → household → resident,
//! the grids with their buildings and worker, and the history of a building or a resident.
//! They read through the roster's service, so scope, masking and the audit of whole views
//! are the same as in the API, and show the same names and counts.

mod admin;
mod admin_form;
mod admin_groups;
mod admin_teams;
mod consents;
mod edit;
mod family;
mod form;
mod history;
mod households;
mod resident;
mod residents;
mod tree;

use askama::Template;
use axum::response::Response;

use crate::roster::model::KNOWN_TAGS;
use crate::web::i18n::text;
use crate::web::pages::{Page, render};
use crate::web::routes::{PageRoutes, RESIDENTS, STAFF};
use crate::web::session::PageUser;
use serde::Deserialize;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/roster", STAFF, tree::index)
        .get("/roster/communities/{id}", STAFF, tree::community)
        .get("/roster/compounds/{id}", STAFF, tree::compound)
        .get("/roster/buildings/{id}", STAFF, tree::building)
        .get("/roster/residents/{id}", STAFF, resident::resident)
        .get("/roster/residents", STAFF, residents::list)
        .get(
            "/roster/residents/export",
            STAFF,
            residents::export_residents,
        )
        .get(
            "/roster/households/export",
            STAFF,
            residents::export_households,
        )
        .get(
            "/roster/buildings/export",
            STAFF,
            residents::export_buildings,
        )
        .get_post(
            "/roster/residents/{id}/edit",
            STAFF,
            edit::edit_page,
            edit::edit_submit,
        )
        .post("/roster/residents/{id}/move-out", STAFF, edit::move_out)
        .post("/roster/households/{id}/consents", STAFF, consents::record)
        .post("/roster/consents/{id}/withdraw", STAFF, consents::withdraw)
        .get("/me/family", RESIDENTS, family::page)
        .post("/me/family/{id}/consents", RESIDENTS, family::give)
        .post(
            "/me/family/consents/{id}/withdraw",
            RESIDENTS,
            family::withdraw,
        )
        .post("/roster/residents/{id}/delete", STAFF, edit::remove)
        .get_post(
            "/roster/households/{id}/residents/new",
            STAFF,
            edit::new_page,
            edit::new_submit,
        )
        .get_post(
            "/roster/buildings/{id}/households/new",
            STAFF,
            households::new_page,
            households::new_submit,
        )
        .get_post(
            "/roster/households/{id}/edit",
            STAFF,
            households::edit_page,
            households::edit_submit,
        )
        .merge(admin::routes())
}

/// `?saved=…` after a form: which confirmation the page shows.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    pub saved: Option<String>,
    pub removed: Option<String>,
}

impl Done {
    fn flash(&self) -> Option<String> {
        let key = match (self.saved.as_deref(), self.removed.as_deref()) {
            (Some("moved_out"), _) => "web.roster.moved_out",
            (Some("anonymised"), _) => "web.roster.anonymised",
            (Some("household"), _) => "web.roster.household_saved",
            (Some("consent"), _) => "web.roster.consent_recorded",
            (Some("consent_withdrawn"), _) => "web.roster.consent_withdrawn",
            (Some(_), _) => "web.roster.saved",
            (None, Some(_)) => "web.roster.removed",
            (None, None) => return None,
        };
        Some(text(key))
    }
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
    actions: Vec<Cell>,
    facts: Vec<(String, String)>,
    tables: Vec<Table>,
    /// What capabilities above the roster show on this record (web::routes::Sections).
    sections: Vec<String>,
    note: Option<String>,
    reveal: Option<Reveal>,
    consent: Option<consents::ConsentBox>,
}

/// The form that asks to see a resident's personal fields whole, with a reason.
pub struct Reveal {
    /// The page's own path: the form comes back here with `reveal`.
    pub action: String,
    /// Reasons offered (any other may be typed).
    pub reasons: Vec<String>,
}

/// What one roster page shows.
struct View {
    title: String,
    crumbs: Vec<Cell>,
    /// Links to what may be done here (edit, add), shown under the title.
    actions: Vec<Cell>,
    flash: Option<String>,
    facts: Vec<(String, String)>,
    tables: Vec<Table>,
    sections: Vec<String>,
    note: Option<String>,
    reveal: Option<Reveal>,
    consent: Option<consents::ConsentBox>,
}

impl View {
    fn new(title: impl Into<String>) -> View {
        View {
            title: title.into(),
            crumbs: vec![link(text("web.nav.roster"), "/roster".into())],
            actions: Vec::new(),
            flash: None,
            facts: Vec::new(),
            tables: Vec::new(),
            sections: Vec::new(),
            note: None,
            reveal: None,
            consent: None,
        }
    }

    /// The way down to this page by the names of the places above it (台账 › 裕城社区 ›
    /// 裕城小区 › 1号楼), each a link; a place the reader may not open is left out.
    async fn path(
        mut self,
        st: &crate::state::AppState,
        u: &PageUser,
        community: Option<i64>,
        compound: Option<i64>,
        building: Option<i64>,
    ) -> View {
        use crate::roster::model::{Building, Community, Compound};
        use crate::roster::service;
        let a = &u.actor;
        if let Some(id) = community
            && let Ok(c) = service::get::<Community>(st, a, id).await
        {
            self.crumbs
                .push(link(c.name, format!("/roster/communities/{id}")));
        }
        if let Some(id) = compound
            && let Ok(c) = service::get::<Compound>(st, a, id).await
        {
            self.crumbs
                .push(link(c.name, format!("/roster/compounds/{id}")));
        }
        if let Some(id) = building
            && let Ok(b) = service::get::<Building>(st, a, id).await
        {
            self.crumbs
                .push(link(b.name, format!("/roster/buildings/{id}")));
        }
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

    fn action(mut self, key: &str, href: String) -> View {
        self.actions
            .push(link(text(&format!("web.roster.{key}")), href));
        self
    }

    fn render(self, u: &PageUser) -> Response {
        let mut page = Page::for_user(u, self.title, "/roster");
        page.flash = self.flash;
        render(&RosterPage {
            page,
            crumbs: self.crumbs,
            actions: self.actions,
            facts: self.facts,
            tables: self.tables,
            sections: self.sections,
            note: self.note,
            reveal: self.reveal,
            consent: self.consent,
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
        .join(&text("web.roster.tag_separator"))
}
