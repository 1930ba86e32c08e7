//! What every capability's HTTP side shares: language, JSON in and out, errors.

pub mod error;
pub mod i18n;
pub mod json;
pub mod validate;

/// The front page: what this is and where the API is. (The pages people work in come with
/// the workbench.)
pub fn index_page() -> String {
    use crate::tr;
    let lang = i18n::current().code();
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>{title}</h1><p>{intro}</p>\
         <ul><li><a href=\"/api/openapi.json\">{api}</a></li>\
         <li><a href=\"/healthz\">{health}</a></li></ul>\
         <p><a href=\"?lang=zh-CN\">中文</a> · <a href=\"?lang=en\">English</a></p>\
         </main></body></html>",
        title = escape(&tr!("web.index.title")),
        intro = escape(&tr!("web.index.intro")),
        api = escape(&tr!("web.index.api")),
        health = escape(&tr!("web.index.health")),
    )
}

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
