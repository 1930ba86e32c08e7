//! `/roster/residents`: the resident list with its filters (tag, grid, compound,
//! building, age band, name), a keyset page of it with the total, and its files; and the
//! files of the households and buildings lists. Read through the roster's service, so
//! scope (a grid worker sees their own grids), masking and audits are the API's.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::export::{ExportQuery, download::download};
use crate::roster::model::{
    AgeBand, BuildingFilter, CompoundFilter, GridFilter, HouseholdFilter, KNOWN_TAGS, Paging,
    ResidentFilter, is_sensitive,
};
use crate::roster::service::{self, export::Listing};
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError, render, url_escape};
use crate::web::session::PageUser;

use super::form::number;
use super::tag_labels;

/// Residents on one page of the list.
const PAGE: i64 = 50;
/// The most choices a filter's list offers.
const CHOICES: i64 = 500;

/// The list's filters as the query string gives them, text as typed (a bad number is
/// refused with its field, never an empty page without a word).
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub tag: Option<String>,
    pub grid_id: Option<String>,
    pub compound_id: Option<String>,
    pub building_id: Option<String>,
    pub age: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<String>,
    /// Set after a resident was removed: the list says so.
    pub removed: Option<String>,
}

impl ListParams {
    fn filter(&self) -> Result<ResidentFilter> {
        AgeBand::parse(self.age.as_deref())?;
        Ok(ResidentFilter {
            grid_id: number(self.grid_id.as_deref(), "grid_id")?,
            compound_id: number(self.compound_id.as_deref(), "compound_id")?,
            building_id: number(self.building_id.as_deref(), "building_id")?,
            tag: self.tag.clone().filter(|t| !t.trim().is_empty()),
            age: self.age.clone().filter(|t| !t.trim().is_empty()),
            q: self.q.clone().filter(|t| !t.trim().is_empty()),
            ..Default::default()
        })
    }

    fn value(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("")
    }

    /// The filters as a query string, without the page.
    fn kept(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("tag", &self.tag),
            ("grid_id", &self.grid_id),
            ("compound_id", &self.compound_id),
            ("building_id", &self.building_id),
            ("age", &self.age),
            ("q", &self.q),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                parts.push(format!("{k}={}", url_escape(v)));
            }
        }
        parts.join("&")
    }
}

/// A choice of a filter: its value, its words, whether it is chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

fn choices(items: impl IntoIterator<Item = (String, String)>, current: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            chosen: value == current,
            value,
            label,
        })
        .collect()
}

/// One resident as a row of the list.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    pub address: String,
    pub grid: String,
    pub phone: String,
    pub tags: String,
}

#[derive(Template)]
#[template(path = "roster/residents.html")]
struct ResidentsPage {
    page: Page,
    q: String,
    tags: Vec<Choice>,
    grids: Vec<Choice>,
    compounds: Vec<Choice>,
    buildings: Vec<Choice>,
    ages: Vec<Choice>,
    lines: Vec<Line>,
    total: String,
    error: Option<String>,
    next: Option<String>,
    first: Option<String>,
    kept: String,
}

