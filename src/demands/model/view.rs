//! A demand as the service gives it back: timestamps in China time, personal data already
//! masked or left out for whoever asked (see `rules::audience`).

use serde::Serialize;
use utoipa::ToSchema;

use crate::demands::deadlines::Overdue;

use super::{Channel, FeedbackMethod, Level, Satisfaction, Status, TargetKind, Urgency};

/// Whom the demand is given to.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Assignee {
    pub kind: TargetKind,
    pub id: i64,
    pub name: String,
}

/// The resident's rating.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Rating {
    pub solved: bool,
    pub satisfaction: Option<Satisfaction>,
    pub comment: Option<String>,
    pub rated_at: Option<String>,
    /// Recorded by staff on the resident's behalf (回访), and how they asked: phone, visit,
    /// in_person…; absent when the resident rated it themselves.
    pub on_behalf: Option<FeedbackMethod>,
}

/// A demand (诉求).
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct DemandView {
    pub id: i64,
    pub status: Status,
    pub level: Level,
    pub channel: Channel,
    /// Category code (see `GET /api/v1/categories`); set at intake or at acceptance.
    pub category: Option<String>,
    pub urgency: Urgency,
    pub title: String,
    pub description: String,
    pub location: String,
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub reporter_name: String,
    /// Masked (`138****5678`) everywhere but in the demand's own detail
    /// (`GET /api/v1/demands/{id}`), and there too for callers who do not need to call the
    /// resident. A whole number shown is recorded in the audit log.
    pub reporter_phone: Option<String>,
    /// How many duplicates were merged into this one ("me too").
    pub me_too: i64,
    pub merged_into: Option<i64>,
    /// For residents only a unit or a team: the people who work on it are not named to them.
    pub assignee: Option<Assignee>,
    /// Not shown to residents.
    pub taken_by: Option<i64>,
    pub result: Option<String>,
    pub decline_reason: Option<String>,
    pub feedback_note: Option<String>,
    pub feedback_method: Option<FeedbackMethod>,
    pub rating: Option<Rating>,
    /// `rated` or `unrated` once closed.
    pub close_kind: Option<String>,
    pub reopen_count: i64,
    pub created_at: String,
    pub responded_at: Option<String>,
    pub dispatched_at: Option<String>,
    pub resolved_at: Option<String>,
    pub feedback_at: Option<String>,
    pub closed_at: Option<String>,
    pub accept_due_at: String,
    pub feedback_due_at: String,
    /// The deadline this open demand has missed now, if any.
    pub overdue: Option<Overdue>,
    /// Bumped by every change.
    pub version: i64,
    /// What whoever goes must know about the resident (`elderly_alone`, `limited_mobility`),
    /// copied from the roster at intake. Not given to residents.
    pub visit_flags: Vec<String>,
    /// The reporter asked not to be named.
    pub anonymous: bool,
    /// When the assignee will come (预约上门); residents see it.
    pub appointment_at: Option<String>,
}
