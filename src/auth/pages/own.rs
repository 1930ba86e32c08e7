//! A signed-in person's own security: `/account/totp` (enrol the second factor: its QR
//! code, its `otpauth://` URI and its secret in base32, confirmed by a current code; the
//! recovery codes shown once; turned off with a code) and `/account/password` (change
//! one's own password by the policy). Each is also the page an account is sent to when it
//! must take that step before anything else (`auth::rules::Gate`). The HTML adapter of
//! `auth::service::{totp, passwords}`.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::rules::Gate;
use crate::auth::service::passwords::{self, OwnChange};
use crate::auth::service::totp::{self, Enrolment, Status};
use crate::clock::format_local;
use crate::error::Result;
use crate::state::AppState;
use crate::web::error::{message, status};
use crate::web::i18n::text;
use crate::web::pages::{Page, error_page, home_of, render};
use crate::web::session::PageUser;

use super::{Fields, field};

#[derive(Template)]
#[template(path = "account/totp.html")]
struct TotpPage {
    page: Page,
    enabled: bool,
    since: String,
    recovery_left: i64,
    enrolment: Option<Enrolment>,
    /// Recovery codes just made: shown this once.
    codes: Vec<String>,
    error: Option<String>,
    /// Sent here because the role requires a second factor.
    required: bool,
    /// Where to go on once enrolled.
    home: &'static str,
}

impl TotpPage {
    fn codes_left(&self) -> String {
        self.page
            .t("web.account.totp.codes_left")
            .replace("%{n}", &self.recovery_left.to_string())
    }
}

async fn totp_page(st: &AppState, u: &PageUser, error: Option<String>) -> Result<TotpPage> {
    let Status {
        enabled,
        since,
        recovery_left,
    } = totp::status(st, &u.actor).await?;
    let enrolment = if enabled {
        None
    } else {
        Some(totp::begin(st, &u.actor).await?)
    };
    Ok(TotpPage {
        page: Page::for_user(u, text("web.account.totp.title"), "/account/totp"),
        enabled,
        since: since.map(format_local).unwrap_or_default(),
        recovery_left,
        enrolment,
        codes: Vec::new(),
        error,
        required: u.gate == Some(Gate::EnrolTotp),
        home: home_of(u.actor.role),
    })
}

#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

fn flash(done: Option<&str>) -> Option<String> {
    match done {
        Some("disabled") => Some(text("web.account.totp.done_disabled")),
        Some("password") => Some(text("web.account.password.done")),
        _ => None,
    }
}

pub async fn totp_form(State(st): State<AppState>, u: PageUser, Query(d): Query<Done>) -> Response {
    match totp_page(&st, &u, None).await {
        Ok(mut p) => {
            p.page.flash = flash(d.done.as_deref());
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

/// A refused form: the page again with why (the same secret, if enrolling).
async fn refused(st: &AppState, u: &PageUser, e: crate::error::Error) -> Response {
    if !matches!(
        e.class(),
        crate::error::Class::Invalid | crate::error::Class::Conflict | crate::error::Class::Locked
    ) {
        return error_page(e);
    }
    let code = status(e.class());
    match totp_page(st, u, Some(message(&e))).await {
        Ok(p) => (code, render(&p)).into_response(),
        Err(e) => error_page(e),
    }
}

/// Confirms the enrolment with a code; the recovery codes are shown on this answer alone.
pub async fn confirm(State(st): State<AppState>, u: PageUser, Form(f): Form<Fields>) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let code = field(&f, "code").unwrap_or_default();
    match totp::confirm(&st, &u.actor, code).await {
        Ok(codes) => match totp_page(&st, &u, None).await {
            Ok(mut p) => {
                p.codes = codes;
                p.page.flash = Some(text("web.account.totp.done_enrolled"));
                render(&p)
            }
            Err(e) => error_page(e),
        },
        Err(e) => refused(&st, &u, e).await,
    }
}

/// Turns the second factor off with a code (or a recovery code).
pub async fn disable(State(st): State<AppState>, u: PageUser, Form(f): Form<Fields>) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let code = field(&f, "code").unwrap_or_default();
    match totp::disable(&st, &u.actor, code).await {
        Ok(()) => Redirect::to("/account/totp?done=disabled").into_response(),
        Err(e) => refused(&st, &u, e).await,
    }
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    page: Page,
    /// What the policy asks, in words.
    rules: String,
    error: Option<String>,
    /// Sent here because the password has expired.
    expired: bool,
    home: &'static str,
}

fn password_page(st: &AppState, u: &PageUser, error: Option<String>) -> PasswordPage {
    let policy = st.settings.password_policy;
    let key = match policy {
        crate::auth::policy::PasswordPolicy::Asvs => "web.account.password.rules_asvs",
        crate::auth::policy::PasswordPolicy::Dengbao => "web.account.password.rules_dengbao",
    };
    PasswordPage {
        page: Page::for_user(u, text("web.account.password.title"), "/account/password"),
        rules: text(key).replace("%{min}", &policy.min_length().to_string()),
        error,
        expired: u.gate == Some(Gate::ChangePassword),
        home: home_of(u.actor.role),
    }
}

pub async fn password_form(
    State(st): State<AppState>,
    u: PageUser,
    Query(d): Query<Done>,
) -> Response {
    let mut p = password_page(&st, &u, None);
    p.page.flash = flash(d.done.as_deref());
    render(&p)
}

pub async fn change_password(
    State(st): State<AppState>,
    u: PageUser,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let ch = OwnChange {
        current: field(&f, "current_password").unwrap_or_default(),
        new: field(&f, "password").unwrap_or_default(),
        again: field(&f, "password2").unwrap_or_default(),
    };
    match passwords::change_own(&st, &u.actor, ch).await {
        Ok(()) => Redirect::to("/account/password?done=password").into_response(),
        Err(e) if e.class() == crate::error::Class::Invalid => {
            // The passwords are not sent back into the form.
            let p = password_page(&st, &u, Some(message(&e)));
            (status(e.class()), render(&p)).into_response()
        }
        Err(e) => error_page(e),
    }
}
