//! Meetings: called ad hoc or from the schedule, topics put on their agenda, opened,
//! attendance taken against the membership, minutes written, closed (votes frozen) or
//! cancelled.

use serde_json::json;

use crate::auth::Actor;
use crate::councils::model::inputs::MeetingInput;
use crate::councils::model::records::{Council, Meeting, MeetingView};
use crate::councils::model::{Labelled, MeetingStatus, TopicStatus};
use crate::councils::store::{self, meetings, topics};
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::state::AppState;

use super::{HORIZON_DAYS, audited, not_now, run, seen};

/// The meeting and its council, for a caller who sees the council.
pub(super) async fn load(
    ex: &mut impl crate::db::Exec,
    actor: &Actor,
    id: i64,
) -> Result<(Meeting, Council, bool)> {
    let m = meetings::find(ex, id).await?.ok_or_else(Error::not_found)?;
    let (c, runs, _) = seen(ex, actor, m.council_id).await?;
    Ok((m, c, runs))
}

async fn load_run(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(Meeting, Council)> {
    let (m, c, runs) = load(tx, actor, id).await?;
    if !runs {
        return Err(Error::forbidden());
    }
    Ok((m, c))
}

pub async fn get(st: &AppState, actor: &Actor, id: i64) -> Result<MeetingView> {
    let mut conn = st.db.conn().await?;
    let (meeting, _, _) = load(&mut conn, actor, id).await?;
    let ts = topics::of_meeting(&mut conn, id).await?;
    let agenda = super::topics::views(&mut conn, actor, ts).await?;
    let attendance = meetings::attendance(&mut conn, id).await?;
    let mut meeting = meeting;
    if meeting.status == MeetingStatus::Scheduled {
        meeting.members = store::member_count(&mut conn, meeting.council_id).await?;
    }
    Ok(MeetingView {
        meeting,
        agenda,
        attendance,
    })
}

/// Calls a meeting outside the schedule.
pub async fn call(
    st: &AppState,
    actor: &Actor,
    council_id: i64,
    m: MeetingInput,
) -> Result<Meeting> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let c = run(&mut tx, actor, council_id).await?;
    let location = m.location.clone().unwrap_or_else(|| c.location.clone());
    let id = meetings::insert(
        &mut tx,
        &meetings::NewMeeting {
            council_id: c.id,
            street_id: c.street_id,
            community_id: c.community_id,
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            location: &location,
        },
        now,
    )
    .await
    .map_err(|e| Error::from(e).on("starts_at"))?;
    audited(
        &mut tx,
        actor,
        now,
        ("meeting", id),
        &c,
        "create",
        json!({}),
    )
    .await?;
    let made = meetings::find(&mut tx, id)
        .await?
        .ok_or_else(|| Error::internal("no meeting"))?;
    tx.commit().await?;
    Ok(made)
}

/// Puts a raised topic on a scheduled (or running) meeting's agenda.
pub async fn put_on_agenda(
    st: &AppState,
    actor: &Actor,
    id: i64,
    topic_id: i64,
) -> Result<MeetingView> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let (m, c) = load_run(&mut tx, actor, id).await?;
    if !matches!(
        m.status,
        MeetingStatus::Scheduled | MeetingStatus::InSession
    ) {
        return Err(not_now(m.status.key(), "councils.step.agenda"));
    }
    let t = topics::find(&mut tx, topic_id)
        .await?
        .filter(|t| t.council_id == c.id)
        .ok_or_else(|| Error::invalid("topic_id", crate::error::Code::UnknownReference))?;
    if !topics::set_status(
        &mut tx,
        t.id,
        TopicStatus::Raised,
        TopicStatus::OnAgenda,
        Some(id),
        now,
    )
    .await?
    {
        return Err(not_now(t.status.key(), "councils.step.agenda"));
    }
    audited(
        &mut tx,
        actor,
        now,
        ("topic", t.id),
        &c,
        "put_on_agenda",
        json!({"meeting_id": id}),
    )
    .await?;
    tx.commit().await?;
    get(st, actor, id).await
}

