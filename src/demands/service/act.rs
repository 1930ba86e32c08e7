//! Every step after intake, inside the caller's transaction: the rules decide, then the
//! change and its event are written. The door (`service::act`) opens and commits the
//! transaction; the background jobs and the demo replay call [`act_in`] with their own.

use serde_json::json;

use crate::clock::Millis;
use crate::db::{Q, Tx};
use crate::error::{Code, Error, Result};
use crate::tr;

mod update;

use update::Update;

use super::super::deadlines::Deadlines;
use super::super::model::{Action, CloseKind, Command, Status, Urgency};
use super::super::rules::{self, Step};
use super::super::store::{self, DemandRow, NewEvent};
use super::targets;
use super::{Ctx, facts_and_relation, own_summons};

impl Command {
    fn step(&self) -> Step {
        match self {
            Command::Accept { .. } => Step::Accept,
            Command::Decline { .. } => Step::Decline,
            Command::Merge { .. } => Step::Merge,
            Command::Dispatch { .. } => Step::Dispatch,
            Command::Take { .. } => Step::Take,
            Command::Resolve { .. } => Step::Resolve,
            Command::Feedback { .. } => Step::Feedback,
            Command::Rate {
                solved,
                satisfaction,
                ..
            } => Step::Rate {
                solved: *solved,
                satisfaction: *satisfaction,
            },
            Command::Reopen { .. } => Step::Reopen,
            Command::Close { .. } => Step::Close,
            Command::AutoClose => Step::AutoClose,
            Command::Escalate { .. } => Step::Escalate,
            Command::Whistle { .. } => Step::Whistle,
            Command::ReportIn { .. } => Step::ReportIn,
            Command::ReportBack { .. } => Step::ReportBack,
            Command::Note { .. } => Step::Note,
            Command::Appoint { .. } => Step::Appoint,
            Command::Return { .. } => Step::Return,
        }
    }

    fn action(&self) -> Action {
        match self {
            Command::Accept { .. } => Action::Accept,
            Command::Decline { .. } => Action::Decline,
            Command::Merge { .. } => Action::Merge,
            Command::Dispatch { .. } => Action::Dispatch,
            Command::Take { .. } => Action::Take,
            Command::Resolve { .. } => Action::Resolve,
            Command::Feedback { .. } => Action::Feedback,
            Command::Rate { .. } => Action::Rate,
            Command::Reopen { .. } => Action::Reopen,
            Command::Close { .. } | Command::AutoClose => Action::Close,
            Command::Escalate { .. } => Action::Escalate,
            Command::Whistle { .. } => Action::Whistle,
            Command::ReportIn { .. } => Action::ReportIn,
            Command::ReportBack { .. } => Action::ReportBack,
            Command::Note { .. } => Action::Note,
            Command::Appoint { .. } => Action::Appoint,
            Command::Return { .. } => Action::Return,
        }
    }
}

/// The furthest ahead an appointment may be set.
const MAX_APPOINTMENT_AHEAD: i64 = 60 * 86_400_000;

