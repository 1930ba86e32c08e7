//! The admin's pages without a browser: accounts (list, new, role and attachment,
//! password, lock, tokens) and grids (new, rename, worker, buildings), each created,
//! edited, refused with the field named and what was typed kept, and closed to everyone
//! the service would refuse; and `/api/v1/accounts`, the same door as JSON.

mod accounts;
mod groups;

use axum::http::StatusCode;
use serde_json::json;

use crate::common::pages::PageClient;
use crate::common::{TestApp, record};

/// Signs in through the login form with a password; the answer to the form.
async fn sign_in<'a>(
    app: &'a TestApp,
    username: &str,
    password: &str,
) -> (PageClient<'a>, StatusCode) {
    let mut c = PageClient::new(app);
    let csrf = c.get("/login").await.csrf();
    let r = c
        .post(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", ""),
            ],
        )
        .await;
    (c, r.status)
}

/// The text between `<strong id="generated"><code>` and `</code>`.
fn generated(html: &str) -> String {
    let at = html
        .find("id=\"generated\"><code>")
        .expect("a generated password")
        + 21;
    html[at..at + html[at..].find("</code>").unwrap()].to_string()
}

async fn yucheng(app: &TestApp) -> i64 {
    app.scalar("SELECT MIN(id) FROM communities").await
}