/// Opens a scheduled meeting: voting may begin, and its membership is counted now.
pub async fn open(st: &AppState, actor: &Actor, id: i64) -> Result<MeetingView> {
    step(
        st,
        actor,
        id,
        MeetingStatus::Scheduled,
        MeetingStatus::InSession,
        "councils.step.open",
    )
    .await
}

/// Closes a meeting in session: its votes cannot change afterwards.
pub async fn close(st: &AppState, actor: &Actor, id: i64) -> Result<MeetingView> {
    step(
        st,
        actor,
        id,
        MeetingStatus::InSession,
        MeetingStatus::Closed,
        "councils.step.close",
    )
    .await
}

/// Cancels a scheduled meeting; calendars show it struck through.
pub async fn cancel(st: &AppState, actor: &Actor, id: i64) -> Result<MeetingView> {
    step(
        st,
        actor,
        id,
        MeetingStatus::Scheduled,
        MeetingStatus::Cancelled,
        "councils.step.cancel",
    )
    .await
}

async fn step(
    st: &AppState,
    actor: &Actor,
    id: i64,
    from: MeetingStatus,
    to: MeetingStatus,
    step_key: &str,
) -> Result<MeetingView> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let (m, c) = load_run(&mut tx, actor, id).await?;
    let members = match to {
        MeetingStatus::InSession => Some(store::member_count(&mut tx, c.id).await?),
        _ => None,
    };
    if m.status != from || !meetings::set_status(&mut tx, id, from, to, members, now).await? {
        return Err(not_now(m.status.key(), step_key));
    }
    if to == MeetingStatus::Cancelled {
        // Its agenda goes back to the demand list, for another meeting.
        for t in topics::of_meeting(&mut tx, id).await? {
            topics::set_status(
                &mut tx,
                t.id,
                TopicStatus::OnAgenda,
                TopicStatus::Raised,
                None,
                now,
            )
            .await?;
        }
    }
    if to == MeetingStatus::Closed {
        // A closed meeting keeps the schedule rolling.
        super::councils::extend_schedule(&mut tx, &c, now, now + HORIZON_DAYS * 86_400_000).await?;
    }
    audited(
        &mut tx,
        actor,
        now,
        ("meeting", id),
        &c,
        to.as_str(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    get(st, actor, id).await
}

/// Takes attendance: exactly the members listed came (members of this council only).
pub async fn attendance(
    st: &AppState,
    actor: &Actor,
    id: i64,
    member_ids: Vec<i64>,
) -> Result<MeetingView> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let (m, c) = load_run(&mut tx, actor, id).await?;
    if !matches!(
        m.status,
        MeetingStatus::Scheduled | MeetingStatus::InSession
    ) {
        return Err(not_now(m.status.key(), "councils.step.attend"));
    }
    let members = store::members(&mut tx, c.id).await?;
    let mut ids = member_ids;
    ids.sort_unstable();
    ids.dedup();
    if let Some(bad) = ids.iter().find(|i| !members.iter().any(|m| m.id == **i)) {
        return Err(
            Error::invalid("member_ids", crate::error::Code::UnknownReference).with("id", bad),
        );
    }
    meetings::set_attendance(&mut tx, id, &ids, now).await?;
    audited(
        &mut tx,
        actor,
        now,
        ("meeting", id),
        &c,
        "attendance",
        json!({"present": ids.len()}),
    )
    .await?;
    tx.commit().await?;
    get(st, actor, id).await
}

/// Writes the minutes (until the meeting is closed, and after, to correct them: audited).
pub async fn minutes(st: &AppState, actor: &Actor, id: i64, text: String) -> Result<MeetingView> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let (m, c) = load_run(&mut tx, actor, id).await?;
    if m.status == MeetingStatus::Cancelled {
        return Err(not_now(m.status.key(), "councils.step.minutes"));
    }
    meetings::set_minutes(&mut tx, id, &text, now).await?;
    audited(
        &mut tx,
        actor,
        now,
        ("meeting", id),
        &c,
        "minutes",
        json!({"chars": text.chars().count()}),
    )
    .await?;
    tx.commit().await?;
    get(st, actor, id).await
}
