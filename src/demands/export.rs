//! The demand list as a file for people who work in Excel (the street office asks for one):
//! every demand the caller may see, filtered exactly like the list, newest first.
//!
//! Memory stays flat however long the list: the database is read in keyset batches of
//! [`BATCH`] rows (`d.id < last id`), each turned into cells and handed to the shared
//! writer of `crate::export`, which writes CSV or spreadsheet rows and lets them go.
//! Phones are masked as in the list; ID numbers are not exported.
//!
//! [`export_to`] writes to any [`Write`](std::io::Write) (a file, for the benchmark);
//! `demands::download` streams the same output to the client, for the API and the list page.
//! Files are for staff: volunteers, units and residents read the list on the page.

use std::io::Write;

use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::{Db, Q};
use crate::error::{Error, Result};
use crate::export::{Cell, File, Row, Sheet};
pub use crate::export::{ExportQuery, Format};
use crate::roster::ids::mask_phone;
use crate::state::AppState;
use crate::web::i18n::{Lang, text_in};

use super::deadlines;
use super::model::{Channel, ListQuery, Satisfaction, Status, Urgency};
use super::rules::audience::Audience;
use super::store::lists::push_filters;

/// Rows per database query.
pub const BATCH: i64 = 5_000;

/// Column widths in characters, in column order (a Chinese character counts two).
const WIDTHS: [f64; 15] = [
    9.0, 17.0, 8.0, 12.0, 40.0, 10.0, 9.0, 14.0, 12.0, 10.0, 14.0, 17.0, 9.0, 9.0, 10.0,
];

/// One demand as exported: only the columns of the file, names looked up by key.
#[derive(sqlx::FromRow, Debug)]
struct ExportRow {
    id: i64,
    created_at: Millis,
    channel: String,
    category: Option<String>,
    category_name: Option<String>,
    title: String,
    status: String,
    urgency: String,
    community_name: Option<String>,
    grid_name: Option<String>,
    reporter_name: String,
    #[sqlx(try_from = "crate::vault::sql::Opened<crate::demands::store::ReporterPhone>")]
    reporter_phone: Option<String>,
    accept_due_at: Millis,
    feedback_due_at: Millis,
    rating_solved: Option<bool>,
    rating_satisfaction: Option<String>,
}

/// The header keys, in column order.
const COLUMNS: [&str; 15] = [
    "export.column.id",
    "export.column.received",
    "export.column.channel",
    "export.column.category",
    "export.column.title",
    "export.column.status",
    "export.column.urgency",
    "export.column.community",
    "export.column.grid",
    "export.column.reporter",
    "export.column.phone",
    "export.column.feedback_due",
    "export.column.overdue",
    "export.column.solved",
    "export.column.satisfaction",
];

