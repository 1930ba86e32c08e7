//! The councils' pages: the HTML adapter of councils and linkage teams. Each handler reads
//! a form into the service's input with the same parsers the API uses
//! (`councils::model::inputs`), calls the service (`councils::service`, the only door) and
//! renders what it gives back. Nothing here decides a rule or reads the database.
//!
//! Whom each page is for: the office's pages under `/work/councils`, `/work/meetings`,
//! `/work/decisions` are for staff, who make councils, run their meetings (on a phone in a
//! gazebo as well as at a desk), record votes and decisions and follow them through; the
//! service refuses what the caller may not run. The portal's under `/me/councils` are for
//! residents: the councils of their grid and community, raising a topic, voting where they
//! may, the results list and the progress of what they raised. A council's calendar is
//! for anyone who sees the council.

mod council;
mod councils;
mod decision;
mod meeting;
mod portal;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::clock::Millis;
use crate::councils::model::Labelled;
use crate::councils::model::records::{Decision, TopicView};
use crate::error::{Class, Error};
use crate::web::i18n::text;
use crate::web::pages::{error_page, render};
use crate::web::routes::{ANYONE, PageRoutes, RESIDENTS, STAFF};

pub use crate::web::form::{Fields, Refill, all as all_values, field, number};

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get_post("/work/councils", STAFF, councils::list, councils::create)
        .get("/work/councils/{id}", STAFF, council::page)
        .post("/work/councils/{id}/members", STAFF, council::add_member)
        .post("/work/councils/{id}/meetings", STAFF, council::call_meeting)
        .post("/work/councils/{id}/topics", STAFF, council::raise)
        .get("/councils/{id}/calendar.ics", ANYONE, councils::calendar)
        .get("/work/meetings/{id}", STAFF, meeting::page)
        .post("/work/meetings/{id}/{step}", STAFF, meeting::step)
        .post("/work/topics/{id}/vote", STAFF, meeting::vote)
        .post("/work/topics/{id}/decide", STAFF, meeting::decide)
        .get("/work/decisions/{id}", STAFF, decision::page)
        .post("/work/decisions/{id}/items", STAFF, decision::add_item)
        .post("/work/decisions/{id}/publish", STAFF, decision::publish)
        .post(
            "/work/follow-items/{id}/progress",
            STAFF,
            decision::progress,
        )
        .get("/me/councils", RESIDENTS, portal::index)
        .get("/me/councils/{id}", RESIDENTS, portal::council)
        .post("/me/councils/{id}/topics", RESIDENTS, portal::raise)
        .post("/me/topics/{id}/vote", RESIDENTS, portal::vote)
        .get("/me/decisions/{id}", RESIDENTS, portal::decision)
}

/// A word of councils in the page's language (`councils.<group>.<code>`).
pub fn label<W: Labelled>(w: W) -> String {
    text(&w.key())
}

/// A moment as people read it in China: `2026-12-07 19:00`.
pub fn when(ms: Millis) -> String {
    crate::clock::format_local(ms)
}

/// Which form of a page was refused, and why (in the reader's language).
pub type Refused = Option<(String, String)>;

/// A refusal of a form's input: shown again on its page (with what was typed) under its
/// status, or, for what is out of scope or broken, the error page.
pub fn refusal(e: &Error) -> Option<StatusCode> {
    matches!(
        e.class(),
        Class::Invalid | Class::Conflict | Class::Forbidden
    )
    .then(|| crate::web::error::status(e.class()))
}

/// Renders `page` under `code`.
pub fn shown(code: StatusCode, page: &impl askama::Template) -> Response {
    (code, render(page)).into_response()
}

/// After a form: the page it came from again, or the error page when it cannot be shown.
pub fn or_error<T: askama::Template>(r: crate::error::Result<T>, code: StatusCode) -> Response {
    match r {
        Ok(p) => shown(code, &p),
        Err(e) => error_page(e),
    }
}

