//! `/admin/categories`: the demand categories with their deadlines (accept within so many
//! hours, feed back within so many days), their names, order and whether they are offered;
//! a new one. Through `demands::service::put_category`, the door `PUT /api/v1/categories`
//! uses, with the same checks (`CategoryRequest::parse`). For the admin, as the service.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::Role;
use crate::demands::model::{Category, CategoryRequest};
use crate::demands::service;
use crate::error::{Class, Code, Error, Result};
use crate::state::AppState;
use crate::web::error::status;
use crate::web::i18n::text;
use crate::web::pages::{Page, error_page, render};
use crate::web::routes::PageRoutes;
use crate::web::session::PageUser;

use super::form::{Fields, field, given};

/// Categories are set by the admin (the service refuses everyone else).
pub const ADMIN: &[Role] = &[Role::Admin];

pub fn routes() -> PageRoutes {
    PageRoutes::new().get_post("/admin/categories", ADMIN, list, save)
}

/// One category's row of the form: what is stored, or what was typed into a refused form.
pub struct Row {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub accept_hours: String,
    pub feedback_days: String,
    pub sort: String,
    pub active: bool,
    pub error: Option<String>,
}

impl Row {
    fn of(c: &Category) -> Row {
        Row {
            code: c.code.clone(),
            name_zh: c.name_zh.clone(),
            name_en: c.name_en.clone(),
            accept_hours: c.accept_hours.to_string(),
            feedback_days: c.feedback_days.to_string(),
            sort: c.sort.to_string(),
            active: c.active,
            error: None,
        }
    }

    fn typed(f: &Fields, error: String) -> Row {
        let v = |n: &str| field(f, n).unwrap_or_default().to_string();
        Row {
            code: v("code"),
            name_zh: v("name_zh"),
            name_en: v("name_en"),
            accept_hours: v("accept_hours"),
            feedback_days: v("feedback_days"),
            sort: v("sort"),
            active: field(f, "active").is_some(),
            error: Some(error),
        }
    }

    fn blank() -> Row {
        Row {
            code: String::new(),
            name_zh: String::new(),
            name_en: String::new(),
            accept_hours: "24".into(),
            feedback_days: "14".into(),
            sort: "500".into(),
            active: true,
            error: None,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/categories.html")]
struct CategoriesPage {
    page: Page,
    rows: Vec<Row>,
    new: Row,
}

#[derive(Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

async fn categories_page(
    st: &AppState,
    u: &PageUser,
    refused: Option<(Fields, String)>,
) -> Result<CategoriesPage> {
    let all = service::categories(st, &u.actor).await?;
    let mut new = Row::blank();
    let mut rows: Vec<Row> = all.iter().map(Row::of).collect();
    if let Some((f, why)) = refused {
        let code = field(&f, "code").unwrap_or_default();
        let is_new = field(&f, "new").is_some();
        match rows.iter_mut().find(|r| r.code == code).filter(|_| !is_new) {
            Some(r) => *r = Row::typed(&f, why),
            None => new = Row::typed(&f, why),
        }
    }
    Ok(CategoriesPage {
        page: Page::for_user(u, text("web.admin.categories.title"), "/admin/categories"),
        rows,
        new,
    })
}

pub async fn list(State(st): State<AppState>, u: PageUser, Query(d): Query<Done>) -> Response {
    match categories_page(&st, &u, None).await {
        Ok(mut p) => {
            let done = d
                .done
                .and_then(|code| p.rows.iter().find(|r| r.code == code));
            if let Some(r) = done {
                let saved = text("web.admin.categories.done").replace("%{name}", &r.name_zh);
                p.page.flash = Some(saved);
            }
            render(&p)
        }
        Err(e) => error_page(e),
    }
}

fn whole(f: &Fields, name: &str) -> Result<i64> {
    given(f, name)
        .ok_or_else(|| Error::required(name))?
        .trim()
        .parse()
        .map_err(|_| Error::invalid(name, Code::InvalidNumber))
}

/// The form as the API's request: the same parse, the same refusals.
fn request(f: &Fields) -> Result<CategoryRequest> {
    Ok(CategoryRequest {
        name_zh: field(f, "name_zh").map(str::to_string),
        name_en: field(f, "name_en").map(str::to_string),
        accept_hours: whole(f, "accept_hours")?,
        feedback_days: whole(f, "feedback_days")?,
        active: Some(field(f, "active").is_some()),
        sort: given(f, "sort").map(|_| whole(f, "sort")).transpose()?,
    })
}

pub async fn save(State(st): State<AppState>, u: PageUser, Form(f): Form<Fields>) -> Response {
    if let Err(r) = u.check_csrf(field(&f, "csrf").unwrap_or("")) {
        return r.into_response();
    }
    let code = field(&f, "code").unwrap_or_default().trim().to_string();
    let saved = async {
        let all = service::categories(&st, &u.actor).await?;
        // A new category may not take the code of one there is (that is an edit).
        if field(&f, "new").is_some() && all.iter().any(|c| c.code == code) {
            return Err(Error::invalid("code", Code::Duplicate));
        }
        let input = request(&f)?.parse(&code)?;
        service::put_category(&st, &u.actor, input).await
    }
    .await;
    match saved {
        Ok(c) => Redirect::to(&format!("/admin/categories?done={}", c.code)).into_response(),
        Err(e) if matches!(e.class(), Class::Invalid | Class::Conflict) => {
            let code = status(e.class());
            match categories_page(&st, &u, Some((f, crate::web::error::message(&e)))).await {
                Ok(p) => (code, render(&p)).into_response(),
                Err(e) => error_page(e),
            }
        }
        Err(e) => error_page(e),
    }
}