/// Codes and their words in one language.
struct Names(Vec<(&'static str, String)>);

impl Names {
    fn of<T: Copy>(all: &[T], code: fn(T) -> &'static str, key: &str, lang: Lang) -> Names {
        Names(
            all.iter()
                .map(|&v| (code(v), text_in(lang, &format!("{key}.{}", code(v)))))
                .collect(),
        )
    }

    /// The word for a code; the code itself when it has none.
    fn get<'a>(&'a self, code: &'a str) -> &'a str {
        self.0
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(code, |(_, w)| w.as_str())
    }
}

/// Everything language-dependent, looked up once before the first row (the export may
/// outlive the request that knew the language).
pub struct Labels {
    header: Vec<String>,
    sheet: String,
    statuses: Names,
    channels: Names,
    urgencies: Names,
    satisfactions: Names,
    yes: String,
    no: String,
}

impl Labels {
    pub fn new(lang: Lang) -> Labels {
        Labels {
            header: COLUMNS.iter().map(|k| text_in(lang, k)).collect(),
            sheet: text_in(lang, "export.sheet"),
            statuses: Names::of(Status::ALL, Status::as_str, "demand.status", lang),
            channels: Names::of(Channel::ALL, Channel::as_str, "demand.channel", lang),
            urgencies: Names::of(Urgency::ALL, Urgency::as_str, "web.urgency", lang),
            satisfactions: Names::of(Satisfaction::ALL, Satisfaction::as_str, "web.rate", lang),
            yes: text_in(lang, "export.yes"),
            no: text_in(lang, "export.no"),
        }
    }

    fn yes_no(&self, b: bool) -> &str {
        if b { &self.yes } else { &self.no }
    }

    /// A row in words, as the file's cells.
    fn row(&self, r: &ExportRow, now: Millis) -> Row {
        let status = Status::parse(&r.status).unwrap_or(Status::Submitted);
        let overdue = deadlines::overdue(status, r.accept_due_at, r.feedback_due_at, now);
        let category = r.category_name.as_deref().or(r.category.as_deref());
        vec![
            Cell::Number(r.id as f64),
            Cell::When(r.created_at),
            Cell::text(self.channels.get(&r.channel)),
            Cell::text(category.unwrap_or("")),
            Cell::text(r.title.as_str()),
            Cell::text(self.statuses.get(&r.status)),
            Cell::text(self.urgencies.get(&r.urgency)),
            Cell::text(r.community_name.as_deref().unwrap_or("")),
            Cell::text(r.grid_name.as_deref().unwrap_or("")),
            Cell::text(r.reporter_name.as_str()),
            // Always masked, as in the list.
            Cell::text(
                r.reporter_phone
                    .as_deref()
                    .map(mask_phone)
                    .unwrap_or_default(),
            ),
            Cell::When(r.feedback_due_at),
            Cell::text(self.yes_no(overdue.is_some())),
            Cell::text(r.rating_solved.map_or("", |s| self.yes_no(s))),
            Cell::text(
                r.rating_satisfaction
                    .as_deref()
                    .map_or("", |s| self.satisfactions.get(s)),
            ),
        ]
    }

    fn sheet(&self) -> Sheet {
        Sheet {
            name: self.sheet.clone(),
            header: self.header.clone(),
            widths: WIDTHS.to_vec(),
        }
    }
}

/// The query of an export, without its page.
struct Rows(Q);

impl Rows {
    /// The next batch: rows older than `after` (all rows at first), newest first.
    async fn batch(&self, db: &Db, after: Option<i64>) -> Result<Vec<ExportRow>> {
        let mut q = self.0.clone();
        if let Some(id) = after {
            q.push(" AND d.id < ").push_bind(id);
        }
        q.push(" ORDER BY d.id DESC LIMIT ").push_bind(BATCH);
        // A connection per batch: a long export does not hold one from the pool.
        let mut c = db.conn().await?;
        Ok(q.fetch_all(&mut c).await?)
    }
}

/// An export checked and ready to run: the filters parsed (a bad one is refused before
/// anything is written), the labels looked up.
pub struct Export {
    rows: Rows,
    now: Millis,
    format: Format,
    labels: Labels,
}

impl Export {
    /// Checks the caller and the filters and builds the query; nothing is read yet.
    pub fn prepare(
        st: &AppState,
        actor: &Actor,
        f: &ListQuery,
        format: Format,
        lang: Lang,
    ) -> Result<Export> {
        if !Audience::of(actor.role).may_export() {
            return Err(Error::new(crate::error::Code::StaffOnly));
        }
        let filters = f.unpaged().parse()?;
        let now = st.clock.now();
        // A fixed column name per language, never user input.
        let category_name = match lang {
            Lang::Zh => "name_zh",
            Lang::En => "name_en",
        };
        let mut base = Q::new(format!(
            "SELECT d.id, d.created_at, d.channel, d.category, \
             (SELECT x.{category_name} FROM categories x WHERE x.code = d.category) AS category_name, \
             d.title, d.status, d.urgency, \
             (SELECT x.name FROM communities x WHERE x.id = d.community_id) AS community_name, \
             (SELECT x.name FROM grids x WHERE x.id = d.grid_id) AS grid_name, \
             d.reporter_name, d.reporter_phone, d.accept_due_at, d.feedback_due_at, \
             d.rating_solved, d.rating_satisfaction FROM demands d WHERE 1 = 1"
        ));
        push_filters(&mut base, actor, &filters, now);
        Ok(Export {
            rows: Rows(base),
            now,
            format,
            labels: Labels::new(lang),
        })
    }

    pub fn format(&self) -> Format {
        self.format
    }

    /// `demands-20261125.xlsx`: the day of the export in China.
    pub fn file_name(&self) -> String {
        crate::export::file_name("demands", self.now, self.format)
    }

    /// Reads every row and writes the file to `out`; returns the number of rows. Each batch
    /// is read as the database stands then (demands received meanwhile have higher ids and
    /// are not included). On an error `out` may hold part of a file: discard it.
    pub async fn write_to<W: Write + Send + 'static>(self, db: &Db, out: W) -> Result<u64> {
        let Export {
            rows,
            now,
            format,
            labels,
        } = self;
        let sheet = labels.sheet();
        let (rows, labels) = (&rows, &labels);
        let batches = crate::export::batches(BATCH as usize, |after| async move {
            let batch = rows.batch(db, after).await?;
            let last = batch.last().map(|r| r.id);
            Ok((batch.iter().map(|r| labels.row(r, now)).collect(), last))
        });
        crate::export::write(format, sheet, out, batches).await
    }

    /// The export read from `db`, as a file to download.
    pub fn on(self, db: Db) -> OnDb {
        OnDb { export: self, db }
    }
}

/// A prepared export with the database it reads.
pub struct OnDb {
    export: Export,
    db: Db,
}

impl File for OnDb {
    fn format(&self) -> Format {
        self.export.format
    }

    fn file_name(&self) -> String {
        self.export.file_name()
    }

    async fn write_to<W: Write + Send + 'static>(self, out: W) -> Result<u64> {
        self.export.write_to(&self.db, out).await
    }
}

/// Exports the demands `actor` may see that pass the filters of `f` (its `limit` and
/// `cursor` are ignored: every row goes) to `out`, with headers and words in `lang`.
/// Returns the number of rows written; on an error `out` may hold part of a file.
pub async fn export_to<W: Write + Send + 'static>(
    st: &AppState,
    actor: &Actor,
    f: &ListQuery,
    format: Format,
    lang: Lang,
    out: W,
) -> Result<u64> {
    Export::prepare(st, actor, f, format, lang)?
        .write_to(&st.db, out)
        .await
}
