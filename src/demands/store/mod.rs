//! Demands in the database: rows, the caller's scope as SQL, the timeline; lists and their
//! filters (`lists`), attachments (`files`), and what the forms choose from (`catalog`).
//! Every function takes a connection or the caller's transaction and returns `DbResult`.

pub mod catalog;
pub mod files;
pub mod lists;

use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};

use super::model::{Action, Level, Status, TargetKind};

crate::sealed!(pub ReporterPhone = "demands"."reporter_phone");

/// The demand loop's sealed columns: the phone of whoever reported a demand.
pub const SEALED: &[crate::vault::Column] = &[<ReporterPhone as crate::vault::sql::Sealed>::COLUMN];

/// One row of `demands`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DemandRow {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub reporter_name: String,
    #[sqlx(try_from = "crate::vault::sql::Opened<ReporterPhone>")]
    pub reporter_phone: Option<String>,
    pub channel: String,
    pub category: Option<String>,
    pub urgency: String,
    pub level: String,
    pub status: String,
    pub title: String,
    pub description: String,
    pub location: String,
    pub merged_into: Option<i64>,
    pub me_too: i64,
    pub assignee_kind: Option<String>,
    pub assignee_id: Option<i64>,
    pub taken_by: Option<i64>,
    pub result: Option<String>,
    pub decline_reason: Option<String>,
    pub feedback_note: Option<String>,
    pub feedback_method: Option<String>,
    pub rating_solved: Option<bool>,
    pub rating_satisfaction: Option<String>,
    pub rating_comment: Option<String>,
    pub close_kind: Option<String>,
    pub reopen_count: i64,
    pub created_by: Option<i64>,
    pub created_at: Millis,
    pub responded_at: Option<Millis>,
    pub dispatched_at: Option<Millis>,
    pub resolved_at: Option<Millis>,
    pub first_feedback_at: Option<Millis>,
    pub feedback_at: Option<Millis>,
    pub rated_at: Option<Millis>,
    pub closed_at: Option<Millis>,
    pub accept_due_at: Millis,
    pub feedback_due_at: Millis,
    pub accept_overdue_at: Option<Millis>,
    pub feedback_overdue_at: Option<Millis>,
    pub rating_reminded_at: Option<Millis>,
    pub updated_at: Millis,
    pub version: i64,
    /// What the visit must know about the resident, copied at intake (space-separated tags).
    pub visit_flags: String,
    /// The caller asked not to be named.
    pub anonymous: bool,
    /// When the assignee will come (预约上门).
    pub appointment_at: Option<Millis>,
    /// How staff reached the resident for a rating they recorded on the resident's behalf.
    pub rating_method: Option<String>,
    /// The id its client made for the intake (sent twice, it is stored once).
    pub client_id: Option<String>,
}

impl DemandRow {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Submitted)
    }
    pub fn level(&self) -> Level {
        Level::parse(&self.level).unwrap_or(Level::Grid)
    }
    pub fn assignee_kind(&self) -> Option<TargetKind> {
        self.assignee_kind.as_deref().and_then(TargetKind::parse)
    }
}

/// SQL giving the assignee's name of demand `d` (a correlated lookup by primary key).
pub const ASSIGNEE_NAME: &str = "CASE d.assignee_kind \
    WHEN 'user' THEN (SELECT x.display_name FROM users x WHERE x.id = d.assignee_id) \
    WHEN 'team' THEN (SELECT x.name FROM teams x WHERE x.id = d.assignee_id) \
    WHEN 'unit' THEN (SELECT x.name FROM units x WHERE x.id = d.assignee_id) END";

/// The assignee's name, looked up in the table of its kind.
pub async fn assignee_name(ex: &mut impl Exec, d: &DemandRow) -> DbResult<Option<String>> {
    let sql = match d.assignee_kind() {
        Some(TargetKind::User) => "SELECT display_name FROM users WHERE id = $1",
        Some(TargetKind::Team) => "SELECT name FROM teams WHERE id = $1",
        Some(TargetKind::Unit) => "SELECT name FROM units WHERE id = $1",
        None => return Ok(None),
    };
    Ok(Q::new(sql)
        .bind(d.assignee_id)
        .fetch_optional::<(String,)>(ex)
        .await?
        .map(|r| r.0))
}

/// The address of the demand's household, if it has one.
pub async fn address(ex: &mut impl Exec, d: &DemandRow) -> DbResult<Option<super::model::Address>> {
    let Some(household) = d.household_id else {
        return Ok(None);
    };
    Q::new(
        "SELECT c.name AS compound, b.name AS building, h.unit_no, h.room FROM households h \
         JOIN buildings b ON b.id = h.building_id JOIN compounds c ON c.id = b.compound_id \
         WHERE h.id = $1",
    )
    .bind(household)
    .fetch_optional(ex)
    .await
}

