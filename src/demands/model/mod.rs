//! The words of a demand: its status, level, channel, urgency, rating, and whom it is given to;
//! and, in the files beside this one, what the demand loop's service takes (commands, filters,
//! uploads) and gives back (a demand, its story, a page of a list, reminders), already shaped
//! for whoever asked.
//!
//! Everything here is parsed once, at the edge: a code is an enum the moment it leaves a
//! request or a row, and an unknown one is refused, never defaulted.

mod category;
mod choices;
mod client_id;
mod command;
mod detail;
mod list;
mod upload;
mod view;

pub use category::{Category, CategoryInput, CategoryRequest};
pub use choices::{Choices, ResidentMatch, ResidentMatches};
pub use client_id::{CLIENT_ID_LEN, ClientId};
pub use command::{Command, MAX_SUMMONED, SummonTarget, Summons, Target};
pub use detail::{Address, AttachmentView, DemandDetail, EventView, SummonView};
pub use list::{
    DemandPage, Filters, ListQuery, MAX_PAGE, OverdueGrid, OverdueSummary, PAGE, REMINDERS,
    Reminder, Reminders, WorkCounts,
};
pub use upload::{MAX_FILE_NAME, StoredFile, Upload, too_large};
pub use view::{Assignee, DemandView, Rating};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A word of the model with a stable code: what a form or a row gives as text, parsed
/// with [`Word::from_code`] (an unknown code is refused, never turned into a default).
pub trait Word: Copy + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;

    fn from_code(s: &str) -> Option<Self> {
        Self::all().iter().copied().find(|w| w.code() == s)
    }

    /// Every code, for a message that says what is allowed.
    fn codes() -> String {
        Self::all()
            .iter()
            .map(|w| w.code())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$v),)+ _ => None }
            }
        }

        impl Word for $name {
            fn all() -> &'static [$name] {
                $name::ALL
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_enum!(
    /// Where a demand stands in its lifecycle.
    Status {
        /// 待受理: received, nobody has looked at it yet.
        Submitted = "submitted",
        /// 已受理: triaged (category, grid, urgency); deadlines run.
        Accepted = "accepted",
        /// 已派单: given to a person, team or unit.
        Dispatched = "dispatched",
        /// 处理中: the assignee has taken the order.
        InProgress = "in_progress",
        /// 已办结: the work is done; the resident has not been told yet.
        Resolved = "resolved",
        /// 已反馈: the result was fed back to the resident; waiting for the rating.
        FeedbackGiven = "feedback_given",
        /// 已关闭.
        Closed = "closed",
        /// 不予受理: out of scope; the reason is shown to the resident.
        Declined = "declined",
        /// 已合并: a duplicate, merged into another demand.
        Merged = "merged",
    }
);

impl Status {
    /// Still work to do (or a rating to wait for).
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Closed | Status::Declined | Status::Merged)
    }

    /// Open and not yet fed back: the feedback deadline applies.
    pub fn awaits_feedback(self) -> bool {
        matches!(
            self,
            Status::Submitted
                | Status::Accepted
                | Status::Dispatched
                | Status::InProgress
                | Status::Resolved
        )
    }
}

code_enum!(
    /// The level a demand is handled at: 小事不出网格，大事不出社区，难事联动.
    Level {
        Grid = "grid",
        Community = "community",
        Street = "street",
    }
);

impl Level {
    pub fn up(self) -> Option<Level> {
        match self {
            Level::Grid => Some(Level::Community),
            Level::Community => Some(Level::Street),
            Level::Street => None,
        }
    }
}

code_enum!(
    /// How the demand reached the community.
    Channel {
        Phone = "phone",
        Wechat = "wechat",
        WalkIn = "walk_in",
        Online = "online",
        Visit = "visit",
        Patrol = "patrol",
        Council = "council",
        Api = "api",
    }
);

impl Channel {
    /// A person brought it (by phone, WeChat, at the counter, online): the demand names
    /// them, or says they asked not to be named. What a worker finds on a door-to-door
    /// visit or a patrol, and what a council raises, may have nobody behind it.
    pub fn has_reporter(self) -> bool {
        matches!(
            self,
            Channel::Phone | Channel::Wechat | Channel::WalkIn | Channel::Online
        )
    }
}

code_enum!(
    /// How fast it must be handled.
    Urgency {
        Normal = "normal",
        Urgent = "urgent",
        Emergency = "emergency",
    }
);

code_enum!(
    /// The resident's satisfaction with the result.
    Satisfaction {
        Satisfied = "satisfied",
        Basically = "basically",
        Unsatisfied = "unsatisfied",
    }
);

code_enum!(
    /// Whom a demand is dispatched to.
    TargetKind {
        User = "user",
        Team = "team",
        Unit = "unit",
    }
);

code_enum!(
    /// How a closed demand was closed.
    CloseKind {
        /// The resident rated it solved and not unsatisfied.
        Rated = "rated",
        /// The rating window passed without a rating (counted apart).
        Unrated = "unrated",
    }
);

code_enum!(
    /// Every kind of event on a demand's timeline.
    Action {
        Intake = "intake",
        Accept = "accept",
        Decline = "decline",
        Merge = "merge",
        MeToo = "me_too",
        Dispatch = "dispatch",
        Take = "take",
        Resolve = "resolve",
        Feedback = "feedback",
        Rate = "rate",
        Reopen = "reopen",
        Close = "close",
        Escalate = "escalate",
        Whistle = "whistle",
        ReportIn = "report_in",
        ReportBack = "report_back",
        Attach = "attach",
        Remind = "remind",
        Note = "note",
        Appoint = "appoint",
        Return = "return",
        /// Put before a council as a topic (the demand list of 三单).
        ToCouncil = "to_council",
        /// What the council decided on it came back.
        CouncilResult = "council_result",
    }
);

code_enum!(
    /// How the result was fed back to the resident.
    FeedbackMethod {
        Phone = "phone",
        Visit = "visit",
        Wechat = "wechat",
        Sms = "sms",
        InPerson = "in_person",
    }
);

code_enum!(
    /// Why a demand is put in front of someone: the background job flagged it (or, for a
    /// resident, it waits for their rating).
    ReminderKind {
        /// Not accepted within the accept deadline.
        AcceptOverdue = "accept_overdue",
        /// Not fed back to the resident within the feedback deadline.
        FeedbackOverdue = "feedback_overdue",
        /// Fed back and waiting for the resident's rating.
        Rating = "rating",
    }
);

/// Limits on free text, in characters.
pub const MAX_TITLE: usize = 100;
pub const MAX_TEXT: usize = 2000;
pub const MAX_NOTE: usize = 1000;
