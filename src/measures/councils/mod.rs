//! C3/C10 · Council measures (issue 15 item 7): meetings held, attendance, topics raised,
//! discussed and decided, and follow-through done on time, per grid, community and street
//! over a period — every figure opening exactly the records it counts ([`Counted`]).
//!
//! No rollups: each figure is one scoped `GROUP BY` over the councils' own tables, which
//! hold a few hundred meetings, topics and items per community a year and are read through
//! their `(community_id, …)` indexes. `linli bench councils` times a street's year at city
//! scale beside the same counts taken the way a CRUD application would (see
//! docs/performance.md); should they ever outgrow that, a rollup kept in the councils'
//! writing transactions would answer the same [`CouncilCounts`].

pub mod api;
pub mod pages;
pub mod rules;
pub mod service;
pub mod store;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::councils::model::records::{Decision, FollowItem, Meeting, Topic};

/// What to group the council measures by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CouncilGroupBy {
    /// The grid of a gazebo council; the community's own councils (the living room, a
    /// linkage team) have no grid and come as the group with a null key.
    Grid,
    Community,
    Street,
}

/// Which records a figure counts: the definition its number and its link share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Counted {
    /// Meetings that starting in the period were held (closed). Attendance is counted over
    /// the same meetings: their `present` against their `members`.
    MeetingsHeld,
    /// Topics raised (put on a council's demand list) in the period.
    TopicsRaised,
    /// Topics a meeting came to an outcome on in the period: decided, rejected, tied or
    /// no quorum (the results list).
    TopicsDiscussed,
    /// Of those, the ones decided.
    TopicsDecided,
    /// Follow-through items due in the period whose due day is past or that are done
    /// (items with children are counted through their children; cancelled ones not at all).
    ItemsDue,
    /// Of those, the ones done by the end of their due day (China time).
    ItemsOnTime,
    /// Of those, the ones still open after their due day.
    ItemsOverdue,
}

impl Counted {
    pub const ALL: [Counted; 7] = [
        Counted::MeetingsHeld,
        Counted::TopicsRaised,
        Counted::TopicsDiscussed,
        Counted::TopicsDecided,
        Counted::ItemsDue,
        Counted::ItemsOnTime,
        Counted::ItemsOverdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Counted::MeetingsHeld => "meetings_held",
            Counted::TopicsRaised => "topics_raised",
            Counted::TopicsDiscussed => "topics_discussed",
            Counted::TopicsDecided => "topics_decided",
            Counted::ItemsDue => "items_due",
            Counted::ItemsOnTime => "items_on_time",
            Counted::ItemsOverdue => "items_overdue",
        }
    }
}

/// Filters besides the period and the caller's scope.
#[derive(Clone, Debug, Default)]
pub struct CouncilFilter {
    pub street_id: Option<i64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    /// Only the community's own councils (no grid).
    pub no_grid: bool,
}

/// The counts behind the council figures of one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct CouncilCounts {
    pub meetings_held: i64,
    /// Members the meetings held counted when they opened, summed.
    pub members_expected: i64,
    /// Members present at them, summed.
    pub members_present: i64,
    pub topics_raised: i64,
    pub topics_discussed: i64,
    pub topics_decided: i64,
    pub items_due: i64,
    pub items_on_time: i64,
    pub items_overdue: i64,
}

impl CouncilCounts {
    pub fn add(&mut self, o: &CouncilCounts) {
        self.meetings_held += o.meetings_held;
        self.members_expected += o.members_expected;
        self.members_present += o.members_present;
        self.topics_raised += o.topics_raised;
        self.topics_discussed += o.topics_discussed;
        self.topics_decided += o.topics_decided;
        self.items_due += o.items_due;
        self.items_on_time += o.items_on_time;
        self.items_overdue += o.items_overdue;
    }

    /// The number a count figure shows (the attendance rate's parts are sums).
    pub fn of(&self, c: Counted) -> i64 {
        match c {
            Counted::MeetingsHeld => self.meetings_held,
            Counted::TopicsRaised => self.topics_raised,
            Counted::TopicsDiscussed => self.topics_discussed,
            Counted::TopicsDecided => self.topics_decided,
            Counted::ItemsDue => self.items_due,
            Counted::ItemsOnTime => self.items_on_time,
            Counted::ItemsOverdue => self.items_overdue,
        }
    }
}

/// The rates of one group (null when there is nothing to divide by).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct CouncilRates {
    /// members_present / members_expected over the meetings held.
    pub attendance_rate: Option<f64>,
    /// topics_decided / topics_discussed.
    pub decided_rate: Option<f64>,
    /// items_on_time / items_due: decisions carried out on time.
    pub on_time_rate: Option<f64>,
}

/// One group's council figures.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CouncilMeasure {
    /// Grid, community or street id; null for the total, and for the community's own
    /// councils when grouped by grid.
    pub key: Option<i64>,
    pub name: Option<String>,
    pub counts: CouncilCounts,
    pub rates: CouncilRates,
}

/// Consent campaigns run and reached (issue 15 item 5). Filled by the consent campaigns
/// when they land ([`service::campaign_figures`]); null until then.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct CampaignFigures {
    /// Campaigns that ran in the period.
    pub run: i64,
    /// Of those, the ones whose threshold was reached.
    pub reached: i64,
}

/// The council measures of a period, in the caller's scope.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CouncilMeasures {
    pub from: String,
    pub to: String,
    pub total: CouncilMeasure,
    pub groups: Vec<CouncilMeasure>,
    /// Consent campaigns: null until the campaigns provide their figures.
    pub campaigns: Option<CampaignFigures>,
}

/// The records one figure counts: the list its link opens. Only the list of the figure's
/// kind is filled.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct CouncilRecords {
    pub from: String,
    pub to: String,
    /// meetings_held.
    pub meetings: Vec<Meeting>,
    /// topics_raised.
    pub topics: Vec<Topic>,
    /// topics_discussed, topics_decided: the results list.
    pub decisions: Vec<Decision>,
    /// items_due, items_on_time, items_overdue.
    pub items: Vec<FollowItem>,
}
