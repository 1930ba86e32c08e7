//! How the demand loop's files leave as HTTP downloads, for the API and the pages alike
//! (neither imports the other): an attachment sent inline, an export streamed (by the
//! shared `crate::export::download`).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::Result;
use crate::state::AppState;

use super::export::Export;
use super::model::StoredFile;

/// An attachment under its own name and its type as checked at upload (never sniffed as
/// another): a photo shown inline, a PDF downloaded. A PDF shown in the browser would run
/// in its viewer on this site, and under the pages' policy (`object-src 'none'`) Chrome's
/// viewer is blocked anyway.
pub fn attachment(f: StoredFile) -> Response {
    let how = if f.content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    let disposition = format!(
        "{how}; filename*=UTF-8''{}",
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

/// An export as a download named `demands-YYYYMMDD.csv` (or `.xlsx`), read from the
/// state's database.
pub async fn export(st: AppState, export: Export) -> Result<Response> {
    crate::export::download::download(export.on(st.db)).await
}
