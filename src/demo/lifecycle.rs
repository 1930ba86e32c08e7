//! A demand's life after intake, the way the seeds tell it: accepted on time or late,
//! settled in the grid or given to a volunteer, a team or a unit, escalated, whistled,
//! rated well or sent back.

use rand::Rng;
use rand::seq::IndexedRandom;

use crate::clock::{DAY, HOUR, MINUTE};
use crate::demands::model::{
    Command, FeedbackMethod, Satisfaction, SummonTarget, Summons, Target, TargetKind, Urgency,
};

use super::accounts::RED_DETACHMENT;
use super::script::{Op, Pen, Step, Who, World};
use super::stories::{Handler, Story};

/// The account of a unit, by the unit's kind.
fn unit_user(kind: &str) -> &'static str {
    match kind {
        "gas" => "gas",
        "water" => "water",
        "power" => "power",
        "police" => "police",
        "owners_committee" => "owners",
        _ => "property",
    }
}

/// How the resident takes the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rating {
    Satisfied,
    Basically,
    /// Unsatisfied or not solved: back to work, then rated well.
    Reopened,
    /// Nobody rated it: closed by staff or by the job after the window.
    Unrated,
}

/// Who rates, and the people who work on the demand.
pub struct Cast {
    /// The grid worker of the demand's grid.
    pub grid_worker: &'static str,
    /// The resident account that raised it, when one did (they rate it themselves).
    pub account: Option<&'static str>,
}

