//! Reading a form that carries a photo (the demand page's, the portal's intake). The body
//! limit of these routes is ours to keep: text fields are bounded in size and number, and
//! a photo larger than the attachment limit stops the reading with `file_too_large` while
//! the fields read so far (the forms put the photo last) are kept, so the page can say why
//! and keep the text.

use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;

use crate::demands::model::{MAX_FILE_NAME, Upload, too_large};
use crate::error::{Code, Error, Result};

use super::form::Fields;

/// The longest text field read, in bytes, and the most fields read.
const MAX_FIELD: usize = 64 * 1024;
const MAX_FIELDS: usize = 64;

/// A posted form: its text fields, and the file if one was chosen (or why it was refused).
pub struct Posted {
    pub fields: Fields,
    pub file: Option<Result<Upload>>,
}

/// Reads the form; the file is the part named `file_field`, at most `max` bytes. A form may
/// offer two pickers of that name (the portal's album and camera): the one with a file
/// counts, as an empty part means nothing was chosen in that picker.
pub async fn read(mut form: Multipart, file_field: &str, max: usize) -> Result<Posted> {
    let mut posted = Posted {
        fields: Vec::new(),
        file: None,
    };
    while let Some(part) = form.next_field().await.map_err(unreadable)? {
        let name = part.name().unwrap_or("").to_string();
        if name != file_field {
            if posted.fields.len() == MAX_FIELDS {
                return Err(Error::new(Code::BodyTooLarge));
            }
            let bytes = capped(part, MAX_FIELD)
                .await?
                .ok_or_else(|| Error::too_long(&name, MAX_FIELD))?;
            posted
                .fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned()));
            continue;
        }
        let file_name: String = part
            .file_name()
            .unwrap_or("photo")
            .chars()
            .take(MAX_FILE_NAME)
            .collect();
        let content_type = part.content_type().unwrap_or("").to_string();
        match capped(part, max).await? {
            // No file chosen: the browser sends an empty part.
            Some(bytes) if bytes.is_empty() => {}
            Some(bytes) => {
                posted.file = Some(Upload::parse(&content_type, Some(&file_name), bytes, max));
            }
            None => {
                posted.file = Some(Err(too_large(max)));
                break;
            }
        }
    }
    Ok(posted)
}

/// A part's bytes, or `None` once they pass `max`.
async fn capped(mut part: Field<'_>, max: usize) -> Result<Option<Vec<u8>>> {
    let mut out = Vec::new();
    while let Some(chunk) = part.chunk().await.map_err(unreadable)? {
        if out.len() + chunk.len() > max {
            return Ok(None);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Some(out))
}

fn unreadable(e: MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::new(Code::BodyTooLarge)
    } else {
        Error::new(Code::InvalidBody).with("detail", e.body_text())
    }
}
