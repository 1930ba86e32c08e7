//! `/work/meetings/{id}`: running a meeting, on a phone in a gazebo as at a desk. Before:
//! topics put on its agenda from the demand list; open it; attendance as a list of the
//! members to tick (counted present of members); per topic, each member's show of hands
//! recorded by the office (or an abstention), the running count as the service gives it
//! (none for a secret ballot still open), and the decision with its terms; close; the
//! minutes; or cancel it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::councils::model::inputs::{self, DecideInput, MINUTES_MAX, VoteInput};
use crate::councils::model::records::MeetingView;
use crate::councils::model::{MAX_TERMS, MeetingStatus, MemberKind, TieRule, TopicStatus};
use crate::councils::service::{councils, meetings as service, topics, votes};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::pages::{Page, error_page};
use crate::web::session::PageUser;

use super::{Fields, Refill, Refused, TopicRow, all_values, field, label, number, when};

pub struct Attendee {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub kind: String,
    pub present: bool,
}

/// Whom the office may record a show of hands for, on one topic: (voter id, name).
pub struct AgendaItem {
    pub t: TopicRow,
    pub voters: Vec<(i64, String)>,
    pub chair_casts: bool,
    /// Why its vote or decision was refused, and the terms and end day typed then.
    pub error: Option<String>,
    pub terms: String,
    pub ends_on: String,
    pub temporary: bool,
}

#[derive(Template)]
#[template(path = "councils/meeting.html")]
pub struct MeetingPage {
    page: Page,
    m: MeetingView,
    council_name: String,
    when: String,
    status: String,
    status_label: String,
    scheduled: bool,
    in_session: bool,
    closed: bool,
    attendees: Vec<Attendee>,
    agenda: Vec<AgendaItem>,
    raised: Vec<(i64, String)>,
    values: Fields,
    refused: Refused,
}

impl Refill for MeetingPage {
    fn values(&self) -> &Fields {
        &self.values
    }
    fn refused(&self) -> Option<&(String, String)> {
        self.refused.as_ref()
    }
}

async fn build(
    st: &AppState,
    u: &PageUser,
    id: i64,
    values: Fields,
    refused: Refused,
) -> Result<MeetingPage> {
    let m = service::get(st, &u.actor, id).await?;
    let c = councils::get(st, &u.actor, m.meeting.council_id).await?;
    let raised = topics::of_council(st, &u.actor, c.council.id, Some(TopicStatus::Raised))
        .await?
        .into_iter()
        .map(|t| (t.topic.id, t.topic.title))
        .collect();
    let attendees = c
        .members
        .iter()
        .map(|x| Attendee {
            id: x.id,
            name: x.name.clone(),
            role: x.role.clone(),
            kind: label(x.kind),
            present: m.attendance.contains(&x.id),
        })
        .collect();
    let agenda = m
        .agenda
        .iter()
        .map(|t| {
            let household = t.topic.vote_unit == crate::councils::model::VoteUnit::Household;
            // A vote per person is a member's; a vote per household a resident's.
            let voters = c
                .members
                .iter()
                .filter(|x| !household || x.kind == MemberKind::Resident)
                .filter(|x| m.attendance.contains(&x.id))
                .filter_map(|x| {
                    let id = if household { x.resident_id? } else { x.id };
                    Some((id, x.name.clone()))
                })
                .collect();
            let form = format!("topic-{}", t.topic.id);
            let here = refused.as_ref().filter(|(f, _)| *f == form);
            let typed = |name: &str| {
                here.and_then(|_| field(&values, name))
                    .unwrap_or_default()
                    .to_string()
            };
            AgendaItem {
                t: TopicRow::of(t),
                voters,
                chair_casts: t.topic.tie == TieRule::ChairCasts,
                error: here.map(|(_, m)| m.clone()),
                terms: typed("terms"),
                ends_on: typed("ends_on"),
                temporary: typed("temporary") == "true",
            }
        })
        .collect();
    let s = m.meeting.status;
    Ok(MeetingPage {
        page: Page::for_user(
            u,
            format!("{} · {}", c.council.name, when(m.meeting.starts_at)),
            &format!("/work/meetings/{id}"),
        ),
        council_name: c.council.name.clone(),
        when: format!(
            "{} – {}",
            when(m.meeting.starts_at),
            when(m.meeting.ends_at).get(11..).unwrap_or_default()
        ),
        status: s.as_str().to_string(),
        status_label: label(s),
        scheduled: s == MeetingStatus::Scheduled,
        in_session: s == MeetingStatus::InSession,
        closed: s == MeetingStatus::Closed,
        attendees,
        agenda,
        raised,
        m,
        values,
        refused,
    })
}

