//! The demand page: everything about one demand its viewer may read (the service shapes it:
//! volunteers and units see no reminders), its timeline, and a form for every step the
//! viewer may take now, and only those (the photo form too).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::demands::download;
use crate::demands::model::{AttachmentView, Choices, DemandDetail, DemandView, SummonView};
use crate::demands::service;
use crate::error::Error;
use crate::state::AppState;
use crate::web::i18n::{self, text};
use crate::web::pages::{Page, render};
use crate::web::session::PageUser;

use super::{Item, short_time};

/// What the viewer may do now, one flag per step.
#[derive(Default)]
pub struct Can {
    pub accept: bool,
    pub decline: bool,
    pub merge: bool,
    pub dispatch: bool,
    pub take: bool,
    pub resolve: bool,
    pub feedback: bool,
    pub rate: bool,
    pub reopen: bool,
    pub close: bool,
    pub escalate: bool,
    pub whistle: bool,
    pub report_in: bool,
    pub report_back: bool,
    pub attach: bool,
    pub note: bool,
    pub appoint: bool,
    pub return_job: bool,
    pub any: bool,
}

impl Can {
    fn of(d: &DemandDetail) -> Can {
        let has = |a: &str| d.can(a);
        Can {
            accept: has("accept"),
            decline: has("decline"),
            merge: has("merge"),
            dispatch: has("dispatch"),
            take: has("take"),
            resolve: has("resolve"),
            feedback: has("feedback"),
            rate: has("rate"),
            reopen: has("reopen"),
            close: has("close"),
            escalate: has("escalate"),
            whistle: has("whistle"),
            report_in: has("report-in"),
            report_back: has("report-back"),
            attach: has("attachments"),
            note: has("note"),
            appoint: has("appoint"),
            return_job: has("return"),
            any: d
                .next_actions
                .iter()
                .any(|a| a != "attachments" && a != "note"),
        }
    }
}

/// The choices the forms offer, as the forms show them.
#[derive(Default)]
pub struct Options {
    pub categories: Vec<(String, String)>,
    pub grids: Vec<(i64, String)>,
    pub people: Vec<(i64, String)>,
    pub teams: Vec<(i64, String)>,
    pub units: Vec<(i64, String)>,
}

impl Options {
    fn of(c: Choices) -> Options {
        Options {
            categories: super::category_options(c.categories),
            grids: c.grids,
            people: c
                .people
                .into_iter()
                .map(|(id, name, role)| {
                    let role = text(&format!("web.role.{}", role.as_str()));
                    (id, i18n::aside(&name, &role))
                })
                .collect(),
            teams: c.teams,
            units: c.units,
        }
    }
}

/// One line of the timeline as people read it.
pub struct Event {
    pub at: String,
    pub who: String,
    pub what: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "work/demand.html")]
pub struct DemandPage {
    pub page: Page,
    pub d: DemandView,
    pub item: Item,
    pub category: String,
    pub timeline: Vec<Event>,
    pub summons: Vec<SummonView>,
    pub photos: Vec<AttachmentView>,
    pub can: Can,
    pub opts: Options,
    pub error: Option<String>,
    /// Where the rating form posts.
    pub rate_action: String,
    pub channel: String,
    pub rating: Option<String>,
    pub deadlines: String,
    /// Where to go: the household's compound, building, unit and room.
    pub address: Option<String>,
    /// What whoever goes must know about the resident, by name.
    pub visit_flags: Vec<String>,
    /// When the assignee will come, as people read it.
    pub appointment: Option<String>,
    /// The appointment as the date-and-time field takes it (`2026-12-02T14:00`).
    pub appointment_value: String,
    /// When it was accepted (受理), once it was.
    pub accepted: Option<String>,
    /// The reporter's number is shown whole (asked for with a reason, audited): a link to
    /// call.
    pub phone_whole: bool,
    /// What the page says of the number: masked, or whole and audited with the reason.
    pub phone_note: Option<String>,
    /// The form that asks for the number whole, for those who may.
    pub reveal: Option<PhoneReveal>,
}

/// The form that asks to see the reporter's number whole, with a reason.
pub struct PhoneReveal {
    /// The page's own path: the form comes back here with `reveal`.
    pub action: String,
    /// The reasons offered, in the page's language.
    pub reasons: Vec<String>,
}

/// The reasons the "show the whole number" form offers (`web.demand.phone.reason.*`).
const REVEAL_REASONS: &[&str] = &["call_back", "visit", "verify"];

