//! Roster pages: the tree street → community → compound → building → household → resident,
//! and the grids with their buildings and worker. They read through the roster API's own
//! handlers, so scope, masking and the audit of whole views are the same as in the API.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::Q;
use crate::error::Result;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::json::{ApiPath, ApiQuery};
use crate::web::pages::{Page, PageError, render};
use crate::web::routes::{PageRoutes, STAFF};
use crate::web::session::PageUser;

use super::api::{buildings, communities, compounds, grids, households, residents};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/roster", STAFF, index)
        .get("/roster/communities/{id}", STAFF, community)
        .get("/roster/compounds/{id}", STAFF, compound)
        .get("/roster/buildings/{id}", STAFF, building)
        .get("/roster/residents/{id}", STAFF, resident)
}

/// A table cell: text, and a link when it leads somewhere.
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: None,
    }
}

fn link(text: impl Into<String>, href: String) -> Cell {
    Cell {
        text: text.into(),
        href: Some(href),
    }
}

/// One table of a roster page.
pub struct Table {
    pub title: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Template)]
#[template(path = "roster.html")]
struct RosterPage {
    page: Page,
    crumbs: Vec<Cell>,
    facts: Vec<(String, String)>,
    tables: Vec<Table>,
    note: Option<String>,
}

fn heads(keys: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| text(&format!("web.roster.{k}")))
        .collect()
}

fn page(
    u: &PageUser,
    title: String,
    crumbs: Vec<Cell>,
    facts: Vec<(String, String)>,
    tables: Vec<Table>,
) -> Response {
    render(&RosterPage {
        page: Page::for_user(u, title, "/roster"),
        crumbs,
        facts,
        tables,
        note: None,
    })
}

/// `/roster`: the communities in reach (or straight to the only one).
pub async fn index(State(st): State<AppState>, u: PageUser) -> Result<Response, PageError> {
    use crate::auth::Role;
    if matches!(u.actor.role, Role::Resident | Role::Volunteer | Role::Unit) {
        return Err(crate::error::Error::forbidden().into());
    }
    if let Some(c) = u.actor.community_id {
        return Ok(Redirect::to(&format!("/roster/communities/{c}")).into_response());
    }
    let q = communities::CommunityQuery {
        limit: Some(500),
        ..Default::default()
    };
    let Json(list) = communities::list_communities(State(st), u.actor.clone(), ApiQuery(q)).await?;
    let rows = list
        .items
        .iter()
        .map(|c| {
            vec![
                link(&c.name, format!("/roster/communities/{}", c.id)),
                cell(&c.address),
            ]
        })
        .collect();
    Ok(page(
        &u,
        text("web.nav.roster"),
        Vec::new(),
        Vec::new(),
        vec![Table {
            title: text("web.roster.communities"),
            head: heads(&["name", "address"]),
            rows,
        }],
    ))
}

async fn user_names(st: &AppState, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT id, display_name FROM users WHERE id IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*id);
    }
    q.push(")");
    let mut c = st.db.conn().await?;
    Ok(q.fetch_all(&mut c).await?)
}

pub async fn community(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let a = u.actor.clone();
    let Json(c) = communities::get_community(State(st.clone()), a.clone(), ApiPath(id)).await?;
    let Json(comps) = compounds::list_compounds(
        State(st.clone()),
        a.clone(),
        ApiQuery(compounds::CompoundQuery {
            community_id: Some(id),
            limit: Some(500),
            ..Default::default()
        }),
    )
    .await?;
    let Json(gs) = grids::list_grids(
        State(st.clone()),
        a.clone(),
        ApiQuery(grids::GridQuery {
            community_id: Some(id),
            limit: Some(500),
            ..Default::default()
        }),
    )
    .await?;
    let workers: Vec<i64> = gs.items.iter().filter_map(|g| g.worker_user_id).collect();
    let names = user_names(&st, &workers).await?;
    let name_of = |id: Option<i64>| {
        id.and_then(|id| names.iter().find(|n| n.0 == id).map(|n| n.1.clone()))
            .unwrap_or_default()
    };
    Ok(page(
        &u,
        c.name.clone(),
        vec![link(text("web.nav.roster"), "/roster".into())],
        vec![(text("web.roster.address"), c.address.clone())],
        vec![
            Table {
                title: text("web.roster.compounds"),
                head: heads(&["name", "address"]),
                rows: comps
                    .items
                    .iter()
                    .map(|x| {
                        vec![
                            link(&x.name, format!("/roster/compounds/{}", x.id)),
                            cell(&x.address),
                        ]
                    })
                    .collect(),
            },
            Table {
                title: text("web.roster.grids"),
                head: heads(&["name", "worker", "buildings"]),
                rows: gs
                    .items
                    .iter()
                    .map(|g| {
                        vec![
                            link(&g.name, format!("/work/demands?grid_id={}", g.id)),
                            cell(name_of(g.worker_user_id)),
                            cell(g.building_ids.len().to_string()),
                        ]
                    })
                    .collect(),
            },
        ],
    ))
}

