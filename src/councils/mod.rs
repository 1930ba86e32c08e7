//! C3 · Councils and decisions (议事协商), with C9's linkage teams (五方联动): councils of
//! a community or a grid and their schedules, meetings with agenda, attendance and votes,
//! decisions with their terms and follow-through, and consent campaigns in which the
//! households of a building or compound say whether they agree (PRODUCT.md C3, C9;
//! stories 2, 8 and 10; issue 15).
//!
//! The floor plan of docs/architecture.md: `model` (its words and values, parsed at the
//! edge, and the inputs the service takes) · `rules` (vote counting, quorum and the legal
//! presets, consent summaries, follow-through, schedules, who sees and runs what; pure) ·
//! `store` (SQL) · `service` (the only door) · `api` (and pages, beside it) · `ics`
//! (meetings as an RFC 5545 calendar).

pub mod api;
pub mod ics;
pub mod model;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;

/// Councils' API and pages.
pub fn router() -> crate::web::routes::Routes {
    crate::web::routes::Routes::new(api::router(), pages::routes())
}