impl DemandPage {
    pub fn category_selected(&self, code: &str) -> bool {
        self.d.category.as_deref() == Some(code)
    }
    pub fn grid_selected(&self, id: &i64) -> bool {
        self.d.grid_id == Some(*id)
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    pub done: Option<String>,
    /// Why the reader asks for the reporter's number whole (the form's reason).
    pub reveal: Option<String>,
}

/// Photos as the pages link them (`base`: `/work/attachments` or `/me/attachments`).
pub fn photos(all: Vec<AttachmentView>, base: &str) -> Vec<AttachmentView> {
    all.into_iter()
        .map(|a| AttachmentView {
            url: format!("{base}/{}", a.id),
            ..a
        })
        .collect()
}

/// The category's name in the page's language.
async fn category_name(st: &AppState, u: &PageUser, d: &DemandView) -> Result<String, Error> {
    let Some(code) = &d.category else {
        return Ok(text("web.demand.uncategorised"));
    };
    let lang = i18n::current();
    Ok(service::categories(st, &u.actor)
        .await?
        .into_iter()
        .find(|c| &c.code == code)
        .map(|c| c.name(lang).to_string())
        .unwrap_or_else(|| code.clone()))
}

/// Builds the page (also after a refused step, with its error), the reporter's number
/// whole when `reveal` gives the reason (refused to those who may not see it).
pub async fn build(
    st: &AppState,
    u: &PageUser,
    id: i64,
    error: Option<String>,
    reveal: Option<&str>,
) -> Result<DemandPage, Error> {
    let det = service::detail(st, &u.actor, id, reveal).await?;
    let phone_whole = reveal.is_some() && det.may_reveal_phone;
    let shown = det.demand.reporter_phone.is_some() && !det.demand.anonymous;
    let phone_note = shown.then(|| match (phone_whole, det.may_reveal_phone) {
        (true, _) => {
            text("web.demand.phone.audited").replace("%{reason}", reveal.unwrap_or_default().trim())
        }
        (false, true) => text("web.demand.phone.masked_may_reveal"),
        (false, false) => text("web.demand.phone.masked"),
    });
    let reveal = (shown && det.may_reveal_phone && !phone_whole).then(|| PhoneReveal {
        action: format!("/work/demands/{id}"),
        reasons: REVEAL_REASONS
            .iter()
            .map(|k| text(&format!("web.demand.phone.reason.{k}")))
            .collect(),
    });
    let can = Can::of(&det);
    let opts = if can.accept || can.dispatch || can.whistle {
        Options::of(service::choices(st, &u.actor, &det.demand).await?)
    } else {
        Options::default()
    };
    let category = category_name(st, u, &det.demand).await?;
    let timeline = det
        .timeline
        .iter()
        .map(|e| Event {
            at: short_time(&e.at),
            who: e.actor_name.clone(),
            what: text(&format!("demand.action.{}", e.action)),
            note: e.note.clone(),
        })
        .collect();
    let d = det.demand;
    let page = Page::for_user(u, format!("#{} {}", d.id, d.title), "/work/demands");
    Ok(DemandPage {
        visit_flags: d.visit_flags.iter().map(|f| page.t_tag(f)).collect(),
        page,
        item: Item::of(&d),
        category,
        timeline,
        summons: det.summons,
        photos: photos(det.attachments, "/work/attachments"),
        can,
        opts,
        error,
        rate_action: format!("/work/demands/{}/act/rate", d.id),
        channel: text(&format!("demand.channel.{}", d.channel.as_str())),
        rating: d.rating.as_ref().map(|r| {
            let solved = text(if r.solved {
                "web.rate.solved"
            } else {
                "web.rate.not_solved"
            });
            let rated = match r.satisfaction {
                Some(s) => format!("{solved} · {}", text(&format!("web.rate.{}", s.as_str()))),
                None => solved,
            };
            match r.on_behalf {
                Some(m) => i18n::aside(
                    &rated,
                    &text("web.demand.on_behalf")
                        .replace("%{method}", &text(&format!("web.method.{}", m.as_str()))),
                ),
                None => rated,
            }
        }),
        deadlines: format!(
            "{} / {}",
            short_time(&d.accept_due_at),
            short_time(&d.feedback_due_at)
        ),
        address: det.address.as_ref().map(|a| a.to_string()),
        appointment: d.appointment_at.as_deref().map(short_time),
        appointment_value: d
            .appointment_at
            .as_deref()
            .map(|t| short_time(t).replace(' ', "T"))
            .unwrap_or_default(),
        accepted: d
            .responded_at
            .as_deref()
            .filter(|_| d.status != crate::demands::model::Status::Declined)
            .map(short_time),
        phone_whole,
        phone_note,
        reveal,
        d,
    })
}

pub async fn page(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Response {
    match build(&st, &u, id, None, q.reveal.as_deref()).await {
        Ok(mut p) => {
            if let Some(done) = q.done.filter(|d| d.len() < 20) {
                p.page.flash = Some(text("web.demand.done").replace(
                    "{step}",
                    &text(&format!("demand.action.{}", done.replace('-', "_"))),
                ));
            }
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

pub use crate::web::pages::error_page;

/// An attachment, for the pages (same scope as the API).
pub async fn attachment(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    match service::file(&st, &u.actor, id).await {
        Ok(f) => download::attachment(f),
        Err(e) => error_page(e),
    }
}
