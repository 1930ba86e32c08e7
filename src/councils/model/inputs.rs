//! What the councils' service takes, parsed at the edge: the API and the pages build
//! these from a JSON body or a form the same way (`parse` functions beside each).

use jiff::civil::Date;

use crate::clock::Millis;
use crate::error::{Code, Error, Result};
use crate::web::validate;

use super::{
    Ballot, CouncilKind, Majority, MajorityBase, MemberKind, Progress, Recurrence, TieRule,
    VoteUnit,
};

pub const NAME_MAX: usize = 60;
pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 2000;
pub const LOCATION_MAX: usize = 120;
pub const ROLE_MAX: usize = 30;
pub const MINUTES_MAX: usize = 20_000;
pub const OPTION_MAX: usize = 60;
pub const MAX_OPTIONS: usize = 10;

/// A new council or linkage team.
#[derive(Clone, Debug)]
pub struct CouncilInput {
    /// Defaults to the caller's community (or the grid's).
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub kind: CouncilKind,
    pub name: String,
    pub chair_user_id: Option<i64>,
    /// With its text as given, for the record.
    pub recurrence: Option<(Recurrence, String)>,
    pub first_starts_at: Option<Millis>,
    pub duration_minutes: i64,
    pub location: String,
}

impl CouncilInput {
    /// A schedule needs its first meeting; a duration is 5 minutes to a day.
    pub fn check(&self) -> Result<()> {
        if self.recurrence.is_some() && self.first_starts_at.is_none() {
            return Err(Error::required("first_starts_at"));
        }
        if !(5..=1440).contains(&self.duration_minutes) {
            return Err(Error::out_of_range("duration_minutes", 5, 1440));
        }
        Ok(())
    }
}

pub fn name(v: Option<&str>) -> Result<String> {
    validate::required("name", v, NAME_MAX)
}

pub fn title(v: Option<&str>) -> Result<String> {
    validate::required("title", v, TITLE_MAX)
}

pub fn optional(field: &str, v: Option<&str>, max: usize) -> Result<String> {
    Ok(validate::optional(field, v, max)?.unwrap_or_default())
}

pub fn recurrence(v: Option<&str>) -> Result<Option<(Recurrence, String)>> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Ok(Some((Recurrence::parse(t)?, t.to_string()))),
    }
}

/// A moment as RFC 3339 (`2026-12-07T19:00:00+08:00`) or a wall clock in China
/// (`2026-12-07T19:00`, `2026-12-07 19:00`).
pub fn moment(field: &str, v: Option<&str>) -> Result<Option<Millis>> {
    let Some(t) = v.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    crate::clock::parse_time(&t.replacen(' ', "T", 1))
        .map(Some)
        .ok_or_else(|| Error::invalid(field, Code::InvalidTime))
}

pub fn day(field: &str, v: Option<&str>) -> Result<Option<Date>> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t
            .parse::<Date>()
            .map(Some)
            .map_err(|_| Error::invalid(field, Code::InvalidTime)),
    }
}

/// A word given by its code, or its default when absent.
pub fn word<W: super::Word>(field: &str, v: Option<&str>, default: W) -> Result<W> {
    match v.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => W::from_code(t).ok_or_else(|| {
            let allowed: Vec<&str> = W::all().iter().map(|w| w.code()).collect();
            Error::invalid(field, Code::InvalidChoice).with("allowed", allowed.join(", "))
        }),
    }
}

/// A member to add.
#[derive(Clone, Debug)]
pub struct MemberInput {
    pub kind: MemberKind,
    /// The resident's, account's or unit's id.
    pub id: i64,
    pub role: String,
}

/// An ad-hoc meeting.
#[derive(Clone, Debug)]
pub struct MeetingInput {
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub location: Option<String>,
}

impl MeetingInput {
    pub fn new(starts_at: Millis, ends_at: Millis, location: Option<String>) -> Result<Self> {
        if ends_at <= starts_at {
            return Err(Error::invalid("ends_at", Code::EndsBeforeStart));
        }
        Ok(MeetingInput {
            starts_at,
            ends_at,
            location,
        })
    }
}

/// How a topic's votes are taken and counted.
#[derive(Clone, Copy, Debug)]
pub struct VoteSetup {
    pub unit: VoteUnit,
    pub ballot: Ballot,
    pub majority: Majority,
    pub base: MajorityBase,
    pub tie: TieRule,
}

impl Default for VoteSetup {
    fn default() -> Self {
        VoteSetup {
            unit: VoteUnit::Person,
            ballot: Ballot::Open,
            majority: Majority::Simple,
            base: MajorityBase::Cast,
            tie: TieRule::StatusQuo,
        }
    }
}

/// A topic raised on a council's demand list.
#[derive(Clone, Debug)]
pub struct TopicInput {
    pub title: String,
    pub body: String,
    pub vote: VoteSetup,
    /// The options a vote chooses between; none gives 同意 / 不同意 (agree, disagree).
    pub options: Vec<String>,
    /// A client-made id: the same topic sent twice is stored once.
    pub client_id: Option<String>,
}

pub fn options(v: &[String]) -> Result<Vec<String>> {
    if v.len() > MAX_OPTIONS {
        return Err(Error::out_of_range("options", 2, MAX_OPTIONS as i64));
    }
    let mut out = Vec::new();
    for o in v {
        let o = validate::required("options", Some(o), OPTION_MAX)?;
        if out.contains(&o) {
            return Err(Error::invalid("options", Code::DuplicateOption).with("option", o));
        }
        out.push(o);
    }
    if out.len() == 1 {
        return Err(Error::out_of_range("options", 2, MAX_OPTIONS as i64));
    }
    Ok(out)
}

/// A vote: for an option, or an abstention.
#[derive(Clone, Copy, Debug)]
pub struct VoteInput {
    pub option_id: Option<i64>,
    pub abstain: bool,
    /// The household a vote per household is cast for; must be the voter's own.
    pub household_id: Option<i64>,
    /// The resident the office records a show of hands for (staff only); a resident votes
    /// as themself.
    pub voter_id: Option<i64>,
}

/// What the chair records for a topic at the end of its discussion.
#[derive(Clone, Debug)]
pub struct DecideInput {
    pub terms: Option<String>,
    pub temporary: bool,
    pub ends_on: Option<Date>,
    /// The chair's casting vote in a tie (under `chair_casts`).
    pub casting_option_id: Option<i64>,
}

/// A follow-through item of a decision.
#[derive(Clone, Debug)]
pub struct ItemInput {
    pub title: String,
    pub parent_id: Option<i64>,
    pub owner_user_id: Option<i64>,
    pub owner_unit_id: Option<i64>,
    pub due_on: Date,
}

/// Progress reported on an item, with what was done.
#[derive(Clone, Debug)]
pub struct ProgressInput {
    pub progress: Progress,
    pub note: String,
}
