//! The pages of the demand loop: the workbench, lists, the demand page with a form for
//! every legal next step, intake, the residents' portal and the units' page.

mod act;
mod demand;
mod intake;
mod portal;
mod workbench;

use crate::clock::format_local;
use crate::web::i18n;
use crate::web::routes::{ANYONE, PageRoutes, RESIDENTS, STAFF, WORKERS};

use super::api::view::DemandView;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/work", STAFF, workbench::workbench)
        .get("/work/demands", WORKERS, workbench::list)
        .get("/work/demands/export", STAFF, workbench::export)
        .get_post("/work/demands/new", STAFF, intake::form, intake::submit)
        .get("/work/residents/search", STAFF, intake::search)
        .get("/work/demands/{id}", WORKERS, demand::page)
        .post("/work/demands/{id}/act/{action}", WORKERS, act::act)
        .post("/work/demands/{id}/photo", WORKERS, act::photo)
        .get("/work/attachments/{id}", ANYONE, demand::attachment)
        .get("/unit", WORKERS, workbench::unit)
        .get("/me", RESIDENTS, portal::mine)
        .get_post("/me/new", RESIDENTS, portal::form, portal::submit)
        .get("/me/demands/{id}", RESIDENTS, portal::demand)
        .post("/me/demands/{id}/rate", RESIDENTS, portal::rate)
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
            level_label: i18n::text(&format!("demand.level.{}", d.level.as_str())),
            created: short_time(&d.created_at),
            reporter: d.reporter_name.clone(),
            assignee: d
                .assignee
                .as_ref()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            overdue: d.overdue.map(|o| {
                i18n::text(match o {
                    super::deadlines::Overdue::Accept => "web.demand.overdue_accept",
                    super::deadlines::Overdue::Feedback => "web.demand.overdue_feedback",
                })
            }),
        }
    }
}

/// `2026-11-25T09:30:00+08:00` → `2026-11-25 09:30`.
pub fn short_time(rfc3339: &str) -> String {
    rfc3339
        .get(..16)
        .map(|s| s.replace('T', " "))
        .unwrap_or_default()
}

/// A moment as people read it.
pub fn when(ms: crate::clock::Millis) -> String {
    format_local(ms)
}
