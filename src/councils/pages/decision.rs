//! `/work/decisions/{id}`: a decision and its follow-through. Items added with an owner
//! (an account or a unit), a due day and a parent; progress reported 0–100 % with what
//! was done, each report a dated milestone; overdue items flagged; and the decision
//! published on the results list the residents concerned read on the portal.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::councils::model::inputs::{self, BODY_MAX, ItemInput, ProgressInput};
use crate::councils::model::{OutcomeKind, Progress};
use crate::councils::service::follow::{self, FollowThrough};
use crate::councils::service::{choices, topics};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::pages::{Page, error_page};
use crate::web::session::PageUser;

use super::{DecisionRow, Fields, Refill, Refused, field, label, number, when};

/// A follow-through item as shown: indented under its parent, its milestones below.
pub struct ItemRow {
    pub id: i64,
    pub title: String,
    pub child: bool,
    pub owner: String,
    pub due_on: String,
    pub progress: i64,
    pub status: String,
    pub status_label: String,
    pub overdue: bool,
    pub leaf: bool,
    pub milestones: Vec<(String, i64, String)>,
}

/// The items of a follow-through, each parent followed by its children.
pub fn item_rows(ft: &FollowThrough) -> Vec<ItemRow> {
    let row = |i: &follow::ItemView, child: bool| ItemRow {
        id: i.item.id,
        title: i.item.title.clone(),
        child,
        owner: i.item.owner_name.clone().unwrap_or_default(),
        due_on: i.item.due_on.clone(),
        progress: i.item.progress,
        status: i.item.status.as_str().to_string(),
        status_label: label(i.item.status),
        overdue: i.item.overdue,
        leaf: !ft.items.iter().any(|c| c.item.parent_id == Some(i.item.id)),
        milestones: i
            .milestones
            .iter()
            .map(|m| (when(m.at), m.progress, m.note.clone()))
            .collect(),
    };
    let mut out = Vec::new();
    for top in ft.items.iter().filter(|i| i.item.parent_id.is_none()) {
        out.push(row(top, false));
        for c in ft
            .items
            .iter()
            .filter(|c| c.item.parent_id == Some(top.item.id))
        {
            out.push(row(c, true));
        }
    }
    out
}

#[derive(Template)]
#[template(path = "councils/decision.html")]
pub struct DecisionPage {
    page: Page,
    d: DecisionRow,
    council_id: i64,
    decided: bool,
    progress: Option<i64>,
    items: Vec<ItemRow>,
    people: Vec<(i64, String)>,
    units: Vec<(i64, String)>,
    values: Fields,
    refused: Refused,
}

impl Refill for DecisionPage {
    fn values(&self) -> &Fields {
        &self.values
    }
    fn refused(&self) -> Option<&(String, String)> {
        self.refused.as_ref()
    }
}

impl DecisionPage {
    fn is(&self, name: &str, v: &str) -> bool {
        field(&self.values, name).map(str::trim) == Some(v)
    }
    /// What was typed in the progress form of item `id`.
    fn typed(&self, id: &i64, name: &str) -> String {
        match &self.refused {
            Some((f, _)) if *f == format!("item-{id}") => self.value(name),
            _ => String::new(),
        }
    }
}

async fn build(
    st: &AppState,
    u: &PageUser,
    id: i64,
    values: Fields,
    refused: Refused,
) -> Result<DecisionPage> {
    let ft = follow::of_decision(st, &u.actor, id).await?;
    let ch = choices::of_community(st, &u.actor, Some(ft.decision.community_id)).await?;
    Ok(DecisionPage {
        page: Page::for_user(
            u,
            ft.decision.topic_title.clone(),
            &format!("/work/decisions/{id}"),
        ),
        d: DecisionRow::of(&ft.decision),
        council_id: ft.decision.council_id,
        decided: ft.decision.outcome == OutcomeKind::Decided,
        progress: ft.progress,
        items: item_rows(&ft),
        people: ch.people,
        units: ch.units,
        values,
        refused,
    })
}

pub async fn page(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    super::or_error(build(&st, &u, id, Vec::new(), None).await, StatusCode::OK)
}

async fn after<T>(
    st: &AppState,
    u: &PageUser,
    decision: i64,
    form: &str,
    f: Fields,
    done: Result<T>,
) -> Response {
    let ok = format!("/work/decisions/{decision}#{form}");
    super::after_form(done, ok, form, |why| build(st, u, decision, f, why)).await
}

pub async fn add_item(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let done = async {
        // One owner select: `user:3` or `unit:5`.
        let owner = field(&f, "owner").unwrap_or("").trim();
        let (mut user, mut unit) = (None, None);
        match owner.split_once(':') {
            None if owner.is_empty() => {}
            Some(("user", n)) => user = n.parse().ok(),
            Some(("unit", n)) => unit = n.parse().ok(),
            _ => {
                return Err(Error::invalid(
                    "owner_user_id",
                    crate::error::Code::UnknownUser,
                ));
            }
        }
        let i = ItemInput {
            title: inputs::title(field(&f, "title"))?,
            parent_id: number(&f, "parent_id")?,
            owner_user_id: user,
            owner_unit_id: unit,
            due_on: inputs::day("due_on", field(&f, "due_on"))?
                .ok_or_else(|| Error::required("due_on"))?,
        };
        follow::add_item(&st, &u.actor, id, i).await
    }
    .await;
    after(&st, &u, id, "items", f, done).await
}

pub async fn progress(
    State(st): State<AppState>,
    u: PageUser,
    Path(item): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let done = async {
        let p = ProgressInput {
            progress: Progress::new(
                number(&f, "progress")?.ok_or_else(|| Error::required("progress"))?,
            )?,
            note: inputs::optional("note", field(&f, "note"), BODY_MAX)?,
        };
        follow::report(&st, &u.actor, item, p).await
    }
    .await;
    // The decision the item belongs to, to come back to (posted by its page).
    let decision = match number(&f, "decision_id") {
        Ok(Some(d)) => d,
        _ => match &done {
            Ok(ft) => ft.decision.id,
            Err(_) => return error_page(Error::not_found()),
        },
    };
    after(&st, &u, decision, &format!("item-{item}"), f, done).await
}

pub async fn publish(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let done = topics::publish(&st, &u.actor, id).await;
    after(&st, &u, id, "publish", f, done).await
}
