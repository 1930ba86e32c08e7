//! The demand list as a file for people who work in Excel (the street office asks for one):
//! every demand the caller may see, filtered exactly like the list, newest first.
//!
//! Memory stays flat however long the list: the database is read in keyset batches of
//! [`BATCH`] rows (`d.id < last id`), and each batch goes over a small bounded channel to a
//! blocking writer that turns it into CSV or spreadsheet rows and lets it go. Phones are
//! masked as in the list; ID numbers are not exported.
//!
//! [`export_to`] writes to any [`Write`](std::io::Write) (a file, for the benchmark);
//! `demands::download` streams the same output to the client, for the API and the list page.
//! Files are for staff: volunteers, units and residents read the list on the page.

mod csv;
mod xlsx;

use std::io::{self, Write};

use jiff::tz::TimeZone;
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::ToSchema;

use crate::auth::Actor;
use crate::clock::{Millis, china, civil_in};
use crate::db::{Db, Q};
use crate::error::{Error, Result};
use crate::roster::ids::mask_phone;
use crate::state::AppState;
use crate::web::i18n::{Lang, text_in};

use super::deadlines;
use super::model::{Channel, ListQuery, Satisfaction, Status, Urgency};
use super::rules::audience::Audience;
use super::store::lists::push_filters;

/// Rows per database query.
pub const BATCH: i64 = 5_000;

/// Batches waiting for the writer: the reader stays at most this far ahead.
const QUEUED_BATCHES: usize = 2;

/// The format asked for, as a query parameter (the API and the list page's links).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (UTF-8 with a byte-order mark) or `xlsx`.
    #[param(inline)]
    pub format: Format,
}

/// The file format of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// UTF-8 with a byte-order mark, so Excel reads the Chinese right.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

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
    tz: TimeZone,
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
            tz: china(),
        }
    }

    fn yes_no(&self, b: bool) -> &str {
        if b { &self.yes } else { &self.no }
    }

    /// A moment on the wall clock in China.
    fn civil(&self, ms: Millis) -> Option<jiff::civil::DateTime> {
        civil_in(ms, &self.tz)
    }

    /// `2026-11-25 09:30`, China time.
    fn local(&self, ms: Millis) -> String {
        self.civil(ms)
            .map(|t| {
                format!(
                    "{:04}-{:02}-{:02} {:02}:{:02}",
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute()
                )
            })
            .unwrap_or_default()
    }

    /// A row in words.
    fn line<'a>(&'a self, r: &'a ExportRow, now: Millis) -> Line<'a> {
        let status = Status::parse(&r.status).unwrap_or(Status::Submitted);
        let overdue = deadlines::overdue(status, r.accept_due_at, r.feedback_due_at, now);
        Line {
            id: r.id,
            received: r.created_at,
            channel: self.channels.get(&r.channel),
            category: r
                .category_name
                .as_deref()
                .or(r.category.as_deref())
                .unwrap_or(""),
            title: &r.title,
            status: self.statuses.get(&r.status),
            urgency: self.urgencies.get(&r.urgency),
            community: r.community_name.as_deref().unwrap_or(""),
            grid: r.grid_name.as_deref().unwrap_or(""),
            reporter: &r.reporter_name,
            phone: r
                .reporter_phone
                .as_deref()
                .map(mask_phone)
                .unwrap_or_default(),
            feedback_due: r.feedback_due_at,
            overdue: self.yes_no(overdue.is_some()),
            solved: r.rating_solved.map_or("", |s| self.yes_no(s)),
            satisfaction: r
                .rating_satisfaction
                .as_deref()
                .map_or("", |s| self.satisfactions.get(s)),
        }
    }
}

/// One exported row, its codes turned into words.
struct Line<'a> {
    id: i64,
    received: Millis,
    channel: &'a str,
    category: &'a str,
    title: &'a str,
    status: &'a str,
    urgency: &'a str,
    community: &'a str,
    grid: &'a str,
    reporter: &'a str,
    /// Always masked, as in the list.
    phone: String,
    feedback_due: Millis,
    overdue: &'a str,
    solved: &'a str,
    satisfaction: &'a str,
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
        let day = self
            .labels
            .civil(self.now)
            .map(|t| format!("{:04}{:02}{:02}", t.year(), t.month(), t.day()))
            .unwrap_or_default();
        format!("demands-{day}.{}", self.format.extension())
    }

    /// Reads every row and writes the file to `out`; returns the number of rows. Each batch
    /// is read as the database stands then (demands received meanwhile have higher ids and
    /// are not included). On an error `out` may hold part of a file: discard it.
    pub async fn write_to<W: Write + Send + 'static>(self, db: &Db, out: W) -> Result<u64> {
        let (tx, mut rx) = mpsc::channel::<Vec<ExportRow>>(QUEUED_BATCHES);
        let Export {
            rows,
            now,
            format,
            labels,
        } = self;
        let writer = tokio::task::spawn_blocking(move || match format {
            Format::Csv => csv::write(out, &labels, now, &mut rx),
            Format::Xlsx => xlsx::write(out, &labels, now, &mut rx),
        });
        let read = async {
            let mut after = None;
            loop {
                let batch = rows.batch(db, after).await?;
                let full = batch.len() as i64 == BATCH;
                after = batch.last().map(|r| r.id);
                // A closed channel means the writer stopped; its error is reported below.
                if batch.is_empty() || tx.send(batch).await.is_err() || !full {
                    return Ok::<(), Error>(());
                }
            }
        };
        let read = read.await;
        drop(tx);
        let written = writer.await.map_err(Error::internal)?;
        read?;
        written.map_err(write_failed)
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

/// A writer that failed. A client that went away is no fault of ours.
fn write_failed(e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        tracing::info!("export abandoned by the client");
        Error::new(crate::error::Code::Internal)
    } else {
        Error::internal(format!("export: {e}"))
    }
}
