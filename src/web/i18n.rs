//! The language of a request: `?lang=`, then the `lang` cookie, then `Accept-Language`.
//! Chinese (zh-CN) unless English is asked for.
//!
//! The same layer decides the large-text, high-contrast view (适老化): `?large_text=1` (or
//! `0`) on any page turns it on (off) and remembers it in the `large_text` cookie; the
//! server marks the page with it, so it is there from the first paint, without a flash.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("en") {
            Some(Lang::En)
        } else if s.starts_with("zh") {
            Some(Lang::Zh)
        } else {
            None
        }
    }

    pub fn from_request(query: Option<&str>, headers: &HeaderMap) -> Lang {
        if let Some(q) = query {
            for pair in q.split('&') {
                if let Some(v) = pair.strip_prefix("lang=")
                    && let Some(l) = Lang::parse(v)
                {
                    return l;
                }
            }
        }
        for cookie in headers.get_all(axum::http::header::COOKIE) {
            if let Ok(c) = cookie.to_str() {
                for part in c.split(';') {
                    if let Some(v) = part.trim().strip_prefix("lang=")
                        && let Some(l) = Lang::parse(v)
                    {
                        return l;
                    }
                }
            }
        }
        if let Some(al) = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        {
            // The first language listed that we have wins.
            for tag in al.split(',') {
                let tag = tag.split(';').next().unwrap_or("");
                if let Some(l) = Lang::parse(tag) {
                    return l;
                }
            }
        }
        Lang::Zh
    }
}

tokio::task_local! {
    static LANG: Lang;
    static LARGE_TEXT: bool;
}

/// `Some(on)` when the query asks to turn the large-text view on or off.
fn large_text_asked(query: Option<&str>) -> Option<bool> {
    query?
        .split('&')
        .find_map(|pair| match pair.strip_prefix("large_text=")? {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        })
}

/// Whether the `large_text` cookie says the view is on.
fn large_text_remembered(headers: &HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok())
        .flat_map(|c| c.split(';'))
        .any(|part| part.trim() == "large_text=1")
}

/// Whether the request being handled is shown in large text (off outside a request).
pub fn large_text() -> bool {
    LARGE_TEXT.try_with(|l| *l).unwrap_or_default()
}

/// The language of the request being handled (zh-CN outside a request).
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Whether cookies are sent over HTTPS only (the `secure_cookies` setting): the state of
/// [`detect`], which remembers the large-text choice in one.
#[derive(Clone, Copy, Debug)]
pub struct SecureCookies(pub bool);

/// Middleware: decides the language once and makes it available to everything the handler
/// calls, error responses included.
pub async fn detect(
    State(SecureCookies(secure)): State<SecureCookies>,
    req: Request,
    next: Next,
) -> Response {
    let lang = Lang::from_request(req.uri().query(), req.headers());
    let asked = large_text_asked(req.uri().query());
    let large = asked.unwrap_or_else(|| large_text_remembered(req.headers()));
    let mut res = LANG
        .scope(lang, LARGE_TEXT.scope(large, next.run(req)))
        .await;
    if let Some(on) = asked {
        // Not a secret (no HttpOnly), but `Secure` when the session cookie is.
        let cookie = format!(
            "large_text={}; Path=/; SameSite=Lax; Max-Age=31536000{}",
            u8::from(on),
            if secure { "; Secure" } else { "" }
        );
        if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
            res.headers_mut().append(axum::http::header::SET_COOKIE, v);
        }
    }
    res
}

/// Looks up a key made at run time (`demand.status.closed`) in the current language.
pub fn text(key: &str) -> String {
    text_in(current(), key)
}

/// Looks up a key in a given language (for work that outlives the request, like an export
/// still streaming after its handler returned).
pub fn text_in(lang: Lang, key: &str) -> String {
    rust_i18n::t!(key, locale = lang.code()).into_owned()
}

/// The words of `key` in `lang`, or `fallback` for a key the catalogue does not have
/// (a code a later capability added, a free tag).
pub fn text_or(lang: Lang, key: &str, fallback: &str) -> String {
    let t = text_in(lang, key);
    if t == key { fallback.to_string() } else { t }
}

/// `main` with `note` beside it in brackets, as the current language writes them:
/// 居民（独居老人） in Chinese, "resident (living alone)" in English.
pub fn aside(main: &str, note: &str) -> String {
    match current() {
        Lang::Zh => format!("{main}（{note}）"),
        Lang::En => format!("{main} ({note})"),
    }
}

/// A key's text in `lang`, or `None` when the catalogue has no such key.
pub fn lookup(lang: Lang, key: &str) -> Option<String> {
    let t = text_in(lang, key);
    (!t.ends_with(key)).then_some(t)
}

/// Looks a message up in the catalogue in the current request's language.
#[macro_export]
macro_rules! tr {
    ($key:expr) => {
        rust_i18n::t!($key, locale = $crate::web::i18n::current().code()).into_owned()
    };
    ($key:expr, $($name:ident = $val:expr),+ $(,)?) => {
        rust_i18n::t!($key, locale = $crate::web::i18n::current().code(), $($name = $val),+).into_owned()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_unless_english_is_asked_for() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_request(None, &h), Lang::Zh);
        h.insert("accept-language", "en-US,en;q=0.9".parse().unwrap());
        assert_eq!(Lang::from_request(None, &h), Lang::En);
        assert_eq!(Lang::from_request(Some("a=1&lang=zh-CN"), &h), Lang::Zh);
        h.insert("cookie", "x=1; lang=zh-CN".parse().unwrap());
        assert_eq!(Lang::from_request(None, &h), Lang::Zh);
        assert_eq!(Lang::from_request(Some("lang=en"), &h), Lang::En);
    }

    #[test]
    fn large_text_is_asked_in_the_query_and_remembered_in_a_cookie() {
        assert_eq!(large_text_asked(Some("q=1&large_text=1")), Some(true));
        assert_eq!(large_text_asked(Some("large_text=0")), Some(false));
        assert_eq!(large_text_asked(Some("large_text=yes")), None);
        assert_eq!(large_text_asked(None), None);
        let mut h = HeaderMap::new();
        assert!(!large_text_remembered(&h));
        h.insert("cookie", "lang=en; large_text=1".parse().unwrap());
        assert!(large_text_remembered(&h));
        h.insert("cookie", "large_text=0".parse().unwrap());
        assert!(!large_text_remembered(&h));
    }
}
