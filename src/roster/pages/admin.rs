//! `/admin/grids`: the grids, a new grid, and one grid's name, worker and buildings (a
//! checkbox list grouped by compound), through the roster service the `/api/v1/grids`
//! endpoints use, so the same scope, checks and history apply. For an admin, and for the
//! office and street who may already edit the grids of their community or street.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::Role;
use crate::auth::service::accounts;
use crate::error::{Class, Error, Result};
use crate::roster::model::{
    self, Building, BuildingFilter, Community, CommunityFilter, Compound, CompoundFilter, Grid,
    GridEdit, GridFilter, GridInput, NAME_MAX,
};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::status;
use crate::web::form::Refill;
use crate::web::i18n::text;
use crate::web::pages::{Page, error_page, render};
use crate::web::routes::PageRoutes;
use crate::web::session::PageUser;
use crate::web::validate;

use super::admin_form::{Done, Fields, all, field, number};

/// Who may edit grids (`roster::scope`): an admin, the street, the community's office.
pub const GRID_EDITORS: &[Role] = &[Role::Admin, Role::Street, Role::Secretary, Role::Staff];

/// The admin's roster pages: grids, units, teams.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get_post("/admin/grids", GRID_EDITORS, list, create)
        .get_post("/admin/grids/{id}", GRID_EDITORS, page, edit)
        .post("/admin/grids/{id}/buildings", GRID_EDITORS, buildings)
        .get_post(
            "/admin/units",
            GRID_EDITORS,
            super::admin_groups::units,
            super::admin_groups::create_unit,
        )
        .get_post(
            "/admin/units/{id}",
            GRID_EDITORS,
            super::admin_groups::unit,
            super::admin_groups::edit_unit,
        )
        .post(
            "/admin/units/{id}/delete",
            GRID_EDITORS,
            super::admin_groups::delete_unit,
        )
        .get_post(
            "/admin/teams",
            GRID_EDITORS,
            super::admin_teams::teams,
            super::admin_teams::create_team,
        )
        .get_post(
            "/admin/teams/{id}",
            GRID_EDITORS,
            super::admin_teams::team,
            super::admin_teams::edit_team,
        )
        .post(
            "/admin/teams/{id}/members",
            GRID_EDITORS,
            super::admin_teams::team_members,
        )
        .post(
            "/admin/teams/{id}/delete",
            GRID_EDITORS,
            super::admin_teams::delete_team,
        )
}

/// A grid as a row of the list.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub community: String,
    pub worker: String,
    pub buildings: usize,
}

#[derive(Template)]
#[template(path = "admin/grids.html")]
struct GridsPage {
    page: Page,
    rows: Vec<Row>,
    communities: Vec<(i64, String)>,
    values: Fields,
    error: Option<String>,
}

impl Refill for GridsPage {
    fn values(&self) -> &Fields {
        &self.values
    }
}

impl GridsPage {
    fn chosen(&self, id: &i64) -> bool {
        self.picked("community_id", id)
    }
}

async fn grids_page(
    st: &AppState,
    u: &PageUser,
    values: Fields,
    error: Option<String>,
) -> Result<GridsPage> {
    let communities: Vec<Community> = all(st, u, &CommunityFilter::default()).await?;
    let grids: Vec<Grid> = all(st, u, &GridFilter::default()).await?;
    let workers = service::worker_names(st, &grids).await?;
    let name_of = |id: Option<i64>| {
        id.and_then(|id| {
            workers
                .iter()
                .find(|(w, _)| *w == id)
                .map(|(_, n)| n.clone())
        })
        .unwrap_or_else(|| text("web.admin.grids.no_worker"))
    };
    let rows = grids
        .iter()
        .map(|g| Row {
            id: g.id,
            name: g.name.clone(),
            community: communities
                .iter()
                .find(|c| c.id == g.community_id)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            worker: name_of(g.worker_user_id),
            buildings: g.building_ids.len(),
        })
        .collect();
    Ok(GridsPage {
        page: Page::for_user(u, text("web.admin.grids.title"), "/admin/grids"),
        rows,
        communities: communities.into_iter().map(|c| (c.id, c.name)).collect(),
        values,
        error,
    })
}

fn flash(done: Option<&str>) -> Option<String> {
    let key = match done? {
        "created" => "done_created",
        "saved" => "done_saved",
        "buildings" => "done_buildings",
        _ => return None,
    };
    Some(text(&format!("web.admin.grids.{key}")))
}

pub async fn list(State(st): State<AppState>, u: PageUser) -> Response {
    let mut values = Vec::new();
    if let Some(c) = u.actor.community_id {
        values.push(("community_id".to_string(), c.to_string()));
    }
    match grids_page(&st, &u, values, None).await {
        Ok(p) => render(&p),
        Err(e) => error_page(e),
    }
}

pub async fn create(State(st): State<AppState>, u: PageUser, Form(f): Form<Fields>) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let made = async {
        let new = GridInput {
            community_id: number(&f, "community_id")?,
            name: validate::required("name", field(&f, "name"), NAME_MAX)?,
            worker_user_id: None,
            polygon: None,
            building_ids: None,
        };
        service::create_grid(&st, &u.actor, new).await
    }
    .await;
    match made {
        Ok(g) => Redirect::to(&format!("/admin/grids/{}?done=created", g.id)).into_response(),
        Err(e) if e.class() == Class::Invalid || e.class() == Class::Conflict => {
            let code = status(e.class());
            match grids_page(&st, &u, f, Some(crate::web::error::message(&e))).await {
                Ok(p) => (code, render(&p)).into_response(),
                Err(e) => error_page(e),
            }
        }
        Err(e) => error_page(e),
    }
}

