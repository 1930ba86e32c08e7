//! C1 · Roster and jurisdiction.
pub mod api;
pub mod ids;
pub mod model;
pub mod pages;
pub mod store;