pub const COLUMNS: &str = "d.id, d.street_id, d.community_id, d.grid_id, d.building_id, \
    d.household_id, d.resident_id, d.reporter_name, d.reporter_phone, d.channel, d.category, \
    d.urgency, d.level, d.status, d.title, d.description, d.location, d.merged_into, d.me_too, \
    d.assignee_kind, d.assignee_id, d.taken_by, d.result, d.decline_reason, d.feedback_note, \
    d.feedback_method, d.rating_solved, d.rating_satisfaction, d.rating_comment, d.close_kind, \
    d.reopen_count, d.created_by, d.created_at, d.responded_at, d.dispatched_at, d.resolved_at, \
    d.first_feedback_at, d.feedback_at, d.rated_at, d.closed_at, d.accept_due_at, \
    d.feedback_due_at, d.accept_overdue_at, d.feedback_overdue_at, d.rating_reminded_at, \
    d.updated_at, d.version, d.visit_flags, d.anonymous, d.appointment_at, d.rating_method, \
    d.client_id";

/// Appends ` AND (…)`: the demands (alias `d`) the actor may see. Everything else is
/// invisible to them, so a read of it is a 404.
pub fn push_scope(q: &mut Q, a: &Actor) {
    let uid = a.user_id;
    match a.role {
        Role::Admin => {}
        Role::Street => {
            q.push(" AND d.street_id = ").push_bind(a.street_id);
        }
        Role::Staff | Role::Secretary => {
            q.push(" AND d.community_id = ").push_bind(a.community_id);
        }
        Role::GridWorker => {
            q.push(" AND (d.grid_id IN (SELECT g.id FROM grids g WHERE g.worker_user_id = ")
                .push_bind(uid)
                .push(") OR ");
            push_given_to_person(q, uid);
            q.push(")");
        }
        Role::Volunteer => {
            q.push(" AND (d.created_by = ").push_bind(uid).push(" OR ");
            push_given_to_person(q, uid);
            q.push(")");
        }
        Role::Unit => {
            let unit = a.unit_id.unwrap_or(-1);
            q.push(" AND (EXISTS (SELECT 1 FROM demand_assignments da WHERE da.community_id = d.community_id AND da.demand_id = d.id AND da.target_kind = 'unit' AND da.target_id = ")
                .push_bind(unit)
                .push(") OR EXISTS (SELECT 1 FROM demand_summons ds WHERE ds.community_id = d.community_id AND ds.demand_id = d.id AND ds.target_kind = 'unit' AND ds.target_id = ")
                .push_bind(unit)
                .push("))");
        }
        Role::Resident => {
            q.push(" AND (d.created_by = ")
                .push_bind(uid)
                .push(" OR d.household_id = ")
                .push_bind(a.household_id.unwrap_or(-1))
                .push(" OR d.resident_id = ")
                .push_bind(a.resident_id.unwrap_or(-1))
                .push(")");
        }
    }
}

/// Demands ever given to this person, to a team they are in, or that summoned them.
fn push_given_to_person(q: &mut Q, uid: i64) {
    q.push("EXISTS (SELECT 1 FROM demand_assignments da WHERE da.community_id = d.community_id AND da.demand_id = d.id AND ((da.target_kind = 'user' AND da.target_id = ")
        .push_bind(uid)
        .push(") OR (da.target_kind = 'team' AND da.target_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = ")
        .push_bind(uid)
        .push(")))) OR EXISTS (SELECT 1 FROM demand_summons ds WHERE ds.community_id = d.community_id AND ds.demand_id = d.id AND ds.target_kind = 'user' AND ds.target_id = ")
        .push_bind(uid)
        .push(")");
}

/// The demand its client named `client_id` at intake, whoever recorded it.
pub async fn by_client_id(ex: &mut impl Exec, client_id: &str) -> DbResult<Option<DemandRow>> {
    Q::new(format!(
        "SELECT {COLUMNS} FROM demands d WHERE d.client_id = $1"
    ))
    .bind(client_id)
    .fetch_optional(ex)
    .await
}

/// The demand if the actor may see it.
pub async fn find_visible(ex: &mut impl Exec, a: &Actor, id: i64) -> DbResult<Option<DemandRow>> {
    let mut q = Q::new(format!("SELECT {COLUMNS} FROM demands d WHERE d.id = "));
    q.push_bind(id);
    push_scope(&mut q, a);
    q.fetch_optional(ex).await
}

