//! The admin's account pages (`/admin/accounts`): the HTML adapter of
//! `auth::service::accounts`, the same door as `/api/v1/accounts` and `linli admin`.
//! Each handler reads a form or a query into the service's input, calls it and renders
//! what it gives back; a refused form comes back as typed, with the reason naming the
//! field in the page's language.

mod accounts;
mod admin_totp;
mod own;

use crate::auth::Role;
use crate::error::Error;
use crate::web::i18n::text;
use crate::web::routes::{ANYONE, PageRoutes};

/// Accounts are the admin's alone (the service refuses everyone else too).
pub const ADMIN: &[Role] = &[Role::Admin];

pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/admin/accounts", ADMIN, accounts::list)
        .get_post(
            "/admin/accounts/new",
            ADMIN,
            accounts::new_form,
            accounts::create,
        )
        .get_post(
            "/admin/accounts/{id}",
            ADMIN,
            accounts::page,
            accounts::change,
        )
        .post("/admin/accounts/{id}/password", ADMIN, accounts::password)
        .post("/admin/accounts/{id}/lock", ADMIN, accounts::lock)
        .post("/admin/accounts/{id}/totp/reset", ADMIN, admin_totp::reset)
        .get_post("/account/totp", ANYONE, own::totp_form, own::confirm)
        .post("/account/totp/disable", ANYONE, own::disable)
        .get_post(
            "/account/password",
            ANYONE,
            own::password_form,
            own::change_password,
        )
        .post(
            "/admin/accounts/{id}/tokens/revoke",
            ADMIN,
            accounts::revoke_all,
        )
        .post(
            "/admin/accounts/{id}/tokens/{token}/revoke",
            ADMIN,
            accounts::revoke_one,
        )
}

pub use crate::web::form::{Fields, field, number};

/// A role from a select; blank is none.
pub fn role(f: &Fields, name: &str) -> crate::error::Result<Option<Role>> {
    match field(f, name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Role::parse(v).map(Some).ok_or_else(|| {
            Error::invalid(name, crate::error::Code::InvalidChoice)
                .with("allowed", Role::ALL.map(Role::as_str).join(", "))
        }),
    }
}

/// The roles, in the page's language, for a select.
pub fn role_options() -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                text(&format!("web.role.{}", r.as_str())),
            )
        })
        .collect()
}
