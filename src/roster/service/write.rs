//! The frame of every roster write: one transaction, the caller's scope read inside it,
//! and the audit row of each object written (who, when, what changed), committed with
//! the write or not at all.

use serde::Serialize;

use crate::audit::{self, Entry};
use crate::auth::Actor;
use crate::clock::Millis;
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::roster::model::{Audited, ChangeAction, FieldChange};
use crate::roster::rules;
use crate::roster::scope::{Kind, Scope};
use crate::roster::store::{self, Place, Stored};
use crate::state::AppState;

/// What a change's audit row says besides who, when and which object.
#[derive(Serialize)]
struct Detail<'a> {
    changes: &'a [FieldChange],
}

pub(super) struct Write {
    pub tx: Tx,
    pub scope: Scope,
    pub now: Millis,
    pub user_id: i64,
}

impl Write {
    pub async fn begin(st: &AppState, actor: &Actor) -> Result<Write> {
        let mut tx = st.db.begin().await?;
        let scope = super::scope_in(&mut tx, actor).await?;
        Ok(Write {
            tx,
            scope,
            now: st.clock.now(),
            user_id: actor.user_id,
        })
    }

    /// A write that creates an object of this kind: 403 unless the caller may.
    pub async fn create(st: &AppState, actor: &Actor, kind: Kind) -> Result<Write> {
        let w = Write::begin(st, actor).await?;
        w.scope.check_create(kind)?;
        Ok(w)
    }

    /// The object to change: 404 unless the caller sees it, 403 unless they keep it.
    pub async fn load<T: Stored>(&mut self, id: i64) -> Result<T> {
        let item = store::find::<T>(&mut self.tx, id)
            .await?
            .ok_or_else(Error::not_found)?;
        self.scope.check_write(T::KIND, item.loc())?;
        Ok(item)
    }

    /// Reads the new object back, records its creation and commits.
    pub async fn created<T: Stored + Audited>(mut self, id: i64) -> Result<T> {
        let item = self.reread::<T>(id).await?;
        self.created_as(item).await
    }

    /// Records the creation of the new object as read back (`reread`), and commits.
    pub async fn created_as<T: Stored + Audited>(mut self, item: T) -> Result<T> {
        let changes = rules::changes(&[], &item.fields());
        self.record(ChangeAction::Create, &item, &changes).await?;
        self.tx.commit().await?;
        Ok(item)
    }

    /// Reads the changed object back, records what changed and commits.
    pub async fn updated<T: Stored + Audited>(mut self, old: &T) -> Result<T> {
        let item = self.reread::<T>(old.id()).await?;
        let changes = rules::changes(&old.fields(), &item.fields());
        self.record(ChangeAction::Update, &item, &changes).await?;
        self.tx.commit().await?;
        Ok(item)
    }

    /// Records the changes of other objects the write touched (the buildings a grid took
    /// or let go), those that did change.
    pub async fn touched<T: Stored + Audited>(&mut self, olds: &[T]) -> Result<()> {
        let ids: Vec<i64> = olds.iter().map(T::id).collect();
        let news = store::find_many::<T>(&mut self.tx, &ids).await?;
        for (old, new) in olds.iter().zip(&news) {
            let changes = rules::changes(&old.fields(), &new.fields());
            if !changes.is_empty() {
                self.record(ChangeAction::Update, new, &changes).await?;
            }
        }
        Ok(())
    }

    /// Records the deletion of what the object was, and commits.
    pub async fn deleted<T: Stored + Audited>(mut self, old: &T) -> Result<()> {
        let changes = rules::changes(&old.fields(), &[]);
        self.record(ChangeAction::Delete, old, &changes).await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// The object as written in this transaction.
    pub async fn reread<T: Stored>(&mut self, id: i64) -> Result<T> {
        let found = store::find::<T>(&mut self.tx, id).await?;
        found.ok_or_else(|| Error::internal("a roster object written is not there"))
    }

    /// Records that the caller saw these objects' personal fields whole (`detail` says
    /// which, and why), and commits: no whole view without its audit row.
    pub async fn viewed<T: Stored>(mut self, items: &[T], detail: &str) -> Result<()> {
        for item in items {
            self.entry("view_pii", item, detail).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    async fn record<T: Stored>(
        &mut self,
        action: ChangeAction,
        item: &T,
        changes: &[FieldChange],
    ) -> Result<()> {
        let detail = serde_json::to_string(&Detail { changes }).map_err(Error::internal)?;
        self.entry(action.as_str(), item, &detail).await
    }

    /// Writes one audit row about `item` (an action besides create, update and delete),
    /// committed with the write.
    pub async fn entry<T: Stored>(&mut self, action: &str, item: &T, detail: &str) -> Result<()> {
        let loc = item.loc();
        let place = loc.community_id.map(|community_id| Place {
            street_id: loc.street_id,
            community_id,
        });
        let entry = Entry {
            at: self.now,
            user_id: self.user_id,
            action,
            object_kind: T::KIND.as_str(),
            object_id: item.id(),
            detail,
            place,
        };
        match place {
            Some(_) => audit::record(&mut self.tx, entry).await?,
            None => audit::record_for_street(&mut self.tx, entry, loc.street_id).await?,
        }
        Ok(())
    }
}
