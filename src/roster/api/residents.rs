//! Residents (居民). ID numbers, phone numbers, health notes and the sensitive tags are
//! personal information (PIPL): lists always mask them; one resident is shown whole only
//! to the community office, admin and the worker of the resident's grid, and every whole
//! view is written to the audit log (the service decides). Answers to writes are masked.

use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Answer, Change, Create, Created, Deleted, Edit, List, New, One};
use super::{PageQuery, nullable};
use crate::auth::Actor;
use crate::error::Result;
use crate::roster::model::forms::{NewResidentText, ResidentEditText};
use crate::roster::model::{Page, Resident, ResidentFilter, ResidentRow};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::ErrorBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_residents, create_resident))
        .routes(routes!(get_resident, patch_resident, delete_resident))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewResidentRequest {
    /// The household; without one the resident belongs to `community_id` (default: the
    /// caller's community).
    pub household_id: Option<i64>,
    pub community_id: Option<i64>,
    pub name: Option<String>,
    /// `male` or `female`; taken from the ID number when not given.
    pub gender: Option<String>,
    /// `YYYY-MM-DD`; taken from the ID number when not given.
    pub birth_date: Option<String>,
    /// 18 characters with a valid check digit.
    pub id_number: Option<String>,
    /// A mainland mobile or landline number.
    pub phone: Option<String>,
    /// Relation to the head of the household (户主, 配偶, 子女, …).
    pub relation: Option<String>,
    pub health_note: Option<String>,
    /// At most 20 tags of at most 20 characters.
    pub tags: Option<Vec<String>>,
    /// For a child under 14 (by the birth date, on today's date), required: the guardian
    /// who consents to the child's registration (PIPL art. 31), an adult resident of the
    /// same household. Refused for anyone else.
    pub guardian_id: Option<i64>,
    /// How the guardian consented: `written`, `in_person` or `online`.
    pub consent_method: Option<String>,
}

impl Create for NewResidentRequest {
    type Made = Resident;
    async fn create(self, st: &AppState, actor: &Actor) -> Result<Resident> {
        let new = NewResidentText {
            household_id: self.household_id,
            community_id: self.community_id,
            name: self.name.as_deref(),
            gender: self.gender.as_deref(),
            birth_date: self.birth_date.as_deref(),
            id_number: self.id_number.as_deref(),
            phone: self.phone.as_deref(),
            relation: self.relation.as_deref(),
            health_note: self.health_note.as_deref(),
            tags: self.tags.as_deref().unwrap_or_default(),
            guardian_id: self.guardian_id,
            consent_method: self.consent_method.as_deref(),
        }
        .parse()?;
        service::create_resident(st, actor, new).await
    }
}

/// Absent fields stay as they are; `null` clears the optional ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentPatch {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub household_id: Option<Option<i64>>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub birth_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub id_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    pub relation: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub health_note: Option<Option<String>>,
    /// Replaces all the tags.
    pub tags: Option<Vec<String>>,
    /// The resident's `version` as you read it: if someone changed the resident since,
    /// the change is refused (409 `version_conflict`) and nothing is saved. Leave it out
    /// to change the resident as it is.
    pub version: Option<i64>,
}

fn opt(v: &Option<Option<String>>) -> Option<Option<&str>> {
    v.as_ref().map(Option::as_deref)
}

impl Edit for ResidentPatch {
    type Made = Resident;
    async fn edit(self, st: &AppState, actor: &Actor, id: i64) -> Result<Resident> {
        let e = ResidentEditText {
            household_id: self.household_id,
            name: self.name.as_deref(),
            gender: opt(&self.gender),
            birth_date: opt(&self.birth_date),
            id_number: opt(&self.id_number),
            phone: opt(&self.phone),
            relation: self.relation.as_deref(),
            health_note: opt(&self.health_note),
            tags: self.tags.as_deref(),
            version: self.version,
        }
        .parse()?;
        service::edit_resident(st, actor, id, e).await
    }
}

/// Residents the caller can see; personal fields are always masked in lists, and the
/// sensitive tags left out. Filtering by a sensitive tag is for those who see personal
/// fields whole (403 `sensitive_filter` otherwise), and audited for each resident listed.
#[utoipa::path(get, path = "/api/v1/residents", tag = "roster", security(("bearer" = [])),
    params(ResidentFilter, PageQuery),
    responses((status = 200, body = Page<Resident>), (status = 403, body = ErrorBody)))]
pub async fn list_residents(q: List<ResidentFilter>) -> Answer<Page<Resident>> {
    let page = service::list_residents(&q.by.st, &q.by.actor, &q.filter, q.paging).await?;
    Ok(Json(page))
}

/// Why the caller needs a resident's personal fields whole.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevealQuery {
    /// Show the ID number, phone, health note and sensitive tags whole, for this reason
    /// (1–100 characters, e.g. `上门走访`), written to the audit log with the view.
    pub reveal: Option<String>,
}

/// One resident, its personal fields masked. With `reveal` (a reason), whole for those
/// who may see them — the office, secretaries, admin and the worker of the resident's
/// grid (`may_reveal` says whether the caller is one) — and the view audited with its
/// reason; the street and the others are refused.
#[utoipa::path(get, path = "/api/v1/residents/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path), RevealQuery),
    responses((status = 200, body = Resident),
        (status = 403, description = "`forbidden`: a whole view asked for by someone who may not see one", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "An empty or too long reason (`missing_field`, `text_too_long`)", body = ErrorBody)))]
pub async fn get_resident(
    r: One,
    crate::web::json::ApiQuery(q): crate::web::json::ApiQuery<RevealQuery>,
) -> Answer<Resident> {
    Ok(Json(
        service::get_resident(&r.by.st, &r.by.actor, r.id, q.reveal.as_deref()).await?,
    ))
}

/// Adds a resident, with their tags, to a household or a community.
#[utoipa::path(post, path = "/api/v1/residents", tag = "roster", security(("bearer" = [])),
    request_body = NewResidentRequest,
    responses((status = 201, body = Resident), (status = 403, body = ErrorBody),
        (status = 409, description = "`duplicate`: the ID number is on the roster already",
            body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_resident(r: New<NewResidentRequest>) -> Created<Resident> {
    r.create().await
}

/// Changes a resident; `tags` replaces all their tags. A new ID number brings its birth date
/// and gender; a birth date or gender that contradicts the ID number is refused.
#[utoipa::path(patch, path = "/api/v1/residents/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = ResidentPatch,
    responses((status = 200, body = Resident), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_resident(r: Change<ResidentPatch>) -> Answer<Resident> {
    r.edit().await
}

/// Removes a resident (and their tags) nothing else refers to.
#[utoipa::path(delete, path = "/api/v1/residents/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: demands, an account or a building refer to it",
            body = ErrorBody)))]
pub async fn delete_resident(r: One) -> Deleted {
    r.delete::<ResidentRow>().await
}
