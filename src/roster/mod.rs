//! C1 · Roster and jurisdiction: the tree street → community → compound → building →
//! household → resident, grids, party branches, units and teams.
//!
//! The floor plan of docs/architecture.md: `model` (its words and values), `scope` and
//! `rules` (pure decisions), `store` (SQL), `service` (the only door), and `api` and
//! `pages` beside each other, both calling the service.
pub mod api;
pub mod ids;
pub mod model;
pub mod pages;
pub mod rules;
pub mod scope;
pub mod service;
pub mod store;

pub use model::sealed::SEALED;

/// The roster's API and its pages.
pub fn router() -> crate::web::routes::Routes {
    crate::web::routes::Routes::new(api::router(), pages::routes())
}
