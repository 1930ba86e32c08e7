//! The pages of the demand loop: the workbench, lists, the demand page with a form for
//! every legal next step, intake, the residents' portal and the units' page.

mod act;
mod demand;
mod intake;
mod portal;
mod workbench;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::clock::format_local;
use crate::web::i18n;

use super::api::view::DemandView;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/work", get(workbench::workbench))
        .route("/work/demands", get(workbench::list))
        .route("/work/demands/export", get(workbench::export))
        .route("/work/demands/new", get(intake::form).post(intake::submit))
        .route("/work/residents/search", get(intake::search))
        .route("/work/demands/{id}", get(demand::page))
        .route("/work/demands/{id}/act/{action}", post(act::act))
        .route("/work/demands/{id}/photo", post(act::photo))
        .route("/work/attachments/{id}", get(demand::attachment))
        .route("/unit", get(workbench::unit))
        .route("/me", get(portal::mine))
        .route("/me/new", get(portal::form).post(portal::submit))
        .route("/me/demands/{id}", get(portal::demand))
        .route("/me/demands/{id}/rate", post(portal::rate))
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
