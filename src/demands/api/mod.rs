//! `/api/v1/demands`: intake, lists, the demand page's data, and every lifecycle step.

mod actions;
pub mod attachments;
mod categories;
pub mod export;
pub mod list;
pub mod view;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::clock::rfc3339;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};
use crate::web::validate;

use super::model::{Channel, MAX_NOTE, MAX_TEXT, MAX_TITLE, Satisfaction, Urgency};
use super::rules::{self, Step};
use super::service::{self, Ctx, NewDemand};
use super::store;
use view::{DemandView, assignee_name, sees_phone, view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list::list_demands, create_demand))
        .routes(routes!(get_demand))
        .routes(routes!(list::overdue_summary))
        .routes(routes!(export::export_demands))
        .merge(actions::router())
        .merge(attachments::router())
        .merge(categories::router())
}

/// A demand as received. Residents raise demands for their own household; staff, grid
/// workers and volunteers record them for residents (`resident_id`, `household_id` or
/// `building_id`, or just a name and phone for someone not on the roster).
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    /// phone, wechat, walk_in, online, visit, patrol, council or api. Residents: online or
    /// wechat (default online); others default to walk_in.
    pub channel: Option<Channel>,
    /// Up to 100 characters; the start of the description when absent.
    pub title: Option<String>,
    /// What is wrong, up to 2,000 characters.
    pub description: Option<String>,
    /// A category code; may also be set when the demand is accepted.
    pub category: Option<String>,
    pub urgency: Option<Urgency>,
    /// Only for street and admin callers, who are above one community.
    pub community_id: Option<i64>,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub reporter_name: Option<String>,
    /// A mainland mobile (`13812345678`) or landline (`0311-87654321`) number.
    pub reporter_phone: Option<String>,
    pub location: Option<String>,
}

impl IntakeRequest {
    fn parse(self) -> Result<NewDemand> {
        Ok(NewDemand {
            channel: self.channel,
            title: validate::optional("title", self.title.as_deref(), MAX_TITLE)?,
            description: validate::required("description", self.description.as_deref(), MAX_TEXT)?,
            category: validate::optional("category", self.category.as_deref(), 40)?,
            urgency: self.urgency,
            community_id: self.community_id,
            building_id: self.building_id,
            household_id: self.household_id,
            resident_id: self.resident_id,
            reporter_name: validate::optional("reporter_name", self.reporter_name.as_deref(), 50)?,
            reporter_phone: validate::optional(
                "reporter_phone",
                self.reporter_phone.as_deref(),
                30,
            )?,
            location: validate::optional("location", self.location.as_deref(), 200)?,
        })
    }
}

/// Raise or record a demand.
#[utoipa::path(post, path = "/api/v1/demands", tag = "demands",
    security(("bearer" = [])),
    request_body = IntakeRequest,
    responses(
        (status = 201, description = "Recorded; status `submitted`", body = DemandView),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "Missing or invalid field", body = ErrorBody),
    ))]
pub async fn create_demand(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<IntakeRequest>,
) -> Result<(StatusCode, Json<DemandView>)> {
    let n = req.parse()?;
    let now = st.clock.now();
    let policy = st.policy();
    // Checked on a reader; written by the writer, where many intakes share one durable
    // commit and each is answered only after it (db::batch).
    let prepared = {
        let mut c = st.db.conn().await?;
        let ctx = Ctx {
            actor: &actor,
            now,
            policy,
        };
        service::intake::prepare(&mut c, &ctx, n).await?
    };
    let ctx = Ctx {
        actor: &actor,
        now,
        policy,
    };
    let row = service::intake::submit(&st.writer, &ctx, prepared).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(&row, None, sees_phone(&actor, &row), now)),
    ))
}

/// One entry of the timeline.
#[derive(Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub at: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    /// intake, accept, decline, merge, me_too, dispatch, take, resolve, feedback, rate,
    /// reopen, close, escalate, whistle, report_in, report_back, attach, remind.
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub level: String,
    pub note: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// A unit or person summoned by a whistle, and where their reports stand.
#[derive(Serialize, ToSchema)]
pub struct SummonView {
    pub kind: String,
    pub id: i64,
    pub name: String,
    pub summoned_at: String,
    pub reported_in_at: Option<String>,
    pub in_note: Option<String>,
    pub reported_back_at: Option<String>,
    pub back_note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: String,
    /// `GET` this to download the file.
    pub url: String,
}