/// A building as a checkbox.
pub struct Choice {
    pub id: i64,
    pub name: String,
    pub checked: bool,
    /// The other grid it is in now, if any.
    pub elsewhere: Option<String>,
}

/// The buildings of one compound.
pub struct Group {
    pub compound: String,
    pub buildings: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "admin/grid.html")]
struct GridPage {
    page: Page,
    grid: Grid,
    community: String,
    workers: Vec<(i64, String)>,
    groups: Vec<Group>,
    values: Fields,
    /// The form refused and why: `edit` or `buildings`.
    error: Option<(String, String)>,
}

impl Refill for GridPage {
    fn values(&self) -> &Fields {
        &self.values
    }

    fn refused(&self) -> Option<&(String, String)> {
        self.error.as_ref()
    }
}

impl GridPage {
    fn chosen(&self, id: &i64) -> bool {
        self.picked("worker_user_id", id)
    }
}

async fn grid_page(
    st: &AppState,
    u: &PageUser,
    id: i64,
    values: Option<Fields>,
    ticked: Option<Vec<i64>>,
    error: Option<(String, String)>,
) -> Result<GridPage> {
    let a = &u.actor;
    let grid: Grid = service::get(st, a, id).await?;
    let community: Community = service::get(st, a, grid.community_id).await?;
    let workers = accounts::grid_workers(st, a, grid.community_id).await?;
    let in_community = Some(grid.community_id);
    let compounds: Vec<Compound> = all(
        st,
        u,
        &CompoundFilter {
            community_id: in_community,
            q: None,
        },
    )
    .await?;
    let buildings: Vec<Building> = all(
        st,
        u,
        &BuildingFilter {
            community_id: in_community,
            ..BuildingFilter::default()
        },
    )
    .await?;
    let grids: Vec<Grid> = all(
        st,
        u,
        &GridFilter {
            community_id: in_community,
            ..GridFilter::default()
        },
    )
    .await?;
    let ticked = ticked.unwrap_or_else(|| grid.building_ids.clone());
    let groups = compounds
        .iter()
        .map(|c| Group {
            compound: c.name.clone(),
            buildings: buildings
                .iter()
                .filter(|b| b.compound_id == c.id)
                .map(|b| Choice {
                    id: b.id,
                    name: b.name.clone(),
                    checked: ticked.contains(&b.id),
                    elsewhere: b
                        .grid_id
                        .filter(|g| *g != grid.id)
                        .and_then(|g| grids.iter().find(|x| x.id == g))
                        .map(|g| text("web.admin.grids.in_other").replace("%{name}", &g.name)),
                })
                .collect(),
        })
        .filter(|g| !g.buildings.is_empty())
        .collect();
    let values = values.unwrap_or_else(|| {
        let mut v = vec![("name".to_string(), grid.name.clone())];
        if let Some(w) = grid.worker_user_id {
            v.push(("worker_user_id".to_string(), w.to_string()));
        }
        v
    });
    let title = text("web.admin.grids.grid_title").replace("%{name}", &grid.name);
    Ok(GridPage {
        page: Page::for_user(u, title, &format!("/admin/grids/{id}")),
        grid,
        community: text("web.admin.grids.in_community").replace("%{name}", &community.name),
        workers,
        groups,
        values,
        error,
    })
}

pub async fn page(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(d): Query<Done>,
) -> Response {
    match grid_page(&st, &u, id, None, None, None).await {
        Ok(mut p) => {
            p.page.flash = flash(d.done.as_deref());
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

async fn refused(
    st: &AppState,
    u: &PageUser,
    id: i64,
    form: &str,
    values: Option<Fields>,
    ticked: Option<Vec<i64>>,
    e: Error,
) -> Response {
    if !matches!(e.class(), Class::Invalid | Class::Conflict) {
        return error_page(e);
    }
    let code = status(e.class());
    let why = (form.to_string(), crate::web::error::message(&e));
    match grid_page(st, u, id, values, ticked, Some(why)).await {
        Ok(p) => (code, render(&p)).into_response(),
        Err(e) => error_page(e),
    }
}

pub async fn edit(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let saved = async {
        let e = GridEdit {
            name: Some(validate::required("name", field(&f, "name"), NAME_MAX)?),
            worker_user_id: Some(number(&f, "worker_user_id")?),
            polygon: None,
        };
        service::edit_grid(&st, &u.actor, id, e).await
    }
    .await;
    match saved {
        Ok(_) => Redirect::to(&format!("/admin/grids/{id}?done=saved")).into_response(),
        Err(e) => refused(&st, &u, id, "edit", Some(f), None, e).await,
    }
}

pub async fn buildings(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let mut ticked = Vec::new();
    let parsed: Result<()> =
        f.iter()
            .filter(|(k, _)| k == "building_ids")
            .try_for_each(|(_, v)| {
                let n = v.trim().parse().map_err(|_| {
                    Error::invalid("building_ids", crate::error::Code::InvalidNumber)
                })?;
                ticked.push(n);
                Ok(())
            });
    let saved = async {
        parsed?;
        let ids = model::ids("building_ids", &ticked)?;
        service::set_grid_buildings(&st, &u.actor, id, ids).await
    }
    .await;
    match saved {
        Ok(_) => Redirect::to(&format!("/admin/grids/{id}?done=buildings")).into_response(),
        Err(e) => refused(&st, &u, id, "buildings", None, Some(ticked), e).await,
    }
}
