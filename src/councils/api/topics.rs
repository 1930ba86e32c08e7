//! Topics on a council's three lists: raised (from the portal, by staff, or promoted from
//! a demand), voted on, decided; the results list and publishing a decision to it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::councils::model::inputs::{
    self, BODY_MAX, DecideInput, TopicInput, VoteInput, VoteSetup,
};
use crate::councils::model::records::{Decision, TopicView};
use crate::councils::model::{Ballot, Majority, MajorityBase, TieRule, TopicStatus, VoteUnit};
use crate::councils::service::{topics as service, votes};
use crate::demands::model::ClientId;
use crate::error::Result;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath, ApiQuery};

use super::word;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_topics, raise_topic))
        .routes(routes!(list_results))
        .routes(routes!(get_topic))
        .routes(routes!(cast_vote))
        .routes(routes!(decide_topic))
        .routes(routes!(publish_decision))
        .routes(routes!(my_topics))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TopicQuery {
    /// Only topics in this state: `raised` is the demand list, `on_agenda` the
    /// negotiation list, `decided` (and `rejected`, `tied`, `no_quorum`) the results.
    #[param(value_type = Option<TopicStatus>)]
    pub status: Option<String>,
    /// Only topics older than this id: the `id` of the last topic of the page before.
    pub before: Option<i64>,
    /// 1–200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// A council's topics, newest first, each with its options and count: a page of `limit`,
/// the next below the last one's id (`before`).
#[utoipa::path(get, path = "/api/v1/councils/{id}/topics", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Council id"), TopicQuery),
    responses((status = 200, body = Vec<TopicView>),
        (status = 422, description = "An unknown status (`invalid_choice`), a limit out of range (`out_of_range`)", body = ErrorBody)))]
pub async fn list_topics(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TopicQuery>,
) -> Result<Json<Vec<TopicView>>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(word("status", Some(s), TopicStatus::Raised)?),
    };
    let limit = q.limit.unwrap_or(50);
    Ok(Json(
        service::page_of_council(&st, &actor, id, status, q.before, limit).await?,
    ))
}

/// A topic to raise on a council's demand list.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NewTopic {
    /// 1–120 characters.
    pub title: Option<String>,
    /// What it is about, up to 2,000 characters.
    pub body: Option<String>,
    /// Promote this open demand (staff who see it): the topic keeps it, its timeline says
    /// it went to council, and the decision comes back to it.
    pub demand_id: Option<i64>,
    /// One vote per `person` (default) or per `household`, cast by any adult of it, once.
    #[schema(value_type = Option<VoteUnit>)]
    pub vote_unit: Option<String>,
    /// `open` (default) or `secret`: a secret ballot keeps only who voted, not how.
    #[schema(value_type = Option<Ballot>)]
    pub ballot: Option<String>,
    /// `simple` (default), `two_thirds` or `all`.
    #[schema(value_type = Option<Majority>)]
    pub majority: Option<String>,
    /// What the majority is of: `cast` (default, abstentions apart), `ballots`,
    /// `present` or `members`.
    #[schema(value_type = Option<MajorityBase>)]
    pub base: Option<String>,
    /// A tie: `status_quo` (default: nothing changes), `chair_casts` or `undecided`.
    #[schema(value_type = Option<TieRule>)]
    pub tie: Option<String>,
    /// 2–10 options; none gives 同意 / 不同意 (agree, disagree).
    pub options: Option<Vec<String>>,
    /// An id the client makes (8–64 of `A–Z a–z 0–9 _ -`): sent again, the topic is
    /// stored once and the first one comes back.
    #[schema(min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$")]
    pub client_id: Option<String>,
}

impl NewTopic {
    fn parse(self) -> Result<TopicInput> {
        let d = VoteSetup::default();
        Ok(TopicInput {
            title: inputs::title(self.title.as_deref())?,
            body: inputs::optional("body", self.body.as_deref(), BODY_MAX)?,
            vote: VoteSetup {
                unit: word("vote_unit", self.vote_unit.as_deref(), d.unit)?,
                ballot: word("ballot", self.ballot.as_deref(), d.ballot)?,
                majority: word("majority", self.majority.as_deref(), d.majority)?,
                base: word("base", self.base.as_deref(), d.base)?,
                tie: word("tie", self.tie.as_deref(), d.tie)?,
            },
            options: inputs::options(self.options.as_deref().unwrap_or_default())?,
            client_id: ClientId::parse(self.client_id.as_deref())?.map(|c| c.as_str().to_string()),
        })
    }
}

/// Raises a topic on a council's demand list: residents of the council's grid or
/// community from the portal, in their own name; its members and those who run it; or
/// promoted from an open demand in one step (`demand_id`).
#[utoipa::path(post, path = "/api/v1/councils/{id}/topics", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Council id")),
    request_body = NewTopic,
    responses(
        (status = 201, body = TopicView),
        (status = 200, description = "Its `client_id` was sent before by the same caller: the topic raised then; nothing written", body = TopicView),
        (status = 403, description = "The caller may not raise topics here (`forbidden`)", body = ErrorBody),
        (status = 409, description = "The demand is closed or went to council already (`council_state`)", body = ErrorBody),
        (status = 422, description = "A missing or invalid field; a `client_id` another caller used (`client_id_taken`); a demand not seen (`unknown_reference`)", body = ErrorBody),
    ))]
