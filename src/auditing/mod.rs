//! The audit log as its readers meet it (C13): a page and an API with filters — the
//! person concerned, who acted, what kind of action, a period — newest first a page at a
//! time, exported as CSV or Excel (and the export audited in turn). For admin (every
//! row), the street (its street's) and the secretary (their community's).
//!
//! Writing the log, its hash chains and their verification live in [`crate::audit`],
//! below every capability; this reads it, above them.

mod api;
pub mod model;
mod pages;
pub mod service;
mod store;

use crate::web::routes::Routes;

pub fn router() -> Routes {
    Routes {
        api: api::router(),
        pages: pages::routes(),
    }
}
