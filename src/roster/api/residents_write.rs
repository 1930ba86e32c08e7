//! Residents (居民): creating, changing and deleting them. Grid workers keep the ledger of
//! their own grids; the community office, the street and admin keep the rest. A resident
//! and their tags are written in one transaction; answers show the personal fields masked
//! (read the resident to see them whole).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::residents::{Pii, Resident, find, tags_of};
use super::scope::{Kind, Loc, Scope};
use super::{community_for_new, delete_row, duplicate, keep, refuse_if_used, unknown};
use crate::auth::Actor;
use crate::db::{Exec, Q, Tx};
use crate::error::{Code, Error, Result};
use crate::roster::model::{
    self, Gender, Identity, IdentityInput, NAME_MAX, nullable, patch_identity,
};
use crate::roster::store::{self, NewResident, Place};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiJson, ApiPath};
use crate::web::validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_resident))
        .routes(routes!(patch_resident, delete_resident))
}

const RELATION_MAX: usize = 20;
const HEALTH_NOTE_MAX: usize = 500;

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
}

fn gender(v: Option<&str>) -> Result<Option<Gender>> {
    match v.map(str::trim).filter(|g| !g.is_empty()) {
        None => Ok(None),
        Some(g) => Gender::parse(g)
            .map(Some)
            .ok_or_else(|| Error::invalid("gender", Code::InvalidGender)),
    }
}

/// Where a resident of this household lives: the household must be one the caller sees.
async fn household_loc(ex: &mut impl Exec, scope: &Scope, household_id: i64) -> Result<Loc> {
    let loc = store::household_place(ex, household_id).await?.map(|h| {
        Loc::at(Place {
            street_id: h.street_id,
            community_id: h.community_id,
        })
        .in_grid(h.grid_id)
    });
    match loc {
        Some(l) if scope.may_read(Kind::Household, l) => Ok(l),
        _ => Err(unknown("household_id")),
    }
}

fn place_of(loc: Loc) -> Result<Place> {
    loc.community_id
        .map(|community_id| Place {
            street_id: loc.street_id,
            community_id,
        })
        .ok_or_else(|| Error::internal("a resident's place without a community"))
}

/// The resident as the answer to a write: personal fields masked.
async fn answer(tx: &mut Tx, id: i64) -> Result<Resident> {
    let row = find(tx, id).await?.ok_or_else(Error::not_found)?;
    let tags = tags_of(tx, &[id])
        .await?
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    Ok(row.view(tags, Pii::Masked))
}

