//! What the councils' service gives back, as stored and as the API shows it: a council
//! with its members, a meeting with its agenda and attendance, a topic with its options
//! and count, a decision and its follow-through. Read from rows (`sqlx::FromRow`), codes
//! parsed as they are decoded.

use serde::Serialize;
use utoipa::ToSchema;

use crate::clock::Millis;
use crate::roster::model::{as_rfc3339, as_rfc3339_opt};

use super::{
    Ballot, CouncilKind, FollowStatus, MajorityBase, MeetingStatus, MemberKind, OutcomeKind,
    TermsKind, TieRule, TopicSource, TopicStatus, VoteUnit,
};

/// A council (议事会) or linkage team (五方联动) of a community or one of its grids.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Council {
    pub id: i64,
    #[serde(skip)]
    pub street_id: i64,
    pub community_id: i64,
    /// The grid a gazebo council belongs to; none for the community's own.
    pub grid_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub kind: CouncilKind,
    pub name: String,
    /// The account that chairs it (a grid's party branch secretary).
    pub chair_user_id: Option<i64>,
    pub chair_name: Option<String>,
    /// Its schedule, an RFC 5545 RRULE (`FREQ=WEEKLY;BYDAY=MO`), from `first_starts_at`.
    pub recurrence: Option<String>,
    #[serde(serialize_with = "as_rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub first_starts_at: Option<Millis>,
    pub duration_minutes: i64,
    pub location: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: Millis,
}

/// A member: a resident, an account or a unit, with the name it is shown by.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    #[serde(skip)]
    pub council_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: MemberKind,
    pub resident_id: Option<i64>,
    pub user_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// A resident's name as lists show it; an account's display name; a unit's name.
    pub name: String,
    /// What they are on it (组长, 楼长, 物业经理…), free text.
    pub role: String,
}

/// A meeting of a council: when, where, its status, the minutes and the attendance
/// counted against the membership it had when it opened.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Meeting {
    pub id: i64,
    pub council_id: i64,
    #[serde(skip)]
    pub street_id: i64,
    pub community_id: i64,
    pub council_name: String,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub starts_at: Millis,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub ends_at: Millis,
    pub location: String,
    #[sqlx(try_from = "String")]
    pub status: MeetingStatus,
    pub minutes: String,
    /// Members of the council (when it opened; now, before).
    pub members: i64,
    pub present: i64,
    /// Raised at each change, for calendars (RFC 5545 SEQUENCE).
    pub sequence: i64,
    #[serde(serialize_with = "as_rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub closed_at: Option<Millis>,
}

/// A topic of a council on its three lists.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Topic {
    pub id: i64,
    pub council_id: i64,
    #[serde(skip)]
    pub street_id: i64,
    pub community_id: i64,
    pub title: String,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub source: TopicSource,
    /// The account that raised it.
    pub raised_by: Option<i64>,
    /// The resident who raised it on the portal (they follow its result there).
    pub raised_by_resident: Option<i64>,
    /// The demand it was promoted from; its timeline shows it went to council.
    pub demand_id: Option<i64>,
    /// The meeting whose agenda holds it.
    pub meeting_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: TopicStatus,
    #[sqlx(try_from = "String")]
    pub vote_unit: VoteUnit,
    #[sqlx(try_from = "String")]
    pub ballot: Ballot,
    /// simple, two_thirds, all.
    pub majority: String,
    #[sqlx(try_from = "String")]
    pub base: MajorityBase,
    #[sqlx(try_from = "String")]
    pub tie: TieRule,
    pub abstentions: i64,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub created_at: Millis,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub updated_at: Millis,
}

/// An option of a topic with the votes it has.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct TopicOption {
    pub id: i64,
    #[serde(skip)]
    pub topic_id: i64,
    pub position: i64,
    pub label: String,
    pub votes: i64,
}

/// A topic with its options, how many have voted, and whether the caller has.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TopicView {
    #[serde(flatten)]
    pub topic: Topic,
    pub options: Vec<TopicOption>,
    /// Ballots cast (persons or households that voted).
    pub ballots: i64,
    /// The caller (or, for a vote per household, their household) has voted.
    pub voted: bool,
    pub decision: Option<Decision>,
}

/// What a meeting decided on a topic, or that it could not.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Decision {
    pub id: i64,
    pub topic_id: i64,
    pub meeting_id: i64,
    pub council_id: i64,
    #[serde(skip)]
    pub street_id: i64,
    pub community_id: i64,
    pub topic_title: String,
    #[sqlx(try_from = "String")]
    pub outcome: OutcomeKind,
    /// The option decided for.
    pub option_id: Option<i64>,
    /// The count as it stood: votes per option, abstentions, present, members, base.
    #[schema(value_type = Object)]
    pub tally: sqlx::types::Json<serde_json::Value>,
    /// What was decided, in words (open the Beef Noodle gate 07:00–21:00…).
    pub terms: String,
    pub terms_kind: Option<String>,
    /// The last day a temporary decision holds.
    pub terms_until: Option<String>,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub decided_at: Millis,
    /// When it went on the results list shown to the residents concerned.
    #[serde(serialize_with = "as_rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub published_at: Option<Millis>,
}

impl Decision {
    pub fn terms_kind(&self) -> Option<TermsKind> {
        self.terms_kind.as_deref().and_then(TermsKind::parse)
    }
}

/// A follow-through item of a decision.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct FollowItem {
    pub id: i64,
    pub decision_id: i64,
    pub parent_id: Option<i64>,
    #[serde(skip)]
    pub street_id: i64,
    pub community_id: i64,
    pub title: String,
    pub owner_user_id: Option<i64>,
    pub owner_unit_id: Option<i64>,
    /// The owner's name: the account's, or the unit's.
    pub owner_name: Option<String>,
    /// YYYY-MM-DD.
    pub due_on: String,
    /// Its own for an item without children; derived from its children otherwise.
    pub progress: i64,
    #[sqlx(try_from = "String")]
    pub status: FollowStatus,
    /// A demand dispatched for the work.
    pub demand_id: Option<i64>,
    #[serde(serialize_with = "as_rfc3339_opt")]
    #[schema(value_type = Option<String>)]
    pub done_at: Option<Millis>,
    /// Past its due day and not done (set when read).
    #[sqlx(default)]
    pub overdue: bool,
}

/// A dated milestone of an item: the progress reported and what was done.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Milestone {
    pub id: i64,
    pub item_id: i64,
    #[serde(serialize_with = "as_rfc3339")]
    #[schema(value_type = String)]
    pub at: Millis,
    pub progress: i64,
    pub note: String,
}

/// A meeting with its agenda and who came.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MeetingView {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub agenda: Vec<TopicView>,
    /// The members present (their member ids).
    pub attendance: Vec<i64>,
}

/// A council with its members.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CouncilView {
    #[serde(flatten)]
    pub council: Council,
    pub members: Vec<Member>,
    /// The caller may run it: its chair, the community's office, the street, an admin.
    pub may_manage: bool,
}
