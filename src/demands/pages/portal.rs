//! The residents' portal, mobile first (the WeChat H5 habit): raise a demand with a photo,
//! follow my household's demands, read the result, rate it. The first screen puts what
//! waits for a rating on top ("you have N demands to rate"), and each of them carries a
//! "please rate" badge in the list. After sending, the demand's page confirms it with
//! the times it will be accepted and answered by; after rating, it thanks and shows the
//! rating back. Everything shown comes shaped for the household by the service: no staff
//! names, no internal notes, no reminders meant for staff.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::demands::download;
use crate::demands::model::{
    AttachmentView, Channel, ClientId, DemandView, ListQuery, MAX_TEXT, Rating, Status, Upload,
};
use crate::demands::service::{self, NewDemand};
use crate::error::{Arg, Code, Error, Result};
use crate::state::AppState;
use crate::web::error::{message, status};
use crate::web::i18n::text;
use crate::web::pages::{Page, render};
use crate::web::session::PageUser;
use crate::web::validate;

use super::act::command;
use super::demand::{Event, error_page, photos};
use super::form::{Fields, field, given};
use super::{Item, Nudge, short_time, upload};

#[derive(Template)]
#[template(path = "me/mine.html")]
struct Mine {
    page: Page,
    to_rate: Vec<Nudge>,
    items: Vec<Card>,
}

/// One of my demands in the list: waiting for my rating or not.
struct Card {
    item: Item,
    to_rate: bool,
}

impl Card {
    fn of(d: &DemandView) -> Card {
        Card {
            item: said(d),
            to_rate: d.status == Status::FeedbackGiven,
        }
    }
}

/// The demand as a row, its title marked "…" when it is the start of a longer description
/// (the title made at intake is its first words), so a title never looks whole when cut.
fn said(d: &DemandView) -> Item {
    let mut item = Item::of(d);
    if d.description.len() > item.title.len() && d.description.starts_with(&item.title) {
        item.title.push('…');
    }
    item
}

pub async fn mine(State(st): State<AppState>, u: PageUser) -> Response {
    let shown = async {
        let to_rate = service::reminders(&st, &u.actor).await?;
        let page = service::list(
            &st,
            &u.actor,
            &ListQuery {
                limit: Some(50),
                ..Default::default()
            },
        )
        .await?;
        Ok::<_, Error>(Mine {
            page: Page::for_user(&u, text("web.nav.my_demands"), "/me"),
            to_rate: to_rate
                .items
                .iter()
                .map(|r| Nudge {
                    item: said(&r.demand),
                    ..Nudge::of(r.kind, &r.demand, true)
                })
                .collect(),
            items: page.items.iter().map(Card::of).collect(),
        })
    }
    .await;
    match shown {
        Ok(p) => render(&p),
        Err(e) => error_page(e),
    }
}

#[derive(Template)]
#[template(path = "me/new.html")]
struct NewPage {
    page: Page,
    categories: Vec<(String, String)>,
    error: Option<String>,
    description: String,
    category: String,
    location: String,
    /// This form's intake id: a second send of it is the demand the first recorded.
    client_id: String,
}

/// The form, empty or again with why it was refused and what was typed.
async fn new_page(st: &AppState, u: &PageUser, refused: Option<(Error, &Fields)>) -> Response {
    let categories = match service::categories(st, &u.actor).await {
        Ok(c) => super::category_options(c),
        Err(e) => return error_page(e),
    };
    let kept = |name: &str| {
        refused
            .as_ref()
            .and_then(|(_, f)| field(f, name))
            .unwrap_or("")
            .to_string()
    };
    let page = NewPage {
        page: Page::for_user(u, text("web.nav.raise"), "/me/new"),
        categories,
        description: kept("description"),
        category: kept("category"),
        location: kept("location"),
        error: refused.as_ref().map(|(e, _)| message(&named(e.clone()))),
        client_id: ClientId::fresh().as_str().to_string(),
    };
    let code = refused.map_or(StatusCode::OK, |(e, _)| status(e.class()));
    (code, super::not_kept(render(&page))).into_response()
}

/// The error with the form's field at fault named as the form names it, in the page's
/// language ("地点 过长", not "location 过长").
fn named(mut e: Error) -> Error {
    let key = match e.field.as_deref() {
        Some("location") => "web.demand.location",
        Some("description") => "web.demand.description",
        Some("category") => "web.demand.category",
        _ => return e,
    };
    for (name, value) in &mut e.args {
        if *name == "field" {
            *value = Arg::Key(key.to_string());
        }
    }
    e
}

pub async fn form(State(st): State<AppState>, u: PageUser) -> Response {
    new_page(&st, &u, None).await
}

