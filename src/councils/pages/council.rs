//! `/work/councils/{id}`: one council as the office runs it: its members (residents found
//! by name, staff, units, each with their role on it), its meetings (an ad-hoc one
//! called), its three lists (the demand list of raised topics, the negotiation list of
//! topics on an agenda, the results list of what was decided) and a topic raised with the
//! way its votes are taken and counted.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::councils::model::inputs::{
    self, BODY_MAX, LOCATION_MAX, MeetingInput, MemberInput, ROLE_MAX, TopicInput, VoteSetup,
};
use crate::councils::model::records::CouncilView;
use crate::councils::model::{
    Ballot, Majority, MajorityBase, MemberKind, TieRule, TopicStatus, VoteUnit,
};
use crate::councils::service::{choices, councils as service, meetings, topics};
use crate::demands::model::{ClientId, ResidentMatch};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::pages::{Page, error_page};
use crate::web::session::PageUser;

use super::councils::schedule;
use super::{DecisionRow, Fields, Refill, Refused, TopicRow, field, label, number, when};

pub struct MemberRow {
    pub name: String,
    pub kind: String,
    pub role: String,
}

pub struct MeetingRow {
    pub id: i64,
    pub when: String,
    pub location: String,
    pub status: String,
    pub status_label: String,
    pub present: String,
}

/// A choice of a select: its code and its words.
pub type Pick = (String, String);

