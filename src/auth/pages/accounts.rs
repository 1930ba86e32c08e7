//! `/admin/accounts`: the list (by role, by a part of the name, a page at a time, with the
//! total), a new account, and one account's page: its role and attachment, a new
//! password, lock and unlock, its sessions and tokens.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::model::{TokenInfo, TokenKind};
use crate::auth::service::accounts::{Account, AccountChange, AccountFilter, NewAccount, Places};
use crate::auth::service::{self, accounts};
use crate::clock::format_local;
use crate::error::{Code, Error, Result};
use crate::state::AppState;
use crate::web::error::status;
use crate::web::form::Refill;
use crate::web::i18n::text;
use crate::web::pages::{Page, error_page, render, url_escape};
use crate::web::session::PageUser;

use super::{Fields, field, number, role, role_options};

/// Accounts on one page of the list.
const PER_PAGE: i64 = 50;

/// An account as a row of the list.
pub struct Row {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub attached: String,
    pub status: String,
    pub locked: bool,
}

/// What an account is attached to, in words: its resident, unit, community or street.
fn attached(a: &Account) -> String {
    let parts: Vec<&str> = [
        a.street_name.as_deref(),
        a.community_name.as_deref(),
        a.unit_name.as_deref(),
        a.resident_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        text("web.admin.accounts.no_scope")
    } else {
        parts.join(" · ")
    }
}

fn status_of(a: &Account) -> String {
    if !a.active {
        text("web.admin.accounts.locked")
    } else if let Some(until) = &a.locked_until {
        text("web.admin.accounts.locked_until").replace("%{until}", &until.replace('T', " ")[..16])
    } else {
        text("web.admin.accounts.active")
    }
}

