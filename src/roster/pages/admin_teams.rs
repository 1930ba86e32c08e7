//! `/admin/teams`: the teams with their leader and members — list, new, edit, delete
//! (refused while anything refers to one), members added and removed — through the roster
//! service the `/api/v1/teams` endpoints use.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::service::accounts;
use crate::error::{Error, Result};
use crate::roster::model::{
    self, Community, CommunityFilter, NAME_MAX, TEAM_KINDS, Team, TeamEdit, TeamFilter, TeamInput,
};
use crate::roster::service;
use crate::state::AppState;
use crate::web::error::status;
use crate::web::form::Refill;
use crate::web::i18n::text;
use crate::web::pages::{Page, error_page, render};
use crate::web::session::PageUser;
use crate::web::validate;

use super::admin_form::{Done, Fields, all, field, number};

use super::admin_groups::{fixable, flash, kinds};

pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub community: String,
    pub members: usize,
}

#[derive(Template)]
#[template(path = "admin/teams.html")]
struct TeamsPage {
    page: Page,
    rows: Vec<TeamRow>,
    kinds: Vec<(String, String)>,
    communities: Vec<(i64, String)>,
    values: Fields,
    error: Option<String>,
}

impl Refill for TeamsPage {
    fn values(&self) -> &Fields {
        &self.values
    }
}

impl TeamsPage {
    fn chosen(&self, id: &i64) -> bool {
        self.picked("community_id", id)
    }
}

async fn teams_page(
    st: &AppState,
    u: &PageUser,
    values: Fields,
    error: Option<String>,
) -> Result<TeamsPage> {
    let communities: Vec<Community> = all(st, u, &CommunityFilter::default()).await?;
    let teams: Vec<Team> = all(st, u, &TeamFilter::default()).await?;
    let rows = teams
        .iter()
        .map(|t| TeamRow {
            id: t.id,
            name: t.name.clone(),
            kind: text(&format!("web.admin.teams.kind_{}", t.kind)),
            community: communities
                .iter()
                .find(|c| c.id == t.community_id)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            members: t.member_user_ids.len(),
        })
        .collect();
    Ok(TeamsPage {
        page: Page::for_user(u, text("web.admin.teams.title"), "/admin/teams"),
        rows,
        kinds: kinds("teams", &TEAM_KINDS),
        communities: communities.into_iter().map(|c| (c.id, c.name)).collect(),
        values,
        error,
    })
}

