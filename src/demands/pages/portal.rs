//! The residents' portal, mobile first (the WeChat H5 habit): raise a demand with a photo,
//! follow my household's demands, read the result, rate it.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::demands::api::list::{ListQuery, fetch};
use crate::demands::api::view::DemandView;
use crate::demands::api::{AttachmentView, detail};
use crate::demands::model::{Channel, MAX_TEXT};
use crate::demands::service::{self, Ctx, NewDemand};
use crate::error::{Code, Error, Result};
use crate::state::AppState;
use crate::web::error::{message, status};
use crate::web::i18n::text;
use crate::web::pages::{Page, render};
use crate::web::session::PageUser;
use crate::web::validate;

use super::act::{Fields, command, run};
use super::demand::{Event, categories, error_page};
use super::{Item, short_time};

#[derive(Template)]
#[template(path = "me/mine.html")]
struct Mine {
    page: Page,
    items: Vec<Item>,
}

pub async fn mine(State(st): State<AppState>, u: PageUser) -> Response {
    match fetch(
        &st,
        &u.actor,
        &ListQuery {
            limit: Some(50),
            ..Default::default()
        },
    )
    .await
    {
        Ok(p) => render(&Mine {
            page: Page::for_user(&u, text("web.nav.my_demands"), "/me"),
            items: p.items.iter().map(Item::of).collect(),
        }),
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
}

async fn new_page(
    st: &AppState,
    u: &PageUser,
    error: Option<String>,
    description: String,
) -> Response {
    match categories(st).await {
        Ok(categories) => {
            let status = if error.is_some() {
                axum::http::StatusCode::UNPROCESSABLE_ENTITY
            } else {
                axum::http::StatusCode::OK
            };
            (
                status,
                render(&NewPage {
                    page: Page::for_user(u, text("web.nav.raise"), "/me/new"),
                    categories,
                    error,
                    description,
                }),
            )
                .into_response()
        }
        Err(e) => error_page(e),
    }
}

pub async fn form(State(st): State<AppState>, u: PageUser) -> Response {
    new_page(&st, &u, None, String::new()).await
}

/// A new demand from the portal: text, category and an optional photo, in one form.
pub async fn submit(State(st): State<AppState>, u: PageUser, mut form: Multipart) -> Response {
    let mut fields: Fields = Vec::new();
    let mut photo: Option<(String, String, Vec<u8>)> = None;
    while let Ok(Some(part)) = form.next_field().await {
        let name = part.name().unwrap_or("").to_string();
        if name == "photo" {
            let file_name = part.file_name().unwrap_or("photo").to_string();
            let ct = part.content_type().unwrap_or("").to_ascii_lowercase();
            let bytes = part.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            if !bytes.is_empty() {
                photo = Some((file_name, ct, bytes));
            }
        } else {
            let v = part.text().await.unwrap_or_default();
            fields.push((name, v));
        }
    }
    let get = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    if let Err(r) = u.check_csrf(get("csrf").unwrap_or("")) {
        return r.into_response();
    }
    let saved: Result<i64> = async {
        let n = NewDemand {
            channel: Some(Channel::Online),
            description: validate::required("description", get("description"), MAX_TEXT)?,
            category: validate::optional("category", get("category"), 40)?,
            ..Default::default()
        };
        let mut tx = st.db.begin().await?;
        let ctx = Ctx {
            actor: &u.actor,
            now: st.clock.now(),
            policy: st.policy(),
        };
        let row = service::intake(&mut tx, &ctx, n).await?;
        tx.commit().await?;
        Ok(row.id)
    }
    .await;
    match saved {
        Ok(id) => {
            if let Some((name, ct, bytes)) = photo
                && let Err(e) = crate::demands::api::attachments::attach(
                    &st,
                    &u.actor,
                    id,
                    &ct,
                    Some(&name),
                    &bytes,
                )
                .await
            {
                // The demand stands; say why the photo did not.
                tracing::info!(demand = id, error = %e, "portal photo refused");
                return Redirect::to(&format!("/me/demands/{id}?photo=refused")).into_response();
            }
            Redirect::to(&format!("/me/demands/{id}")).into_response()
        }
        Err(e) => {
            new_page(
                &st,
                &u,
                Some(message(&e)),
                get("description").unwrap_or("").to_string(),
            )
            .await
        }
    }
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
}

async fn one(st: &AppState, u: &PageUser, id: i64, error: Option<String>) -> Result<Mine1, Error> {
    let det = detail(st, &u.actor, id).await?;
    let d = det.demand;
    Ok(Mine1 {
        page: Page::for_user(u, d.title.clone(), "/me"),
        item: Item::of(&d),
        timeline: det
            .timeline
            .iter()
            .filter(|e| !matches!(e.action.as_str(), "remind" | "attach"))
            .map(|e| Event {
                at: short_time(&e.at),
                who: String::new(),
                what: text(&format!("demand.action.{}", e.action)),
                note: if matches!(e.action.as_str(), "feedback" | "decline" | "resolve") {
                    e.note.clone()
                } else {
                    String::new()
                },
            })
            .collect(),
        photos: det
            .attachments
            .into_iter()
            .map(|a| AttachmentView {
                url: format!("/work/attachments/{}", a.id),
                ..a
            })
            .collect(),
        can_rate: det.next_actions.iter().any(|a| a == "rate"),
        rate_action: format!("/me/demands/{}/rate", d.id),
        error,
        d,
    })
}

pub async fn demand(State(st): State<AppState>, u: PageUser, Path(id): Path<i64>) -> Response {
    match one(&st, &u, id, None).await {
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
    let csrf = f
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if let Err(r) = u.check_csrf(csrf) {
        return r.into_response();
    }
    let result = match command("rate", &f) {
        Ok(cmd) => run(&st, &u, id, cmd).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/me/demands/{id}")).into_response(),
        Err(e) if e.code == Code::NotFound => error_page(e),
        Err(e) => match one(&st, &u, id, Some(message(&e))).await {
            Ok(p) => (status(e.class()), render(&p)).into_response(),
            Err(e) => error_page(e),
        },
    }
}
