//! The only door to reading the audit log: who may read which rows, the filter checked,
//! a page read; the export checked and recorded in the log before a row is read.

use crate::audit::{self, Entry};
use crate::auth::{Actor, Role};
use crate::clock::{DAY, Millis, parse_time};
use crate::db::Db;
use crate::error::{Code, Error, Result};
use crate::export::{Cell, File, Format, Row, Sheet};
use crate::state::AppState;
use crate::web::i18n::{Lang, text_in, text_or};

use super::model::{AuditEntry, AuditPage, AuditQuery, Filter};
use super::store;

const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;
/// Entries per query of an export.
const BATCH: i64 = 1_000;

/// Who may read the log, and which part: admin all of it, the street its street's rows,
/// the secretary their community's. Everyone else is refused.
fn scope(actor: &Actor, f: &mut Filter) -> Result<()> {
    match actor.role {
        Role::Admin => Ok(()),
        Role::Street => {
            f.street_id = Some(actor.street_id.ok_or_else(Error::forbidden)?);
            Ok(())
        }
        Role::Secretary => {
            f.community_id = Some(actor.community_id.ok_or_else(Error::forbidden)?);
            Ok(())
        }
        _ => Err(Error::forbidden()),
    }
}

/// Whether `actor` may read the log at all (for the pages' links).
pub fn may_read(actor: &Actor) -> bool {
    scope(actor, &mut Filter::default()).is_ok()
}

/// A day (`2026-11-25`, China time) or a moment; a day as `to` means up to its end.
fn moment(field: &str, v: Option<&str>, end_of_day: bool) -> Result<Option<Millis>> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let t = parse_time(v).ok_or_else(|| Error::invalid(field, Code::InvalidTime))?;
    let day_only = v.len() == 10;
    Ok(Some(if end_of_day && day_only { t + DAY } else { t }))
}

async fn filter(st: &AppState, actor: &Actor, q: &AuditQuery) -> Result<Filter> {
    let mut f = Filter {
        person: q.person,
        kind: q
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string),
        from: moment("from", q.from.as_deref(), false)?,
        until: moment("to", q.to.as_deref(), true)?,
        ..Filter::default()
    };
    if f.kind.as_ref().is_some_and(|k| k.len() > 40) {
        return Err(Error::too_long("kind", 40));
    }
    scope(actor, &mut f)?;
    if let Some(name) = q.actor.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        let mut c = st.db.conn().await?;
        // Nobody by that name acted: no entries (not an error, as a search finds none).
        f.user_id = Some(store::user_named(&mut c, name).await?.unwrap_or(-1));
    }
    Ok(f)
}

/// A page of entries, newest first.
pub async fn list(st: &AppState, actor: &Actor, q: &AuditQuery) -> Result<AuditPage> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::out_of_range("limit", 1, MAX_LIMIT));
    }
    let f = filter(st, actor, q).await?;
    let mut c = st.db.conn().await?;
    let mut items = store::page(&mut c, &f, q.cursor, limit + 1).await?;
    let next_cursor = if items.len() as i64 > limit {
        items.truncate(limit as usize);
        items.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage { items, next_cursor })
}

/// The log as a file: checked, and recorded in the log itself, before a row is read.
pub async fn export(
    st: &AppState,
    actor: &Actor,
    q: &AuditQuery,
    format: Format,
    lang: Lang,
) -> Result<AuditFile> {
    let f = filter(st, actor, q).await?;
    let now = st.clock.now();
    let detail = format!(
        "format={}; role={}; person={:?}; actor={:?}; kind={:?}; from={:?}; to={:?}",
        format.extension(),
        actor.role.as_str(),
        q.person,
        q.actor,
        f.kind,
        q.from,
        q.to
    );
    let entry = Entry {
        at: now,
        user_id: actor.user_id,
        action: "export",
        object_kind: "audit_log",
        object_id: 0,
        detail: &detail,
        place: None,
    };
    let mut tx = st.db.begin().await?;
    audit::record_in(&mut tx, entry, actor.street_id, actor.community_id).await?;
    tx.commit().await?;
    Ok(AuditFile {
        db: st.db.clone(),
        filter: f,
        format,
        now,
        lang,
    })
}

/// The columns of the file: their words in `web.audit.column.*`, their widths.
const COLUMNS: &[(&str, f64)] = &[
    ("id", 8.0),
    ("at", 17.0),
    ("actor", 14.0),
    ("client", 16.0),
    ("kind", 16.0),
    ("object", 18.0),
    ("detail", 60.0),
];

/// The audit log's rows as a file, for [`crate::export::download`].
pub struct AuditFile {
    db: Db,
    filter: Filter,
    format: Format,
    now: Millis,
    lang: Lang,
}

/// An entry's kind in words (its code, for a kind without them).
pub fn kind_in(lang: Lang, kind: &str) -> String {
    text_or(lang, &format!("web.audit.kind.{kind}"), kind)
}

/// What an entry is about, in words: `居民 王秀英 (#12)`, `账号 #3`.
pub fn object_in(lang: Lang, e: &AuditEntry) -> String {
    let kind = text_or(
        lang,
        &format!("web.audit.object.{}", e.object_kind),
        &e.object_kind,
    );
    match (&e.object_name, e.object_id.filter(|id| *id != 0)) {
        (Some(n), Some(id)) => format!("{kind} {n} (#{id})"),
        (None, Some(id)) => format!("{kind} #{id}"),
        _ => kind,
    }
}

impl AuditFile {
    fn row(&self, e: AuditEntry) -> Row {
        let who = match (&e.display_name, &e.username) {
            (Some(d), Some(u)) => format!("{d} ({u})"),
            _ => text_in(self.lang, "web.audit.system"),
        };
        vec![
            Cell::Number(e.id as f64),
            Cell::When(e.at),
            Cell::text(who),
            Cell::text(e.client.clone().unwrap_or_default()),
            Cell::text(kind_in(self.lang, &e.action)),
            Cell::text(object_in(self.lang, &e)),
            Cell::text(e.detail),
        ]
    }
}

impl File for AuditFile {
    fn format(&self) -> Format {
        self.format
    }

    fn file_name(&self) -> String {
        crate::export::file_name("audit", self.now, self.format)
    }

    async fn write_to<W: std::io::Write + Send + 'static>(self, out: W) -> Result<u64> {
        let sheet = Sheet {
            name: text_in(self.lang, "web.audit.title"),
            header: COLUMNS
                .iter()
                .map(|(k, _)| text_in(self.lang, &format!("web.audit.column.{k}")))
                .collect(),
            widths: COLUMNS.iter().map(|(_, w)| *w).collect(),
        };
        let this = &self;
        // Newest first, as the page: the cursor is the last id read, and older ones follow.
        let batches = crate::export::batches(BATCH as usize, move |after| async move {
            let mut c = this.db.conn().await?;
            let rows = store::page(&mut c, &this.filter, after, BATCH).await?;
            let last = rows.last().map(|e| e.id);
            Ok((rows.into_iter().map(|e| this.row(e)).collect(), last))
        });
        crate::export::write(self.format, sheet, out, batches).await
    }
}
