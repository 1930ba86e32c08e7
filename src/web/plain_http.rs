//! Whether the browser of a request is on a plain-HTTP address where it refuses `Secure`
//! cookies, so that signing in cannot hold: the login page says so, and why, instead of
//! leaving staff at a form that keeps coming back.
//!
//! A browser sets and sends a `Secure` cookie over HTTPS only, and over plain HTTP to
//! localhost (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`). The address the browser is
//! on is read from what it sends: `Origin` on a form's POST (its own view, proxy or not),
//! else `Host` and whether a proxy says it answered over HTTPS (`X-Forwarded-Proto`,
//! `Forwarded: proto=`). These headers are believed from anyone: a client that lies in
//! them only hides this explanation from itself. A request that names no address
//! (`Host` missing) is not judged.

use std::net::IpAddr;

use axum::http::{HeaderMap, header};

use crate::config::Settings;

/// The hint cookie set beside the session cookie when a sign-in succeeds and the browser
/// may drop the session: not `Secure` (so a browser on plain HTTP keeps it), holding
/// nothing secret, and lasting minutes. The login page meeting it without a session knows
/// the session cookie was dropped.
pub const SIGNED_IN_HINT: &str = "linli_signed_in";

/// Whether this request's browser is on plain HTTP beyond localhost while the cookies are
/// `Secure` and Linli does not serve HTTPS: it refuses the sign-in cookie.
pub fn drops_secure_cookies(settings: &Settings, headers: &HeaderMap) -> bool {
    settings.secure_cookies && !settings.serves_tls() && browser_on_plain_http(headers)
}

/// Whether the browser may be on plain HTTP: cookies `Secure`, no HTTPS served here, and
/// nothing says a proxy answered it over HTTPS (the [`SIGNED_IN_HINT`] is set then).
pub fn may_drop_secure_cookies(settings: &Settings, headers: &HeaderMap) -> bool {
    settings.secure_cookies && !settings.serves_tls() && !browser_on_https(headers)
}

fn browser_on_plain_http(headers: &HeaderMap) -> bool {
    if let Some(origin) = origin(headers) {
        return origin
            .strip_prefix("http://")
            .is_some_and(|host| !is_localhost(host));
    }
    if forwarded_https(headers) {
        return false;
    }
    value(headers, header::HOST.as_str()).is_some_and(|host| !is_localhost(host))
}

fn browser_on_https(headers: &HeaderMap) -> bool {
    match origin(headers) {
        Some(origin) => origin.starts_with("https://"),
        None => forwarded_https(headers),
    }
}

/// The page's origin as the browser sends it (`null` from a privacy-sensitive context
/// says nothing).
fn origin(headers: &HeaderMap) -> Option<&str> {
    value(headers, header::ORIGIN.as_str()).filter(|o| *o != "null")
}

fn forwarded_https(headers: &HeaderMap) -> bool {
    let proto = value(headers, "x-forwarded-proto")
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    let forwarded = value(headers, "forwarded").is_some_and(|v| {
        v.split(',')
            .next()
            .unwrap_or("")
            .split(';')
            .any(|kv| kv.trim().eq_ignore_ascii_case("proto=https"))
    });
    proto || forwarded
}

fn value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Whether a host (perhaps with its port) is one browsers treat as this machine.
fn is_localhost(host_port: &str) -> bool {
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    host.parse::<IpAddr>()
        .is_ok_and(|ip| crate::config::canonical(ip).is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_lan_address_over_plain_http_drops_the_cookie_and_localhost_does_not() {
        let s = Settings::default();
        let drops = |pairs: &[(&'static str, &str)]| drops_secure_cookies(&s, &headers(pairs));
        assert!(drops(&[("host", "192.168.1.5:8080")]));
        assert!(drops(&[("host", "office-pc")]));
        assert!(drops(&[("origin", "http://192.168.1.5:8080")]));
        for here in [
            "localhost:8080",
            "127.0.0.2",
            "[::1]:8080",
            "app.localhost",
            "LOCALHOST.",
        ] {
            assert!(!drops(&[("host", here)]), "{here}");
        }
        assert!(!drops(&[("origin", "http://localhost:8080")]));
        assert!(!drops(&[("origin", "https://192.168.1.5:8080")]));
        // The browser's own view wins over the address the proxy reached.
        assert!(drops(&[
            ("origin", "http://office-pc"),
            ("host", "127.0.0.1:8080")
        ]));
        assert!(!drops(&[
            ("host", "office-pc"),
            ("x-forwarded-proto", "https")
        ]));
        assert!(!drops(&[
            ("host", "office-pc"),
            ("forwarded", "for=10.0.0.2;proto=https")
        ]));
        assert!(drops(&[
            ("host", "office-pc"),
            ("x-forwarded-proto", "http")
        ]));
        assert!(!drops(&[]), "no address named: not judged");

        let off = Settings {
            secure_cookies: false,
            ..Settings::default()
        };
        assert!(!drops_secure_cookies(
            &off,
            &headers(&[("host", "office-pc")])
        ));
        let tls = Settings {
            tls_self_signed: true,
            ..Settings::default()
        };
        assert!(!drops_secure_cookies(
            &tls,
            &headers(&[("host", "office-pc")])
        ));
        assert!(!may_drop_secure_cookies(&tls, &headers(&[])));
    }

    #[test]
    fn the_hint_is_left_unless_https_is_certain() {
        let s = Settings::default();
        assert!(may_drop_secure_cookies(&s, &headers(&[])));
        assert!(may_drop_secure_cookies(
            &s,
            &headers(&[("host", "localhost")])
        ));
        assert!(!may_drop_secure_cookies(
            &s,
            &headers(&[("origin", "https://office-pc")])
        ));
        assert!(!may_drop_secure_cookies(
            &s,
            &headers(&[("x-forwarded-proto", "https")])
        ));
    }
}
