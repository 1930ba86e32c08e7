//! The measures' words: the period a question asks about, the question, and the answers
//! the service gives — the API sends them as they are, the dashboard draws them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::clock::{DAY, Millis, day_of, day_start, parse_time};
use crate::error::{Error, Result};

use super::rates::{Counts, Rates};

/// What to group by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Grid,
    Community,
    Street,
    Category,
    Channel,
}

/// Filters besides the period.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub category: Option<String>,
    pub channel: Option<String>,
}

#[derive(sqlx::FromRow)]
pub struct GroupRow {
    pub key: Option<String>,
    pub name: Option<String>,
    #[sqlx(flatten)]
    pub counts: Counts,
}

/// Demands received in `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Millis,
    pub to: Millis,
}

/// How a period's end is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ends {
    /// `to` is the first moment not counted (the API: "received before").
    Before,
    /// `to` is the last day counted, as people pick days on the dashboard; the period
    /// ends at the midnight after it. Whole days are also what the rollups read without
    /// counting anything live.
    Through,
}

/// Days in a period when its start is not given.
pub const DEFAULT_DAYS: i64 = 30;

impl Period {
    /// Parses `from` and `to` (`2026-11-01` in China time, or RFC 3339): `to` defaults to
    /// now (the API) or the end of today (the dashboard), `from` to thirty days before
    /// `to`. A value that does not parse, or a `from` not before `to`, is refused
    /// (`invalid_query` naming it).
    pub fn parse(from: Option<&str>, to: Option<&str>, now: Millis, ends: Ends) -> Result<Period> {
        let from = from.map(str::trim).filter(|s| !s.is_empty());
        let to = to.map(str::trim).filter(|s| !s.is_empty());
        let to = match (to, ends) {
            (Some(t), Ends::Through) if is_day(t) => parse_time(t).map(|t| t + DAY),
            (Some(t), _) => parse_time(t),
            (None, Ends::Before) => Some(now),
            (None, Ends::Through) => Some(day_start(day_of(now) + 1)),
        }
        .ok_or_else(|| Error::query("to"))?;
        let from = match from {
            Some(f) => parse_time(f).ok_or_else(|| Error::query("from"))?,
            None => to - DEFAULT_DAYS * DAY,
        };
        if from >= to {
            return Err(Error::query("from"));
        }
        Ok(Period { from, to })
    }

    /// The weeks ending with the period's end, oldest first.
    pub fn weeks_back(self, n: i64) -> Vec<Period> {
        (0..n)
            .rev()
            .map(|w| {
                let to = self.to - w * 7 * DAY;
                Period {
                    from: to - 7 * DAY,
                    to,
                }
            })
            .collect()
    }
}

/// `YYYY-MM-DD`, a day rather than a moment.
fn is_day(s: &str) -> bool {
    s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok()
}

/// What the measures are asked: a period, how to group, and what to keep.
#[derive(Clone, Debug)]
pub struct Question {
    pub period: Period,
    pub group_by: Option<GroupBy>,
    pub filter: Filter,
}

/// The counts and rates of one group.
#[derive(Serialize, ToSchema)]
pub struct Measure {
    /// The group's key (grid id, community id, street id, category code or channel);
    /// null for the total and for demands not yet placed in a grid or category.
    pub key: Option<String>,
    pub name: Option<String>,
    pub counts: Counts,
    pub rates: Rates,
}

#[derive(Serialize, ToSchema)]
pub struct Measures {
    pub from: String,
    pub to: String,
    pub total: Measure,
    pub groups: Vec<Measure>,
}

/// Open and overdue demands of one grid (or of those not placed in a grid yet).
#[derive(Clone, Debug)]
pub struct GridLoad {
    pub grid_id: Option<i64>,
    pub name: Option<String>,
    pub open: i64,
    pub overdue: i64,
}

/// One week of the trend: received and closed among the demands received in it.
#[derive(Clone, Debug)]
pub struct Week {
    pub period: Period,
    pub counts: Counts,
}

/// Everything the dashboard shows, for one caller and one period.
pub struct Dashboard {
    pub period: Period,
    pub total: Counts,
    pub weeks: Vec<Week>,
    pub grids: Vec<GridLoad>,
    pub categories: Vec<GroupRow>,
    pub channels: Vec<GroupRow>,
    /// Per community, for those above one community (the street, admin).
    pub communities: Vec<GroupRow>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_time;

    fn at(s: &str) -> Millis {
        parse_time(s).unwrap()
    }

    #[test]
    fn the_api_counts_up_to_a_moment_and_the_dashboard_through_a_day() {
        let now = at("2026-12-01T10:00:00+08:00");
        let api = Period::parse(Some("2026-11-01"), Some("2026-12-01"), now, Ends::Before).unwrap();
        assert_eq!(api.to, at("2026-12-01"));
        let dash =
            Period::parse(Some("2026-11-01"), Some("2026-11-30"), now, Ends::Through).unwrap();
        assert_eq!(dash, api);
        let default = Period::parse(None, None, now, Ends::Through).unwrap();
        assert_eq!(default.to, at("2026-12-02"));
        assert_eq!(default.from, default.to - DEFAULT_DAYS * DAY);
        assert_eq!(
            Period::parse(None, None, now, Ends::Before).unwrap().to,
            now
        );
    }

    #[test]
    fn a_period_that_does_not_parse_or_runs_backwards_is_refused_by_name() {
        let now = at("2026-12-01T10:00:00+08:00");
        let e = Period::parse(Some("yesterday"), None, now, Ends::Before).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.arg("detail").is_some()),
            ("invalid_query", true)
        );
        let e = Period::parse(Some("2026-12-05"), Some("2026-12-01"), now, Ends::Before);
        assert!(e.is_err());
        let e = Period::parse(None, Some("2026-13-01"), now, Ends::Through);
        assert!(e.is_err());
        // Empty values are absent, as clients send them.
        assert!(Period::parse(Some(""), Some(" "), now, Ends::Before).is_ok());
    }

    #[test]
    fn weeks_end_with_the_period() {
        let p = Period {
            from: Millis(0),
            to: Millis(70 * DAY),
        };
        let w = p.weeks_back(12);
        assert_eq!(w.len(), 12);
        assert_eq!(w[11].to, p.to);
        assert_eq!(w[0].from, p.to - 12 * 7 * DAY);
    }
}
