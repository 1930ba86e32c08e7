//! Meetings and their attendance.

use crate::clock::Millis;
use crate::councils::model::MeetingStatus;
use crate::councils::model::records::Meeting;
use crate::db::{DbResult, Exec, Q};

const MEETING: &str = "SELECT m.id, m.council_id, m.street_id, m.community_id, \
    c.name AS council_name, m.starts_at, m.ends_at, m.location, m.status, m.minutes, \
    m.members, m.present, m.sequence, m.closed_at \
    FROM council_meetings m JOIN councils c ON c.id = m.council_id";

pub async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Meeting>> {
    Q::new(format!("{MEETING} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

/// A council's meetings starting in `[from, to)`, in order.
pub async fn of_council(
    ex: &mut impl Exec,
    council_id: i64,
    from: Millis,
    to: Millis,
) -> DbResult<Vec<Meeting>> {
    Q::new(format!(
        "{MEETING} WHERE m.council_id = $1 AND m.starts_at >= $2 AND m.starts_at < $3 \
         ORDER BY m.starts_at"
    ))
    .bind(council_id)
    .bind(from)
    .bind(to)
    .fetch_all(ex)
    .await
}

/// The meetings of the councils listed starting in `[from, to)`, in order.
pub async fn of_councils(
    ex: &mut impl Exec,
    council_ids: &[i64],
    from: Millis,
    to: Millis,
) -> DbResult<Vec<Meeting>> {
    if council_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new(format!("{MEETING} WHERE m.council_id IN ("));
    for (i, id) in council_ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*id);
    }
    q.push(") AND m.starts_at >= ")
        .push_bind(from)
        .push(" AND m.starts_at < ")
        .push_bind(to)
        .push(" ORDER BY m.starts_at");
    q.fetch_all(ex).await
}

pub struct NewMeeting<'a> {
    pub council_id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub location: &'a str,
}

/// Adds a meeting unless the council already has one starting then; its id either way
/// is not needed by the schedule, so none is returned.
pub async fn insert_scheduled(
    ex: &mut impl Exec,
    m: &NewMeeting<'_>,
    now: Millis,
) -> DbResult<u64> {
    Q::new(
        "INSERT INTO council_meetings (council_id, street_id, community_id, starts_at, ends_at, \
         location, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $7) \
         ON CONFLICT (council_id, starts_at) DO NOTHING",
    )
    .bind(m.council_id)
    .bind(m.street_id)
    .bind(m.community_id)
    .bind(m.starts_at)
    .bind(m.ends_at)
    .bind(m.location)
    .bind(now)
    .execute(ex)
    .await
}

/// Adds an ad-hoc meeting; one at the same start as another of the council is a duplicate.
pub async fn insert(ex: &mut impl Exec, m: &NewMeeting<'_>, now: Millis) -> DbResult<i64> {
    Q::new(
        "INSERT INTO council_meetings (council_id, street_id, community_id, starts_at, ends_at, \
         location, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'scheduled', $7, $7) RETURNING id",
    )
    .bind(m.council_id)
    .bind(m.street_id)
    .bind(m.community_id)
    .bind(m.starts_at)
    .bind(m.ends_at)
    .bind(m.location)
    .bind(now)
    .insert_id(ex)
    .await
}

/// Moves a meeting from one status to another; false when it was not in `from` (someone
/// else moved it first).
pub async fn set_status(
    ex: &mut impl Exec,
    id: i64,
    from: MeetingStatus,
    to: MeetingStatus,
    members: Option<i64>,
    now: Millis,
) -> DbResult<bool> {
    let stamp = match to {
        MeetingStatus::InSession => ", opened_at = $4",
        MeetingStatus::Closed => ", closed_at = $4",
        _ => "",
    };
    let n = Q::new(format!(
        "UPDATE council_meetings SET status = $3, updated_at = $4, sequence = sequence + 1, \
         members = COALESCE($5, members){stamp} WHERE id = $1 AND status = $2"
    ))
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(now)
    .bind(members)
    .execute(ex)
    .await?;
    Ok(n == 1)
}

pub async fn set_minutes(ex: &mut impl Exec, id: i64, minutes: &str, now: Millis) -> DbResult<()> {
    Q::new("UPDATE council_meetings SET minutes = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(minutes)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(())
}

/// Sets who of the membership came: exactly the members listed, and the count beside.
pub async fn set_attendance(
    ex: &mut impl Exec,
    meeting_id: i64,
    member_ids: &[i64],
    now: Millis,
) -> DbResult<()> {
    Q::new("DELETE FROM meeting_attendance WHERE meeting_id = $1")
        .bind(meeting_id)
        .execute(ex)
        .await?;
    for m in member_ids {
        Q::new(
            "INSERT INTO meeting_attendance (meeting_id, member_id, recorded_at) \
             VALUES ($1, $2, $3)",
        )
        .bind(meeting_id)
        .bind(*m)
        .bind(now)
        .execute(ex)
        .await?;
    }
    Q::new("UPDATE council_meetings SET present = $2, updated_at = $3 WHERE id = $1")
        .bind(meeting_id)
        .bind(member_ids.len() as i64)
        .bind(now)
        .execute(ex)
        .await?;
    Ok(())
}

pub async fn attendance(ex: &mut impl Exec, meeting_id: i64) -> DbResult<Vec<i64>> {
    let rows: Vec<(i64,)> =
        Q::new("SELECT member_id FROM meeting_attendance WHERE meeting_id = $1 ORDER BY member_id")
            .bind(meeting_id)
            .fetch_all(ex)
            .await?;
    Ok(rows.into_iter().map(|(m,)| m).collect())
}
