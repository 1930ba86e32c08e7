//! The residents' councils on the portal, phone first: the councils of their grid and
//! community and their next meetings; a council with its meeting in session, where they
//! vote on the topics of its agenda (as a member, or for their household); raising a
//! topic (a form with a client-made id, so a double tap stores it once); the results
//! list; and the progress of the topics they raised and of published decisions.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::councils::model::inputs::VoteInput;
use crate::councils::model::records::{Council, Meeting};
use crate::councils::model::{MeetingStatus, TopicStatus};
use crate::councils::service::{councils as service, follow, meetings, topics, votes};
use crate::demands::model::ClientId;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::{Page, error_page};
use crate::web::session::PageUser;

use super::decision::{ItemRow, item_rows};
use super::{DecisionRow, Fields, Refill, Refused, TopicRow, field, label, refusal, when};

/// A council as a card of the portal, with its next meeting.
pub struct Card {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub next: Option<String>,
    pub location: String,
}

/// A topic I raised, with how it went and, once published, its follow-through.
pub struct MineRow {
    pub t: TopicRow,
    pub council: String,
    pub progress: Option<i64>,
}

#[derive(Template)]
#[template(path = "councils/me/index.html")]
struct Index {
    page: Page,
    cards: Vec<Card>,
    mine: Vec<MineRow>,
    results: Vec<(String, DecisionRow)>,
}

fn upcoming(ms: &[Meeting], now: crate::clock::Millis) -> Vec<&Meeting> {
    ms.iter()
        .filter(|m| {
            m.status == MeetingStatus::InSession
                || (m.status == MeetingStatus::Scheduled && m.ends_at >= now)
        })
        .collect()
}

pub async fn index(State(st): State<AppState>, u: PageUser) -> Response {
    let shown = async {
        let now = st.clock.now();
        let all: Vec<Council> = service::list(&st, &u.actor).await?;
        let mut cards = Vec::new();
        let mut results = Vec::new();
        for c in &all {
            let ms = service::meetings(&st, &u.actor, c.id).await?;
            cards.push(Card {
                id: c.id,
                name: c.name.clone(),
                kind: label(c.kind),
                next: upcoming(&ms, now).first().map(|m| meeting_words(m)),
                location: c.location.clone(),
            });
            for d in topics::results(&st, &u.actor, c.id).await?.iter().take(5) {
                results.push((c.name.clone(), DecisionRow::of(d)));
            }
        }
        let mut mine = Vec::new();
        for t in topics::mine(&st, &u.actor).await? {
            let progress = match t.decision.as_ref().filter(|d| d.published_at.is_some()) {
                Some(d) => follow::of_decision(&st, &u.actor, d.id).await?.progress,
                None => None,
            };
            let council = all
                .iter()
                .find(|c| c.id == t.topic.council_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            mine.push(MineRow {
                t: TopicRow::of(&t),
                council,
                progress,
            });
        }
        Ok::<_, Error>(Index {
            page: Page::for_user(&u, text("council_pages.me.title"), "/me/councils"),
            cards,
            mine,
            results,
        })
    }
    .await;
    super::or_error(shown, StatusCode::OK)
}

/// `2026-12-07 19:00 · 进行中 · 社区党群服务中心二楼`.
fn meeting_words(m: &Meeting) -> String {
    let mut w = vec![when(m.starts_at), label(m.status)];
    if !m.location.is_empty() {
        w.push(m.location.clone());
    }
    w.join(" · ")
}

/// A topic of a meeting in session, and whether the resident may still vote on it here.
pub struct Votable {
    pub t: TopicRow,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "councils/me/council.html")]