pub async fn raise_topic(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewTopic>,
) -> Result<(StatusCode, Json<TopicView>)> {
    let demand = req.demand_id;
    let t = req.parse()?;
    let again = match &t.client_id {
        Some(c) => service::raised_before(&st, c).await?,
        None => false,
    };
    let made = match demand {
        Some(d) => service::promote(&st, &actor, id, d, t).await?,
        None => service::raise(&st, &actor, id, t).await?,
    };
    let status = if again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(made)))
}

/// A council's results list: what its meetings decided (and could not), newest first.
/// Residents see what was published.
#[utoipa::path(get, path = "/api/v1/councils/{id}/results", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Council id")),
    responses((status = 200, body = Vec<Decision>)))]
pub async fn list_results(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Decision>>> {
    Ok(Json(service::results(&st, &actor, id).await?))
}

/// A topic with its options, the count so far, whether the caller has voted, and its
/// decision.
#[utoipa::path(get, path = "/api/v1/topics/{id}", tag = "councils", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Topic id")),
    responses((status = 200, body = TopicView)))]
pub async fn get_topic(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TopicView>> {
    Ok(Json(service::get(&st, &actor, id).await?))
}

/// A vote.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVote {
    /// The option voted for; none with `abstain`.
    pub option_id: Option<i64>,
    /// An abstention, counted apart.
    pub abstain: Option<bool>,
    /// For a vote per household: the household it is cast for (the voter's own).
    pub household_id: Option<i64>,
    /// Whose show of hands the office records (open ballots, by those who run the
    /// council): a member's id for a vote per person, a resident's for a vote per
    /// household. A resident votes as themself.
    pub voter_id: Option<i64>,
}

/// Casts a vote on a topic of a meeting in session: once per person, or once per
/// household by any adult of it; never after the meeting closed.
#[utoipa::path(post, path = "/api/v1/topics/{id}/votes", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Topic id")),
    request_body = NewVote,
    responses(
        (status = 200, description = "Counted; the topic with its count", body = TopicView),
        (status = 403, description = "Not entitled to vote on it (`vote_not_eligible`); a show of hands recorded by someone who does not run the council, or on a secret ballot (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Voted already (`already_voted`); the meeting not yet open (`voting_not_open`) or closed (`voting_closed`)", body = ErrorBody),
        (status = 422, description = "No option and no abstention (`missing_field`), an option of another topic (`invalid_choice`), another household (`vote_for_other_household`), an unknown voter", body = ErrorBody),
    ))]
pub async fn cast_vote(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewVote>,
) -> Result<Json<TopicView>> {
    let v = VoteInput {
        option_id: req.option_id,
        abstain: req.abstain.unwrap_or(false),
        household_id: req.household_id,
        voter_id: req.voter_id,
    };
    Ok(Json(votes::vote(&st, &actor, id, v).await?))
}

/// What the chair records for a topic.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    /// What was decided, in words (开放牛肉面馆旁小门 07:00–21:00…); none records the count
    /// as it stands (no quorum, rejected, tied).
    pub terms: Option<String>,
    /// The decision holds until `ends_on` only.
    pub temporary: Option<bool>,
    /// YYYY-MM-DD, the last day a temporary decision holds.
    pub ends_on: Option<String>,
    /// The chair's casting vote in a tie (under `chair_casts`).
    pub casting_option_id: Option<i64>,
}

/// Records what the meeting came to on a topic of its agenda. No decision without quorum:
/// it is recorded as `no_quorum`.
#[utoipa::path(post, path = "/api/v1/topics/{id}/decision", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Topic id")),
    request_body = NewDecision,
    responses(
        (status = 200, body = TopicView),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Terms the count does not carry (`no_quorum`, `no_majority`), or the topic is not on an agenda in session (`council_state`)", body = ErrorBody),
        (status = 422, description = "Terms too long, an end day that is no date or in the past", body = ErrorBody),
    ))]
pub async fn decide_topic(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewDecision>,
) -> Result<Json<TopicView>> {
    let d = DecideInput {
        terms: crate::web::validate::optional(
            "terms",
            req.terms.as_deref(),
            crate::councils::model::MAX_TERMS,
        )?,
        temporary: req.temporary.unwrap_or(false),
        ends_on: inputs::day("ends_on", req.ends_on.as_deref())?,
        casting_option_id: req.casting_option_id,
    };
    Ok(Json(service::decide(&st, &actor, id, d).await?))
}

/// Publishes a decision on the results list: the residents concerned see it on the
/// portal, and a demand it came from is told.
#[utoipa::path(post, path = "/api/v1/decisions/{id}/publish", tag = "councils",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Decision id")),
    responses(
        (status = 200, body = Decision),
        (status = 403, description = "The caller does not run the council (`forbidden`)", body = ErrorBody),
        (status = 409, description = "Published already (`council_state`)", body = ErrorBody),
    ))]
pub async fn publish_decision(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Decision>> {
    Ok(Json(service::publish(&st, &actor, id).await?))
}

/// The topics a resident raised from the portal, each with its count and decision: what
/// they follow on the portal. Residents only.
#[utoipa::path(get, path = "/api/v1/me/topics", tag = "councils", security(("bearer" = [])),
    responses((status = 200, body = Vec<TopicView>),
        (status = 403, description = "Not a resident (`forbidden`)", body = ErrorBody)))]
pub async fn my_topics(State(st): State<AppState>, actor: Actor) -> Result<Json<Vec<TopicView>>> {
    Ok(Json(service::mine(&st, &actor).await?))
}