/// The demand, whoever asks (for the background jobs).
pub async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<DemandRow>> {
    Q::new(format!("SELECT {COLUMNS} FROM demands d WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// The demand of a known community (one shard when demands are distributed by community).
pub async fn find_in(
    ex: &mut impl Exec,
    community_id: i64,
    id: i64,
) -> DbResult<Option<DemandRow>> {
    Q::new(format!(
        "SELECT {COLUMNS} FROM demands d WHERE d.community_id = $1 AND d.id = $2"
    ))
    .bind(community_id)
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// One entry of the timeline.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    pub demand: &'a DemandRow,
    pub at: Millis,
    pub actor: &'a Actor,
    pub action: Action,
    pub from: Option<Status>,
    pub to: Status,
    pub level: Level,
    pub note: &'a str,
    pub data: serde_json::Value,
}

pub async fn append_event(ex: &mut impl Exec, e: NewEvent<'_>) -> DbResult<i64> {
    let mut q = event_insert(e, None);
    q.push(" RETURNING id");
    q.insert_id(ex).await
}

/// The INSERT of a timeline entry. `demand_id`, when given, is SQL that
/// gives the demand's id in place of the row's (a demand inserted by the statement before).
pub fn event_insert(e: NewEvent<'_>, demand_id: Option<&str>) -> Q {
    let mut q = Q::new(
        "INSERT INTO demand_events (demand_id, street_id, community_id, at, actor_id, actor_name, \
         actor_role, action, from_status, to_status, level, note, data) VALUES (",
    );
    match demand_id {
        Some(sql) => q.push(sql),
        None => q.push_bind(e.demand.id),
    };
    q.push(", ")
        .push_bind(e.demand.street_id)
        .push(", ")
        .push_bind(e.demand.community_id)
        .push(", ")
        .push_bind(e.at)
        .push(", ")
        .push_bind(e.actor.user_ref())
        .push(", ")
        .push_bind(e.actor.display_name.as_str())
        .push(", ")
        .push_bind(if e.actor.is_system() {
            "system"
        } else {
            e.actor.role.as_str()
        })
        .push(", ")
        .push_bind(e.action.as_str())
        .push(", ")
        .push_bind(e.from.map(Status::as_str))
        .push(", ")
        .push_bind(e.to.as_str())
        .push(", ")
        .push_bind(e.level.as_str())
        .push(", ")
        .push_bind(e.note)
        .push(", ")
        .push_bind(e.data)
        .push(")");
    q
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub at: Millis,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub level: String,
    pub note: String,
    pub data: sqlx::types::Json<serde_json::Value>,
}

pub async fn timeline(ex: &mut impl Exec, d: &DemandRow) -> DbResult<Vec<EventRow>> {
    Q::new(
        "SELECT id, at, actor_id, actor_name, actor_role, action, from_status, to_status, level, \
         note, data FROM demand_events WHERE community_id = $1 AND demand_id = $2 ORDER BY id",
    )
    .bind(d.community_id)
    .bind(d.id)
    .fetch_all(ex)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SummonRow {
    pub id: i64,
    pub target_kind: String,
    pub target_id: i64,
    pub target_name: String,
    pub summoned_at: Millis,
    pub reported_in_at: Option<Millis>,
    pub in_note: Option<String>,
    pub reported_back_at: Option<Millis>,
    pub back_note: Option<String>,
}

pub async fn summons(ex: &mut impl Exec, d: &DemandRow) -> DbResult<Vec<SummonRow>> {
    Q::new(
        "SELECT s.id, s.target_kind, s.target_id, \
         COALESCE(u.name, p.display_name, '') AS target_name, s.summoned_at, s.reported_in_at, \
         s.in_note, s.reported_back_at, s.back_note \
         FROM demand_summons s \
         LEFT JOIN units u ON s.target_kind = 'unit' AND u.id = s.target_id \
         LEFT JOIN users p ON s.target_kind = 'user' AND p.id = s.target_id \
         WHERE s.community_id = $1 AND s.demand_id = $2 ORDER BY s.id",
    )
    .bind(d.community_id)
    .bind(d.id)
    .fetch_all(ex)
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttachmentMeta {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: Millis,
}

pub async fn attachments(ex: &mut impl Exec, d: &DemandRow) -> DbResult<Vec<AttachmentMeta>> {
    Q::new(
        "SELECT id, file_name, content_type, size, sha256, uploaded_by, uploaded_at \
         FROM attachments WHERE community_id = $1 AND demand_id = $2 ORDER BY id",
    )
    .bind(d.community_id)
    .bind(d.id)
    .fetch_all(ex)
    .await
}

/// The deadlines of a category (defaults when there is none).
pub async fn category_deadlines(
    ex: &mut impl Exec,
    code: Option<&str>,
) -> DbResult<Option<super::deadlines::Deadlines>> {
    let Some(code) = code else {
        return Ok(Some(Default::default()));
    };
    Ok(Q::new(
        "SELECT accept_hours, feedback_days FROM categories WHERE code = $1 AND active = TRUE",
    )
    .bind(code)
    .fetch_optional::<(i64, i64)>(ex)
    .await?
    .map(|(h, d)| super::deadlines::Deadlines {
        accept_hours: h,
        feedback_days: d,
    }))
}
