//! The `UPDATE` of a step: built column by column, guarded by the version read.

use crate::clock::Millis;
use crate::db::{Arg, Q, Tx};
use crate::demands::rules::Outcome;
use crate::demands::store::DemandRow;
use crate::error::{Code, Error, Result};

/// An `UPDATE demands` under construction: always bumps the version, guarded by the
/// version read, so a concurrent change is a conflict and never a lost update.
pub(super) struct Update {
    q: Q,
}

impl Update {
    pub(super) fn new(o: &Outcome, now: Millis) -> Update {
        let mut q = Q::new("UPDATE demands SET version = version + 1, status = ");
        q.push_bind(o.to.as_str())
            .push(", level = ")
            .push_bind(o.level.as_str())
            .push(", updated_at = ")
            .push_bind(now);
        Update { q }
    }

    pub(super) fn set(mut self, column: &str, v: impl Into<Arg>) -> Update {
        self.q.push(", ").push(column).push(" = ").push_bind(v);
        self
    }

    /// `column = COALESCE(column, v)`: keeps the first time something happened.
    pub(super) fn set_first(mut self, column: &str, v: Millis) -> Update {
        self.q
            .push(", ")
            .push(column)
            .push(" = COALESCE(")
            .push(column)
            .push(", ")
            .push_bind(v)
            .push(")");
        self
    }

    pub(super) fn raw(mut self, sql: &str) -> Update {
        self.q.push(", ").push(sql);
        self
    }

    pub(super) async fn run(mut self, tx: &mut Tx, d: &DemandRow) -> Result<()> {
        self.q
            .push(" WHERE community_id = ")
            .push_bind(d.community_id)
            .push(" AND id = ")
            .push_bind(d.id)
            .push(" AND version = ")
            .push_bind(d.version);
        if self.q.execute(tx).await? != 1 {
            return Err(Error::new(Code::VersionConflict));
        }
        Ok(())
    }
}
