//! Councils and linkage teams: listed for the caller, created with their schedule and
//! members, and their meetings as calendar feeds.

use serde_json::json;

use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::councils::ics::{self, IcsEvent};
use crate::councils::model::inputs::{CouncilInput, MemberInput};
use crate::councils::model::records::{Council, CouncilView, Meeting, Member};
use crate::councils::model::{MeetingStatus, MemberKind, Recurrence};
use crate::councils::rules::{access, schedule};
use crate::councils::store::{self, meetings};
use crate::db::{DbError, Exec, Tx};
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::{HORIZON_DAYS, audited, place, run, seen, ties};

const DAY: i64 = 86_400_000;

/// The councils the caller sees: of their community (a resident: the community's and
/// their own grid's), of their street, all of them for an admin, and those they sit on.
pub async fn list(st: &AppState, actor: &Actor) -> Result<Vec<Council>> {
    let mut conn = st.db.conn().await?;
    let mut all = match (actor.role, actor.community_id, actor.street_id) {
        (Role::Admin, _, _) => store::all(&mut conn).await?,
        (Role::Street, _, Some(s)) => store::of_street(&mut conn, s).await?,
        (_, Some(c), _) => store::of_community(&mut conn, c).await?,
        _ => Vec::new(),
    };
    for c in store::sat_on(&mut conn, actor.user_id, actor.resident_id, actor.unit_id).await? {
        if !all.iter().any(|a| a.id == c.id) {
            all.push(c);
        }
    }
    let mut seen = Vec::with_capacity(all.len());
    for c in all {
        let t = ties(&mut conn, actor, &c).await?;
        if access::sees(actor, place(&c), t) {
            seen.push(c);
        }
    }
    seen.sort_by_key(|c| c.id);
    Ok(seen)
}

pub async fn get(st: &AppState, actor: &Actor, id: i64) -> Result<CouncilView> {
    let mut conn = st.db.conn().await?;
    let (council, may_manage, _) = seen(&mut conn, actor, id).await?;
    let members = store::members(&mut conn, id).await?;
    Ok(CouncilView {
        council,
        members,
        may_manage,
    })
}

/// Creates a council of a community (or one of its grids), with its chair and the
/// meetings of its schedule for the next [`HORIZON_DAYS`] days.
pub async fn create(st: &AppState, actor: &Actor, new: CouncilInput) -> Result<CouncilView> {
    new.check()?;
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let (street_id, community_id) = community_of(&mut tx, actor, &new).await?;
    if !access::creates(actor, street_id, community_id) {
        return Err(Error::forbidden());
    }
    if let Some(u) = new.chair_user_id {
        user_in(&mut tx, "chair_user_id", u, street_id).await?;
    }
    let id = store::insert(
        &mut tx,
        &store::NewCouncil {
            street_id,
            community_id,
            grid_id: new.grid_id,
            kind: new.kind,
            name: &new.name,
            chair_user_id: new.chair_user_id,
            recurrence: new.recurrence.as_ref().map(|(_, t)| t.as_str()),
            first_starts_at: new.first_starts_at,
            duration_minutes: new.duration_minutes,
            location: &new.location,
        },
        now,
    )
    .await
    .map_err(|e| named_twice(e, "name"))?;
    let council = store::find(&mut tx, id).await?.ok_or_else(not_there)?;
    let made = extend_schedule(&mut tx, &council, now, now + HORIZON_DAYS * DAY).await?;
    audited(
        &mut tx,
        actor,
        now,
        ("council", id),
        &council,
        "create",
        json!({"name": council.name, "meetings": made}),
    )
    .await?;
    tx.commit().await?;
    Ok(CouncilView {
        council,
        members: Vec::new(),
        may_manage: true,
    })
}

/// The community a new council is in: the grid's, the one named, or the caller's.
async fn community_of(tx: &mut Tx, actor: &Actor, new: &CouncilInput) -> Result<(i64, i64)> {
    if let Some(g) = new.grid_id {
        let found: Option<(i64, i64)> =
            crate::db::Q::new("SELECT street_id, community_id FROM grids WHERE id = $1")
                .bind(g)
                .fetch_optional(tx)
                .await?;
        let (s, c) = found.ok_or_else(|| Error::invalid("grid_id", Code::UnknownGrid))?;
        if new.community_id.is_some_and(|n| n != c) {
            return Err(Error::invalid("grid_id", Code::UnknownGrid));
        }
        return Ok((s, c));
    }
    let id = new
        .community_id
        .or(actor.community_id)
        .ok_or_else(|| Error::required("community_id"))?;
    let found: Option<(i64,)> =
        crate::db::Q::new("SELECT street_id FROM communities WHERE id = $1")
            .bind(id)
            .fetch_optional(tx)
            .await?;
    let (s,) = found.ok_or_else(|| Error::invalid("community_id", Code::UnknownCommunity))?;
    Ok((s, id))
}

/// An account of the street (the chair, an owner of an item).
pub(super) async fn user_in(
    ex: &mut impl Exec,
    field: &str,
    id: i64,
    street_id: i64,
) -> Result<()> {
    let found: Option<(Option<i64>,)> =
        crate::db::Q::new("SELECT street_id FROM users WHERE id = $1 AND active")
            .bind(id)
            .fetch_optional(ex)
            .await?;
    match found {
        Some((s,)) if s.is_none_or(|s| s == street_id) => Ok(()),
        _ => Err(Error::invalid(field, Code::UnknownUser)),
    }
}

