//! The words of a demand: its status, level, channel, urgency, rating, and whom it is given to.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    }
);

/// Limits on free text, in characters.
pub const MAX_TITLE: usize = 100;
pub const MAX_TEXT: usize = 2000;
pub const MAX_NOTE: usize = 1000;