impl Row {
    fn of(a: &Account) -> Row {
        Row {
            id: a.id,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: text(&format!("web.role.{}", a.role.as_str())),
            attached: attached(a),
            status: status_of(a),
            locked: !a.active || a.locked_until.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
    total: String,
    roles: Vec<(String, String)>,
    role: String,
    q: String,
    next: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub role: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<String>,
}

pub async fn list(
    State(st): State<AppState>,
    u: PageUser,
    Query(lq): Query<ListQuery>,
) -> Response {
    let f: Fields = [("role", &lq.role), ("q", &lq.q), ("cursor", &lq.cursor)]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
        .collect();
    let q = field(&f, "q").unwrap_or_default().trim().to_string();
    let role_code = field(&f, "role").unwrap_or_default().to_string();
    let found = async {
        let filter = AccountFilter {
            role: role(&f, "role")?,
            q: Some(q.clone()).filter(|q| !q.is_empty()),
        };
        let cursor = number(&f, "cursor")?;
        accounts::list_accounts(&st, &u.actor, &filter, Some(PER_PAGE), cursor).await
    }
    .await;
    let mut p = ListPage {
        page: Page::for_user(&u, text("web.admin.accounts.title"), "/admin/accounts"),
        rows: Vec::new(),
        total: String::new(),
        roles: role_options(),
        role: role_code.clone(),
        q: q.clone(),
        next: None,
        error: None,
    };
    match found {
        Ok(page) => {
            p.rows = page.items.iter().map(Row::of).collect();
            p.total = text("web.admin.accounts.total").replace("%{n}", &page.total.to_string());
            p.next = page.next_cursor.map(|c| {
                format!(
                    "/admin/accounts?role={}&q={}&cursor={c}",
                    url_escape(&role_code),
                    url_escape(&q)
                )
            });
            render(&p)
        }
        Err(e) if e.class() == crate::error::Class::Invalid => {
            let code = status(e.class());
            p.error = Some(crate::web::error::message(&e));
            (code, render(&p)).into_response()
        }
        Err(e) => error_page(e),
    }
}

/// The choices of what an account is attached to.
pub struct Choices {
    pub streets: Vec<(i64, String)>,
    pub communities: Vec<(i64, String)>,
    pub units: Vec<(i64, String)>,
}

impl Choices {
    fn of(p: Places) -> Choices {
        let named = |v: Vec<accounts::Place>| {
            v.into_iter()
                .map(|p| {
                    let name = match p.street {
                        Some(s) => format!("{s} · {}", p.name),
                        None => p.name,
                    };
                    (p.id, name)
                })
                .collect()
        };
        Choices {
            streets: named(p.streets),
            communities: named(p.communities),
            units: named(p.units),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/account_new.html")]
struct NewPage {
    page: Page,
    roles: Vec<(String, String)>,
    choices: Choices,
    values: Fields,
    error: Option<String>,
}

impl Refill for NewPage {
    fn values(&self) -> &Fields {
        &self.values
    }
}

impl NewPage {
    fn chosen(&self, name: &str, id: &i64) -> bool {
        self.picked(name, id)
    }
}

async fn new_page(
    st: &AppState,
    u: &PageUser,
    values: Fields,
    error: Option<String>,
) -> Result<NewPage> {
    let choices = Choices::of(accounts::places(st, &u.actor).await?);
    Ok(NewPage {
        page: Page::for_user(u, text("web.admin.accounts.new"), "/admin/accounts/new"),
        roles: role_options(),
        choices,
        values,
        error,
    })
}

pub async fn new_form(State(st): State<AppState>, u: PageUser) -> Response {
    match new_page(&st, &u, Vec::new(), None).await {
        Ok(p) => render(&p),
        Err(e) => error_page(e),
    }
}

/// Two password fields: both empty (generate one) or the same.
fn typed_password(f: &Fields) -> Result<Option<String>> {
    let one = field(f, "password").unwrap_or_default();
    let two = field(f, "password2").unwrap_or_default();
    if one != two {
        return Err(Error::invalid("password2", Code::PasswordMismatch));
    }
    Ok(Some(one.to_string()).filter(|p| !p.is_empty()))
}

fn new_account(f: &Fields) -> Result<NewAccount> {
    Ok(NewAccount {
        username: field(f, "username").map(str::to_string),
        display_name: field(f, "display_name").map(str::to_string),
        role: role(f, "role")?,
        street_id: number(f, "street_id")?,
        community_id: number(f, "community_id")?,
        unit_id: number(f, "unit_id")?,
        resident_id: number(f, "resident_id")?,
        password: typed_password(f)?,
    })
}

pub async fn create(State(st): State<AppState>, u: PageUser, Form(f): Form<Fields>) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let made = async { accounts::create_account(&st, &u.actor, new_account(&f)?).await }.await;
    match made {
        Ok(m) => match m.generated_password {
            // A generated password is shown this once: the page itself, not a redirect.
            Some(pw) => account_answer(&st, &u, m.account.id, "created", Some(pw)).await,
            None => done(m.account.id, "created"),
        },
        Err(e) => {
            let code = status(e.class());
            // The passwords are not sent back into the form.
            let kept: Fields = f
                .into_iter()
                .filter(|(k, _)| !k.starts_with("password"))
                .collect();
            match new_page(&st, &u, kept, Some(crate::web::error::message(&e))).await {
                Ok(p) => (code, render(&p)).into_response(),
                Err(e) => error_page(e),
            }
        }
    }
}

pub(super) fn done(id: i64, what: &str) -> Response {
    Redirect::to(&format!("/admin/accounts/{id}?done={what}")).into_response()
}

/// A session or token as a row.
pub struct TokenRow {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub created: String,
    pub expires: String,
    pub last_seen: String,
}

impl TokenRow {
    fn of(t: &TokenInfo) -> TokenRow {
        let kind = match t.kind {
            TokenKind::Session => "kind_session",
            TokenKind::Api => "kind_api",
            TokenKind::Web => "kind_web",
        };
        TokenRow {
            id: t.id,
            kind: text(&format!("web.admin.account.{kind}")),
            label: t.label.clone(),
            created: format_local(t.created_at),
            expires: format_local(t.expires_at),
            last_seen: format_local(t.last_seen_at),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    page: Page,
    account: Account,
    row: Row,
    roles: Vec<(String, String)>,
    choices: Choices,
    tokens: Vec<TokenRow>,
    values: Fields,
    /// The form refused and why: `change`, `password`, `lock` or `tokens`.
    error: Option<(String, String)>,
    generated: Option<String>,
}

impl Refill for AccountPage {
    fn values(&self) -> &Fields {
        &self.values
    }

    fn refused(&self) -> Option<&(String, String)> {
        self.error.as_ref()
    }
}

impl AccountPage {
    fn chosen(&self, name: &str, id: &i64) -> bool {
        self.picked(name, id)
    }

    fn is_grid_worker(&self) -> bool {
        self.account.role == crate::auth::Role::GridWorker
    }
}

/// The change form as the account is now.
fn values_of(a: &Account) -> Fields {
    let mut v = vec![
        ("display_name".to_string(), a.display_name.clone()),
        ("role".to_string(), a.role.as_str().to_string()),
    ];
    for (k, id) in [
        ("street_id", a.street_id),
        ("community_id", a.community_id),
        ("unit_id", a.unit_id),
        ("resident_id", a.resident_id),
    ] {
        if let Some(id) = id {
            v.push((k.to_string(), id.to_string()));
        }
    }
    v
}

async fn account_page(
    st: &AppState,
    u: &PageUser,
    id: i64,
    values: Option<Fields>,
    error: Option<(String, String)>,
) -> Result<AccountPage> {
    let a = &u.actor;
    let account = accounts::get_account(st, a, id).await?;
    let choices = Choices::of(accounts::places(st, a).await?);
    let tokens = service::list_tokens(st, a, Some(id), None, None).await?;
    let title = text("web.admin.account.title").replace("%{name}", &account.display_name);
    let path = format!("/admin/accounts/{id}");
    Ok(AccountPage {
        page: Page::for_user(u, title, &path),
        row: Row::of(&account),
        values: values.unwrap_or_else(|| values_of(&account)),
        account,
        roles: role_options(),
        choices,
        tokens: tokens.items.iter().map(TokenRow::of).collect(),
        error,
        generated: None,
    })
}

/// The account's page after a step, with its confirmation (and a generated password).
async fn account_answer(
    st: &AppState,
    u: &PageUser,
    id: i64,
    what: &str,
    generated: Option<String>,
) -> Response {
    match account_page(st, u, id, None, None).await {
        Ok(mut p) => {
            p.page.flash = flash(what, None);
            p.generated = generated;
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

fn flash(what: &str, n: Option<&str>) -> Option<String> {
    let key = match what {
        "created" => "done_created",
        "changed" => "done_changed",
        "password" => "done_password",
        "locked" => "done_locked",
        "unlocked" => "done_unlocked",
        "revoked" => "done_revoked",
        "totp_reset" => "done_totp_reset",
        _ => return None,
    };
    let t = text(&format!("web.admin.account.{key}"));
    Some(t.replace("%{n}", n.unwrap_or("1")))
}

#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
    pub n: Option<String>,
}

pub async fn page(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Query(d): Query<Done>,
) -> Response {
    match account_page(&st, &u, id, None, None).await {
        Ok(mut p) => {
            p.page.flash = d.done.as_deref().and_then(|w| {
                let n =
                    d.n.as_deref()
                        .filter(|n| n.chars().all(|c| c.is_ascii_digit()));
                flash(w, n)
            });
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

/// A refused form on the account's page: the page again, the form as typed, the reason.
pub(super) async fn refused(
    st: &AppState,
    u: &PageUser,
    id: i64,
    form: &str,
    values: Option<Fields>,
    e: Error,
) -> Response {
    if !matches!(e.class(), crate::error::Class::Invalid) {
        return error_page(e);
    }
    let code = status(e.class());
    let why = (form.to_string(), crate::web::error::message(&e));
    match account_page(st, u, id, values, Some(why)).await {
        Ok(p) => (code, render(&p)).into_response(),
        Err(e) => error_page(e),
    }
}

fn account_change(f: &Fields) -> Result<AccountChange> {
    Ok(AccountChange {
        display_name: field(f, "display_name").map(str::to_string),
        role: role(f, "role")?,
        street_id: number(f, "street_id")?,
        community_id: number(f, "community_id")?,
        unit_id: number(f, "unit_id")?,
        resident_id: number(f, "resident_id")?,
    })
}

pub async fn change(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let changed =
        async { accounts::change_account(&st, &u.actor, id, account_change(&f)?).await }.await;
    match changed {
        Ok(_) => done(id, "changed"),
        Err(e) => refused(&st, &u, id, "change", Some(f), e).await,
    }
}

pub async fn password(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let generate = field(&f, "generate").is_some();
    let reset = async {
        let typed = if generate { None } else { typed_password(&f)? };
        if !generate && typed.is_none() {
            return Err(Error::required("password"));
        }
        accounts::reset_password(&st, &u.actor, id, typed.as_deref()).await
    }
    .await;
    match reset {
        Ok(r) => match r.generated_password {
            Some(pw) => account_answer(&st, &u, id, "password", Some(pw)).await,
            None => done(id, "password"),
        },
        Err(e) => refused(&st, &u, id, "password", None, e).await,
    }
}

pub async fn lock(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let locked = field(&f, "locked") == Some("1");
    match accounts::set_locked(&st, &u.actor, id, locked).await {
        Ok(_) => done(id, if locked { "locked" } else { "unlocked" }),
        Err(e) => refused(&st, &u, id, "lock", None, e).await,
    }
}

pub async fn revoke_all(
    State(st): State<AppState>,
    u: PageUser,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    match accounts::revoke_all_tokens(&st, &u.actor, id).await {
        Ok(n) => Redirect::to(&format!("/admin/accounts/{id}?done=revoked&n={n}")).into_response(),
        Err(e) => refused(&st, &u, id, "tokens", None, e).await,
    }
}

pub async fn revoke_one(
    State(st): State<AppState>,
    u: PageUser,
    Path((id, token)): Path<(i64, i64)>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let revoked = async {
        // Only a token of this account, from its own page.
        let owned = service::list_tokens(&st, &u.actor, Some(id), Some(200), None).await?;
        if !owned.items.iter().any(|t| t.id == token) {
            return Err(Error::not_found());
        }
        service::revoke_token(&st, &u.actor, token).await
    }
    .await;
    match revoked {
        Ok(_) => done(id, "revoked"),
        Err(e) => refused(&st, &u, id, "tokens", None, e).await,
    }
}
