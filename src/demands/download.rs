//! How the demand loop's files leave as HTTP downloads, for the API and the pages alike
//! (neither imports the other): an attachment sent inline, an export streamed.
//!
//! CSV streams as it is written. An Excel file is a zip whose directory comes last, so it
//! is written whole to an unnamed temporary file (gone when closed, whatever happens),
//! then streamed from there.

use std::io::{Seek, SeekFrom};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;
use tokio_util::io::ReaderStream;

use crate::error::{Error, Result};
use crate::state::AppState;

use super::export::{Export, Format};
use super::model::StoredFile;

/// An attachment, shown inline under its own name and type (never sniffed as another).
pub fn attachment(f: StoredFile) -> Response {
    let disposition = format!(
        "inline; filename*=UTF-8''{}",
        f.file_name
            .bytes()
            .map(
                |b| if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            )
            .collect::<String>()
    );
    let mut res = f.data.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&f.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// Body chunks in flight between the CSV writer and the client.
const QUEUED_CHUNKS: usize = 2;

/// An export as a download named `demands-YYYYMMDD.csv` (or `.xlsx`).
pub async fn export(st: AppState, export: Export) -> Result<Response> {
    let name = export.file_name();
    let format = export.format();
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