struct CouncilPage {
    page: Page,
    c: Council,
    kind: String,
    schedule: String,
    meetings: Vec<String>,
    votable: Vec<Votable>,
    results: Vec<DecisionRow>,
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

#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

async fn council_page(
    st: &AppState,
    u: &PageUser,
    id: i64,
    values: Fields,
    refused: Refused,
) -> Result<CouncilPage> {
    let c = service::get(st, &u.actor, id).await?.council;
    let ms = service::meetings(st, &u.actor, id).await?;
    let now = st.clock.now();
    let mut votable = Vec::new();
    for m in ms.iter().filter(|m| m.status == MeetingStatus::InSession) {
        for t in meetings::get(st, &u.actor, m.id).await?.agenda {
            if t.topic.status != TopicStatus::OnAgenda {
                continue;
            }
            let form = format!("topic-{}", t.topic.id);
            votable.push(Votable {
                error: refused
                    .as_ref()
                    .filter(|(f, _)| *f == form)
                    .map(|(_, m)| m.clone()),
                t: TopicRow::of(&t),
            });
        }
    }
    // The id of a form sent and refused is kept: sent again it is still the same topic.
    let client_id = match (&refused, field(&values, "client_id")) {
        (Some(_), Some(c)) if !c.is_empty() => c.to_string(),
        _ => ClientId::fresh().as_str().to_string(),
    };
    Ok(CouncilPage {
        page: Page::for_user(u, c.name.clone(), &format!("/me/councils/{id}")),
        kind: label(c.kind),
        schedule: super::councils::schedule(c.recurrence.as_deref(), c.first_starts_at),
        meetings: upcoming(&ms, now)
            .iter()
            .take(4)
            .map(|m| meeting_words(m))
            .collect(),
        votable,
        results: topics::results(st, &u.actor, id)
            .await?
            .iter()
            .map(DecisionRow::of)
            .collect(),
        client_id,
        c,
        values,
        refused,
    })
}

pub async fn council(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<Done>,
) -> Response {
    match council_page(&st, &u, id, Vec::new(), None).await {
        Ok(mut p) => {
            p.page.flash = match q.done.as_deref() {
                Some("raised") => Some(text("council_pages.me.raised")),
                Some("voted") => Some(text("council_pages.me.voted")),
                _ => None,
            };
            super::no_store(super::shown(StatusCode::OK, &p))
        }
        Err(e) => error_page(e),
    }
}

async fn again(
    st: &AppState,
    u: &PageUser,
    id: i64,
    form: String,
    f: Fields,
    e: Error,
) -> Response {
    match refusal(&e) {
        Some(code) => {
            let why = Some((form, crate::web::error::message(&e)));
            super::or_error(council_page(st, u, id, f, why).await, code)
        }
        None => error_page(e),
    }
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
    // A resident's topic is voted one per person, openly, by simple majority: the office
    // sets another way when it puts the topic on an agenda.
    let mut kept: Fields = f
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "title" | "body" | "client_id"))
        .cloned()
        .collect();
    kept.push(("options".into(), String::new()));
    let done =
        async { topics::raise(&st, &u.actor, id, super::council::topic_input(&kept)?).await }.await;
    match done {
        Ok(_) => Redirect::to(&format!("/me/councils/{id}?done=raised")).into_response(),
        Err(e) => again(&st, &u, id, "raise".into(), f, e).await,
    }
}

pub async fn vote(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let council = match topics::get(&st, &u.actor, id).await {
        Ok(t) => t.topic.council_id,
        Err(e) => return error_page(e),
    };
    let done = async {
        let choice = field(&f, "choice").unwrap_or("").trim();
        let v =
            VoteInput {
                option_id: match choice {
                    "" | "abstain" => None,
                    o => Some(o.parse().map_err(|_| {
                        Error::invalid("option_id", crate::error::Code::InvalidChoice)
                    })?),
                },
                abstain: choice == "abstain",
                household_id: None,
                voter_id: None,
            };
        votes::vote(&st, &u.actor, id, v).await
    }
    .await;
    match done {
        Ok(_) => Redirect::to(&format!("/me/councils/{council}?done=voted")).into_response(),
        Err(e) => again(&st, &u, council, format!("topic-{id}"), f, e).await,
    }
}

#[derive(Template)]
#[template(path = "councils/me/decision.html")]
struct DecisionPage {
    page: Page,
    d: DecisionRow,
    council_id: i64,
    progress: Option<i64>,
    items: Vec<ItemRow>,
}

/// A published decision and how its follow-through is going.
pub async fn decision(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    let shown = async {
        let ft = follow::of_decision(&st, &u.actor, id).await?;
        Ok::<_, Error>(DecisionPage {
            page: Page::for_user(
                &u,
                ft.decision.topic_title.clone(),
                &format!("/me/decisions/{id}"),
            ),
            d: DecisionRow::of(&ft.decision),
            council_id: ft.decision.council_id,
            progress: ft.progress,
            items: item_rows(&ft),
        })
    }
    .await;
    super::or_error(shown, StatusCode::OK)
}
