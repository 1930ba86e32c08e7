//! What the administrator's roster pages share: the posted form's fields, every item of a list, and the confirmation after a step.

use serde::Deserialize;

use crate::error::Result;
use crate::roster::model::Paging;
use crate::roster::service;
use crate::state::AppState;
use crate::web::session::PageUser;

/// `?done=…` after a step: which confirmation the page shows.
#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

/// As many rows as one list reads at a time.
const ROWS: i64 = 500;

pub(super) use crate::web::form::{Fields, field, number};

/// Every item of a list the caller may see, page after page.
pub(super) async fn all<F>(st: &AppState, u: &PageUser, filter: &F) -> Result<Vec<F::Item>>
where
    F: crate::roster::store::Filter,
    F::Item: service::Public,
{
    let mut out = Vec::new();
    let mut paging = Paging::first(ROWS);
    loop {
        let page = service::list(st, &u.actor, filter, paging).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => paging.after = c,
            None => return Ok(out),
        }
    }
}