pub async fn teams(State(st): State<AppState>, u: PageUser, Query(d): Query<Done>) -> Response {
    let mut values = Vec::new();
    if let Some(c) = u.actor.community_id {
        values.push(("community_id".to_string(), c.to_string()));
    }
    match teams_page(&st, &u, values, None).await {
        Ok(mut p) => {
            p.page.flash = flash(&d, "teams");
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

pub async fn create_team(
    State(st): State<AppState>,
    u: PageUser,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let made = async {
        let new = TeamInput {
            community_id: number(&f, "community_id")?,
            kind: model::kind(field(&f, "kind"), &TEAM_KINDS)?,
            name: validate::required("name", field(&f, "name"), NAME_MAX)?,
            leader_user_id: None,
            member_user_ids: None,
        };
        service::create_team(&st, &u.actor, new).await
    }
    .await;
    match made {
        Ok(t) => Redirect::to(&format!("/admin/teams/{}?done=created", t.id)).into_response(),
        Err(e) if fixable(&e) => {
            let code = status(e.class());
            match teams_page(&st, &u, f, Some(crate::web::error::message(&e))).await {
                Ok(p) => (code, render(&p)).into_response(),
                Err(e) => error_page(e),
            }
        }
        Err(e) => error_page(e),
    }
}

/// An account as a checkbox of the members' list.
pub struct Member {
    pub id: i64,
    pub name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "admin/team.html")]
struct TeamPage {
    page: Page,
    team: Team,
    kinds: Vec<(String, String)>,
    people: Vec<(i64, String)>,
    members: Vec<Member>,
    values: Fields,
    /// The form refused and why: `edit`, `members` or `delete`.
    error: Option<(String, String)>,
}

impl Refill for TeamPage {
    fn values(&self) -> &Fields {
        &self.values
    }

    fn refused(&self) -> Option<&(String, String)> {
        self.error.as_ref()
    }
}

impl TeamPage {
    fn chosen(&self, id: &i64) -> bool {
        self.picked("leader_user_id", id)
    }
}

async fn team_page(
    st: &AppState,
    u: &PageUser,
    id: i64,
    values: Option<Fields>,
    ticked: Option<Vec<i64>>,
    error: Option<(String, String)>,
) -> Result<TeamPage> {
    let team: Team = service::get(st, &u.actor, id).await?;
    let people = accounts::community_accounts(st, &u.actor, team.community_id).await?;
    let ticked = ticked.unwrap_or_else(|| team.member_user_ids.clone());
    let members = people
        .iter()
        .map(|(id, name)| Member {
            id: *id,
            name: name.clone(),
            checked: ticked.contains(id),
        })
        .collect();
    let values = values.unwrap_or_else(|| {
        let mut v = vec![
            ("name".to_string(), team.name.clone()),
            ("kind".to_string(), team.kind.clone()),
        ];
        if let Some(l) = team.leader_user_id {
            v.push(("leader_user_id".to_string(), l.to_string()));
        }
        v
    });
    let title = text("web.admin.teams.team_title").replace("%{name}", &team.name);
    Ok(TeamPage {
        page: Page::for_user(u, title, &format!("/admin/teams/{id}")),
        team,
        kinds: kinds("teams", &TEAM_KINDS),
        people,
        members,
        values,
        error,
    })
}

pub async fn team(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(d): Query<Done>,
) -> Response {
    match team_page(&st, &u, id, None, None, None).await {
        Ok(mut p) => {
            p.page.flash = flash(&d, "teams");
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

async fn team_refused(
    st: &AppState,
    u: &PageUser,
    id: i64,
    form: &str,
    values: Option<Fields>,
    ticked: Option<Vec<i64>>,
    e: Error,
) -> Response {
    if !fixable(&e) {
        return error_page(e);
    }
    let code = status(e.class());
    match team_page(
        st,
        u,
        id,
        values,
        ticked,
        Some((form.to_string(), crate::web::error::message(&e))),
    )
    .await
    {
        Ok(p) => (code, render(&p)).into_response(),
        Err(e) => error_page(e),
    }
}

pub async fn edit_team(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let saved = async {
        let e = TeamEdit {
            kind: Some(model::kind(field(&f, "kind"), &TEAM_KINDS)?),
            name: Some(validate::required("name", field(&f, "name"), NAME_MAX)?),
            leader_user_id: Some(number(&f, "leader_user_id")?),
        };
        service::edit_team(&st, &u.actor, id, e).await
    }
    .await;
    match saved {
        Ok(_) => Redirect::to(&format!("/admin/teams/{id}?done=saved")).into_response(),
        Err(e) => team_refused(&st, &u, id, "edit", Some(f), None, e).await,
    }
}

pub async fn team_members(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let mut ticked = Vec::new();
    let parsed: Result<()> = f
        .iter()
        .filter(|(k, _)| k == "user_ids")
        .try_for_each(|(_, v)| {
            let n = v
                .trim()
                .parse()
                .map_err(|_| Error::invalid("user_ids", crate::error::Code::InvalidNumber))?;
            ticked.push(n);
            Ok(())
        });
    let saved = async {
        parsed?;
        let ids = model::ids("user_ids", &ticked)?;
        service::set_team_members(&st, &u.actor, id, ids).await
    }
    .await;
    match saved {
        Ok(_) => Redirect::to(&format!("/admin/teams/{id}?done=members")).into_response(),
        Err(e) => team_refused(&st, &u, id, "members", None, Some(ticked), e).await,
    }
}

pub async fn delete_team(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    match service::delete::<Team>(&st, &u.actor, id).await {
        Ok(()) => Redirect::to("/admin/teams?done=deleted").into_response(),
        Err(e) => team_refused(&st, &u, id, "delete", None, None, e).await,
    }
}
