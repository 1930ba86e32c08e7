//! What every handler and service can reach: the database, the writer that batches
//! intakes, the settings and the clock. Cheap to clone; nothing in it that a second node
//! would miss (the clock's offset is only ever moved by tests and the demo replay).
//!
//! It imports nothing of the capabilities, so every capability can take it without an
//! import loop (the router assembly is `app.rs`).

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Db;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Runs writes that benefit from group commit (intake).
    pub writer: crate::db::batch::Writer,
    pub settings: Arc<Settings>,
    pub clock: Clock,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> AppState {
        AppState {
            writer: crate::db::batch::Writer::new(db.clone()),
            db,
            settings: Arc::new(settings),
            clock: Clock::system(),
        }
    }
}
