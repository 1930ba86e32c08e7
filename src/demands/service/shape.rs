//! Rows as the caller may see them: what `rules::audience` decides, applied to a demand,
//! its timeline, its summoned parties and its attachments. Every value the service gives
//! back is made here.

use crate::clock::{Millis, rfc3339};
use crate::demands::deadlines;
use crate::demands::model::{
    Action, Assignee, AttachmentView, Channel, DemandView, EventView, FeedbackMethod, Rating,
    Satisfaction, SummonView, TargetKind, Urgency,
};
use crate::demands::rules::audience::Audience;
use crate::demands::store::{AttachmentMeta, DemandRow, EventRow, SummonRow};
use crate::roster::ids::mask_phone;

fn ts(t: Option<Millis>) -> Option<String> {
    t.map(rfc3339)
}

/// A demand for `aud`, the phone whole only when `whole_phone` (the detail asked for with a
/// reason, audited).
pub fn demand(
    d: &DemandRow,
    assignee_name: Option<String>,
    whole_phone: bool,
    now: Millis,
    aud: Audience,
) -> DemandView {
    let status = d.status();
    DemandView {
        id: d.id,
        status,
        level: d.level(),
        channel: Channel::parse(&d.channel).unwrap_or(Channel::Api),
        category: d.category.clone(),
        urgency: Urgency::parse(&d.urgency).unwrap_or(Urgency::Normal),
        title: d.title.clone(),
        description: d.description.clone(),
        location: d.location.clone(),
        street_id: d.street_id,
        community_id: d.community_id,
        grid_id: d.grid_id,
        building_id: d.building_id,
        household_id: d.household_id,
        resident_id: d.resident_id,
        reporter_name: d.reporter_name.clone(),
        reporter_phone: d.reporter_phone.as_deref().map(|p| {
            if whole_phone {
                p.to_string()
            } else {
                mask_phone(p)
            }
        }),
        me_too: d.me_too,
        merged_into: d.merged_into,
        assignee: match (d.assignee_kind(), d.assignee_id) {
            (Some(kind), Some(id)) if aud.sees_party(kind) => Some(Assignee {
                kind,
                id,
                name: assignee_name.unwrap_or_default(),
            }),
            _ => None,
        },
        taken_by: d.taken_by.filter(|_| aud.sees_workers_notes()),
        result: d.result.clone(),
        decline_reason: d.decline_reason.clone(),
        feedback_note: d.feedback_note.clone(),
        feedback_method: d.feedback_method.as_deref().and_then(FeedbackMethod::parse),
        rating: d.rating_solved.map(|solved| Rating {
            solved,
            satisfaction: d
                .rating_satisfaction
                .as_deref()
                .and_then(Satisfaction::parse),
            comment: d.rating_comment.clone(),
            rated_at: ts(d.rated_at),
            on_behalf: d.rating_method.as_deref().and_then(FeedbackMethod::parse),
        }),
        close_kind: d.close_kind.clone(),
        reopen_count: d.reopen_count,
        created_at: rfc3339(d.created_at),
        responded_at: ts(d.responded_at),
        dispatched_at: ts(d.dispatched_at),
        resolved_at: ts(d.resolved_at),
        feedback_at: ts(d.feedback_at),
        closed_at: ts(d.closed_at),
        accept_due_at: rfc3339(d.accept_due_at),
        feedback_due_at: rfc3339(d.feedback_due_at),
        overdue: deadlines::overdue(status, d.accept_due_at, d.feedback_due_at, now),
        version: d.version,
        visit_flags: if aud.sees_workers_notes() {
            d.visit_flags
                .split_whitespace()
                .map(str::to_string)
                .collect()
        } else {
            Vec::new()
        },
        anonymous: d.anonymous,
        appointment_at: ts(d.appointment_at),
    }
}

/// A demand with its phone masked: what every answer but the detail gives.
pub fn masked(
    d: &DemandRow,
    assignee_name: Option<String>,
    now: Millis,
    aud: Audience,
) -> DemandView {
    demand(d, assignee_name, false, now, aud)
}

/// A timeline entry for `aud`, or `None` when it is not theirs to read.
pub fn event(e: EventRow, aud: Audience) -> Option<EventView> {
    let action = Action::parse(&e.action);
    let by_resident = e.actor_role == crate::auth::Role::Resident.as_str();
    let visible = match action {
        Some(a) => aud.sees_event(a),
        None => aud == Audience::Staff,
    };
    if !visible {
        return None;
    }
    let sees_actor = aud.sees_actor(by_resident);
    Some(EventView {
        id: e.id,
        at: rfc3339(e.at),
        actor_id: e.actor_id.filter(|_| sees_actor),
        actor_name: if sees_actor {
            e.actor_name
        } else {
            String::new()
        },
        actor_role: e.actor_role,
        action: e.action,
        from_status: e.from_status,
        to_status: e.to_status,
        level: e.level,
        note: if action.is_some_and(|a| aud.sees_note(a, by_resident)) {
            e.note
        } else {
            String::new()
        },
        data: if action.is_some_and(|a| aud.sees_data(a)) {
            e.data.0
        } else {
            serde_json::json!({})
        },
    })
}

/// A summoned party for `aud`, or `None` (a person summoned is not named to residents).
pub fn summon(s: SummonRow, aud: Audience) -> Option<SummonView> {
    let kind = TargetKind::parse(&s.target_kind)?;
    if !aud.sees_party(kind) {
        return None;
    }
    let notes = aud.sees_workers_notes();
    Some(SummonView {
        kind: s.target_kind,
        id: s.target_id,
        name: s.target_name,
        summoned_at: rfc3339(s.summoned_at),
        reported_in_at: ts(s.reported_in_at),
        in_note: s.in_note.filter(|_| notes),
        reported_back_at: ts(s.reported_back_at),
        back_note: s.back_note.filter(|_| notes),
    })
}

pub fn attachment(a: AttachmentMeta) -> AttachmentView {
    AttachmentView {
        url: format!("/api/v1/attachments/{}", a.id),
        id: a.id,
        file_name: a.file_name,
        content_type: a.content_type,
        size: a.size,
        sha256: a.sha256,
        uploaded_at: rfc3339(a.uploaded_at),
    }
}
