//! The data subject's rights (PIPL arts. 44–47): everything Linli holds about a resident,
//! as a page and a machine-readable file, for the resident themself and for the office
//! answering their request; and anonymising a resident, keeping only what the figures and
//! the law need. The retention rules that clear what is no longer needed run with the
//! background jobs (`demands::jobs`, `audit::prune`).
//!
//! Above the roster and the demands: it reads and changes both in one transaction.

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
