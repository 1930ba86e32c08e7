//! C2 · Demands: the closed loop from a resident's problem to a rated result.
//! (The background jobs here also purge spent login tokens.)
//!
//! The floor plan of docs/architecture.md: `model` (its words, what the service takes and
//! gives) · `rules` (the lifecycle and who sees what, pure) · `store` (SQL) · `service`
//! (the only door) · `api` and `pages` (adapters beside each other, calling the service;
//! `download` is how both send files) · `export` and `jobs` (files and background work,
//! through the same store and service).

pub mod api;
pub mod deadlines;
pub mod download;
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
