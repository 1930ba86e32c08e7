//! Who raises what, when and through which channel: two months of demands from Yucheng's
//! households, a few out of scope, a few reported twice, a few left waiting.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::demands::model::Channel;
use crate::demands::model::Command;
use crate::demands::service::NewDemand;

use super::accounts::GRID_USERNAMES;
use super::families::Person;
use super::layout::COMPOUNDS;
use super::lifecycle::{self, Cast};
use super::script::{Op, Pen, STAFF, Script, Step, Who, World, working_hours};
use super::stories::{DECLINED, Handler, STORIES, Scope, Story};

/// The scripts of about `count` demands over the 60 days before `w.now`.
pub fn scripts(w: &World, rng: &mut StdRng, count: usize) -> Vec<Script> {
    let mut out: Vec<Script> = Vec::new();
    let mut duplicates = 0;
    for i in 0..count {
        let days_ago = if rng.random_bool(0.15) {
            rng.random_range(0..3 * DAY)
        } else {
            rng.random_range(0..60 * DAY)
        };
        let created = working_hours(w.now - days_ago - rng.random_range(HOUR..3 * HOUR));
        let household = rng.random_range(0..w.plan.households.len());
        if rng.random_bool(0.04) {
            out.push(declined(w, rng, created, household, i));
            continue;
        }
        let story = &STORIES[rng.random_range(0..STORIES.len())];
        let stall = match rng.random_range(0..100) {
            0..2 => Stall::Submitted,
            2..6 if story.handler != Handler::OnSpot => Stall::Work,
            _ => Stall::None,
        };
        let created = match stall {
            // In working hours, and at least a day before now (the shift moves it by less
            // than fifteen hours).
            Stall::Submitted => working_hours(w.now - rng.random_range(40 * HOUR..6 * DAY)),
            Stall::Work => working_hours(w.now - rng.random_range(16 * DAY..45 * DAY)),
            Stall::None => created,
        };
        let r = reporter(w, rng, story, household);
        let household = r.household;
        out.push(demand(w, rng, story, r, created, stall));
        let on_building = story.scope == Scope::Building && stall == Stall::None;
        if on_building && duplicates < 12 && rng.random_bool(0.25) {
            let primary = out.len() - 1;
            if let Some(d) = duplicate(w, rng, story, household, &out[primary], primary) {
                duplicates += 1;
                out.push(d);
            }
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stall {
    None,
    /// Nobody accepted it: overdue to accept.
    Submitted,
    /// Taken but never finished: overdue for feedback.
    Work,
}

/// Who raised it.
#[derive(Clone, Copy)]
struct Reporter {
    /// The resident account raising it in the portal, if it is one of them.
    account: Option<&'static str>,
    household: usize,
    person: usize,
}

/// Mostly an adult of the household drawn, or of one the story fits (the elderly ask for
/// elderly care, newcomers about residence permits); now and then Aunt Pan or Master
/// Zhang, who raise theirs in the portal.
fn reporter(w: &World, rng: &mut StdRng, story: &Story, household: usize) -> Reporter {
    let pick = rng.random_range(0..100);
    let home_help = matches!(
        story.category,
        "elderly_care" | "water" | "electricity" | "heating" | "gas"
    );
    let account = match pick {
        0..4 if story.scope == Scope::Home && home_help => Some("resident"),
        4..8 if !matches!(story.category, "elderly_care" | "policy") => Some("resident2"),
        _ => None,
    };
    if let Some(a) = account
        && let Some(h) = w.plan.household_of(a)
    {
        return Reporter {
            account: Some(a),
            household: h,
            person: 0,
        };
    }
    if let Some(fits) = needs(story) {
        let mut h = household;
        for _ in 0..200 {
            if let Some(person) = fits(&w.plan.households[h].people) {
                return Reporter {
                    account: None,
                    household: h,
                    person,
                };
            }
            h = rng.random_range(0..w.plan.households.len());
        }
    }
    anyone(w, rng, household)
}

/// An adult of the household.
fn anyone(w: &World, rng: &mut StdRng, household: usize) -> Reporter {
    let people = &w.plan.households[household].people;
    let adults: Vec<usize> = (0..people.len())
        .filter(|&p| people[p].is_adult())
        .collect();
    Reporter {
        account: None,
        household,
        person: adults.choose(rng).copied().unwrap_or(0),
    }
}

/// Finds the person a story needs in a household.
type Fits = fn(&[Person]) -> Option<usize>;

/// Who in a household a story needs, for the stories that need someone in particular.
fn needs(story: &Story) -> Option<Fits> {
    fn alone_elder(p: &[Person]) -> Option<usize> {
        (p.len() == 1 && p[0].age >= 70).then_some(0)
    }
    fn eighty(p: &[Person]) -> Option<usize> {
        p.iter().position(|x| x.age >= 80)
    }
    fn newcomer(p: &[Person]) -> Option<usize> {
        p.iter()
            .position(|x| x.is_adult() && x.tags.contains(&"floating"))
    }
    fn elder(p: &[Person]) -> Option<usize> {
        p.iter().position(|x| x.age >= 70)
    }
    if story.title.contains("独居") {
        Some(alone_elder)
    } else if story.title.contains("高龄津贴") {
        Some(eighty)
    } else if story.title.contains("居住证") {
        Some(newcomer)
    } else if story.category == "elderly_care" {
        Some(elder)
    } else {
        None
    }
}

fn grid_worker(w: &World, household: usize) -> &'static str {
    let b = w.plan.households[household].slot.building;
    GRID_USERNAMES[w.plan.buildings[b].grid]
}

fn location(w: &World, household: usize, scope: Scope) -> String {
    let h = &w.plan.households[household];
    let b = &w.plan.buildings[h.slot.building];
    let compound = COMPOUNDS[b.compound].name;
    match scope {
        Scope::Home => format!("{compound}{}{}{}室", b.name, h.slot.unit_no, h.slot.room),
        Scope::Building => format!("{compound}{}{}", b.name, h.slot.unit_no),
    }
}

fn title_of(w: &World, story: &Story, household: usize) -> String {
    match story.scope {
        Scope::Home => story.title.to_string(),
        Scope::Building => {
            let h = &w.plan.households[household];
            let b = &w.plan.buildings[h.slot.building];
            format!("{}{}{}", b.name, h.slot.unit_no, story.title)
        }
    }
}

const CHANNELS: [(Channel, u32); 7] = [
    (Channel::Phone, 32),
    (Channel::Wechat, 20),
    (Channel::WalkIn, 18),
    (Channel::Visit, 12),
    (Channel::Patrol, 8),
    (Channel::Council, 3),
    (Channel::Api, 4),
];

/// The intake step: the resident in the portal, staff on the phone or at the window, the
/// grid worker on a visit or patrol, the secretary from a council.
fn intake(
    w: &World,
    rng: &mut StdRng,
    r: Reporter,
    title: String,
    description: &str,
    story: Option<&Story>,
    at: Millis,
) -> Step {
    let scope = story.map(|s| s.scope).unwrap_or(Scope::Home);
    let mut n = NewDemand {
        title: Some(title),
        description: description.to_string(),
        location: Some(location(w, r.household, scope)),
        resident_id: Some(w.roster.households[r.household].residents[r.person]),
        ..NewDemand::default()
    };
    if let Some(account) = r.account {
        let online = rng.random_bool(0.5);
        n.channel = Some(if online {
            Channel::Online
        } else {
            Channel::Wechat
        });
        n.resident_id = None;
        return Step {
            at,
            who: Who::User(account),
            op: Op::Intake(n),
        };
    }
    let channel = CHANNELS
        .choose_weighted(rng, |c| c.1)
        .map(|c| c.0)
        .unwrap_or(Channel::Phone);
    let channel = match (channel, scope) {
        (Channel::Patrol | Channel::Council, Scope::Home) => Channel::Visit,
        (c, _) => c,
    };
    n.channel = Some(channel);
    if let Some(s) = story.filter(|_| rng.random_bool(0.6)) {
        n.category = Some(s.category.to_string());
        n.urgency = Some(s.urgency);
    }
    let who = match channel {
        Channel::Visit => grid_worker(w, r.household),
        Channel::Patrol => {
            let b = w.plan.households[r.household].slot.building;
            n.resident_id = None;
            n.building_id = Some(w.roster.building_ids[b]);
            n.reporter_name = Some("网格巡查".to_string());
            grid_worker(w, r.household)
        }
        Channel::Council => "secretary",
        _ => STAFF.choose(rng).copied().unwrap_or("staff"),
    };
    Step {
        at,
        who: Who::User(who),
        op: Op::Intake(n),
    }
}

fn demand(
    w: &World,
    rng: &mut StdRng,
    story: &Story,
    r: Reporter,
    created: Millis,
    stall: Stall,
) -> Script {
    let title = title_of(w, story, r.household);
    let first = intake(w, rng, r, title, story.description, Some(story), created);
    let cast = Cast {
        grid_worker: grid_worker(w, r.household),
        account: r.account,
    };
    let mut pen = Pen::new(rng, first);
    if stall != Stall::Submitted {
        lifecycle::work(w, &mut pen, story, &cast, stall == Stall::Work);
    }
    pen.done()
}

/// Out of scope: declined with a reason the resident sees.
fn declined(w: &World, rng: &mut StdRng, at: Millis, household: usize, i: usize) -> Script {
    let (title, description, reason) = DECLINED[i % DECLINED.len()];
    let r = anyone(w, rng, household);
    let first = intake(w, rng, r, title.to_string(), description, None, at);
    let mut pen = Pen::new(rng, first);
    let who = pen.staff();
    let cmd = Command::Decline {
        reason: reason.to_string(),
    };
    pen.step(30 * MINUTE, 6 * HOUR, who, cmd);
    pen.done()
}

/// Another household of the same building reports the same thing a few hours later; staff
/// merge it into the first.
fn duplicate(
    w: &World,
    rng: &mut StdRng,
    story: &Story,
    household: usize,
    first: &Script,
    primary: usize,
) -> Option<Script> {
    let created = first.steps.first()?.at;
    // Merged while the first is still being worked on, never after it was resolved.
    let resolved = first
        .steps
        .iter()
        .find(|s| matches!(s.op, Op::Act(Command::Resolve { .. })))
        .map_or(Millis::MAX, |s| s.at);
    let building = w.plan.households[household].slot.building;
    let other = (0..w.plan.households.len()).find(|&h| {
        h != household
            && w.plan.households[h].slot.building == building
            && w.plan.households[h].special.is_none()
    })?;
    let at = working_hours(created + rng.random_range(HOUR..5 * HOUR));
    if at > w.now {
        return None;
    }
    let r = reporter(w, rng, story, other);
    let r = Reporter {
        account: None,
        household: other,
        ..r
    };
    let title = title_of(w, story, other);
    let first = intake(w, rng, r, title, story.description, Some(story), at);
    let mut pen = Pen::new(rng, first);
    let who = pen.staff();
    let at = pen.later(20 * MINUTE, 90 * MINUTE);
    if at >= resolved {
        return None;
    }
    pen.steps.push(Step {
        at,
        who: Who::User(who),
        op: Op::MergeInto(primary),
    });
    Some(pen.done())
}
