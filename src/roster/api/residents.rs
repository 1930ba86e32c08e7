//! Residents (居民): reading them. ID numbers, phone numbers and health notes are personal
//! information (PIPL): lists always mask them; one resident is shown whole only to the
//! community office, admin and the worker of the resident's grid, and every whole view is
//! written to the audit log. They are never logged.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::page::{Page, Paging};
use super::scope::{Kind, Loc, Scope, push_in};
use super::{fetch_page, filter_contains, filter_eq, take_children};
use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q};
use crate::error::{Error, Result};
use crate::roster::ids::{mask_id_number, mask_phone};
use crate::roster::model::{Gender, as_rfc3339};
use crate::roster::store::Place;
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::json::{ApiPath, ApiQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_residents))
        .routes(routes!(get_resident))
}

/// Whether the personal fields of a resident are shown whole or masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pii {
    Masked,
    Whole,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Resident {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub name: String,
    pub gender: Option<Gender>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Masked (`1401**********123X`) unless `pii` is `whole`.
    pub id_number: Option<String>,
    /// Masked (`138****5678`) unless `pii` is `whole`.
    pub phone: Option<String>,
    /// Relation to the head of the household.
    pub relation: String,
    /// `***` unless `pii` is `whole`.
    pub health_note: Option<String>,
    /// elderly_alone, disabled, party_member, volunteer, low_income, floating, or free tags.
    pub tags: Vec<String>,
    pub pii: Pii,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: Millis,
}

/// A resident as stored, personal fields whole: never sent as it is.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct ResidentRow {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub relation: String,
    pub health_note: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl ResidentRow {
    pub fn place(&self) -> Place {
        Place {
            street_id: self.street_id,
            community_id: self.community_id,
        }
    }

    pub fn loc(&self) -> Loc {
        Loc::at(self.place()).in_grid(self.grid_id)
    }

    /// What the API shows: masked unless `pii` says whole.
    pub fn view(self, tags: Vec<String>, pii: Pii) -> Resident {
        let whole = pii == Pii::Whole;
        Resident {
            id: self.id,
            street_id: self.street_id,
            community_id: self.community_id,
            household_id: self.household_id,
            building_id: self.building_id,
            grid_id: self.grid_id,
            name: self.name,
            gender: self.gender.as_deref().and_then(Gender::parse),
            birth_date: self.birth_date,
            id_number: self
                .id_number
                .map(|n| if whole { n } else { mask_id_number(&n) }),
            phone: self.phone.map(|p| if whole { p } else { mask_phone(&p) }),
            relation: self.relation,
            health_note: self
                .health_note
                .filter(|h| !h.is_empty())
                .map(|h| if whole { h } else { "***".to_string() }),
            tags,
            pii,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentQuery {
    pub community_id: Option<i64>,
    pub household_id: Option<i64>,
    pub building_id: Option<i64>,
    pub grid_id: Option<i64>,
    /// Residents carrying this tag.
    pub tag: Option<String>,
    /// Name contains.
    pub q: Option<String>,
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

const SELECT: &str = "SELECT x.id, x.street_id, x.community_id, x.household_id, \
     h.building_id, b.grid_id, x.name, x.gender, x.birth_date, x.id_number, x.phone, \
     x.relation, x.health_note, x.created_at, x.updated_at \
     FROM residents x LEFT JOIN households h ON h.id = x.household_id \
     LEFT JOIN buildings b ON b.id = h.building_id";

pub(super) async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<ResidentRow>> {
    Q::new(format!("{SELECT} WHERE x.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// The tags of some residents, by resident id order.
pub(super) async fn tags_of(ex: &mut impl Exec, ids: &[i64]) -> DbResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT resident_id, tag FROM resident_tags WHERE ");
    push_in(&mut q, "resident_id", ids);
    q.push(" ORDER BY resident_id, tag");
    q.fetch_all(ex).await
}

/// Who sees a resident's personal fields whole: the community office, admin, and the
/// worker of the resident's grid. Everyone else in scope sees them masked.
fn pii_for(scope: &Scope, r: &ResidentRow) -> Pii {
    let whole = match scope.role {
        Role::Admin | Role::Staff | Role::Secretary => true,
        Role::GridWorker => r.grid_id.is_some_and(|g| scope.grid_ids.contains(&g)),
        _ => false,
    };
    if whole { Pii::Whole } else { Pii::Masked }
}

/// Residents the caller can see; personal fields are always masked in lists.
#[utoipa::path(get, path = "/api/v1/residents", tag = "roster", security(("bearer" = [])),
    params(ResidentQuery),
    responses((status = 200, body = Page<Resident>), (status = 403, body = ErrorBody)))]
pub async fn list_residents(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(f): ApiQuery<ResidentQuery>,
) -> Result<Json<Page<Resident>>> {
    let scope = Scope::of(&st, &actor).await?;
    let paging = Paging::new(f.limit, f.cursor)?;
    let mut q = Q::new(format!("{SELECT} WHERE 1 = 1"));
    scope.restrict(Kind::Resident, &mut q)?;
    filter_eq(&mut q, "x.community_id", f.community_id);
    filter_eq(&mut q, "x.household_id", f.household_id);
    filter_eq(&mut q, "h.building_id", f.building_id);
    filter_eq(&mut q, "b.grid_id", f.grid_id);
    if let Some(tag) = f.tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q.push(
            " AND EXISTS (SELECT 1 FROM resident_tags t WHERE t.community_id = x.community_id \
             AND t.resident_id = x.id AND t.tag = ",
        )
        .push_bind(tag)
        .push(")");
    }
    filter_contains(&mut q, "x.name", f.q.as_deref());
    let mut conn = st.db.conn().await?;
    let page = fetch_page(q, paging, &mut conn, |r: &ResidentRow| r.id).await?;
    let ids: Vec<i64> = page.items.iter().map(|r| r.id).collect();
    let mut tags = tags_of(&mut conn, &ids).await?.into_iter().peekable();
    let items = page
        .items
        .into_iter()
        .map(|r| {
            let mine = take_children(&mut tags, r.id);
            r.view(mine, Pii::Masked)
        })
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One resident. Staff, secretaries, admin and the worker of the resident's grid see the ID
/// number, phone and health note whole (and the view is audited); the street sees them
/// masked.
#[utoipa::path(get, path = "/api/v1/residents/{id}", tag = "roster", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Resident), (status = 404, body = ErrorBody)))]
pub async fn get_resident(
    State(st): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Resident>> {
    let scope = Scope::of(&st, &actor).await?;
    let (row, tags) = {
        let mut conn = st.db.conn().await?;
        let row = find(&mut conn, id).await?.ok_or_else(Error::not_found)?;
        scope.check_read(Kind::Resident, row.loc())?;
        let tags = tags_of(&mut conn, &[id]).await?;
        (row, tags.into_iter().map(|(_, t)| t).collect())
    };
    let pii = pii_for(&scope, &row);
    if pii == Pii::Whole {
        // No whole view without its audit row.
        let mut tx = st.db.begin().await?;
        let detail = format!("id_number,phone,health_note; role={}", actor.role.as_str());
        crate::audit::record(
            &mut tx,
            crate::audit::Entry {
                at: st.clock.now(),
                user_id: actor.user_id,
                action: "view_pii",
                object_kind: "resident",
                object_id: id,
                detail: &detail,
                place: Some(crate::roster::store::Place {
                    street_id: row.street_id,
                    community_id: row.community_id,
                }),
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(Json(row.view(tags, pii)))
}
