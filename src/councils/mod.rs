//! C3 · Councils and decisions (议事协商), with C9's linkage teams (五方联动): councils of
//! a community or a grid and their schedules, meetings with agenda, attendance and votes,
//! decisions with their terms and follow-through, and consent campaigns in which the
//! households of a building or compound say whether they agree (PRODUCT.md C3, C9;
//! stories 2, 8 and 10; issue 15).
//!
//! So far only the pure middle of the floor plan in docs/architecture.md exists: `model`
//! (its words and values, parsed at the edge), `rules` (vote counting, quorum and the
//! legal presets, consent summaries, follow-through, schedules; no database, no clock
//! read, no HTTP) and `ics` (meetings as an RFC 5545 calendar). There is **no `router()`
//! yet**: the store, the service, the API and the pages come next, and `app.rs` does not
//! list this capability until they do.

pub mod ics;
pub mod model;
pub mod rules;
pub mod service;
pub mod store;
