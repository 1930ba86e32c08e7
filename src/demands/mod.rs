//! C2 · Demands: the closed loop from a resident's problem to a rated result.
//! (The background jobs here also purge spent login tokens.)

pub mod api;
pub mod deadlines;
pub mod export;
pub mod figures;
pub mod jobs;
pub mod model;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;

/// The demand loop's API and its pages.
pub fn router() -> crate::web::routes::Routes {
    crate::web::routes::Routes::new(api::router(), pages::routes())
}