/// After a form: on success back to `ok_url`; refused, the page rebuilt by `rebuild` with
/// why `form` was refused (and what was typed), under the refusal's status; anything else
/// (out of scope, broken) the error page.
pub async fn after_form<T, P, Fut>(
    done: crate::error::Result<T>,
    ok_url: String,
    form: &str,
    rebuild: impl FnOnce(Refused) -> Fut,
) -> Response
where
    P: askama::Template,
    Fut: std::future::Future<Output = crate::error::Result<P>>,
{
    match done {
        Ok(_) => axum::response::Redirect::to(&ok_url).into_response(),
        Err(e) => match refusal(&e) {
            Some(code) => {
                let why = Some((form.to_string(), crate::web::error::message(&e)));
                or_error(rebuild(why).await, code)
            }
            None => error_page(e),
        },
    }
}

/// An option of a topic as shown: its label and, unless the ballot is secret and still
/// open (the service gives 0 then), the votes it has.
pub struct OptionRow {
    pub id: i64,
    pub label: String,
    pub votes: i64,
}

/// A topic as a row of one of the three lists.
pub struct TopicRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub status: String,
    pub status_label: String,
    /// 一人一票 · 记名表决 · 过半数 · …
    pub rules: String,
    pub options: Vec<OptionRow>,
    pub ballots: i64,
    pub abstentions: i64,
    pub secret_open: bool,
    pub voted: bool,
    pub per_household: bool,
    pub decision: Option<DecisionRow>,
}

impl TopicRow {
    pub fn of(t: &TopicView) -> TopicRow {
        let tp = &t.topic;
        let majority = crate::councils::model::Majority::parse(&tp.majority);
        let mut rules = vec![label(tp.vote_unit), label(tp.ballot)];
        if let Some(m) = majority {
            rules.push(label(m));
        }
        rules.push(label(tp.base));
        rules.push(label(tp.tie));
        TopicRow {
            id: tp.id,
            title: tp.title.clone(),
            body: tp.body.clone(),
            status: tp.status.as_str().to_string(),
            status_label: label(tp.status),
            rules: rules.join(" · "),
            options: t
                .options
                .iter()
                .map(|o| OptionRow {
                    id: o.id,
                    label: o.label.clone(),
                    votes: o.votes,
                })
                .collect(),
            ballots: t.ballots,
            abstentions: tp.abstentions,
            secret_open: tp.ballot == crate::councils::model::Ballot::Secret
                && t.decision.is_none(),
            voted: t.voted,
            per_household: tp.vote_unit == crate::councils::model::VoteUnit::Household,
            decision: t.decision.as_ref().map(DecisionRow::of),
        }
    }
}

/// A decision as a row of the results list.
pub struct DecisionRow {
    pub id: i64,
    pub topic_title: String,
    pub outcome: String,
    pub outcome_label: String,
    pub terms: String,
    /// 临时（至 2026-09-30） or 长期, when there are terms.
    pub holds: String,
    pub decided_at: String,
    pub published: Option<String>,
}

impl DecisionRow {
    pub fn of(d: &Decision) -> DecisionRow {
        let holds = match (d.terms_kind(), &d.terms_until) {
            (Some(k), Some(until)) => format!(
                "{} · {}",
                label(k),
                text("council_pages.until").replace("%{day}", until)
            ),
            (Some(k), None) => label(k),
            _ => String::new(),
        };
        DecisionRow {
            id: d.id,
            topic_title: d.topic_title.clone(),
            outcome: d.outcome.as_str().to_string(),
            outcome_label: label(d.outcome),
            terms: d.terms.clone(),
            holds,
            decided_at: when(d.decided_at),
            published: d.published_at.map(when),
        }
    }
}

/// A page with a form and its client-made id, not to be kept by the browser: going back
/// to it fetches a new id, so a topic typed after one was sent is not taken for it.
pub fn no_store(mut page: Response) -> Response {
    page.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    page
}
