//! The pages of the demand loop: the HTML adapter. Each handler reads a form or a query
//! into the service's input, calls the service (`demands::service`, the only door, the
//! same the API calls) and renders what it gives back. Nothing here decides a rule or
//! reads the database.
//!
//! Whom each page is for: the workbench, the intake counter, the resident search and the
//! exports are for staff (grid workers, the office, the street, admin). The demand list,
//! the demand page, its forms and photos, and the orders page are for everyone who works
//! on demands, volunteers and units included: the service shows each what their audience
//! reads (no reminders, no exports for volunteers and units) and offers only the steps
//! they may take. The portal is for residents, who see what their household may read.

mod act;
mod categories;
mod demand;
mod form;
mod intake;
mod portal;
mod record;
mod upload;
mod workbench;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;

use crate::demands::deadlines::Overdue;
use crate::demands::model::{Category, DemandView, ReminderKind};
use crate::web::i18n::{self, Lang};
use crate::web::routes::{PageRoutes, RESIDENTS, Record, STAFF, WORKERS};

pub fn routes() -> PageRoutes {
    // The forms with a photo keep to the attachment limit themselves (`upload`), so a photo
    // too large is refused with the reason and the text typed, not with a bare 413.
    let own_limit = || DefaultBodyLimit::disable();
    PageRoutes::new()
        .get("/work", STAFF, workbench::workbench)
        .get("/work/demands", WORKERS, workbench::list)
        .get("/work/demands/export", STAFF, workbench::export)
        .get_post("/work/demands/new", STAFF, intake::form, intake::submit)
        .get("/work/residents/search", STAFF, intake::search)
        .get("/work/demands/{id}", WORKERS, demand::page)
        .post("/work/demands/{id}/act/{action}", WORKERS, act::act)
        .post(
            "/work/demands/{id}/photo",
            WORKERS,
            act::photo.layer(own_limit()),
        )
        .get("/work/attachments/{id}", WORKERS, demand::attachment)
        .get("/unit", WORKERS, workbench::unit)
        .get("/me", RESIDENTS, portal::mine)
        .get_post(
            "/me/new",
            RESIDENTS,
            portal::form,
            portal::submit.layer(own_limit()),
        )
        .get("/me/demands/{id}", RESIDENTS, portal::demand)
        .post("/me/demands/{id}/rate", RESIDENTS, portal::rate)
        .get("/me/attachments/{id}", RESIDENTS, portal::attachment)
        .merge(categories::routes())
        .section(Record::Resident, record::resident)
}

/// A demand as a row of a list.
pub struct Item {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub level_label: String,
    pub created: String,
    pub reporter: String,
    pub assignee: String,
    pub overdue: Option<String>,
}

impl Item {
    pub fn of(d: &DemandView) -> Item {
        let status = d.status.as_str();
        Item {
            id: d.id,
            title: d.title.clone(),
            status: status.to_string(),
            status_label: i18n::text(&format!("demand.status.{status}")),
            level_label: i18n::text(&format!("web.demand.level.{}", d.level.as_str())),
            created: short_time(&d.created_at),
            reporter: d.reporter_name.clone(),
            assignee: d
                .assignee
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            overdue: d.overdue.map(|o| {
                i18n::text(match o {
                    Overdue::Accept => "web.demand.overdue_accept",
                    Overdue::Feedback => "web.demand.overdue_feedback",
                })
            }),
        }
    }
}

/// A reminder as a row: the demand, and why it is in front of you.
pub struct Nudge {
    pub item: Item,
    pub why: String,
}

impl Nudge {
    /// `for_resident`: the words of the portal ("please rate") rather than the office's.
    pub fn of(kind: ReminderKind, d: &DemandView, for_resident: bool) -> Nudge {
        let key = match (kind, for_resident) {
            (ReminderKind::Rating, true) => "web.me.please_rate",
            (ReminderKind::Rating, false) => "demand.remind.rating",
            (ReminderKind::AcceptOverdue, _) => "demand.remind.accept",
            (ReminderKind::FeedbackOverdue, _) => "demand.remind.feedback",
        };
        Nudge {
            item: Item::of(d),
            why: i18n::text(key),
        }
    }
}

/// The active categories as (code, name in the page's language), for a select.
pub fn category_options(all: Vec<Category>) -> Vec<(String, String)> {
    let lang: Lang = i18n::current();
    all.into_iter()
        .filter(|c| c.active)
        .map(|c| (c.name(lang).to_string(), c.code))
        .map(|(name, code)| (code, name))
        .collect()
}

/// An intake form, not to be kept by the browser: going back to it fetches a new one
/// with a new `client_id`, so a demand typed into it after one was sent is not taken for
/// that one sent again.
pub fn not_kept(mut page: axum::response::Response) -> axum::response::Response {
    page.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    page
}

/// `2026-11-25T09:30:00+08:00` → `2026-11-25 09:30`.
pub fn short_time(rfc3339: &str) -> String {
    rfc3339
        .get(..16)
        .map(|s| s.replace('T', " "))
        .unwrap_or_default()
}