#[derive(Template)]
#[template(path = "councils/council.html")]
pub struct CouncilPage {
    page: Page,
    c: CouncilView,
    kind: String,
    schedule: String,
    members: Vec<MemberRow>,
    meetings: Vec<MeetingRow>,
    raised: Vec<TopicRow>,
    on_agenda: Vec<TopicRow>,
    results: Vec<DecisionRow>,
    people: Vec<(i64, String)>,
    units: Vec<(i64, String)>,
    who: String,
    found: Vec<ResidentMatch>,
    setups: Vec<(&'static str, Vec<Pick>)>,
    client_id: String,
    values: Fields,
    refused: Refused,
}

impl Refill for CouncilPage {
    fn values(&self) -> &Fields {
        &self.values
    }
    fn refused(&self) -> Option<&(String, String)> {
        self.refused.as_ref()
    }
}

impl CouncilPage {
    fn is(&self, name: &str, v: &str) -> bool {
        field(&self.values, name).map(str::trim) == Some(v)
    }
}

/// The choices of a word, as (code, words).
fn picks<W: crate::councils::model::Labelled>() -> Vec<Pick> {
    W::all()
        .iter()
        .map(|w| (w.code().to_string(), label(*w)))
        .collect()
}

#[derive(Deserialize, Default)]
pub struct CouncilQuery {
    /// A resident to find by name, phone ending or room, to add as a member.
    pub who: Option<String>,
    pub done: Option<String>,
}

pub async fn build(
    st: &AppState,
    u: &PageUser,
    id: i64,
    who: &str,
    values: Fields,
    refused: Refused,
) -> Result<CouncilPage> {
    let c = service::get(st, &u.actor, id).await?;
    let ch = if c.may_manage {
        choices::of_community(st, &u.actor, Some(c.council.community_id)).await?
    } else {
        Default::default()
    };
    let ms = service::meetings(st, &u.actor, id).await?;
    let raised = topics::of_council(st, &u.actor, id, Some(TopicStatus::Raised)).await?;
    let on_agenda = topics::of_council(st, &u.actor, id, Some(TopicStatus::OnAgenda)).await?;
    let results = topics::results(st, &u.actor, id).await?;
    let found = if who.trim().is_empty() || !c.may_manage {
        Vec::new()
    } else {
        crate::demands::service::find_residents(st, &u.actor, who)
            .await?
            .found
    };
    let mut values = values;
    if field(&values, "client_id").is_none() || refused.is_none() {
        values.retain(|(k, _)| k != "client_id");
        values.push(("client_id".into(), ClientId::fresh().as_str().to_string()));
    }
    let path = format!("/work/councils/{id}");
    Ok(CouncilPage {
        page: Page::for_user(u, c.council.name.clone(), &path),
        kind: label(c.council.kind),
        schedule: schedule(c.council.recurrence.as_deref(), c.council.first_starts_at),
        members: c
            .members
            .iter()
            .map(|m| MemberRow {
                name: m.name.clone(),
                kind: label(m.kind),
                role: m.role.clone(),
            })
            .collect(),
        meetings: ms
            .iter()
            .map(|m| MeetingRow {
                id: m.id,
                when: when(m.starts_at),
                location: m.location.clone(),
                status: m.status.as_str().to_string(),
                status_label: label(m.status),
                present: format!("{}/{}", m.present, m.members),
            })
            .collect(),
        raised: raised.iter().map(TopicRow::of).collect(),
        on_agenda: on_agenda.iter().map(TopicRow::of).collect(),
        results: results.iter().map(DecisionRow::of).collect(),
        people: ch.people,
        units: ch.units,
        who: who.to_string(),
        found,
        setups: vec![
            ("vote_unit", picks::<VoteUnit>()),
            ("ballot", picks::<Ballot>()),
            ("majority", picks::<Majority>()),
            ("base", picks::<MajorityBase>()),
            ("tie", picks::<TieRule>()),
        ],
        client_id: String::new(),
        c,
        values,
        refused,
    })
}

pub async fn page(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<CouncilQuery>,
) -> Response {
    match build(
        &st,
        &u,
        id,
        q.who.as_deref().unwrap_or(""),
        Vec::new(),
        None,
    )
    .await
    {
        Ok(mut p) => {
            p.page.flash = q
                .done
                .as_deref()
                .filter(|d| d.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
                .and_then(|d| crate::web::i18n::lookup(u.lang, &format!("council_pages.done.{d}")));
            p.client_id = field(&p.values, "client_id")
                .unwrap_or_default()
                .to_string();
            super::shown(StatusCode::OK, &p)
        }
        Err(e) => error_page(e),
    }
}

/// A form of the council page done: back to it with its confirmation; refused: the page
/// again with the reason beside the form and what was typed.
async fn after<T>(
    st: &AppState,
    u: &PageUser,
    id: i64,
    form: &str,
    f: Fields,
    done: Result<T>,
    ok: &str,
) -> Response {
    let ok = format!("/work/councils/{id}?done={ok}#{form}");
    super::after_form(done, ok, form, |why| async move {
        let who = field(&f, "who").unwrap_or("").to_string();
        let mut p = build(st, u, id, &who, f, why).await?;
        // The refused raise keeps its client id, so sending it again stores it once.
        p.client_id = field(&p.values, "client_id")
            .unwrap_or_default()
            .to_string();
        Ok(p)
    })
    .await
}

pub async fn add_member(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let done = async {
        let m = MemberInput {
            kind: inputs::word("kind", field(&f, "kind"), MemberKind::Resident)?,
            id: number(&f, "id")?.ok_or_else(|| Error::required("id"))?,
            role: inputs::optional("role", field(&f, "role"), ROLE_MAX)?,
        };
        service::add_member(&st, &u.actor, id, m).await
    }
    .await;
    after(&st, &u, id, "members", f, done, "member").await
}

pub async fn call_meeting(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let done = async {
        let starts = inputs::moment("starts_at", field(&f, "starts_at"))?
            .ok_or_else(|| Error::required("starts_at"))?;
        let ends = inputs::moment("ends_at", field(&f, "ends_at"))?
            .ok_or_else(|| Error::required("ends_at"))?;
        let location =
            crate::web::validate::optional("location", field(&f, "location"), LOCATION_MAX)?;
        meetings::call(
            &st,
            &u.actor,
            id,
            MeetingInput::new(starts, ends, location)?,
        )
        .await
    }
    .await;
    after(&st, &u, id, "meetings", f, done, "meeting").await
}

/// A topic as a form gives it: title, body, how votes are taken, 2–10 options (one a
/// line), and the form's client-made id.
pub fn topic_input(f: &Fields) -> Result<TopicInput> {
    let d = VoteSetup::default();
    let options: Vec<String> = field(f, "options")
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    Ok(TopicInput {
        title: inputs::title(field(f, "title"))?,
        body: inputs::optional("body", field(f, "body"), BODY_MAX)?,
        vote: VoteSetup {
            unit: inputs::word("vote_unit", field(f, "vote_unit"), d.unit)?,
            ballot: inputs::word("ballot", field(f, "ballot"), d.ballot)?,
            majority: inputs::word("majority", field(f, "majority"), d.majority)?,
            base: inputs::word("base", field(f, "base"), d.base)?,
            tie: inputs::word("tie", field(f, "tie"), d.tie)?,
        },
        options: inputs::options(&options)?,
        client_id: ClientId::parse(field(f, "client_id"))?.map(|c| c.as_str().to_string()),
    })
}

pub async fn raise(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let done = async { topics::raise(&st, &u.actor, id, topic_input(&f)?).await }.await;
    after(&st, &u, id, "raise", f, done, "raised").await
}