pub async fn page(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    match build(&st, &u, id, Vec::new(), None).await {
        Ok(p) => super::shown(StatusCode::OK, &p),
        Err(e) => error_page(e),
    }
}

/// Back to the meeting at `anchor`, or the page again with why `form` was refused.
async fn after<T>(
    st: &AppState,
    u: &PageUser,
    meeting: i64,
    form: &str,
    f: Fields,
    done: Result<T>,
) -> Response {
    let ok = format!("/work/meetings/{meeting}#{form}");
    super::after_form(done, ok, form, |why| build(st, u, meeting, f, why)).await
}

/// One step of the meeting: `agenda`, `open`, `attendance`, `close`, `minutes`, `cancel`.
pub async fn step(
    State(st): State<AppState>,
    u: PageUser,
    Path((id, step)): Path<(i64, String)>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let a = &u.actor;
    let done = match step.as_str() {
        "agenda" => match number(&f, "topic_id") {
            Ok(Some(t)) => service::put_on_agenda(&st, a, id, t).await,
            Ok(None) => Err(Error::required("topic_id")),
            Err(e) => Err(e),
        },
        "open" => service::open(&st, a, id).await,
        "close" => service::close(&st, a, id).await,
        "cancel" => service::cancel(&st, a, id).await,
        "attendance" => {
            let ids: Result<Vec<i64>> = all_values(&f, "present")
                .iter()
                .map(|v| {
                    v.trim().parse().map_err(|_| {
                        Error::invalid("member_ids", crate::error::Code::InvalidNumber)
                    })
                })
                .collect();
            match ids {
                Ok(ids) => service::attendance(&st, a, id, ids).await,
                Err(e) => Err(e),
            }
        }
        "minutes" => match crate::web::validate::optional("text", field(&f, "text"), MINUTES_MAX) {
            Ok(t) => service::minutes(&st, a, id, t.unwrap_or_default()).await,
            Err(e) => Err(e),
        },
        _ => return error_page(Error::not_found()),
    };
    after(&st, &u, id, &step, f, done).await
}

/// The meeting a topic is on, for coming back to it.
async fn meeting_of(st: &AppState, u: &PageUser, topic: i64) -> Result<i64> {
    topics::get(st, &u.actor, topic)
        .await?
        .topic
        .meeting_id
        .ok_or_else(Error::not_found)
}

/// A show of hands the office records: a member's (or a household's adult's) choice or
/// abstention.
pub async fn vote(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let meeting = match meeting_of(&st, &u, id).await {
        Ok(m) => m,
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
                voter_id: Some(number(&f, "voter_id")?.ok_or_else(|| Error::required("voter_id"))?),
            };
        votes::vote(&st, &u.actor, id, v).await
    }
    .await;
    after(&st, &u, meeting, &format!("topic-{id}"), f, done).await
}

/// The decision on a topic: its terms, whether they hold only until a day, and the
/// chair's casting vote in a tie.
pub async fn decide(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let meeting = match meeting_of(&st, &u, id).await {
        Ok(m) => m,
        Err(e) => return error_page(e),
    };
    let done = async {
        let d = DecideInput {
            terms: crate::web::validate::optional("terms", field(&f, "terms"), MAX_TERMS)?,
            temporary: field(&f, "temporary") == Some("true"),
            ends_on: inputs::day("ends_on", field(&f, "ends_on"))?,
            casting_option_id: number(&f, "casting_option_id")?,
        };
        topics::decide(&st, &u.actor, id, d).await
    }
    .await;
    after(&st, &u, meeting, &format!("topic-{id}"), f, done).await
}
