//! Where a sign-in lands: the session cookie set, on to the page asked for (of this site
//! only) or the person's start page, and where the browser may refuse the cookie, the hint
//! that lets the login page say why. Shared by the password step (`login`) and the code
//! step (`login_code`).

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::state::AppState;

use super::pages::home_of;
use super::plain_http::{self, SIGNED_IN_HINT};
use super::session::session_cookie;

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

/// Only paths of this site: never send someone elsewhere after login.
pub(super) fn safe_next(next: Option<&str>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .map(str::to_string)
}

/// `Set-Cookie` for the hint of a sign-in (`plain_http::SIGNED_IN_HINT`): five minutes,
/// or none to clear it.
pub(super) fn hint_cookie(max_age_secs: u32) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{SIGNED_IN_HINT}=1; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("linli_signed_in=; Path=/; Max-Age=0"))
}

/// Signed in: the session cookie, and on to `next` or the person's start page.
pub(super) fn signed_in_to(
    st: &AppState,
    headers: &HeaderMap,
    signed_in: &crate::auth::model::SignedIn,
    next: Option<String>,
) -> Response {
    let role = signed_in.actor.role;
    let to = next.unwrap_or_else(|| home_of(role).to_string());
    let max_age = st.settings.session_hours * 3600;
    let mut res = Redirect::to(&to).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        session_cookie(&signed_in.token, max_age, st.settings.secure_cookies),
    );
    // Where the browser may drop it, a hint that lets the login page say why.
    if plain_http::may_drop_secure_cookies(&st.settings, headers) {
        res.headers_mut()
            .append(header::SET_COOKIE, hint_cookie(300));
    }
    res
}