fn note(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// Everything after intake: accept, (escalate), dispatch, take, (whistle), resolve,
/// feedback, rating. With `stall`, the work is taken and never finished.
pub fn work(w: &World, pen: &mut Pen, story: &Story, cast: &Cast, stall: bool) {
    let gw = cast.grid_worker;
    let urgent = story.urgency != Urgency::Normal || matches!(story.category, "gas" | "safety");
    accept(pen, story, gw, urgent);
    // Small things stay in the grid; what needs others goes up a level first now and then,
    // and what needs the street always does.
    let escalate = match story.handler {
        Handler::Street(_) => true,
        Handler::Unit(_) => pen.rng.random_bool(0.12),
        _ => false,
    };
    if escalate {
        let reason = "涉及公共部位和多个单位，网格内无法解决，提请社区协调。";
        pen.step(HOUR, 6 * HOUR, gw, escalation(reason));
    }
    let (target, worker) = assignee(w, pen, story.handler, gw);
    if let Some(to) = target {
        dispatch(pen, story, gw, to, worker, escalate, urgent);
    }
    if story.handler == Handler::Whistle {
        whistle(w, pen);
    }
    if stall {
        return;
    }
    let (min, max) = match story.handler {
        Handler::OnSpot => (HOUR, 2 * DAY),
        Handler::Street(_) => (3 * DAY, 8 * DAY),
        Handler::Whistle => (2 * HOUR, DAY),
        _ if urgent => (HOUR, 12 * HOUR),
        _ => (4 * HOUR, 4 * DAY),
    };
    let result = story.result.to_string();
    pen.step(min, max, worker, Command::Resolve { result });
    feedback(pen, gw, story.feedback);
    conclude(w, pen, story, cast, target.is_some(), worker);
}

fn escalation(reason: &str) -> Command {
    Command::Escalate {
        reason: reason.to_string(),
    }
}

/// Accepted by the grid's worker or the office: within minutes when urgent, within hours
/// usually, and now and then only after the day has passed (overdue).
fn accept(pen: &mut Pen, story: &Story, gw: &'static str, urgent: bool) {
    let late = pen.rng.random_bool(0.08);
    let acceptor = if story.handler == Handler::OnSpot || pen.rng.random_bool(0.4) {
        gw
    } else {
        pen.staff()
    };
    let (min, max) = match (late, urgent) {
        (true, _) => (26 * HOUR, 40 * HOUR),
        (false, true) => (5 * MINUTE, 50 * MINUTE),
        (false, false) => (20 * MINUTE, 8 * HOUR),
    };
    let accept = Command::Accept {
        category: Some(story.category.to_string()),
        grid_id: None,
        urgency: Some(story.urgency),
        note: None,
    };
    pen.step(min, max, acceptor, accept);
}

/// Whom the demand is given to, and the account that does the work.
fn assignee(
    w: &World,
    pen: &mut Pen,
    handler: Handler,
    gw: &'static str,
) -> (Option<Target>, &'static str) {
    let unit = |kind: &str| Target {
        kind: TargetKind::Unit,
        id: w.accounts.units.get(kind).copied().unwrap_or(0),
    };
    let member = RED_DETACHMENT
        .choose(pen.rng)
        .copied()
        .unwrap_or("volunteer");
    match handler {
        Handler::OnSpot => (None, gw),
        Handler::Unit(k) | Handler::Street(k) => (Some(unit(k)), unit_user(k)),
        Handler::Whistle => (Some(unit("property")), "property"),
        Handler::Volunteer => {
            let id = w.accounts.user(member);
            (
                Some(Target {
                    kind: TargetKind::User,
                    id,
                }),
                member,
            )
        }
        Handler::Team => {
            let id = w.accounts.red_team;
            (
                Some(Target {
                    kind: TargetKind::Team,
                    id,
                }),
                member,
            )
        }
    }
}

/// Dispatched by the office or the grid's worker (by the street for what was escalated to
/// it), then taken by the assignee.
fn dispatch(
    pen: &mut Pen,
    story: &Story,
    gw: &'static str,
    to: Target,
    worker: &'static str,
    escalated: bool,
    urgent: bool,
) {
    let dispatcher = if let Handler::Street(_) = story.handler {
        let who = pen.staff();
        let reason = "需要街道协调专项资金和相关单位，提请街道办理。";
        pen.step(2 * HOUR, DAY, who, escalation(reason));
        "street"
    } else if !escalated && pen.rng.random_bool(0.3) {
        gw
    } else {
        pen.staff()
    };
    let (min, max) = if urgent {
        (5 * MINUTE, 30 * MINUTE)
    } else {
        (10 * MINUTE, 3 * HOUR)
    };
    let n = note("请尽快联系居民上门处理。");
    pen.step(min, max, dispatcher, Command::Dispatch { to, note: n });
    let (min, max) = if urgent {
        (5 * MINUTE, 40 * MINUTE)
    } else {
        (15 * MINUTE, DAY)
    };
    pen.step(min, max, worker, Command::Take { note: None });
}

/// The rating, or its absence: mostly satisfied, some sent back to work (and then rated
/// well), some never rated and closed after the window, a few reopened on a late complaint.
fn conclude(
    w: &World,
    pen: &mut Pen,
    story: &Story,
    cast: &Cast,
    assigned: bool,
    worker: &'static str,
) {
    let rating = [
        (Rating::Satisfied, 62),
        (Rating::Basically, 18),
        (Rating::Reopened, 8),
        (Rating::Unrated, 12),
    ]
    .choose_weighted(pen.rng, |r| r.1)
    .map_or(Rating::Satisfied, |r| r.0);
    match rating {
        Rating::Satisfied | Rating::Basically => {
            let s = if rating == Rating::Satisfied {
                Satisfaction::Satisfied
            } else {
                Satisfaction::Basically
            };
            rate(pen, cast, true, s);
            if pen.rng.random_bool(0.04) {
                let who = pen.staff();
                let reason = "居民来电反映问题再次出现，重新派单处理。".to_string();
                pen.step(2 * DAY, 10 * DAY, who, Command::Reopen { reason });
                redo(pen, story, cast, assigned, worker);
            }
        }
        Rating::Reopened => {
            let solved = pen.rng.random_bool(0.5);
            let s = if solved {
                Satisfaction::Unsatisfied
            } else {
                Satisfaction::Basically
            };
            rate(pen, cast, solved, s);
            redo(pen, story, cast, assigned, worker);
        }
        Rating::Unrated => {
            let at = pen.later(w.rating_window + HOUR, w.rating_window + 2 * DAY);
            let (who, cmd) = if pen.rng.random_bool(0.5) {
                let n = note("三次回访均未接通，按未评价关闭。");
                (Who::User(pen.staff()), Command::Close { note: n })
            } else {
                (Who::System, Command::AutoClose)
            };
            let op = Op::Act(cmd);
            pen.steps.push(Step { at, who, op });
        }
    }
}

/// 吹哨报到 (seed 003): the secretary summons the property company, the owners'
/// committee and the building head; each reports in, then back.
fn whistle(w: &World, pen: &mut Pen) {
    let unit = |kind: &str| SummonTarget {
        kind: TargetKind::Unit,
        id: w.accounts.units.get(kind).copied().unwrap_or(0),
    };
    let head = SummonTarget {
        kind: TargetKind::User,
        id: w.accounts.user("louzhang"),
    };
    let summon = Summons::parse(vec![unit("property"), unit("owners_committee"), head])
        .expect("three parties are within a whistle's limit");
    let n = note("召集党员、楼长、业委会和物业到现场，共同研究维修方案。");
    pen.step(
        HOUR,
        4 * HOUR,
        "secretary",
        Command::Whistle { summon, note: n },
    );
    let who = ["property", "owners", "louzhang"];
    for u in who {
        pen.step(
            20 * MINUTE,
            4 * HOUR,
            u,
            Command::ReportIn {
                note: note("已到现场查看。"),
            },
        );
    }
    let back = [
        "维修方案已确定，材料已采购，施工完成。",
        "业委会同意使用公共收益支付维修费用。",
        "已通知楼内住户施工时间，配合现场秩序。",
    ];
    for (u, b) in who.into_iter().zip(back) {
        pen.step(2 * HOUR, 2 * DAY, u, Command::ReportBack { note: b.into() });
    }
}

/// The result told to the resident: usually within a day of the work, sometimes only after
/// the two weeks have passed (overdue).
fn feedback(pen: &mut Pen, gw: &'static str, text: &str) {
    let who = if pen.rng.random_bool(0.5) {
        gw
    } else {
        pen.staff()
    };
    let method = [
        (FeedbackMethod::Phone, 50),
        (FeedbackMethod::Visit, 20),
        (FeedbackMethod::Wechat, 20),
        (FeedbackMethod::InPerson, 7),
        (FeedbackMethod::Sms, 3),
    ]
    .choose_weighted(pen.rng, |m| m.1)
    .map_or(FeedbackMethod::Phone, |m| m.0);
    let (min, max) = if pen.rng.random_bool(0.06) {
        let late = pen.start + 15 * DAY - pen.at;
        (late.max(HOUR), late.max(HOUR) + 4 * DAY)
    } else {
        (HOUR, DAY)
    };
    let cmd = Command::Feedback {
        method,
        note: text.into(),
    };
    pen.step(min, max, who, cmd);
}

fn rate(pen: &mut Pen, cast: &Cast, solved: bool, satisfaction: Satisfaction) {
    let who = match cast.account {
        Some(a) => a,
        None => pen.staff(),
    };
    let comments: &[Option<&str>] = match (solved, satisfaction) {
        (true, Satisfaction::Satisfied) => &[
            None,
            Some("处理很及时，谢谢社区！"),
            Some("师傅很负责，满意。"),
            None,
        ],
        (true, Satisfaction::Basically) => &[None, Some("解决了，就是等的时间有点长。")],
        (true, Satisfaction::Unsatisfied) => &[Some("态度不好，来了好几次才弄好。")],
        (false, _) => &[Some("问题没有彻底解决，还是老样子。")],
    };
    let comment = comments
        .choose(pen.rng)
        .copied()
        .flatten()
        .map(String::from);
    let cmd = Command::Rate {
        solved,
        satisfaction,
        comment,
        // Without an account of their own the resident is called back (电话回访) and staff
        // record the answer.
        on_behalf: cast.account.is_none().then_some(FeedbackMethod::Phone),
    };
    pen.step(2 * HOUR, 3 * DAY, who, cmd);
}

/// Back to work after a bad rating or a late complaint, then rated well.
fn redo(pen: &mut Pen, story: &Story, cast: &Cast, assigned: bool, worker: &'static str) {
    if assigned {
        pen.step(
            HOUR,
            DAY,
            worker,
            Command::Take {
                note: note("再次上门处理。"),
            },
        );
    }
    let result = format!("二次处理：{}", story.result);
    let who = if assigned { worker } else { cast.grid_worker };
    pen.step(4 * HOUR, 3 * DAY, who, Command::Resolve { result });
    feedback(pen, cast.grid_worker, story.feedback);
    let s = if pen.rng.random_bool(0.7) {
        Satisfaction::Satisfied
    } else {
        Satisfaction::Basically
    };
    rate(pen, cast, true, s);
}