/// A new demand from the portal: text, category and an optional photo, in one form. The
/// photo is checked before the demand is recorded: a photo refused (its type, its size)
/// shows the form again with the reason and the text typed, and nothing is recorded.
pub async fn submit(State(st): State<AppState>, u: PageUser, form: Multipart) -> Response {
    let posted = match upload::read(form, "photo", st.settings.max_body_bytes).await {
        Ok(p) => p,
        Err(e) => return new_page(&st, &u, Some((e, &Vec::new()))).await,
    };
    let f = &posted.fields;
    if let Err(r) = u.check_csrf(field(f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let photo: Option<Upload> = match posted.file {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => return new_page(&st, &u, Some((e, f))).await,
    };
    let recorded = async {
        let n = NewDemand {
            channel: Some(Channel::Online),
            description: validate::required("description", given(f, "description"), MAX_TEXT)?,
            category: validate::optional("category", given(f, "category"), 40)?,
            location: validate::optional("location", given(f, "location"), 200)?,
            client_id: ClientId::parse(given(f, "client_id"))?,
            ..Default::default()
        };
        service::intake(&st, &u.actor, n).await
    }
    .await;
    let id = match recorded {
        // Sent twice: the demand the first send recorded, with its photo if it had one.
        Ok(r) if !r.first => {
            return Redirect::to(&format!("/me/demands/{}?sent=1", r.demand.id)).into_response();
        }
        Ok(r) => r.demand.id,
        Err(e) => return new_page(&st, &u, Some((e, f))).await,
    };
    if let Some(p) = photo
        && let Err(e) = service::attach(&st, &u.actor, id, p).await
    {
        // The demand stands (sending the form again would record it twice); its page says
        // why the photo did not.
        return Redirect::to(&format!("/me/demands/{id}?sent=1&photo={}", e.code)).into_response();
    }
    Redirect::to(&format!("/me/demands/{id}?sent=1")).into_response()
}

#[derive(Template)]
#[template(path = "me/demand.html")]
struct Mine1 {
    page: Page,
    d: DemandView,
    item: Item,
    timeline: Vec<Event>,
    photos: Vec<AttachmentView>,
    can_rate: bool,
    rate_action: String,
    error: Option<String>,
    /// Just sent: the confirmation, with the times it will be accepted and answered by.
    sent: bool,
    accept_due: String,
    feedback_due: String,
    /// Just rated: the thank-you.
    rated: Option<Thanks>,
    /// The rating given, shown back: solved or not, satisfaction, comment, when.
    rating: Option<Shown>,
}

/// The thank-you after rating: closed, or back to work when not solved or not satisfied.
enum Thanks {
    Closed,
    Reopened,
}

struct Shown {
    words: String,
    comment: String,
    at: String,
}

impl Shown {
    fn of(r: &Rating) -> Shown {
        let mut words = vec![text(if r.solved {
            "web.rate.solved"
        } else {
            "web.rate.not_solved"
        })];
        if let Some(s) = r.satisfaction {
            words.push(text(&format!("web.rate.{}", s.as_str())));
        }
        Shown {
            words: words.join(" · "),
            comment: r.comment.clone().unwrap_or_default(),
            at: r.rated_at.as_deref().map(short_time).unwrap_or_default(),
        }
    }
}

/// What the page says on top, after a step the resident just took.
#[derive(Default)]
struct Just {
    sent: bool,
    rated: bool,
}

async fn one(
    st: &AppState,
    u: &PageUser,
    id: i64,
    error: Option<String>,
    just: Just,
) -> Result<Mine1, Error> {
    // The household's page shows no number whole, not even its own.
    let det = service::detail(st, &u.actor, id, None).await?;
    let can_rate = det.can("rate");
    let d = det.demand;
    let rating = d.rating.as_ref().map(Shown::of);
    let rated = match (just.rated, d.status) {
        (false, _) => None,
        (true, Status::Closed) => Some(Thanks::Closed),
        (true, _) => Some(Thanks::Reopened),
    };
    Ok(Mine1 {
        sent: just.sent,
        accept_due: short_time(&d.accept_due_at),
        feedback_due: short_time(&d.feedback_due_at),
        rated,
        rating,
        page: Page::for_user(u, d.title.clone(), "/me"),
        item: Item::of(&d),
        timeline: det
            .timeline
            .iter()
            .map(|e| Event {
                at: short_time(&e.at),
                who: e.actor_name.clone(),
                what: text(&format!("demand.action.{}", e.action)),
                note: e.note.clone(),
            })
            .collect(),
        photos: photos(det.attachments, "/me/attachments"),
        can_rate,
        rate_action: format!("/me/demands/{}/rate", d.id),
        error,
        d,
    })
}

#[derive(Deserialize)]
pub struct DemandQuery {
    /// The code of why a photo sent with the demand was not added.
    pub photo: Option<String>,
    /// Just sent from the portal's form.
    pub sent: Option<String>,
    /// Just rated.
    pub rated: Option<String>,
}

pub async fn demand(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<DemandQuery>,
) -> Response {
    let photo_refused = q.photo.and_then(|c| {
        let code = Code::ALL.iter().find(|k| k.as_str() == c)?;
        Some(text("web.me.photo_not_added").replace("{why}", &message(&Error::new(*code))))
    });
    let just = Just {
        sent: q.sent.is_some(),
        rated: q.rated.is_some(),
    };
    match one(&st, &u, id, photo_refused, just).await {
        Ok(p) => render(&p),
        Err(e) => error_page(e),
    }
}

pub async fn rate(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let result = match command("rate", &f) {
        Ok(cmd) => service::act(&st, &u.actor, id, cmd).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/me/demands/{id}?rated=1")).into_response(),
        Err(e) if e.code == Code::NotFound => error_page(e),
        Err(e) => match one(&st, &u, id, Some(message(&e)), Just::default()).await {
            Ok(p) => (status(e.class()), render(&p)).into_response(),
            Err(e) => error_page(e),
        },
    }
}

/// A photo of one of my household's demands.
pub async fn attachment(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    match service::file(&st, &u.actor, id).await {
        Ok(f) => download::attachment(f),
        Err(e) => error_page(e),
    }
}
