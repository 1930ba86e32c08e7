//! Consent campaigns (征求意见): a proposal put to the households of chosen buildings or
//! compounds of one community (seed 000: the electric-bike shed north of Building 3), each
//! household's position, a live summary per building and per floor, whether the threshold
//! is reached, and the public notice period (公示) that must end before the result is
//! final while objections may still be raised during it.

use std::collections::BTreeMap;

use crate::clock::Millis;
use crate::councils::model::{
    Art278Matter, BuildingId, CampaignPhase, FloorArea, HouseholdId, Position, Share,
    ThresholdBasis, ThresholdShare, Verdict,
};
use crate::error::{Code, Error, Result};

use super::law::{Art278Result, OwnersCount, civil_code_278};

/// A campaign is addressed to households of its own community only: any other is refused
/// (`campaign_outside_community`, with how many), and so is an empty list.
pub fn check_addressed(community: i64, households: &[(HouseholdId, i64)]) -> Result<()> {
    if households.is_empty() {
        return Err(Error::required("households"));
    }
    let outside = households.iter().filter(|(_, c)| *c != community).count();
    if outside > 0 {
        return Err(
            Error::invalid("households", Code::CampaignOutsideCommunity).with("count", outside)
        );
    }
    Ok(())
}

/// The floor of a room numbered the Chinese way, floor then two digits (`302`: the third
/// floor, `1203`: the twelfth); `None` for any other form, summarised as "floor unknown".
pub fn floor_of_room(room: &str) -> Option<i16> {
    let room = room.trim();
    if !(3..=4).contains(&room.len()) || !room.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let floor = room.parse::<i16>().ok()? / 100;
    (floor >= 1).then_some(floor)
}

/// One addressed household and where it stands (one row per household, as the store keeps
/// them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsentRow {
    pub household: HouseholdId,
    pub building: BuildingId,
    pub floor: Option<i16>,
    /// Its exclusive floor area, where the roster knows it.
    pub area: Option<FloorArea>,
    pub position: Position,
}

/// Households by position, and their floor areas.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub households: u64,
    pub agree: u64,
    pub object: u64,
    pub undecided: u64,
    pub not_reached: u64,
    /// The area of the households whose area is known.
    pub area: FloorArea,
    pub agree_area: FloorArea,
    pub object_area: FloorArea,
    /// Households whose area is not known.
    pub area_unknown: u64,
}

impl Counts {
    fn add(&mut self, r: &ConsentRow) {
        self.households += 1;
        match r.position {
            Position::Agree => self.agree += 1,
            Position::Object => self.object += 1,
            Position::Undecided => self.undecided += 1,
            Position::NotReached => self.not_reached += 1,
        }
        match r.area {
            None => self.area_unknown += 1,
            Some(a) => {
                self.area = self.area + a;
                match r.position {
                    Position::Agree => self.agree_area = self.agree_area + a,
                    Position::Object => self.object_area = self.object_area + a,
                    Position::Undecided | Position::NotReached => {}
                }
            }
        }
    }

