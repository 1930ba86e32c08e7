//! An export as an HTTP download, for the API and the pages of every capability alike.
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

use super::{File, Format};

/// Body chunks in flight between the CSV writer and the client.
const QUEUED_CHUNKS: usize = 2;

/// A file as a download under its own name (`residents-YYYYMMDD.csv`).
pub async fn download<F: File>(file: F) -> Result<Response> {
    let name = file.file_name();
    let format = file.format();
    let mut res = match format {
        Format::Csv => csv(file),
        Format::Xlsx => xlsx(file).await?,
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
fn csv<F: File>(file: F) -> Response {
    let (tx, rx) = mpsc::channel::<std::io::Result<Bytes>>(QUEUED_CHUNKS);
    let chunks = ChunkSender(tx.clone());
    tokio::spawn(async move {
        if file.write_to(chunks).await.is_err() {
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
async fn xlsx<F: File>(file: F) -> Result<Response> {
    let tmp = tempfile::tempfile().map_err(Error::internal)?;
    let writer = tmp.try_clone().map_err(Error::internal)?;
    file.write_to(writer).await?;
    let mut tmp = tmp;
    let len = tmp.seek(SeekFrom::End(0)).map_err(Error::internal)?;
    tmp.seek(SeekFrom::Start(0)).map_err(Error::internal)?;
    let body = Body::from_stream(ReaderStream::new(tokio::fs::File::from_std(tmp)));
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
