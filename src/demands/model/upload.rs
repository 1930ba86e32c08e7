//! A file attached to a demand: checked once, whichever door it came through (the API's
//! request body, the demand page's photo form, the portal's intake form).

use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};

/// The types accepted, with the bytes each must start with. The bytes decide: a type sent
/// (or a file name) that the bytes do not bear out is refused, so what is stored, and sent
/// back under this type, is what it says it is.
const ACCEPTED: &[(&str, &[u8])] = &[
    ("image/jpeg", b"\xFF\xD8\xFF"),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    ("image/gif", b"GIF8"),
    ("image/webp", b"RIFF"),
    ("application/pdf", b"%PDF-"),
];

/// Whether `bytes` are of type `t` by their first bytes (a WebP is a RIFF file whose form
/// is `WEBP`: a RIFF sound or video is not a photo).
fn bears_out(t: &str, magic: &[u8], bytes: &[u8]) -> bool {
    bytes.starts_with(magic) && (t != "image/webp" || bytes.get(8..12) == Some(&b"WEBP"[..]))
}

/// The longest file name kept, in characters.
pub const MAX_FILE_NAME: usize = 200;

/// A photo (JPEG, PNG, GIF, WebP) or PDF, checked: its type is one we take and its bytes
/// say so, it is not empty and not larger than allowed, its name is safe in a header.
#[derive(Clone, Debug)]
pub struct Upload {
    pub content_type: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

impl Upload {
    /// `content_type` as sent (`image/jpeg; charset=…` is fine); `max` in bytes.
    pub fn parse(
        content_type: &str,
        file_name: Option<&str>,
        bytes: Vec<u8>,
        max: usize,
    ) -> Result<Upload> {
        let sent = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let (content_type, magic) = ACCEPTED
            .iter()
            .find(|(t, _)| *t == sent)
            .copied()
            .ok_or_else(unsupported)?;
        if bytes.is_empty() {
            return Err(Error::required("body"));
        }
        if bytes.len() > max {
            return Err(too_large(max));
        }
        if !bears_out(content_type, magic, &bytes) {
            return Err(unsupported());
        }
        let file_name = crate::web::validate::optional("file_name", file_name, MAX_FILE_NAME)?
            .unwrap_or_else(|| "attachment".into())
            .replace(['/', '\\', '"'], "_");
        Ok(Upload {
            content_type,
            file_name,
            sha256: hex::encode(Sha256::digest(&bytes)),
            bytes,
        })
    }
}

fn unsupported() -> Error {
    Error::new(Code::UnsupportedFile)
}

/// A file larger than `max` bytes, with the limit as people read it (`10 MB`).
pub fn too_large(max: usize) -> Error {
    let shown = if max >= 1024 * 1024 {
        format!("{} MB", max / (1024 * 1024))
    } else {
        format!("{} KB", max.div_ceil(1024))
    };
    Error::new(Code::FileTooLarge).with("max", shown)
}

/// A stored attachment, to be sent back.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredFile {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0 a photo";

    #[test]
    fn a_photo_is_taken_by_its_type_and_its_first_bytes() {
        let u = Upload::parse("image/JPEG; x=1", Some("漏水/1.jpg"), JPEG.to_vec(), 100).unwrap();
        assert_eq!(u.content_type, "image/jpeg");
        assert_eq!(u.file_name, "漏水_1.jpg");
        assert_eq!(u.sha256.len(), 64);
        let code =
            |ct: &str, b: &[u8], max| Upload::parse(ct, None, b.to_vec(), max).unwrap_err().code;
        assert_eq!(code("text/plain", JPEG, 100), Code::UnsupportedFile);
        assert_eq!(code("image/png", JPEG, 100), Code::UnsupportedFile);
        assert_eq!(code("image/jpeg", b"", 100), Code::MissingField);
        assert_eq!(code("image/jpeg", JPEG, 4), Code::FileTooLarge);
        let webp = b"RIFF\x24\x00\x00\x00WEBPVP8 ";
        assert!(Upload::parse("image/webp", None, webp.to_vec(), 100).is_ok());
        let wav = b"RIFF\x24\x00\x00\x00WAVEfmt ";
        assert_eq!(code("image/webp", wav, 100), Code::UnsupportedFile);
        assert_eq!(
            too_large(10 * 1024 * 1024).arg("max"),
            Some(&crate::error::Arg::Text("10 MB".into()))
        );
    }

    /// A page or a script named like a photo, sent as a photo, is still a page: refused, so
    /// it is never stored and never served back as an image a browser might run.
    #[test]
    fn a_file_named_like_a_photo_whose_bytes_are_not_one_is_refused() {
        let payloads: &[&[u8]] = &[
            b"<!doctype html><html><script>alert(document.cookie)</script>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
            // A photo's first bytes further in: only the start counts.
            b"<html>\xFF\xD8\xFF\xE0",
        ];
        for bytes in payloads {
            for sent in [
                "image/jpeg",
                "image/png",
                "image/gif",
                "image/webp",
                "application/pdf",
            ] {
                let e = Upload::parse(sent, Some("photo.jpg"), bytes.to_vec(), 1000).unwrap_err();
                assert_eq!(e.code, Code::UnsupportedFile, "{sent}: {bytes:?}");
            }
        }
        // The type a browser guesses from the name is no way in either.
        for sent in ["image/svg+xml", "text/html", "application/octet-stream", ""] {
            let e = Upload::parse(sent, Some("photo.svg"), JPEG.to_vec(), 1000).unwrap_err();
            assert_eq!(e.code, Code::UnsupportedFile, "{sent}");
        }
    }
}
