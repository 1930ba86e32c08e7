//! Lists as files for people who work in Excel: CSV (UTF-8 with a byte-order mark) and
//! xlsx, whatever the list (demands, residents, households, buildings). A capability says
//! its sheet (name, header, column widths) and hands over its rows in batches of cells;
//! this module writes them and, in [`download`], streams the file to the client.
//!
//! Memory stays flat however long the list: each batch goes over a small bounded channel
//! to a blocking writer that turns it into CSV or spreadsheet rows and lets it go (the
//! workbook in rust_xlsxwriter's constant-memory mode).

mod csv;
pub mod download;
mod xlsx;

use std::future::Future;
use std::io::{self, Write};

use futures_util::{Stream, TryStreamExt};
use serde::Deserialize;
use tokio::sync::mpsc;
use utoipa::ToSchema;

use crate::clock::Millis;
use crate::error::{Error, Result};

/// Batches waiting for the writer: the reader stays at most this far ahead.
const QUEUED_BATCHES: usize = 2;

/// The format asked for, as a query parameter (the API and the list pages' links).
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

/// One cell of a row.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A moment, written as China's wall clock (`2026-11-25 09:30`; an Excel date in xlsx).
    When(Millis),
    Blank,
}

impl Cell {
    /// Text, blank when empty.
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(s)
        }
    }
}

/// One exported row, in column order.
pub type Row = Vec<Cell>;

/// What a file's sheet looks like: its name, the header (in the caller's language) and
/// the columns' widths in characters (a Chinese character counts two).
#[derive(Clone, Debug)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub widths: Vec<f64>,
}

/// A file ready to be written: its name and format, and how it writes itself to `out`.
pub trait File: Send + 'static {
    fn format(&self) -> Format;
    /// `residents-20261125.xlsx`.
    fn file_name(&self) -> String;
    /// Writes the whole file to `out`; returns the number of rows. On an error `out` may
    /// hold part of a file: discard it.
    fn write_to<W: Write + Send + 'static>(
        self,
        out: W,
    ) -> impl Future<Output = Result<u64>> + Send;
}

/// `name-YYYYMMDD.ext`: the day of `now` in China.
pub fn file_name(name: &str, now: Millis, format: Format) -> String {
    let day = crate::clock::civil_in(now, &crate::clock::china())
        .map(|t| format!("{:04}{:02}{:02}", t.year(), t.month(), t.day()))
        .unwrap_or_default();
    format!("{name}-{day}.{}", format.extension())
}

/// Writes `sheet` and the batches of rows of `batches` to `out` in `format`; returns the
/// number of rows. Reading runs here, writing on a blocking thread, with at most
/// [`QUEUED_BATCHES`] batches between them.
pub async fn write<W, S>(format: Format, sheet: Sheet, out: W, batches: S) -> Result<u64>
where
    W: Write + Send + 'static,
    S: Stream<Item = Result<Vec<Row>>>,
{
    let (tx, mut rx) = mpsc::channel::<Vec<Row>>(QUEUED_BATCHES);
    let writer = tokio::task::spawn_blocking(move || match format {
        Format::Csv => csv::write(out, &sheet, &mut rx),
        Format::Xlsx => xlsx::write(out, &sheet, &mut rx),
    });
    let read = async {
        let mut batches = std::pin::pin!(batches);
        while let Some(batch) = batches.try_next().await? {
            // A closed channel means the writer stopped; its error is reported below.
            if tx.send(batch).await.is_err() {
                break;
            }
        }
        Ok::<(), Error>(())
    };
    let read = read.await;
    drop(tx);
    let written = writer.await.map_err(Error::internal)?;
    read?;
    written.map_err(write_failed)
}

/// Batches read by keyset: `read(after)` gives the rows after a cursor (`None` at first)
/// and the cursor of the last; a batch shorter than `full` (or empty) is the last.
pub fn batches<'a, F, Fut>(full: usize, mut read: F) -> impl Stream<Item = Result<Vec<Row>>> + 'a
where
    F: FnMut(Option<i64>) -> Fut + 'a,
    Fut: Future<Output = Result<(Vec<Row>, Option<i64>)>> + 'a,
{
    futures_util::stream::try_unfold((None, false), move |(after, done)| {
        let next = (!done).then(|| read(after));
        async move {
            let Some(next) = next else {
                return Ok(None);
            };
            let (rows, last) = next.await?;
            if rows.is_empty() {
                return Ok(None);
            }
            let done = rows.len() < full;
            Ok(Some((rows, (last, done))))
        }
    })
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

/// `2026-11-25 09:30`, China time.
fn local(ms: Millis) -> String {
    crate::clock::civil_in(ms, &crate::clock::china())
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
