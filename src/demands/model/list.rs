//! Lists of demands: the filters as they arrive (a query string, the same for the API, the
//! pages and the export) and as the service uses them (parsed), a page of a list, the
//! overdue summary, the workbench's counts, and reminders.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::clock::{Millis, parse_time};
use crate::error::{Error, Result};

use super::{Channel, DemandView, Level, ReminderKind, Status, Urgency};
use crate::demands::figures::Counted;

/// The filters of a list, as sent.
#[derive(Deserialize, IntoParams, Default, Clone, Debug)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One status or several, comma-separated: `submitted,accepted`.
    pub status: Option<String>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub category: Option<String>,
    pub channel: Option<Channel>,
    pub level: Option<Level>,
    pub urgency: Option<Urgency>,
    /// Received at or after (`2026-11-01` in China time, or RFC 3339).
    pub from: Option<String>,
    /// Received before (`2026-12-01` in China time, or RFC 3339).
    pub to: Option<String>,
    /// Only open demands past a deadline (not accepted in time, or not fed back in time).
    pub overdue: Option<bool>,
    /// Only demands given to the caller, their teams or their unit, still open.
    pub mine: Option<bool>,
    /// Only open demands with a deadline today (China time): to accept, or to feed back.
    pub due_today: Option<bool>,
    /// Words in the title.
    pub q: Option<String>,
    /// Only the demands one part of a rate counts (the dashboard's figures open these):
    /// received, due_for_response, responded_on_time, rated, solved, pleased (satisfied or
    /// basically), satisfied, basically_satisfied, unsatisfied, due_for_feedback,
    /// fed_back_on_time, closed_unrated, closed. See the definitions in the API description.
    #[param(inline)]
    pub counted: Option<Counted>,
    /// Only demands not placed in a grid yet.
    pub no_grid: Option<bool>,
    /// Only demands without a category yet.
    pub no_category: Option<bool>,
    /// Only the demands of one resident (the roster's resident page links here).
    pub resident_id: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

/// The filters of a list, parsed: what the service and the store work with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    /// Any of these (all when empty).
    pub statuses: Vec<Status>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub category: Option<String>,
    pub channel: Option<Channel>,
    pub level: Option<Level>,
    pub urgency: Option<Urgency>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    pub overdue: bool,
    pub mine: bool,
    pub due_today: bool,
    /// Words in the title, trimmed.
    pub words: Option<String>,
    pub counted: Option<Counted>,
    pub no_grid: bool,
    pub no_category: bool,
    pub resident_id: Option<i64>,
    pub limit: i64,
    pub cursor: Option<i64>,
}

/// The default page size and the largest.
pub const PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 200;

impl ListQuery {
    /// The filters, parsed; one that does not parse is a 400 `invalid_query` naming it.
    pub fn parse(&self) -> Result<Filters> {
        let statuses = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => Vec::new(),
            Some(s) => s
                .split(',')
                .map(|x| Status::parse(x.trim()).ok_or_else(|| Error::query("status")))
                .collect::<Result<Vec<_>>>()?,
        };
        let time = |v: Option<&str>, name: &str| {
            v.map(|t| parse_time(t).ok_or_else(|| Error::query(name)))
                .transpose()
        };
        let limit = self.limit.unwrap_or(PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::query("limit"));
        }
        Ok(Filters {
            statuses,
            community_id: self.community_id,
            grid_id: self.grid_id,
            category: self.category.clone(),
            channel: self.channel,
            level: self.level,
            urgency: self.urgency,
            from: time(self.from.as_deref(), "from")?,
            to: time(self.to.as_deref(), "to")?,
            overdue: self.overdue == Some(true),
            mine: self.mine == Some(true),
            due_today: self.due_today == Some(true),
            words: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            counted: self.counted,
            no_grid: self.no_grid == Some(true),
            no_category: self.no_category == Some(true),
            resident_id: self.resident_id,
            limit,
            cursor: self.cursor,
        })
    }

    /// The same filters for a whole export: no page.
    pub fn unpaged(&self) -> ListQuery {
        ListQuery {
            limit: None,
            cursor: None,
            ..self.clone()
        }
    }
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct DemandPage {
    pub items: Vec<DemandView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<i64>,
}

/// Overdue work of one grid (or of demands not yet placed in a grid).
#[derive(Serialize, ToSchema, sqlx::FromRow, Clone, Debug, PartialEq, Eq)]
pub struct OverdueGrid {
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
    /// Open demands not accepted within the accept deadline.
    pub accept_overdue: i64,
    /// Open demands not fed back within the feedback deadline.
    pub feedback_overdue: i64,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct OverdueSummary {
    pub grids: Vec<OverdueGrid>,
    pub accept_overdue: i64,
    pub feedback_overdue: i64,
}

/// The figures at the top of the workbench: open work by where it stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkCounts {
    pub to_accept: i64,
    /// Accepted, given to nobody yet (returned jobs among them).
    pub to_dispatch: i64,
    pub overdue: i64,
    /// Dispatched or in progress.
    pub in_hand: i64,
    pub to_feed_back: i64,
    /// Fed back, waiting for the resident's rating (or a call-back).
    pub to_rate: i64,
    /// Open, with a deadline today.
    pub due_today: i64,
}

/// A demand put in front of someone, and why.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Reminder {
    pub kind: ReminderKind,
    pub demand: DemandView,
}

/// What waits for the caller: for staff, the demands the background job reminded about
/// (not accepted in time, not fed back in time, a rating to ask again for) that are still
/// where they were; for volunteers and units, those of their own orders; for a resident,
/// their household's demands waiting for a rating. Newest first, at most 50.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Reminders {
    pub items: Vec<Reminder>,
}

/// The most reminders given at once.
pub const REMINDERS: i64 = 50;