/// Takes one step on a demand the caller can see. Returns the demand as it now is.
pub async fn act_in(tx: &mut Tx, ctx: &Ctx<'_>, id: i64, cmd: Command) -> Result<DemandRow> {
    let a = ctx.actor;
    let d = if a.is_system() {
        store::find(tx, id).await?
    } else {
        store::find_visible(tx, a, id).await?
    }
    .ok_or_else(Error::not_found)?;
    let (facts, rel) = facts_and_relation(tx, a, &d).await?;
    let o = rules::decide(&facts, a.role, &rel, cmd.step(), ctx.now, &ctx.policy)?;
    let now = ctx.now;
    let up = Update::new(&o, now);
    let note: String;
    let mut data = json!({});

    match &cmd {
        Command::Accept {
            category,
            grid_id,
            urgency,
            note: n,
        } => {
            let category = category
                .clone()
                .or(d.category.clone())
                .ok_or_else(|| Error::required("category"))?;
            let dl: Deadlines = store::category_deadlines(tx, Some(&category))
                .await?
                .ok_or_else(super::intake::unknown_category)?;
            let grid = grid_id
                .or(d.grid_id)
                .ok_or_else(|| Error::required("grid_id"))?;
            let in_community = Q::new("SELECT community_id FROM grids WHERE id = $1")
                .bind(grid)
                .fetch_optional::<(i64,)>(tx)
                .await?
                .is_some_and(|c| c.0 == d.community_id);
            if !in_community {
                return Err(Error::invalid("grid_id", Code::UnknownGrid));
            }
            let (accept_due, feedback_due) = dl.due(d.created_at);
            let urgency = urgency
                .map(Urgency::as_str)
                .unwrap_or(&d.urgency)
                .to_string();
            up.set("category", category.as_str())
                .set("grid_id", grid)
                .set("urgency", urgency.as_str())
                .set("accept_due_at", accept_due)
                .set("feedback_due_at", feedback_due)
                .set_first("responded_at", now)
                .run(tx, &d)
                .await?;
            note = n.clone().unwrap_or_default();
            data = json!({ "category": category, "grid_id": grid, "urgency": urgency });
        }
        Command::Decline { reason } => {
            up.set("decline_reason", reason.as_str())
                .set_first("responded_at", now)
                .set("closed_at", now)
                .run(tx, &d)
                .await?;
            note = reason.clone();
        }
        Command::Merge { into, note: n } => {
            merge(tx, ctx, &d, *into, up).await?;
            note = n.clone().unwrap_or_default();
            data = json!({ "into": into });
        }
        Command::Dispatch { to, note: n } => {
            let name = targets::check_target(tx, &d, *to).await?;
            up.set("assignee_kind", to.kind.as_str())
                .set("assignee_id", to.id)
                .set("taken_by", None::<i64>)
                .set("dispatched_at", now)
                .run(tx, &d)
                .await?;
            Q::new(
                "INSERT INTO demand_assignments (demand_id, street_id, community_id, \
                 target_kind, target_id, at, by_user) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(d.id)
            .bind(d.street_id)
            .bind(d.community_id)
            .bind(to.kind.as_str())
            .bind(to.id)
            .bind(now)
            .bind(a.user_ref())
            .execute(tx)
            .await?;
            note = n.clone().unwrap_or_default();
            data = json!({ "to": { "kind": to.kind, "id": to.id, "name": name } });
        }
        Command::Take { note: n } => {
            up.set("taken_by", a.user_id).run(tx, &d).await?;
            note = n.clone().unwrap_or_default();
        }
        Command::Resolve { result } => {
            let mut up = up.set("result", result.as_str()).set("resolved_at", now);
            if d.status() == Status::Accepted {
                // Resolved on the spot by whoever resolves it.
                up = up.set("taken_by", a.user_ref());
            }
            up.run(tx, &d).await?;
            note = result.clone();
        }
        Command::Feedback { method, note: n } => {
            up.set("feedback_method", method.as_str())
                .set("feedback_note", n.as_str())
                .set("feedback_at", now)
                .set_first("first_feedback_at", now)
                .set("rating_reminded_at", None::<Millis>)
                .run(tx, &d)
                .await?;
            note = n.clone();
            data = json!({ "method": method });
        }
        Command::Rate {
            solved,
            satisfaction,
            comment,
            on_behalf,
        } => {
            // The household rates for itself; anyone else records the household's answer
            // and says how they asked for it.
            let on_behalf = match (rel.reporter, on_behalf) {
                (true, None) => None,
                (true, Some(_)) => {
                    return Err(
                        Error::invalid("rating_method", Code::InvalidChoice).with("allowed", "—")
                    );
                }
                (false, None) => return Err(Error::required("rating_method")),
                (false, Some(m)) => Some(*m),
            };
            let mut up = up
                .set("rating_solved", *solved)
                .set("rating_satisfaction", satisfaction.as_str())
                .set("rating_comment", comment.clone())
                .set("rating_method", on_behalf.map(|m| m.as_str()))
                .set("rated_at", now);
            up = if o.reopened {
                up.set("taken_by", None::<i64>)
                    .raw("reopen_count = reopen_count + 1")
            } else {
                up.set("closed_at", now)
                    .set("close_kind", CloseKind::Rated.as_str())
            };
            up.run(tx, &d).await?;
            note = comment.clone().unwrap_or_default();
            data = json!({ "solved": solved, "satisfaction": satisfaction,
                "reopened": o.reopened, "on_behalf": on_behalf });
        }
        Command::Reopen { reason } => {
            up.set("closed_at", None::<Millis>)
                .set("close_kind", None::<String>)
                .set("taken_by", None::<i64>)
                .raw("reopen_count = reopen_count + 1")
                .run(tx, &d)
                .await?;
            note = reason.clone();
        }
        Command::Close { note: n } => {
            up.set("closed_at", now)
                .set("close_kind", CloseKind::Unrated.as_str())
                .run(tx, &d)
                .await?;
            note = n.clone().unwrap_or_default();
            data = json!({ "unrated": true });
        }
        Command::AutoClose => {
            up.set("closed_at", now)
                .set("close_kind", CloseKind::Unrated.as_str())
                .run(tx, &d)
                .await?;
            note = tr!("demand.auto_closed");
            data = json!({ "unrated": true, "automatic": true });
        }
        Command::Escalate { reason } => {
            up.run(tx, &d).await?;
            note = reason.clone();
            data = json!({ "from_level": d.level, "to_level": o.level });
        }
        Command::Whistle { summon, note: n } => {
            let mut names = Vec::new();
            for t in summon.targets() {
                let name = targets::check_summon(tx, &d, *t).await?;
                Q::new(
                    "INSERT INTO demand_summons (demand_id, street_id, community_id, \
                     target_kind, target_id, summoned_at, summoned_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                )
                .bind(d.id)
                .bind(d.street_id)
                .bind(d.community_id)
                .bind(t.kind.as_str())
                .bind(t.id)
                .bind(now)
                .bind(a.user_ref())
                .execute(tx)
                .await?;
                names.push(json!({ "kind": t.kind, "id": t.id, "name": name }));
            }
            up.run(tx, &d).await?;
            note = n.clone().unwrap_or_default();
            data = json!({ "summoned": names });
        }
        Command::ReportIn { note: n } => {
            let sid = report(tx, ctx, &d, "reported_in", n.as_deref()).await?;
            up.run(tx, &d).await?;
            note = n.clone().unwrap_or_default();
            data = json!({ "summons_id": sid });
        }
        Command::ReportBack { note: n } => {
            let sid = report(tx, ctx, &d, "reported_back", Some(n)).await?;
            up.run(tx, &d).await?;
            note = n.clone();
            data = json!({ "summons_id": sid });
        }
        Command::Note { note: n } => {
            up.run(tx, &d).await?;
            note = n.clone();
        }
        Command::Appoint { at, note: n } => {
            if *at < now {
                return Err(Error::invalid("appointment_at", Code::AppointmentPast));
            }
            if *at > now + MAX_APPOINTMENT_AHEAD {
                return Err(Error::invalid("appointment_at", Code::AppointmentTooFar)
                    .with("days", MAX_APPOINTMENT_AHEAD / 86_400_000));
            }
            up.set("appointment_at", *at).run(tx, &d).await?;
            note = n.clone().unwrap_or_default();
            data = json!({ "at": crate::clock::rfc3339(*at) });
        }
        Command::Return { reason } => {
            let name = store::assignee_name(tx, &d).await?;
            let from = json!({ "kind": d.assignee_kind, "id": d.assignee_id, "name": name });
            up.set("assignee_kind", None::<String>)
                .set("assignee_id", None::<i64>)
                .set("taken_by", None::<i64>)
                .set("appointment_at", None::<Millis>)
                .run(tx, &d)
                .await?;
            note = reason.clone();
            data = json!({ "from": from });
        }
    }

    store::append_event(
        tx,
        NewEvent {
            demand: &d,
            at: now,
            actor: a,
            action: cmd.action(),
            from: Some(d.status()),
            to: o.to,
            level: o.level,
            note: &note,
            data,
        },
    )
    .await?;
    let after = store::find_in(tx, d.community_id, d.id)
        .await?
        .ok_or_else(Error::not_found)?;
    crate::measures::rollups::apply(tx, Some(&d), Some(&after)).await?;
    Ok(after)
}

/// Merges a duplicate into the demand it repeats: the duplicate is closed as merged and the
/// other's "me too" count grows by the duplicate and everyone who already joined it.
async fn merge(tx: &mut Tx, ctx: &Ctx<'_>, d: &DemandRow, into: i64, up: Update) -> Result<()> {
    let bad_target = || Error::invalid("into", Code::InvalidMergeTarget);
    if into == d.id {
        return Err(bad_target());
    }
    let target = store::find_visible(tx, ctx.actor, into)
        .await?
        .filter(|t| t.community_id == d.community_id)
        .ok_or_else(bad_target)?;
    if !target.status().is_open() {
        return Err(bad_target());
    }
    up.set("merged_into", into)
        .set("closed_at", ctx.now)
        .run(tx, d)
        .await?;
    let joined = 1 + d.me_too;
    Q::new(
        "UPDATE demands SET me_too = me_too + $1, version = version + 1, updated_at = $2 \
         WHERE community_id = $3 AND id = $4",
    )
    .bind(joined)
    .bind(ctx.now)
    .bind(d.community_id)
    .bind(into)
    .execute(tx)
    .await?;
    // Demands merged into the duplicate earlier now point at the survivor.
    Q::new("UPDATE demands SET merged_into = $1 WHERE community_id = $2 AND merged_into = $3")
        .bind(into)
        .bind(d.community_id)
        .bind(d.id)
        .execute(tx)
        .await?;
    store::append_event(
        tx,
        NewEvent {
            demand: &target,
            at: ctx.now,
            actor: ctx.actor,
            action: Action::MeToo,
            from: Some(target.status()),
            to: target.status(),
            level: target.level(),
            note: &d.title,
            data: json!({ "from": d.id, "joined": joined }),
        },
    )
    .await?;
    Ok(())
}

/// Records a summoned unit's (or person's) report: `reported_in` or `reported_back`.
async fn report(
    tx: &mut Tx,
    ctx: &Ctx<'_>,
    d: &DemandRow,
    which: &str,
    note: Option<&str>,
) -> Result<i64> {
    let s = own_summons(tx, ctx.actor, d)
        .await?
        .ok_or_else(Error::not_found)?;
    let note_column = if which == "reported_in" {
        "in_note"
    } else {
        "back_note"
    };
    Q::new(format!(
        "UPDATE demand_summons SET {which}_at = $1, {which}_by = $2, {note_column} = $3 \
         WHERE community_id = $4 AND id = $5 AND {which}_at IS NULL"
    ))
    .bind(ctx.now)
    .bind(ctx.actor.user_id)
    .bind(note)
    .bind(d.community_id)
    .bind(s.id)
    .execute(tx)
    .await?;
    Ok(s.id)
}
