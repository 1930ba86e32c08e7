//! The roster over HTTP: `/api/v1/{streets, communities, compounds, buildings, households,
//! residents, grids, party-branches, units, teams}`, each with list, read, create, update
//! and delete, plus the buildings of a grid, the members of a team and the history of an
//! object (`/api/v1/roster/history`).
//!
//! A thin adapter. What a request brings (the caller, a list's filter and page, an id, a
//! body) is taken apart once for every kind in [`extract`], with the service call it
//! makes, so each documented handler is one line. A body parses itself into the
//! service's input (with the helpers below) in its `Create` or `Edit`. Scope, rules,
//! transactions and the audit log are the service's.

pub mod buildings;
pub mod consents;
pub mod extract;
pub mod grids;
pub mod history;
pub mod residents;
pub mod teams;
pub mod tree;

use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;

use crate::error::Result;
use crate::roster::model::{self, Paging};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(tree::router())
        .merge(buildings::router())
        .merge(residents::router())
        .merge(consents::router())
        .merge(grids::router())
        .merge(teams::router())
        .merge(history::router())
}

/// Where a page of a list starts and how long it is.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1-500 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

impl PageQuery {
    pub fn paging(&self) -> Result<Paging> {
        Paging::new(self.limit, self.cursor)
    }
}

/// For PATCH bodies: tells "absent" (`None`) from "set to null" (`Some(None)`).
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

// The text of every kind is read as the roster's model reads it (pages read it the same).
use crate::roster::model::forms::{edit_nullable, edit_phone, edit_text, name, rename, text};

/// A kind in an edit: absent keeps it.
fn edit_kind(v: Option<&str>, allowed: &[&str]) -> Result<Option<String>> {
    v.map(|k| model::kind(Some(k), allowed)).transpose()
}
