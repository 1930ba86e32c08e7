//! The tree, one level a page: the communities in reach, a community with its compounds
//! and grids, a compound with its buildings, a building with its households and who lives
//! in them (masked as in every list: no sensitive tags) and its history.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::roster::model::{
    Building, BuildingFilter, Community, CommunityFilter, Compound, CompoundFilter, Grid,
    GridFilter, HouseholdFilter, Paging, Resident, ResidentFilter,
};
use crate::roster::scope::Kind;
use crate::roster::service;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::PageError;
use crate::web::session::PageUser;

use super::{Cell, Done, View, cell, link, table, tag_labels};

/// As many rows as a page shows of one list.
const ROWS: i64 = 500;

/// `/roster`: the communities in reach (or straight to the only one).
pub async fn index(State(st): State<AppState>, u: PageUser) -> Result<Response, PageError> {
    if let Some(c) = u.actor.community_id {
        return Ok(Redirect::to(&format!("/roster/communities/{c}")).into_response());
    }
    let list = service::list(
        &st,
        &u.actor,
        &CommunityFilter::default(),
        Paging::first(ROWS),
    )
    .await?;
    let rows = list.items.iter().map(community_row).collect();
    let view = View {
        crumbs: Vec::new(),
        ..View::new(text("web.nav.roster"))
    };
    Ok(view
        .table(table("communities", &["name", "address"], rows))
        .render(&u))
}

fn community_row(c: &Community) -> Vec<Cell> {
    vec![
        link(&c.name, format!("/roster/communities/{}", c.id)),
        cell(&c.address),
    ]
}

pub async fn community(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let a = &u.actor;
    let c: Community = service::get(&st, a, id).await?;
    let compounds = CompoundFilter {
        community_id: Some(id),
        ..Default::default()
    };
    let comps = service::list(&st, a, &compounds, Paging::first(ROWS)).await?;
    let grids = GridFilter {
        community_id: Some(id),
        ..Default::default()
    };
    let gs = service::list(&st, a, &grids, Paging::first(ROWS)).await?;
    let names = service::worker_names(&st, &gs.items).await?;
    let compound_rows = comps.items.iter().map(compound_row).collect();
    let grid_rows = gs.items.iter().map(|g| grid_row(g, &names)).collect();
    Ok(View::new(c.name.clone())
        .fact("address", c.address.clone())
        .table(table("compounds", &["name", "address"], compound_rows))
        .table(table("grids", &["name", "worker", "buildings"], grid_rows))
        .render(&u))
}

fn compound_row(x: &Compound) -> Vec<Cell> {
    vec![
        link(&x.name, format!("/roster/compounds/{}", x.id)),
        cell(&x.address),
    ]
}

fn grid_row(g: &Grid, names: &[(i64, String)]) -> Vec<Cell> {
    let worker = g
        .worker_user_id
        .and_then(|id| names.iter().find(|n| n.0 == id))
        .map(|n| n.1.clone())
        .unwrap_or_default();
    vec![
        link(&g.name, format!("/work/demands?grid_id={}", g.id)),
        cell(worker),
        cell(g.building_ids.len().to_string()),
    ]
}

pub async fn compound(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c: Compound = service::get(&st, &u.actor, id).await?;
    let buildings = BuildingFilter {
        compound_id: Some(id),
        ..Default::default()
    };
    let bs = service::list(&st, &u.actor, &buildings, Paging::first(ROWS)).await?;
    let rows = bs.items.iter().map(building_row).collect();
    Ok(View::new(c.name.clone())
        .path(&st, &u, Some(c.community_id), None, None)
        .await
        .action("residents", format!("/roster/residents?compound_id={id}"))
        .action(
            "export_xlsx",
            format!("/roster/buildings/export?format=xlsx&compound_id={id}"),
        )
        .fact("address", c.address.clone())
        .table(table("buildings", &["name", "floors"], rows))
        .render(&u))
}

fn building_row(b: &Building) -> Vec<Cell> {
    vec![
        link(&b.name, format!("/roster/buildings/{}", b.id)),
        cell(floors(b)),
    ]
}

fn floors(b: &Building) -> String {
    b.floors.map(|f| f.to_string()).unwrap_or_default()
}

pub async fn building(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let a = &u.actor;
    let b: Building = service::get(&st, a, id).await?;
    let households = HouseholdFilter {
        building_id: Some(id),
        ..Default::default()
    };
    let hs = service::list(&st, a, &households, Paging::first(ROWS)).await?;
    let residents = ResidentFilter {
        building_id: Some(id),
        ..Default::default()
    };
    let rs = service::list_residents(&st, a, &residents, Paging::first(ROWS)).await?;
    let rows = hs
        .items
        .iter()
        .map(|h| {
            let people: Vec<&Resident> = rs
                .items
                .iter()
                .filter(|r| r.household_id == Some(h.id))
                .collect();
            let mut row = household_row(&format!("{} {}", h.unit_no, h.room), &people);
            row.push(link(
                text("web.roster.new_resident"),
                format!("/roster/households/{}/residents/new", h.id),
            ));
            row.push(link(
                text("web.roster.edit"),
                format!("/roster/households/{}/edit", h.id),
            ));
            row
        })
        .collect();
    let head = ["room", "members", "first", "new_resident", "edit"];
    let mut view = View::new(b.name.clone())
        .path(&st, &u, Some(b.community_id), Some(b.compound_id), None)
        .await
        .action(
            "new_household",
            format!("/roster/buildings/{id}/households/new"),
        )
        .action("residents", format!("/roster/residents?building_id={id}"))
        .action(
            "export_xlsx",
            format!("/roster/households/export?format=xlsx&building_id={id}"),
        )
        .fact("floors", floors(&b))
        .table(table("households", &head, rows));
    view.flash = done.flash();
    if let Some(h) = super::history::table(&st, a, Kind::Building, id).await? {
        view = view.table(h);
    }
    Ok(view.render(&u))
}

/// A household: its room, who lives there (with the tags a list may show), a link to
/// the first of them.
fn household_row(room: &str, people: &[&Resident]) -> Vec<Cell> {
    let names = people
        .iter()
        .map(|r| {
            if r.tags.is_empty() {
                r.name.clone()
            } else {
                crate::web::i18n::aside(&r.name, &tag_labels(&r.tags))
            }
        })
        .collect::<Vec<_>>()
        .join("，");
    let first = match people.first() {
        Some(r) => link(
            text("web.roster.open"),
            format!("/roster/residents/{}", r.id),
        ),
        None => cell(""),
    };
    vec![cell(room), cell(names), first]
}