/// A demand with its whole story.
#[derive(Serialize, ToSchema)]
pub struct DemandDetail {
    pub demand: DemandView,
    /// Append-only, oldest first.
    pub timeline: Vec<EventView>,
    pub summons: Vec<SummonView>,
    pub attachments: Vec<AttachmentView>,
    /// The steps the caller may take now (each is `POST /api/v1/demands/{id}/<action>`).
    pub next_actions: Vec<String>,
}

/// A demand with its timeline, summoned units, attachments and the caller's next steps.
#[utoipa::path(get, path = "/api/v1/demands/{id}", tag = "demands",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Demand id")),
    responses((status = 200, body = DemandDetail), (status = 404, body = ErrorBody)))]
pub async fn get_demand(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DemandDetail>> {
    Ok(Json(detail(&st, &actor, id).await?))
}

/// A demand with everything the demand page shows (the API and the pages).
pub async fn detail(st: &AppState, actor: &Actor, id: i64) -> Result<DemandDetail> {
    let actor = actor.clone();
    let now = st.clock.now();
    let mut c = st.db.conn().await?;
    let d = store::find_visible(&mut c, &actor, id)
        .await?
        .ok_or_else(Error::not_found)?;
    let name = assignee_name(&mut c, &d).await?;
    let (facts, rel) = service::facts_and_relation(&mut c, &actor, &d).await?;
    let timeline = store::timeline(&mut c, &d).await?;
    let summons = store::summons(&mut c, &d).await?;
    let attachments = store::attachments(&mut c, &d).await?;
    drop(c);
    let whole = sees_phone(&actor, &d);
    if whole && d.reporter_phone.is_some() && actor.role != crate::auth::Role::Resident {
        let mut tx = st.db.begin().await?;
        crate::audit::record(
            &mut tx,
            crate::audit::Entry {
                at: now,
                user_id: actor.user_id,
                action: "view_pii",
                object_kind: "demand",
                object_id: d.id,
                detail: "reporter_phone",
                place: Some(crate::roster::store::Place {
                    street_id: d.street_id,
                    community_id: d.community_id,
                }),
            },
        )
        .await?;
        tx.commit().await?;
    }
    let policy = st.policy();
    let next_actions = CANDIDATES
        .iter()
        .filter(|(_, step)| rules::decide(&facts, actor.role, &rel, *step, now, &policy).is_ok())
        .map(|(name, _)| name.to_string())
        .collect();
    Ok(DemandDetail {
        demand: view(&d, name, whole, now),
        timeline: timeline
            .into_iter()
            .map(|e| EventView {
                id: e.id,
                at: rfc3339(e.at),
                actor_id: e.actor_id,
                actor_name: e.actor_name,
                actor_role: e.actor_role,
                action: e.action,
                from_status: e.from_status,
                to_status: e.to_status,
                level: e.level,
                note: e.note,
                data: e.data.0,
            })
            .collect(),
        summons: summons
            .into_iter()
            .map(|s| SummonView {
                kind: s.target_kind,
                id: s.target_id,
                name: s.target_name,
                summoned_at: rfc3339(s.summoned_at),
                reported_in_at: s.reported_in_at.map(rfc3339),
                in_note: s.in_note,
                reported_back_at: s.reported_back_at.map(rfc3339),
                back_note: s.back_note,
            })
            .collect(),
        attachments: attachments
            .into_iter()
            .map(|a| AttachmentView {
                url: format!("/api/v1/attachments/{}", a.id),
                id: a.id,
                file_name: a.file_name,
                content_type: a.content_type,
                size: a.size,
                sha256: a.sha256,
                uploaded_at: rfc3339(a.uploaded_at),
            })
            .collect(),
        next_actions,
    })
}

/// The steps a caller might take, by the name of their endpoint (a rating is legal for
/// the caller when any rating is).
const CANDIDATES: &[(&str, Step)] = &[
    ("accept", Step::Accept),
    ("decline", Step::Decline),
    ("merge", Step::Merge),
    ("dispatch", Step::Dispatch),
    ("take", Step::Take),
    ("resolve", Step::Resolve),
    ("feedback", Step::Feedback),
    (
        "rate",
        Step::Rate {
            solved: true,
            satisfaction: Satisfaction::Satisfied,
        },
    ),
    ("reopen", Step::Reopen),
    ("close", Step::Close),
    ("escalate", Step::Escalate),
    ("whistle", Step::Whistle),
    ("report-in", Step::ReportIn),
    ("report-back", Step::ReportBack),
];

/// A free-text note of a step, bounded.
fn note(field: &str, v: Option<&str>) -> Result<Option<String>> {
    validate::optional(field, v, MAX_NOTE)
}

/// A required free-text field of a step, bounded.
fn reason(field: &str, v: Option<&str>) -> Result<String> {
    validate::required(field, v, MAX_NOTE)
}
