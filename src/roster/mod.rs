//! C1 · Roster and jurisdiction.
pub mod api;
pub mod ids;
pub mod model;
pub mod pages;
pub mod store;

/// The roster's API and its pages.
pub fn router() -> crate::web::routes::Routes {
    crate::web::routes::Routes::new(api::router(), pages::routes())
}