fn named_twice(e: DbError, field: &str) -> Error {
    let e: Error = e.into();
    if e.code == Code::Duplicate {
        e.on(field)
    } else {
        e
    }
}

fn not_there() -> Error {
    Error::internal("a council written is not there")
}

/// Makes the meetings of a council's schedule that start in `[from, to)` (none twice);
/// how many were new.
pub async fn extend_schedule(tx: &mut Tx, c: &Council, from: Millis, to: Millis) -> Result<u64> {
    let (Some(rule), Some(first)) = (&c.recurrence, c.first_starts_at) else {
        return Ok(0);
    };
    let rule = Recurrence::parse(rule)?;
    let Some(dtstart) = crate::clock::civil_in(first, &crate::clock::china()) else {
        return Ok(0);
    };
    let mut made = 0;
    for at in schedule::occurrences(&rule, dtstart, from, to) {
        let starts_at = Millis(at.timestamp().as_millisecond());
        made += meetings::insert_scheduled(
            tx,
            &meetings::NewMeeting {
                council_id: c.id,
                street_id: c.street_id,
                community_id: c.community_id,
                starts_at,
                ends_at: starts_at + c.duration_minutes * 60_000,
                location: &c.location,
            },
            from,
        )
        .await?;
    }
    Ok(made)
}

/// Adds a member: a resident of the community, an account or a unit of the street.
pub async fn add_member(
    st: &AppState,
    actor: &Actor,
    council_id: i64,
    m: MemberInput,
) -> Result<Member> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let c = run(&mut tx, actor, council_id).await?;
    let (sql, field, code) = match m.kind {
        MemberKind::Resident => (
            "SELECT id FROM residents WHERE id = $1 AND community_id = $2 AND anonymised_at IS NULL",
            "resident_id",
            Code::UnknownResident,
        ),
        MemberKind::Staff => (
            "SELECT id FROM users WHERE id = $1 AND active AND (street_id IS NULL OR street_id = $3)",
            "user_id",
            Code::UnknownUser,
        ),
        MemberKind::Unit => (
            "SELECT id FROM units WHERE id = $1 AND street_id = $3 \
             AND (community_id IS NULL OR community_id = $2)",
            "unit_id",
            Code::UnknownReference,
        ),
    };
    let found: Option<(i64,)> = crate::db::Q::new(sql)
        .bind(m.id)
        .bind(c.community_id)
        .bind(c.street_id)
        .fetch_optional(&mut tx)
        .await?;
    if found.is_none() {
        return Err(Error::invalid(field, code));
    }
    let id = store::add_member(&mut tx, c.id, m.kind, m.id, &m.role, now)
        .await
        .map_err(|e| named_twice(e, field))?;
    audited(
        &mut tx,
        actor,
        now,
        ("council", c.id),
        &c,
        "add_member",
        json!({"member_id": id, "kind": m.kind.as_str()}),
    )
    .await?;
    let member = store::members(&mut tx, c.id)
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(not_there)?;
    tx.commit().await?;
    Ok(member)
}

/// A council's meetings from a week ago to the end of its schedule's horizon.
pub async fn meetings(st: &AppState, actor: &Actor, council_id: i64) -> Result<Vec<Meeting>> {
    let mut conn = st.db.conn().await?;
    let _ = seen(&mut conn, actor, council_id).await?;
    let now = st.clock.now();
    Ok(meetings::of_council(
        &mut conn,
        council_id,
        now - 7 * DAY,
        now + HORIZON_DAYS * DAY,
    )
    .await?)
}

/// A council's meetings as an iCalendar file (the last 90 days and what is scheduled).
pub async fn council_feed(st: &AppState, actor: &Actor, council_id: i64) -> Result<String> {
    let mut conn = st.db.conn().await?;
    let (c, _, _) = seen(&mut conn, actor, council_id).await?;
    let now = st.clock.now();
    let ms = meetings::of_council(
        &mut conn,
        c.id,
        now - HORIZON_DAYS * DAY,
        now + HORIZON_DAYS * DAY,
    )
    .await?;
    Ok(ics::calendar(&c.name, now, &events(&ms)))
}

/// The meetings of every council the caller sees, as one iCalendar file.
pub async fn my_feed(st: &AppState, actor: &Actor) -> Result<String> {
    let councils = list(st, actor).await?;
    let ids: Vec<i64> = councils.iter().map(|c| c.id).collect();
    let mut conn = st.db.conn().await?;
    let now = st.clock.now();
    let ms = meetings::of_councils(
        &mut conn,
        &ids,
        now - HORIZON_DAYS * DAY,
        now + HORIZON_DAYS * DAY,
    )
    .await?;
    let name = crate::tr!("councils.feed.mine");
    Ok(ics::calendar(&name, now, &events(&ms)))
}

fn events(ms: &[Meeting]) -> Vec<IcsEvent> {
    let tz = crate::clock::china();
    ms.iter()
        .filter_map(|m| {
            Some(IcsEvent {
                uid: format!("meeting-{}@linli", m.id),
                start: crate::clock::civil_in(m.starts_at, &tz)?,
                end: crate::clock::civil_in(m.ends_at, &tz)?,
                summary: m.council_name.clone(),
                location: Some(m.location.clone()).filter(|l| !l.is_empty()),
                description: None,
                cancelled: m.status == MeetingStatus::Cancelled,
                sequence: m.sequence.max(0) as u32,
            })
        })
        .collect()
}
