//! Sessions for the pages: a cookie holding a random token whose SHA-256 is a `web` row of
//! `tokens` (so every node knows it), with an absolute and an idle expiry, and a CSRF token
//! derived from the session that every form must carry.
//!
//! An account that must do something before anything else (`auth::rules::gate`: change
//! an expired password, enrol the second factor its role requires) is sent to that step's
//! page from every other page, until it is done.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use crate::auth::role::Actor;
use crate::auth::{store, tokens};
use crate::clock::MINUTE;
use crate::db::Q;
use crate::state::AppState;

use super::i18n::{self, Lang};
use super::pages::{Page, url_escape};

pub const COOKIE: &str = "linli_session";

/// The roles a page is for, carried by its route (`web::routes`) to the [`PageUser`]
/// extractor.
#[derive(Clone, Copy, Debug)]
pub struct Allowed(pub &'static [crate::auth::role::Role]);

/// The logged-in person on a page request.
#[derive(Clone, Debug)]
pub struct PageUser {
    pub actor: Actor,
    /// Goes into every form as `csrf`.
    pub csrf: String,
    pub lang: Lang,
    /// The step the account must take before anything else, if any.
    pub gate: Option<crate::auth::rules::Gate>,
}

/// The CSRF token of a session: only someone who holds the (HttpOnly) cookie can know it.
pub fn csrf_for(session_token: &str) -> String {
    hex::encode(&Sha256::digest(format!("linli-csrf:{session_token}").as_bytes())[..16])
}

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(name)?.strip_prefix('='))
}

/// `Set-Cookie` for a session (or for clearing it with `max_age` 0).
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("linli_session=; Path=/; Max-Age=0"))
}

/// Sends someone without a live session to the login page, back here afterwards.
fn to_login(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let next: String = url_escape(next);
    Redirect::to(&format!("/login?next={next}")).into_response()
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<PageUser, Response> {
        let Some(token) = cookie(&parts.headers, COOKIE).map(str::to_string) else {
            return Err(to_login(parts));
        };
        let now = st.clock.now();
        let idle_cutoff = now - st.settings.session_idle_minutes * MINUTE;
        let hash = tokens::digest(&token);
        let found = async {
            let mut c = st.db.conn().await?;
            store::actor_for_web_session(&mut c, &hash, now, idle_cutoff).await
        }
        .await;
        let caller = match found {
            Ok(Some(x)) => x,
            Ok(None) => return Err(to_login(parts)),
            Err(e) => return Err(super::pages::error_page(crate::error::Error::from(e))),
        };
        let (actor, last_seen) = (caller.actor, caller.last_seen_at);
        let s = &st.settings;
        let gate = crate::auth::rules::gate(
            &caller.standing,
            &s.totp_required_roles,
            s.password_policy,
            now,
        );
        if let Some(g) = gate {
            let path = parts.uri.path();
            if !path.starts_with(g.page()) && path != "/logout" {
                return Err(Redirect::to(g.page()).into_response());
            }
        }
        // Whom the page is for (web::routes); one that does not say is for no one.
        let allowed = parts.extensions.get::<Allowed>().copied();
        if !allowed.is_some_and(|a| a.0.contains(&actor.role)) {
            if allowed.is_none() {
                tracing::error!(path = %parts.uri.path(), "a page without its roles");
            }
            return Err(refuse(actor.role));
        }
        // Keep the idle clock running, at most one write a minute per session.
        if now - last_seen > MINUTE {
            let touch = async {
                let mut tx = st.db.begin().await?;
                Q::new("UPDATE tokens SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(hash.as_str())
                    .execute(&mut tx)
                    .await?;
                tx.commit().await
            };
            if let Err(e) = touch.await {
                tracing::warn!(error = %e, "could not record session activity");
            }
        }
        Ok(PageUser {
            actor,
            csrf: csrf_for(&token),
            lang: i18n::current(),
            gate,
        })
    }
}

/// A signed-in person on a page that is not for them: a resident goes to the portal,
/// anyone else is told the page is not for their role.
fn refuse(role: crate::auth::role::Role) -> Response {
    if role == crate::auth::role::Role::Resident {
        return Redirect::to(super::pages::home_of(role)).into_response();
    }
    super::pages::error_page(crate::error::Error::forbidden())
}

impl Page {
    /// The frame for the signed-in person of a page request, on `path`.
    pub fn for_user(u: &PageUser, title: String, path: &str) -> Page {
        Page::signed_in(&u.actor, u.csrf.clone(), u.lang, title, path)
    }
}

impl PageUser {
    /// Checks a form's CSRF token; a mismatch is a 403 page that changes nothing.
    pub fn check_csrf(&self, form_token: &str) -> Result<(), CsrfRefused> {
        if !form_token.is_empty() && constant_time_eq(form_token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            tracing::info!(
                user_id = self.actor.user_id,
                "form refused: CSRF token mismatch"
            );
            Err(CsrfRefused)
        }
    }
}

/// A form without the right CSRF token.
#[derive(Debug)]
pub struct CsrfRefused;

impl IntoResponse for CsrfRefused {
    fn into_response(self) -> Response {
        (
            StatusCode::FORBIDDEN,
            axum::response::Html(super::pages::message_page(
                &i18n::text("web.error.csrf_title"),
                &i18n::text("web.error.csrf"),
            )),
        )
            .into_response()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_csrf() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "lang=en; linli_session=ll_abc".parse().unwrap(),
        );
        assert_eq!(cookie(&h, COOKIE), Some("ll_abc"));
        assert_eq!(cookie(&h, "lang"), Some("en"));
        assert_eq!(cookie(&h, "other"), None);
        assert_ne!(csrf_for("ll_a"), csrf_for("ll_b"));
        assert_eq!(csrf_for("ll_a").len(), 32);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert_eq!(
            url_escape("/work?a=1&b=中"),
            "/work%3Fa%3D1%26b%3D%E4%B8%AD"
        );
    }
}