pub async fn compound(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let a = u.actor.clone();
    let Json(c) = compounds::get_compound(State(st.clone()), a.clone(), ApiPath(id)).await?;
    let Json(bs) = buildings::list_buildings(
        State(st.clone()),
        a,
        ApiQuery(buildings::BuildingQuery {
            compound_id: Some(id),
            limit: Some(500),
            ..Default::default()
        }),
    )
    .await?;
    Ok(page(
        &u,
        c.name.clone(),
        vec![
            link(text("web.nav.roster"), "/roster".into()),
            link(
                text("web.roster.community"),
                format!("/roster/communities/{}", c.community_id),
            ),
        ],
        vec![(text("web.roster.address"), c.address.clone())],
        vec![Table {
            title: text("web.roster.buildings"),
            head: heads(&["name", "floors"]),
            rows: bs
                .items
                .iter()
                .map(|b| {
                    vec![
                        link(&b.name, format!("/roster/buildings/{}", b.id)),
                        cell(b.floors.map(|f| f.to_string()).unwrap_or_default()),
                    ]
                })
                .collect(),
        }],
    ))
}

pub async fn building(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let a = u.actor.clone();
    let Json(b) = buildings::get_building(State(st.clone()), a.clone(), ApiPath(id)).await?;
    let Json(hs) = households::list_households(
        State(st.clone()),
        a.clone(),
        ApiQuery(households::HouseholdQuery {
            building_id: Some(id),
            limit: Some(500),
            ..Default::default()
        }),
    )
    .await?;
    let Json(rs) = residents::list_residents(
        State(st.clone()),
        a,
        ApiQuery(residents::ResidentQuery {
            building_id: Some(id),
            limit: Some(500),
            ..Default::default()
        }),
    )
    .await?;
    let rows = hs
        .items
        .iter()
        .map(|h| {
            let people: Vec<&residents::Resident> = rs
                .items
                .iter()
                .filter(|r| r.household_id == Some(h.id))
                .collect();
            let names = people
                .iter()
                .map(|r| {
                    if r.tags.is_empty() {
                        r.name.clone()
                    } else {
                        let tags: Vec<String> = r.tags.iter().map(|t| tag_label(t)).collect();
                        format!("{}（{}）", r.name, tags.join("、"))
                    }
                })
                .collect::<Vec<_>>()
                .join("，");
            vec![
                cell(format!("{} {}", h.unit_no, h.room)),
                cell(names),
                match people.first() {
                    Some(r) => link(
                        text("web.roster.open"),
                        format!("/roster/residents/{}", r.id),
                    ),
                    None => cell(""),
                },
            ]
        })
        .collect();
    Ok(page(
        &u,
        b.name.clone(),
        vec![
            link(text("web.nav.roster"), "/roster".into()),
            link(
                text("web.roster.compound"),
                format!("/roster/compounds/{}", b.compound_id),
            ),
        ],
        vec![(
            text("web.roster.floors"),
            b.floors.map(|f| f.to_string()).unwrap_or_default(),
        )],
        vec![Table {
            title: text("web.roster.households"),
            head: heads(&["room", "members", "first"]),
            rows,
        }],
    ))
}

/// A tag's name, for the known ones; free tags as written.
fn tag_label(t: &str) -> String {
    match t {
        "elderly_alone" | "disabled" | "party_member" | "volunteer" | "low_income" | "floating" => {
            text(&format!("web.roster.tag.{t}"))
        }
        other => other.to_string(),
    }
}

pub async fn resident(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let a = u.actor.clone();
    let Json(r) = residents::get_resident(State(st.clone()), a.clone(), ApiPath(id)).await?;
    let mut crumbs = vec![link(text("web.nav.roster"), "/roster".into())];
    if let Some(b) = r.building_id {
        crumbs.push(link(
            text("web.roster.building"),
            format!("/roster/buildings/{b}"),
        ));
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let facts = vec![
        (text("web.roster.relation"), r.relation.clone()),
        (text("web.roster.birth_date"), opt(&r.birth_date)),
        (text("web.roster.id_number"), opt(&r.id_number)),
        (text("web.roster.phone"), opt(&r.phone)),
        (text("web.roster.health"), opt(&r.health_note)),
        (
            text("web.roster.tags"),
            r.tags
                .iter()
                .map(|t| tag_label(t))
                .collect::<Vec<_>>()
                .join("、"),
        ),
    ];
    let masked = r.pii == residents::Pii::Masked;
    Ok(render(&RosterPage {
        page: Page::for_user(&u, r.name.clone(), "/roster"),
        crumbs,
        facts,
        tables: Vec::new(),
        note: Some(text(if masked {
            "web.roster.masked"
        } else {
            "web.roster.audited"
        })),
    }))
}
