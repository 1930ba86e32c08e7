//! The security headers every response carries, whatever answered it: a page, the API, a
//! static file, an attachment, an error, the fallback, a panic turned into a 500.
//!
//! The pages load only their own script and stylesheet (`/static/app.js`, `/static/app.css`),
//! with no inline script, no event handler attributes and no `style` attributes, so the
//! policy allows nothing else. A handler that sets one of these headers itself keeps its
//! own (an attachment's `X-Content-Type-Options`, say, or a stricter policy).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Scripts, styles, fonts and requests from this site only; images also from `data:` and
/// `blob:` URLs (made in the page itself, as a preview of a photo before it is sent would
/// be; nothing else can come through them); no plugins; forms post only here; no page may
/// be framed (clickjacking).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'none'";

/// Browser features Linli never uses, turned off for its pages and anything in them. The
/// portal's camera button is `<input type=file capture>`, which opens the phone's own
/// camera through the file chooser and needs no camera permission (that is
/// `getUserMedia`); the place of a demand is typed, not located.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), \
     display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), \
     microphone=(), midi=(), payment=(), screen-wake-lock=(), serial=(), usb=(), \
     xr-spatial-tracking=()";

/// A year: browsers remember to come back over HTTPS only.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// The headers and their values; `Strict-Transport-Security` only when `hsts` is on (the
/// server is reached over HTTPS: over plain HTTP a browser ignores it anyway, and on a
/// name that later loses its certificate it would lock people out for a year).
pub fn security_headers(hsts: bool) -> Vec<(HeaderName, HeaderValue)> {
    let mut h = vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        // Links within the site keep their path (nothing reads it today); no other site
        // learns which demand or resident page someone came from.
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        // For browsers older than `frame-ancestors`.
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY),
        ),
    ];
    if hsts {
        h.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        ));
    }
    h
}

/// The headers one server sends (see [`security_headers`]), shared by every request.
#[derive(Clone)]
pub struct SecurityHeaders(Arc<[(HeaderName, HeaderValue)]>);

impl SecurityHeaders {
    pub fn new(hsts: bool) -> SecurityHeaders {
        SecurityHeaders(security_headers(hsts).into())
    }
}

/// Middleware: adds each header the response does not already have.
pub async fn add(State(h): State<SecurityHeaders>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    for (name, value) in h.0.iter() {
        headers.entry(name).or_insert_with(|| value.clone());
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_only_when_asked_and_no_inline_script_or_style() {
        let names = |hsts| -> Vec<HeaderName> {
            security_headers(hsts).into_iter().map(|(n, _)| n).collect()
        };
        assert!(!names(false).contains(&header::STRICT_TRANSPORT_SECURITY));
        assert!(names(true).contains(&header::STRICT_TRANSPORT_SECURITY));
        assert_eq!(names(true).len(), names(false).len() + 1);
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
        assert!(PERMISSIONS_POLICY.contains("camera=()"));
    }
}
