//! Counting many new demands in memory, for loaders that write demands by the million
//! (the city generator): far cheaper than recounting the table after the load, and it
//! adds to what the rollups already hold, so the demands already there stay counted.

use std::collections::HashMap;

use crate::db::{DbResult, Tx};

use super::{Change, Counted, DIMS, Dim, GRAINS, Grain, Share, Slot, slot, statement};

/// A rollup row's primary key, in the table's order.
fn key(c: &Change) -> (i64, &str, &str, &str, i64) {
    (c.2.0, c.0.as_str(), c.1.as_str(), &c.2.2, c.2.3)
}

/// Rollup rows per statement: under both engines' limits of parameters (26 a row).
const ROWS_PER_STATEMENT: usize = 1_000;

/// New demands' shares, summed per rollup row, until written.
#[derive(Default)]
pub struct Tally {
    rows: HashMap<(Grain, Dim, Slot), Share>,
}

impl Tally {
    /// Counts a demand that is being written (in the same transaction as [`Tally::write`]).
    pub fn add(&mut self, d: &Counted<'_>) {
        let share = Share::of(d);
        for (grain, dim) in GRAINS.into_iter().flat_map(|g| DIMS.map(|d| (g, d))) {
            let e = self
                .rows
                .entry((grain, dim, slot(grain, dim, d)))
                .or_default();
            *e = e.plus(share);
        }
    }

    /// Rollup rows counted and not yet written.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds what was counted to the rollups and starts again from nothing. Returns the
    /// rollup rows written.
    pub async fn write(&mut self, tx: &mut Tx) -> DbResult<u64> {
        let mut changes: Vec<Change> = self
            .rows
            .drain()
            .map(|((grain, dim, at), share)| (grain, dim, at, share))
            .collect();
        // In key order: each statement then touches neighbouring pages of the table.
        changes.sort_by(|a, b| key(a).cmp(&key(b)));
        let mut n = 0;
        for chunk in changes.chunks(ROWS_PER_STATEMENT) {
            if let Some(q) = statement(chunk) {
                n += q.execute(tx).await?;
            }
        }
        Ok(n)
    }
}