    /// The same households as owners for Civil Code art. 278: agreeing and objecting took
    /// part, undecided and unreached did not.
    pub fn owners(&self) -> OwnersCount {
        OwnersCount {
            owners: self.households,
            area: self.area,
            participating_owners: self.agree + self.object,
            participating_area: self.agree_area + self.object_area,
            agreeing_owners: self.agree,
            agreeing_area: self.agree_area,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FloorSummary {
    /// `None`: rooms whose floor is not known.
    pub floor: Option<i16>,
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildingSummary {
    pub building: BuildingId,
    pub counts: Counts,
    /// Lowest floor first; the unknown floor first of all.
    pub floors: Vec<FloorSummary>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsentSummary {
    pub total: Counts,
    /// By building id.
    pub buildings: Vec<BuildingSummary>,
}

/// The live summary of a campaign: a fold over its rows, in any order.
pub fn summarise<'a>(rows: impl IntoIterator<Item = &'a ConsentRow>) -> ConsentSummary {
    let mut total = Counts::default();
    let mut by: BTreeMap<BuildingId, (Counts, BTreeMap<Option<i16>, Counts>)> = BTreeMap::new();
    for r in rows {
        total.add(r);
        let (b, floors) = by.entry(r.building).or_default();
        b.add(r);
        floors.entry(r.floor).or_default().add(r);
    }
    ConsentSummary {
        total,
        buildings: by
            .into_iter()
            .map(|(building, (counts, floors))| BuildingSummary {
                building,
                counts,
                floors: floors
                    .into_iter()
                    .map(|(floor, counts)| FloorSummary { floor, counts })
                    .collect(),
            })
            .collect(),
    }
}

/// What a campaign needs: a share of its households or of their floor area, or Civil Code
/// art. 278 for one of its matters (owners by head and by area at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignRule {
    Threshold {
        share: ThresholdShare,
        basis: ThresholdBasis,
    },
    CivilCode278(Art278Matter),
}

/// Whether a campaign's threshold is reached, and how far it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reach {
    /// Passed, rejected (not reached yet), or for art. 278 too few taking part.
    pub verdict: Verdict,
    /// Agreeing so far and out of how many: households, or hundredths of m² by area.
    pub agreeing: u64,
    pub of: u64,
    /// The least agreeing that reaches a plain threshold.
    pub needed: Option<u64>,
    /// Counted by area while some households' area is unknown: not reached until it is.
    pub area_unknown: u64,
    pub art278: Option<Art278Result>,
}

impl Reach {
    pub fn reached(&self) -> bool {
        self.verdict == Verdict::Passed
    }
}

/// Whether `counts` reach the rule. A plain threshold is counted against every addressed
/// household (or all their area), reached or not: an unreached household is not yet a yes.
/// Counted by area, nothing is reached while an area is unknown.
pub fn reach(rule: CampaignRule, counts: &Counts) -> Reach {
    let (verdict, agreeing, of, needed, art278, by_area) = match rule {
        CampaignRule::Threshold { share, basis } => {
            let share = Share::from(share);
            let (agreeing, of) = match basis {
                ThresholdBasis::Households => (counts.agree, counts.households),
                ThresholdBasis::FloorArea => (counts.agree_area.centi(), counts.area.centi()),
            };
            let verdict = if share.met(agreeing, of) {
                Verdict::Passed
            } else {
                Verdict::Rejected
            };
            let by_area = basis == ThresholdBasis::FloorArea;
            (verdict, agreeing, of, share.least_of(of), None, by_area)
        }
        CampaignRule::CivilCode278(matter) => {
            let r = civil_code_278(matter, &counts.owners());
            (
                r.verdict,
                counts.agree,
                counts.households,
                None,
                Some(r),
                true,
            )
        }
    };
    let area_unknown = if by_area { counts.area_unknown } else { 0 };
    let verdict = match verdict {
        Verdict::Passed if area_unknown > 0 => Verdict::Rejected,
        v => v,
    };
    Reach {
        verdict,
        agreeing,
        of,
        needed,
        area_unknown,
        art278,
    }
}

/// A public notice period (公示): from when to when the result is posted for objections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notice {
    starts_at: Millis,
    ends_at: Millis,
}

impl Notice {
    /// Refused (`ends_before_start`) unless it ends after it starts.
    pub fn new(starts_at: Millis, ends_at: Millis) -> Result<Notice> {
        if ends_at <= starts_at {
            return Err(Error::invalid("notice_ends_at", Code::EndsBeforeStart));
        }
        Ok(Notice { starts_at, ends_at })
    }
    pub fn starts_at(self) -> Millis {
        self.starts_at
    }
    pub fn ends_at(self) -> Millis {
        self.ends_at
    }
}

/// Where a campaign stands at `now`: final once finalised, in notice from the notice's
/// start until then (also after it has ended and before someone finalises it), else open.
pub fn phase(finalised: bool, notice: Option<Notice>, now: Millis) -> CampaignPhase {
    match notice {
        _ if finalised => CampaignPhase::Final,
        Some(n) if now >= n.starts_at => CampaignPhase::Notice,
        _ => CampaignPhase::Open,
    }
}

/// A result becomes final only after its notice period has ended: refused without a notice
/// period (`notice_required`) or before its end (`notice_period_open`, with the end).
pub fn may_finalise(finalised: bool, notice: Option<Notice>, now: Millis) -> Result<()> {
    if finalised {
        return Err(Error::new(Code::CampaignFinal));
    }
    let Some(n) = notice else {
        return Err(Error::new(Code::NoticeRequired));
    };
    if now < n.ends_at {
        return Err(Error::new(Code::NoticePeriodOpen)
            .with("ends_at", crate::clock::format_local(n.ends_at)));
    }
    Ok(())
}

/// Positions may change and objections be raised while the campaign is open and during its
/// notice period; once final, nothing changes (`campaign_final`).
pub fn may_respond(phase: CampaignPhase) -> Result<()> {
    match phase {
        CampaignPhase::Open | CampaignPhase::Notice => Ok(()),
        CampaignPhase::Final => Err(Error::new(Code::CampaignFinal)),
    }
}

#[cfg(test)]
#[path = "tests/consent.rs"]
mod tests;
