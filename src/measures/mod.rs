//! C2/C10 · Measures: the "three rates" of the 12345 hotline and the on-time feedback rate,
//! per grid, community, street, category or channel over a period; and the councils'
//! figures (`councils`).

pub mod api;
pub mod councils;
pub mod model;
pub mod pages;
pub mod rates;
pub mod rollups;
pub mod rules;
pub mod service;
pub mod store;

/// The measures' API and the dashboard.
pub fn router() -> crate::web::routes::Routes {
    crate::web::routes::Routes::new(api::router(), pages::routes())
}
