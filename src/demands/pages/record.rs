//! A resident's demands on their roster record: how many, how many still open, the latest
//! few, and the way to all of them on the demand list. The roster does not read demands
//! (it is below them); this section is added to its resident page through
//! `web::routes::Sections`.

use askama::Template;

use crate::demands::model::{ListQuery, Status};
use crate::demands::service;
use crate::error::Class;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::pages::{Page, PageError};
use crate::web::routes::SectionFuture;
use crate::web::session::PageUser;

use super::Item;

/// How many demands the record lists; the rest are a link away.
const LATEST: i64 = 5;

#[derive(Template)]
#[template(path = "work/record.html")]
struct ResidentDemands {
    page: Page,
    heading: String,
    items: Vec<Item>,
    all: String,
    all_text: String,
}

pub fn resident(st: AppState, u: PageUser, id: i64) -> SectionFuture {
    Box::pin(async move {
        let every = ListQuery {
            resident_id: Some(id),
            ..ListQuery::default()
        };
        let open = ListQuery {
            status: Some(
                Status::ALL
                    .iter()
                    .filter(|s| s.is_open())
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            ..every.clone()
        };
        let latest = ListQuery {
            limit: Some(LATEST),
            ..every.clone()
        };
        let page = match service::list(&st, &u.actor, &latest).await {
            Ok(p) => p,
            // A reader the demand list is not for sees the record without this section.
            Err(e) if e.class() == Class::Forbidden => return Ok(None),
            Err(e) => return Err(PageError(e)),
        };
        let total = service::total(&st, &u.actor, &every).await?;
        let still_open = service::total(&st, &u.actor, &open).await?;
        let n = |v: i64| usize::try_from(v).unwrap_or(0).to_string();
        let frame = Page::for_user(&u, String::new(), "/roster");
        let heading = text("web.work.record.heading")
            .replace("%{total}", &n(total))
            .replace("%{open}", &n(still_open));
        let html = ResidentDemands {
            all: format!("/work/demands?resident_id={id}"),
            all_text: frame.t_n("web.work.record.all", usize::try_from(total).unwrap_or(0)),
            page: frame,
            heading,
            items: page.items.iter().map(Item::of).collect(),
        }
        .render()
        .map_err(|e| {
            PageError(crate::error::Error::internal(format!(
                "the resident's demands did not render: {e}"
            )))
        })?;
        Ok(Some(html))
    })
}