/// Adds a resident, with their tags, to a household or a community.
#[utoipa::path(post, path = "/api/v1/residents", tag = "roster", security(("bearer" = [])),
    request_body = NewResidentRequest,
    responses((status = 201, body = Resident), (status = 403, body = ErrorBody),
        (status = 409, description = "`duplicate`: the ID number is on the roster already",
            body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_resident(
    State(st): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<NewResidentRequest>,
) -> Result<(StatusCode, Json<Resident>)> {
    let scope = Scope::of(&st, &actor).await?;
    scope.check_create(Kind::Resident)?;
    let name = validate::required("name", req.name.as_deref(), NAME_MAX)?;
    let identity = Identity::parse(IdentityInput {
        id_number: req.id_number.as_deref(),
        birth_date: req.birth_date.as_deref(),
        gender: gender(req.gender.as_deref())?,
    })?;
    let phone = model::phone("phone", req.phone.as_deref())?;
    let relation = validate::optional("relation", req.relation.as_deref(), RELATION_MAX)?;
    let health_note =
        validate::optional("health_note", req.health_note.as_deref(), HEALTH_NOTE_MAX)?;
    let tags = model::tags(req.tags.as_deref().unwrap_or_default())?;

    let mut tx = st.db.begin().await?;
    let loc = match req.household_id {
        Some(h) => {
            let loc = household_loc(&mut tx, &scope, h).await?;
            if req
                .community_id
                .is_some_and(|c| Some(c) != loc.community_id)
            {
                return Err(unknown("household_id"));
            }
            loc
        }
        None => Loc::at(community_for_new(&mut tx, &scope, req.community_id).await?),
    };
    scope
        .check_write(Kind::Resident, loc)
        .map_err(|_| Error::forbidden())?;
    let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
    let new = NewResident {
        household_id: req.household_id,
        name: &name,
        gender: identity.gender.map(Gender::as_str),
        birth_date: identity.birth_date.as_deref(),
        id_number: identity.id_number.as_ref().map(|n| n.as_str()),
        phone: phone.as_ref().map(|p| p.as_str()),
        relation: relation.as_deref().unwrap_or(""),
        health_note: health_note.as_deref(),
        tags: &tag_refs,
    };
    let id = store::insert_resident(&mut tx, place_of(loc)?, &new, st.clock.now())
        .await
        .map_err(duplicate)?;
    let r = answer(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(resident_id = id, user_id = actor.user_id, "resident added");
    Ok((StatusCode::CREATED, Json(r)))
}

/// Changes a resident; `tags` replaces all their tags. A new ID number brings its birth date
/// and gender; a birth date or gender that contradicts the ID number is refused.
#[utoipa::path(patch, path = "/api/v1/residents/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)), request_body = ResidentPatch,
    responses((status = 200, body = Resident), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn patch_resident(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResidentPatch>,
) -> Result<Json<Resident>> {
    let scope = Scope::of(&st, &actor).await?;
    let name = match req.name.as_deref() {
        Some(n) => Some(validate::required("name", Some(n), NAME_MAX)?),
        None => None,
    };
    let new_gender = match &req.gender {
        Some(g) => Some(gender(g.as_deref())?),
        None => None,
    };
    let phone = match &req.phone {
        Some(p) => Some(model::phone("phone", p.as_deref())?.map(|p| p.into_string())),
        None => None,
    };
    let relation = validate::optional("relation", req.relation.as_deref(), RELATION_MAX)?;
    let health_note = match &req.health_note {
        Some(h) => Some(validate::optional(
            "health_note",
            h.as_deref(),
            HEALTH_NOTE_MAX,
        )?),
        None => None,
    };
    let tags = req.tags.as_deref().map(model::tags).transpose()?;

    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Resident, old.loc())?;
    let identity = patch_identity(
        IdentityInput {
            id_number: old.id_number.as_deref(),
            birth_date: old.birth_date.as_deref(),
            gender: old.gender.as_deref().and_then(Gender::parse),
        },
        req.id_number.as_ref().map(Option::as_deref),
        req.birth_date.as_ref().map(Option::as_deref),
        new_gender,
    )?;
    let (household_id, loc) = match req.household_id {
        None => (old.household_id, old.loc()),
        Some(None) => (None, Loc::at(old.place())),
        Some(Some(h)) => (Some(h), household_loc(&mut tx, &scope, h).await?),
    };
    if !scope.may_write(Kind::Resident, loc) {
        return Err(Error::forbidden());
    }
    let at = place_of(loc)?;
    // The community is a resident's partition key: someone who moves to another community
    // is registered there anew.
    if at.community_id != old.community_id {
        return Err(Error::invalid("household_id", Code::OtherCommunity));
    }
    Q::new(
        "UPDATE residents SET street_id = $1, community_id = $2, household_id = $3, \
         name = $4, gender = $5, birth_date = $6, id_number = $7, phone = $8, relation = $9, \
         health_note = $10, updated_at = $11 WHERE id = $12",
    )
    .bind(at.street_id)
    .bind(at.community_id)
    .bind(household_id)
    .bind(name.unwrap_or(old.name))
    .bind(identity.gender.map(Gender::as_str))
    .bind(identity.birth_date)
    .bind(identity.id_number.map(|n| n.as_str().to_string()))
    .bind(phone.unwrap_or(old.phone))
    .bind(keep(req.relation.is_some(), relation, old.relation))
    .bind(health_note.unwrap_or(old.health_note))
    .bind(st.clock.now())
    .bind(id)
    .execute(&mut tx)
    .await
    .map_err(duplicate)?;
    if let Some(tags) = &tags {
        let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
        store::set_tags(&mut tx, at.community_id, id, &refs).await?;
    }
    let r = answer(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(
        resident_id = id,
        user_id = actor.user_id,
        "resident changed"
    );
    Ok(Json(r))
}

/// Removes a resident (and their tags) nothing else refers to.
#[utoipa::path(delete, path = "/api/v1/residents/{id}", tag = "roster",
    security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`in_use`: demands, an account or a building refer to it",
            body = ErrorBody)))]
pub async fn delete_resident(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode> {
    let scope = Scope::of(&st, &actor).await?;
    let mut tx = st.db.begin().await?;
    let old = find(&mut tx, id).await?.ok_or_else(Error::not_found)?;
    scope.check_write(Kind::Resident, old.loc())?;
    refuse_if_used(
        &mut tx,
        &[
            "SELECT id FROM demands WHERE resident_id = $1 LIMIT 1",
            "SELECT id FROM users WHERE resident_id = $1 LIMIT 1",
            "SELECT id FROM buildings WHERE head_resident_id = $1 LIMIT 1",
        ],
        id,
    )
    .await?;
    store::set_tags(&mut tx, old.community_id, id, &[]).await?;
    delete_row(&mut tx, "residents", id).await?;
    tx.commit().await?;
    tracing::info!(
        resident_id = id,
        user_id = actor.user_id,
        "resident removed"
    );
    Ok(StatusCode::NO_CONTENT)
}
