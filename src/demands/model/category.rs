//! Demand categories and their deadlines: everyone reads them, admin sets them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Code, Error, Result};
use crate::web::i18n::Lang;
use crate::web::validate;

/// A demand category with its deadlines.
#[derive(Serialize, ToSchema, sqlx::FromRow, Clone, Debug)]
pub struct Category {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Hours from receipt to acceptance.
    pub accept_hours: i64,
    /// Days from receipt to feedback to the resident.
    pub feedback_days: i64,
    pub active: bool,
    pub sort: i64,
}

impl Category {
    /// The category's name in `lang`.
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.name_zh,
            Lang::En => &self.name_en,
        }
    }
}

// A category and its deadlines as sent (the code comes from the path).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub accept_hours: i64,
    pub feedback_days: i64,
    pub active: Option<bool>,
    pub sort: Option<i64>,
}

/// A category to create or change, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryInput {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub accept_hours: i64,
    pub feedback_days: i64,
    pub active: bool,
    pub sort: i64,
}

impl CategoryRequest {
    pub fn parse(self, code: &str) -> Result<CategoryInput> {
        let valid_code = !code.is_empty()
            && code.len() <= 40
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid_code {
            return Err(Error::invalid("code", Code::InvalidCategoryCode));
        }
        if !(1..=24 * 30).contains(&self.accept_hours) {
            return Err(Error::out_of_range("accept_hours", 1, 720));
        }
        if !(1..=365).contains(&self.feedback_days) {
            return Err(Error::out_of_range("feedback_days", 1, 365));
        }
        Ok(CategoryInput {
            code: code.to_string(),
            name_zh: validate::required("name_zh", self.name_zh.as_deref(), 20)?,
            name_en: validate::optional("name_en", self.name_en.as_deref(), 40)?
                .unwrap_or_else(|| code.to_string()),
            accept_hours: self.accept_hours,
            feedback_days: self.feedback_days,
            active: self.active.unwrap_or(true),
            sort: self.sort.unwrap_or(500),
        })
    }
}