pub async fn list(
    State(st): State<AppState>,
    u: PageUser,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let a = &u.actor;
    let scope = service::scope(&st, a).await?;
    let grids = service::list(&st, a, &GridFilter::default(), Paging::first(CHOICES)).await?;
    let compounds =
        service::list(&st, a, &CompoundFilter::default(), Paging::first(CHOICES)).await?;
    let compound = number(p.compound_id.as_deref(), "compound_id").unwrap_or(None);
    let buildings = BuildingFilter {
        compound_id: compound,
        ..Default::default()
    };
    let buildings = service::list(&st, a, &buildings, Paging::first(CHOICES)).await?;
    let tag_now = ListParams::value(&p.tag);
    let tags = KNOWN_TAGS
        .iter()
        .filter(|t| scope.may_see_whole() || !is_sensitive(t))
        .map(|t| (t.to_string(), text(&format!("web.roster.tag.{t}"))));
    let ages = AgeBand::ALL.iter().map(|b| {
        let code = b.as_str();
        (code.to_string(), text(&format!("web.roster.age.{code}")))
    });
    let grid_names: HashMap<i64, String> =
        grids.items.iter().map(|g| (g.id, g.name.clone())).collect();
    let mut page = ResidentsPage {
        page: Page::for_user(&u, text("web.roster.residents"), "/roster/residents"),
        q: ListParams::value(&p.q).to_string(),
        tags: choices(tags, tag_now),
        grids: choices(
            grids
                .items
                .iter()
                .map(|g| (g.id.to_string(), g.name.clone())),
            ListParams::value(&p.grid_id),
        ),
        compounds: choices(
            compounds
                .items
                .iter()
                .map(|c| (c.id.to_string(), c.name.clone())),
            ListParams::value(&p.compound_id),
        ),
        buildings: choices(
            buildings
                .items
                .iter()
                .map(|b| (b.id.to_string(), b.name.clone())),
            ListParams::value(&p.building_id),
        ),
        ages: choices(ages, ListParams::value(&p.age)),
        lines: Vec::new(),
        total: String::new(),
        error: None,
        next: None,
        first: None,
        kept: p.kept(),
    };
    if p.removed.is_some() {
        page.page.flash = Some(text("web.roster.removed"));
    }
    let listed = async {
        let filter = p.filter()?;
        let after = number(p.cursor.as_deref(), "cursor")?.unwrap_or(0);
        let paging = Paging {
            after,
            ..Paging::first(PAGE)
        };
        let list = service::resident_list(&st, a, &filter, paging).await?;
        let hh: Vec<i64> = list
            .page
            .items
            .iter()
            .filter_map(|r| r.household_id)
            .collect();
        let at = service::addresses(&st, &hh).await?;
        Ok::<_, Error>((list, at, after))
    }
    .await;
    match listed {
        Ok((list, at, after)) => {
            page.total = rust_i18n::t!(
                "web.roster.total",
                locale = page.page.lang.code(),
                n = list.total
            )
            .into_owned();
            let kept = page.kept.clone();
            let sep = if kept.is_empty() { "" } else { "&" };
            page.next = list
                .page
                .next_cursor
                .map(|c| format!("/roster/residents?{kept}{sep}cursor={c}"));
            page.first = (after > 0).then(|| format!("/roster/residents?{kept}"));
            page.lines = list
                .page
                .items
                .iter()
                .map(|r| {
                    let a = r
                        .household_id
                        .and_then(|h| at.iter().find(|a| a.household_id == h));
                    Line {
                        id: r.id,
                        name: r.name.clone(),
                        gender: r
                            .gender
                            .map(|g| text(&format!("web.roster.gender.{}", g.as_str())))
                            .unwrap_or_default(),
                        birth_date: r.birth_date.clone().unwrap_or_default(),
                        address: a
                            .map(|a| {
                                format!("{} {} {} {}", a.compound, a.building, a.unit_no, a.room)
                            })
                            .unwrap_or_default(),
                        grid: r
                            .grid_id
                            .and_then(|g| grid_names.get(&g).cloned())
                            .unwrap_or_default(),
                        phone: r.phone.clone().unwrap_or_default(),
                        tags: tag_labels(&r.tags),
                    }
                })
                .collect();
            Ok(render(&page))
        }
        Err(e) => {
            let status = crate::web::error::status(e.class());
            page.error = Some(crate::web::error::message(&e));
            Ok((status, render(&page)).into_response())
        }
    }
}

/// `?format=` and the resident list's filters: the whole filtered list as a file.
pub async fn export_residents(
    State(st): State<AppState>,
    u: PageUser,
    Query(e): Query<ExportQuery>,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let filter = p.filter()?;
    let file = service::export::export(&st, &u.actor, Listing::Residents(filter), e.format, u.lang)
        .await?;
    Ok(download(file).await?)
}

/// The households of the caller's reach (of one building, compound or grid) as a file.
pub async fn export_households(
    State(st): State<AppState>,
    u: PageUser,
    Query(e): Query<ExportQuery>,
    Query(f): Query<HouseholdFilter>,
) -> Result<Response, PageError> {
    let file =
        service::export::export(&st, &u.actor, Listing::Households(f), e.format, u.lang).await?;
    Ok(download(file).await?)
}

/// The buildings of the caller's reach (of one compound or grid) as a file.
pub async fn export_buildings(
    State(st): State<AppState>,
    u: PageUser,
    Query(e): Query<ExportQuery>,
    Query(f): Query<BuildingFilter>,
) -> Result<Response, PageError> {
    let file =
        service::export::export(&st, &u.actor, Listing::Buildings(f), e.format, u.lang).await?;
    Ok(download(file).await?)
}
