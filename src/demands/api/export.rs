//! `GET /api/v1/demands/export`: the demand list as a CSV or Excel file.
//!
//! CSV streams as it is written. An Excel file is a zip whose directory comes last, so it
//! is written whole to an unnamed temporary file (gone when closed, whatever happens),
//! then streamed from there.

use std::io::{Seek, SeekFrom};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_util::io::ReaderStream;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::web::error::ErrorBody;
use crate::web::i18n::{self, Lang};
use crate::web::json::ApiQuery;

use super::super::export::{Export, Format};
use super::list::ListQuery;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (UTF-8 with a byte-order mark) or `xlsx`.
    #[param(inline)]
    pub format: Format,
}

/// The bytes of a downloaded file (for the API document).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct File(pub Vec<u8>);

/// Body chunks in flight between the CSV writer and the client.
const QUEUED_CHUNKS: usize = 2;

/// Every demand the caller can see that passes the list's filters, newest first, as a
/// file: headers and labels in the caller's language, phones masked, no ID numbers.
/// `limit` and `cursor` are ignored: every matching row is exported.
#[utoipa::path(get, path = "/api/v1/demands/export", tag = "demands",
    security(("bearer" = [])),
    params(ExportQuery, ListQuery),
    responses(
        (status = 200, description = "The file, as an attachment named `demands-YYYYMMDD.csv` or `.xlsx`",
            content(
                (inline(File) = "text/csv"),
                (inline(File) = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            headers(("content-disposition" = String, description = "attachment; filename=\"demands-YYYYMMDD.csv\""))),
        (status = 400, description = "Unknown format or a filter that does not parse (`invalid_query`)", body = ErrorBody),
        (status = 401, body = ErrorBody),
    ))]
pub async fn export_demands(
    State(st): State<AppState>,
    actor: Actor,
    ApiQuery(e): ApiQuery<ExportQuery>,
    ApiQuery(f): ApiQuery<ListQuery>,
) -> Result<Response> {
    respond(st, &actor, &f, e.format, i18n::current()).await
}

/// The export as a download (the API and the list page's links).
pub async fn respond(
    st: AppState,
    actor: &Actor,
    f: &ListQuery,
    format: Format,
    lang: Lang,
) -> Result<Response> {
    let export = Export::prepare(&st, actor, f, format, lang)?;
    let name = export.file_name();
    let mut res = match format {
        Format::Csv => csv(st, export),
        Format::Xlsx => xlsx(st, export).await?,
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // Personal data: not for shared caches.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Streams the CSV while it is written. A failure half-way aborts the body, so the client
/// sees a broken download rather than a file that looks complete.
fn csv(st: AppState, export: Export) -> Response {
    let (tx, rx) = mpsc::channel::<std::io::Result<Bytes>>(QUEUED_CHUNKS);
    let chunks = ChunkSender(tx.clone());
    tokio::spawn(async move {
        if export.write_to(&st.db, chunks).await.is_err() {
            let _ = tx
                .send(Err(std::io::Error::other("the export failed")))
                .await;
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    Body::from_stream(stream).into_response()
}

/// Writes the workbook to a temporary file, then streams the file.
async fn xlsx(st: AppState, export: Export) -> Result<Response> {
    let file = tempfile::tempfile().map_err(Error::internal)?;
    let writer = file.try_clone().map_err(Error::internal)?;
    export.write_to(&st.db, writer).await?;
    let mut file = file;
    let len = file.seek(SeekFrom::End(0)).map_err(Error::internal)?;
    file.seek(SeekFrom::Start(0)).map_err(Error::internal)?;
    let body = Body::from_stream(ReaderStream::new(tokio::fs::File::from_std(file)));
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(res)
}

/// A blocking writer whose writes become body chunks (the writer runs on a blocking
/// thread; a client that went away turns into a broken pipe there).
struct ChunkSender(mpsc::Sender<std::io::Result<Bytes>>);

impl std::io::Write for ChunkSender {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
