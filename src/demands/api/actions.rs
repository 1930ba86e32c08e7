//! `POST /api/v1/demands/{id}/<action>`: one endpoint per lifecycle step. Each body becomes
//! a `Command`; the service takes the step.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::state::AppState;

use crate::error::Result;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};

use super::super::model::{
    Command, DemandView, FeedbackMethod, Satisfaction, SummonTarget, Summons, Target, Urgency,
};
use super::super::service;
use super::{note, reason};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(merge))
        .routes(routes!(dispatch))
        .routes(routes!(take))
        .routes(routes!(resolve))
        .routes(routes!(feedback))
        .routes(routes!(rate))
        .routes(routes!(reopen))
        .routes(routes!(close))
        .routes(routes!(escalate))
        .routes(routes!(whistle))
        .routes(routes!(report_in))
        .routes(routes!(report_back))
        .routes(routes!(progress))
        .routes(routes!(appoint))
        .routes(routes!(return_job))
}

/// A step that needs nothing but an optional note.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub note: Option<String>,
}

/// A step that needs a reason.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    /// Required; shown on the timeline (and, for a decline, to the resident).
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// Required unless given at intake.
    pub category: Option<String>,
    /// Required unless known from the building; must be a grid of the demand's community.
    pub grid_id: Option<i64>,
    pub urgency: Option<Urgency>,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The open demand this one repeats.
    pub into: i64,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequest {
    /// `{"kind": "user" | "team" | "unit", "id": …}`.
    pub to: Target,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// What was done. Required.
    pub result: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// How the resident was told (default phone).
    pub method: Option<FeedbackMethod>,
    /// What the resident was told (the results list). Required.
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    /// Was the problem solved? `false` reopens the demand.
    pub solved: bool,
    /// satisfied, basically or unsatisfied; `unsatisfied` reopens the demand.
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
    /// Staff recording the resident's answer (回访) say how they asked: phone, visit,
    /// wechat, sms or in_person. Required for anyone but the household that raised it, and
    /// refused from the household.
    pub on_behalf: Option<FeedbackMethod>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ProgressRequest {
    /// What was done so far. Required.
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentRequest {
    /// When the assignee will come, RFC 3339 (`2026-12-02T14:00:00+08:00`): not in the past,
    /// at most 60 days ahead. The resident sees it.
    pub at: String,
    /// A word for the resident (e.g. "please keep someone at home").
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhistleRequest {
    /// Units and people to summon: `[{"kind": "unit", "id": 3}, {"kind": "user", "id": 9}]`.
    pub summon: Vec<SummonTarget>,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReportBackRequest {
    /// What the unit did. Required.
    pub note: Option<String>,
}

macro_rules! step_doc {
    ($(#[$doc:meta])* $fn:ident, $path:literal, $body:ty, |$req:ident| $cmd:expr) => {
        $(#[$doc])*
        #[utoipa::path(post, path = $path, tag = "demands",
            security(("bearer" = [])),
            params(("id" = i64, Path, description = "Demand id")),
            request_body = $body,
            responses(
                (status = 200, description = "Done; the demand as it now is (the phone masked)", body = DemandView),
                (status = 403, description = "Not yours to do (`not_allowed`)", body = ErrorBody),
                (status = 404, description = "No such demand in your scope", body = ErrorBody),
                (status = 409, description = "Not from this status (`illegal_transition`) or a precondition fails", body = ErrorBody),
                (status = 422, description = "Missing or invalid field", body = ErrorBody),
            ))]
        pub async fn $fn(
            State(st): State<AppState>,
            actor: Actor,
            ApiPath(id): ApiPath<i64>,
            ApiJson($req): ApiJson<$body>,
        ) -> Result<Json<DemandView>> {
            let cmd: Command = $cmd;
            Ok(Json(service::act(&st, &actor, id, cmd).await?))
        }
    };
}

step_doc!(
    /// Accept (受理): triage with category, grid and urgency; deadlines are computed.
    accept, "/api/v1/demands/{id}/accept", AcceptRequest, |r| Command::Accept {
        category: crate::web::validate::optional("category", r.category.as_deref(), 40)?,
        grid_id: r.grid_id,
        urgency: r.urgency,
        note: note("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Decline (不予受理) a demand out of scope, with a reason the resident sees.
    decline, "/api/v1/demands/{id}/decline", ReasonRequest, |r| Command::Decline {
        reason: reason("reason", r.reason.as_deref())?,
    }
);

step_doc!(
    /// Merge a duplicate into the demand it repeats; that one's "me too" count grows.
    merge, "/api/v1/demands/{id}/merge", MergeRequest, |r| Command::Merge {
        into: r.into,
        note: note("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Dispatch (派单) to a person, a team or a unit; re-dispatch is allowed.
    dispatch, "/api/v1/demands/{id}/dispatch", DispatchRequest, |r| Command::Dispatch {
        to: r.to,
        note: note("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Take the order (接单): the assignee starts work.
    take, "/api/v1/demands/{id}/take", NoteRequest, |r| Command::Take {
        note: note("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Resolve (办结) with the result: by the assignee, or on the spot by the grid's worker.
    /// Every unit summoned by a whistle must have reported back first.
    resolve, "/api/v1/demands/{id}/resolve", ResolveRequest, |r| Command::Resolve {
        result: reason("result", r.result.as_deref())?,
    }
);

step_doc!(
    /// Feed the result back (反馈) to the resident.
    feedback, "/api/v1/demands/{id}/feedback", FeedbackRequest, |r| Command::Feedback {
        method: r.method.unwrap_or(FeedbackMethod::Phone),
        note: reason("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Rate (评价) the result: solved and satisfied or basically satisfied closes it; not
    /// solved or unsatisfied sends it back to work.
    rate, "/api/v1/demands/{id}/rate", RateRequest, |r| Command::Rate {
        solved: r.solved,
        satisfaction: r.satisfaction,
        comment: note("comment", r.comment.as_deref())?,
        on_behalf: r.on_behalf,
    }
);

step_doc!(
    /// Reopen a closed demand on a late complaint (within the reopen window).
    reopen, "/api/v1/demands/{id}/reopen", ReasonRequest, |r| Command::Reopen {
        reason: reason("reason", r.reason.as_deref())?,
    }
);

step_doc!(
    /// Close a demand the resident has not rated, once the rating window has passed
    /// (counted apart as unrated).
    close, "/api/v1/demands/{id}/close", NoteRequest, |r| Command::Close {
        note: note("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Escalate (上报) one level: grid → community → street, with a reason.
    escalate, "/api/v1/demands/{id}/escalate", ReasonRequest, |r| Command::Escalate {
        reason: reason("reason", r.reason.as_deref())?,
    }
);

step_doc!(
    /// Whistle (吹哨): summon several units or people; each must report in and report back
    /// before the demand can be resolved.
    whistle, "/api/v1/demands/{id}/whistle", WhistleRequest, |r| Command::Whistle {
        summon: Summons::parse(r.summon)?,
        note: note("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Report in (报到): a summoned unit or person arrives.
    report_in, "/api/v1/demands/{id}/report-in", NoteRequest, |r| Command::ReportIn {
        note: note("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Report back (反馈结果): a summoned unit or person says what they did.
    report_back, "/api/v1/demands/{id}/report-back", ReportBackRequest, |r| Command::ReportBack {
        note: reason("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Add a progress note (进展) while working on it; the status stays. Not shown to the
    /// resident.
    progress, "/api/v1/demands/{id}/note", ProgressRequest, |r| Command::Note {
        note: reason("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Set when the assignee will come (预约上门); the resident sees it on the portal.
    appoint, "/api/v1/demands/{id}/appoint", AppointmentRequest, |r| Command::Appoint {
        at: crate::clock::parse_time(&r.at).ok_or_else(|| {
            crate::error::Error::invalid("appointment_at", crate::error::Code::InvalidTime)
        })?,
        note: note("note", r.note.as_deref())?,
    }
);

step_doc!(
    /// Return a job dispatched to the wrong hands (退单) with a reason: it goes back to the
    /// dispatcher's queue (accepted, given to nobody).
    return_job, "/api/v1/demands/{id}/return", ReasonRequest, |r| Command::Return {
        reason: reason("reason", r.reason.as_deref())?,
    }
);
