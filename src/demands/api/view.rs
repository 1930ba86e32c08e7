//! How a demand looks through the API: timestamps in China time, personal data masked
//! unless the caller needs it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Actor, Role};
use crate::clock::{Millis, rfc3339};
use crate::db::{DbResult, Exec, Q};
use crate::roster::ids::mask_phone;

use super::super::deadlines::{self, Overdue};
use super::super::model::{Channel, Level, Satisfaction, Status, TargetKind, Urgency};
use super::super::service::is_assignee;
use super::super::store::DemandRow;

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
    /// Masked (`138****5678`) in lists and for callers who do not need to call the resident.
    pub reporter_phone: Option<String>,
    /// How many duplicates were merged into this one ("me too").
    pub me_too: i64,
    pub merged_into: Option<i64>,
    pub assignee: Option<Assignee>,
    pub taken_by: Option<i64>,
    pub result: Option<String>,
    pub decline_reason: Option<String>,
    pub feedback_note: Option<String>,
    pub feedback_method: Option<String>,
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
}

fn ts(t: Option<Millis>) -> Option<String> {
    t.map(rfc3339)
}

/// May this caller see the reporter's phone number whole?
pub fn sees_phone(a: &Actor, d: &DemandRow) -> bool {
    match a.role {
        Role::Staff | Role::Secretary | Role::Admin => true,
        Role::GridWorker => d.grid_id.is_some_and(|g| a.grid_ids.contains(&g)) || is_assignee(a, d),
        Role::Resident => true, // only their own household's demands are visible to them
        Role::Volunteer | Role::Unit => is_assignee(a, d),
        Role::Street => false,
    }
}

pub fn view(
    d: &DemandRow,
    assignee_name: Option<String>,
    whole_phone: bool,
    now: Millis,
) -> DemandView {
    let status = d.status();
    DemandView {
        id: d.id,
        status,
        level: d.level(),
        channel: Channel::parse(&d.channel).unwrap_or(Channel::Api),
        category: d.category.clone(),
        urgency: Urgency::parse(&d.urgency).unwrap_or(Urgency::Normal),
        title: d.title.clone(),
        description: d.description.clone(),
        location: d.location.clone(),
        street_id: d.street_id,
        community_id: d.community_id,
        grid_id: d.grid_id,
        building_id: d.building_id,
        household_id: d.household_id,
        resident_id: d.resident_id,
        reporter_name: d.reporter_name.clone(),
        reporter_phone: d.reporter_phone.as_deref().map(|p| {
            if whole_phone {
                p.to_string()
            } else {
                mask_phone(p)
            }
        }),
        me_too: d.me_too,
        merged_into: d.merged_into,
        assignee: match (
            d.assignee_kind.as_deref().and_then(TargetKind::parse),
            d.assignee_id,
        ) {
            (Some(kind), Some(id)) => Some(Assignee {
                kind,
                id,
                name: assignee_name.unwrap_or_default(),
            }),
            _ => None,
        },
        taken_by: d.taken_by,
        result: d.result.clone(),
        decline_reason: d.decline_reason.clone(),
        feedback_note: d.feedback_note.clone(),
        feedback_method: d.feedback_method.clone(),
        rating: d.rating_solved.map(|solved| Rating {
            solved,
            satisfaction: d
                .rating_satisfaction
                .as_deref()
                .and_then(Satisfaction::parse),
            comment: d.rating_comment.clone(),
            rated_at: ts(d.rated_at),
        }),
        close_kind: d.close_kind.clone(),
        reopen_count: d.reopen_count,
        created_at: rfc3339(d.created_at),
        responded_at: ts(d.responded_at),
        dispatched_at: ts(d.dispatched_at),
        resolved_at: ts(d.resolved_at),
        feedback_at: ts(d.feedback_at),
        closed_at: ts(d.closed_at),
        accept_due_at: rfc3339(d.accept_due_at),
        feedback_due_at: rfc3339(d.feedback_due_at),
        overdue: deadlines::overdue(status, d.accept_due_at, d.feedback_due_at, now),
        version: d.version,
    }
}

/// SQL giving the assignee's name of demand `d` (a correlated lookup by primary key).
pub const ASSIGNEE_NAME: &str = "CASE d.assignee_kind \
    WHEN 'user' THEN (SELECT x.display_name FROM users x WHERE x.id = d.assignee_id) \
    WHEN 'team' THEN (SELECT x.name FROM teams x WHERE x.id = d.assignee_id) \
    WHEN 'unit' THEN (SELECT x.name FROM units x WHERE x.id = d.assignee_id) END";

/// The assignee's name, looked up in the table of its kind.
pub async fn assignee_name(ex: &mut impl Exec, d: &DemandRow) -> DbResult<Option<String>> {
    let sql = match d.assignee_kind.as_deref() {
        Some("user") => "SELECT display_name FROM users WHERE id = $1",
        Some("team") => "SELECT name FROM teams WHERE id = $1",
        Some("unit") => "SELECT name FROM units WHERE id = $1",
        _ => return Ok(None),
    };
    Ok(Q::new(sql)
        .bind(d.assignee_id)
        .fetch_optional::<(String,)>(ex)
        .await?
        .map(|r| r.0))
}
