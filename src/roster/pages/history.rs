//! The "History" section of a roster page: who changed the object, when, and what, as the
//! service reads it from the audit log. Shown to those who may read it; personal fields
//! appear by name only.

use crate::auth::Actor;
use crate::error::{Class, Result};
use crate::roster::model::{FieldChange, HistoryEntry, Paging};
use crate::roster::scope::Kind;
use crate::roster::service;
use crate::state::AppState;
use crate::web::i18n::text;

use super::{Cell, Table, cell, table as titled};

/// How many changes a page shows.
const CHANGES: i64 = 100;

/// The history table, or none for a caller who may not read it.
pub async fn table(st: &AppState, actor: &Actor, kind: Kind, id: i64) -> Result<Option<Table>> {
    match service::history(st, actor, kind, id, Paging::first(CHANGES)).await {
        Ok(page) => {
            let rows = page.items.iter().map(row).collect();
            Ok(Some(titled(
                "record",
                &["when", "who", "action", "changes"],
                rows,
            )))
        }
        Err(e) if e.class() == Class::Forbidden => Ok(None),
        Err(e) => Err(e),
    }
}

fn row(e: &HistoryEntry) -> Vec<Cell> {
    let sep = text("web.roster.history.separator");
    let changes = e.changes.iter().map(change).collect::<Vec<_>>().join(&sep);
    let who = e.user_name.clone();
    vec![
        cell(crate::clock::format_local(e.at)),
        cell(who.unwrap_or_else(|| text("web.roster.history.system"))),
        cell(text(&format!("web.roster.history.{}", e.action.as_str()))),
        cell(changes),
    ]
}

/// `名称：旧 → 新`, or for a field kept by name only `电话（已更改）`.
fn change(c: &FieldChange) -> String {
    let field = text(&format!("web.roster.field.{}", c.field));
    if c.hidden {
        return text("web.roster.history.hidden").replace("%{field}", &field);
    }
    let value = |v: &Option<String>| {
        v.clone()
            .unwrap_or_else(|| text("web.roster.history.empty"))
    };
    text("web.roster.history.change")
        .replace("%{field}", &field)
        .replace("%{old}", &value(&c.old))
        .replace("%{new}", &value(&c.new))
}
