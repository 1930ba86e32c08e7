//! What the administrator's roster pages share: the posted form's fields, a refusal said
//! as the form names its fields, every item of a list, and the confirmation after a step.

use serde::Deserialize;

use crate::error::{Arg, Error, Result};
use crate::roster::model::Paging;
use crate::roster::service;
use crate::state::AppState;
use crate::web::i18n::text;
use crate::web::session::PageUser;

/// `?done=…` after a step: which confirmation the page shows.
#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

/// As many rows as one list reads at a time.
const ROWS: i64 = 500;

pub(super) use crate::web::form::{Fields, field, number};

/// The refusal in the page's language, the field named as the form labels it.
pub(super) fn said(mut e: Error) -> String {
    if let Some(f) = e.field.clone() {
        let key = format!("web.admin.field.{f}");
        if !text(&key).ends_with(&key) {
            for (name, arg) in e.args.iter_mut() {
                if *name == "field" {
                    *arg = Arg::Key(key.clone());
                }
            }
        }
    }
    crate::web::error::message(&e)
}

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
