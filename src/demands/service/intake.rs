//! Intake: a demand arrives from any channel, raised by a resident or recorded for one.

use crate::auth::Role;
use crate::db::{Exec, Q, Tx};
use crate::error::{Code, Error, Result};
use crate::roster::ids::Phone;
use crate::roster::store::{self as roster, Place};

use super::super::model::{Action, Channel, ClientId, Level, MAX_TITLE, Status, Urgency};
use super::super::store::{self, DemandRow, NewEvent};
use super::Ctx;

mod batch;

/// A demand as received (text already trimmed and bounded by the API layer).
#[derive(Clone, Debug, Default)]
pub struct NewDemand {
    pub channel: Option<Channel>,
    pub title: Option<String>,
    pub description: String,
    pub category: Option<String>,
    pub urgency: Option<Urgency>,
    /// Needed only from callers above one community (street, admin).
    pub community_id: Option<i64>,
    pub building_id: Option<i64>,
    pub household_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub location: Option<String>,
    /// The caller asked not to be named: then no reporter is needed.
    pub anonymous: bool,
    /// The id the client made for this intake: sent again, the demand it recorded first
    /// is answered and nothing is written.
    pub client_id: Option<ClientId>,
}

/// Where the demand is and who raised it, resolved from the roster.
#[derive(Default)]
struct Origin {
    street_id: i64,
    community_id: i64,
    grid_id: Option<i64>,
    building_id: Option<i64>,
    household_id: Option<i64>,
    resident_id: Option<i64>,
    name: Option<String>,
    phone: Option<String>,
    /// The resident's tags that matter for a visit (elderly living alone, limited mobility).
    visit_flags: Vec<String>,
}

/// A place named at intake that does not exist, or not within the caller's reach.
fn unknown(field: &str) -> Error {
    let code = match field {
        "resident_id" => Code::UnknownResident,
        "household_id" => Code::UnknownHousehold,
        "building_id" => Code::UnknownBuilding,
        _ => Code::UnknownCommunity,
    };
    Error::invalid(field, code)
}

/// Records a new demand and its first timeline event.
pub async fn intake(tx: &mut Tx, ctx: &Ctx<'_>, n: NewDemand) -> Result<DemandRow> {
    let p = prepare(tx, ctx, n).await?;
    record(tx, ctx, p).await
}

/// A demand checked and placed, ready to be written.
pub struct Prepared {
    o: Origin,
    n: NewDemand,
    channel: Channel,
    title: String,
    reporter_name: String,
    reporter_phone: Option<String>,
    accept_due: crate::clock::Millis,
    feedback_due: crate::clock::Millis,
}

/// Everything intake reads and checks, before anything is written: it may run on a
/// reader, outside the write transaction, so writers spend their turn only writing. What
/// it found is checked again by the database's foreign keys when the row is written.
pub async fn prepare(ex: &mut impl Exec, ctx: &Ctx<'_>, n: NewDemand) -> Result<Prepared> {
    let a = ctx.actor;
    if a.role == Role::Unit {
        return Err(Error::forbidden());
    }
    let channel = n.channel.unwrap_or(match a.role {
        Role::Resident => Channel::Online,
        _ => Channel::WalkIn,
    });
    if a.role == Role::Resident && !matches!(channel, Channel::Online | Channel::Wechat) {
        return Err(Error::invalid("channel", Code::ResidentChannel));
    }
    let (o, with_place) = origin(ex, ctx, &n).await?;
    let deadlines = match with_place {
        Some(d) => d,
        None => store::category_deadlines(ex, n.category.as_deref()).await?,
    }
    .ok_or_else(unknown_category)?;
    let (accept_due, feedback_due) = deadlines.due(ctx.now);
    let title = n.title.clone().unwrap_or_else(|| {
        let t: String = n.description.chars().take(30).collect();
        t.lines().next().unwrap_or_default().to_string()
    });
    let reporter_phone = match n.reporter_phone.as_deref() {
        Some(p) => Some(
            Phone::parse(p)
                .ok_or_else(|| Error::invalid("reporter_phone", Code::InvalidPhone))?
                .into_string(),
        ),
        None => o.phone.clone(),
    };
    let reporter_name = n
        .reporter_name
        .clone()
        .or(o.name.clone())
        .unwrap_or_default();
    // Someone brought it: who, or the explicit word that they asked not to be named.
    // (A household named is the household's demand.)
    let named = o.household_id.is_some() || !reporter_name.is_empty() || reporter_phone.is_some();
    if channel.has_reporter() && !named && !n.anonymous {
        return Err(Error::invalid("reporter", Code::ReporterNeeded));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(Error::too_long("title", MAX_TITLE));
    }
    Ok(Prepared {
        o,
        n,
        channel,
        title,
        reporter_name,
        reporter_phone,
        accept_due,
        feedback_due,
    })
}

/// Writes a prepared demand, its share of the rollups and its first timeline event.
pub async fn record(tx: &mut Tx, ctx: &Ctx<'_>, p: Prepared) -> Result<DemandRow> {
    let (pre, channel) = pre_row(ctx, p);
    let rows = batch::rows(tx.engine(), &pre, ctx, channel);
    let ids = batch::chunk(tx, &[(&pre, &rows)]).await?;
    let id = ids
        .first()
        .copied()
        .ok_or_else(|| Error::internal("an intake written without its id"))?;
    Ok(DemandRow { id, ..pre })
}

/// What the writer did with an intake.
#[derive(Debug)]
pub enum Written {
    /// Written now.
    New(DemandRow),
    /// Its client id named a demand already (written before, or by the same batch): that
    /// one, and nothing written. Whose it is the caller checks.
    Before(DemandRow),
}

/// Records a prepared demand through the writer and answers once it is durable. The
/// intakes waiting at a moment are written together, on both engines (see [`batch`]).
pub async fn submit(
    writer: &crate::db::batch::Writer,
    ctx: &Ctx<'_>,
    p: Prepared,
) -> Result<Written> {
    let (pre, channel) = pre_row(ctx, p);
    batch::submit(writer, ctx, pre, channel).await
}

/// The row as it will be written (the database gives the id; every other column is set
/// here, defaults included): what the rollups count, the timeline records and the caller
/// gets back.
fn pre_row(ctx: &Ctx<'_>, p: Prepared) -> (DemandRow, Channel) {
    let a = ctx.actor;
    let Prepared {
        o,
        n,
        channel,
        title,
        reporter_name,
        reporter_phone,
        accept_due,
        feedback_due,
    } = p;
    let urgency = n.urgency.unwrap_or(Urgency::Normal);
    let pre = DemandRow {
        id: 0,
        street_id: o.street_id,
        community_id: o.community_id,
        grid_id: o.grid_id,
        building_id: o.building_id,
        household_id: o.household_id,
        resident_id: o.resident_id,
        reporter_name,
        reporter_phone,
        channel: channel.as_str().to_string(),
        category: n.category,
        urgency: urgency.as_str().to_string(),
        level: Level::Grid.as_str().to_string(),
        status: Status::Submitted.as_str().to_string(),
        title,
        description: n.description,
        location: n.location.unwrap_or_default(),
        merged_into: None,
        me_too: 0,
        assignee_kind: None,
        assignee_id: None,
        taken_by: None,
        result: None,
        decline_reason: None,
        feedback_note: None,
        feedback_method: None,
        rating_solved: None,
        rating_satisfaction: None,
        rating_comment: None,
        close_kind: None,
        reopen_count: 0,
        created_by: a.user_ref(),
        created_at: ctx.now,
        responded_at: None,
        dispatched_at: None,
        resolved_at: None,
        first_feedback_at: None,
        feedback_at: None,
        rated_at: None,
        closed_at: None,
        accept_due_at: accept_due,
        feedback_due_at: feedback_due,
        accept_overdue_at: None,
        feedback_overdue_at: None,
        rating_reminded_at: None,
        updated_at: ctx.now,
        // The column's default: a demand starts at version 1.
        version: 1,
        visit_flags: o.visit_flags.join(" "),
        anonymous: n.anonymous,
        appointment_at: None,
        rating_method: None,
        client_id: n.client_id.map(|c| c.as_str().to_string()),
    };
    (pre, channel)
}

const INSERT: &str = "INSERT INTO demands (street_id, community_id, grid_id, building_id, \
    household_id, resident_id, reporter_name, reporter_phone, channel, category, urgency, \
    level, status, title, description, location, created_by, created_at, accept_due_at, \
    feedback_due_at, updated_at, visit_flags, anonymous, client_id) VALUES ($1, $2, $3, $4, \
    $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
    $24)";

/// The INSERT of a new demand, giving back `returning` (if any).
fn insert(pre: &DemandRow, returning: Option<&str>) -> Q {
    let q = match returning {
        Some(r) => Q::new(format!("{INSERT} RETURNING {r}")),
        None => Q::new(INSERT),
    };
    bind_row(q, pre)
}

/// Binds a new demand's columns, in [`INSERT`]'s order.
fn bind_row(q: Q, pre: &DemandRow) -> Q {
    q.bind(pre.street_id)
        .bind(pre.community_id)
        .bind(pre.grid_id)
        .bind(pre.building_id)
        .bind(pre.household_id)
        .bind(pre.resident_id)
        .bind(pre.reporter_name.as_str())
        .bind(crate::vault::sql::seal::<
            crate::demands::store::ReporterPhone,
        >(pre.reporter_phone.as_deref()))
        .bind(pre.channel.as_str())
        .bind(pre.category.as_deref())
        .bind(pre.urgency.as_str())
        .bind(pre.level.as_str())
        .bind(pre.status.as_str())
        .bind(pre.title.as_str())
        .bind(pre.description.as_str())
        .bind(pre.location.as_str())
        .bind(pre.created_by)
        .bind(pre.created_at)
        .bind(pre.accept_due_at)
        .bind(pre.feedback_due_at)
        .bind(pre.updated_at)
        .bind(pre.visit_flags.as_str())
        .bind(pre.anonymous)
        .bind(pre.client_id.as_deref())
}

fn event<'a>(demand: &'a DemandRow, ctx: &'a Ctx<'_>, channel: Channel) -> NewEvent<'a> {
    NewEvent {
        demand,
        at: ctx.now,
        actor: ctx.actor,
        action: Action::Intake,
        from: None,
        to: Status::Submitted,
        level: Level::Grid,
        note: "",
        data: serde_json::json!({ "channel": channel.as_str() }),
    }
}

pub fn unknown_category() -> Error {
    Error::invalid("category", Code::UnknownCategory)
}

/// A household's place, with a category's deadlines (none when it is unknown or not in
/// use): the usual intake names both, and gets them in one query.
#[derive(sqlx::FromRow)]
struct PlaceAndDeadlines {
    #[sqlx(flatten)]
    place: roster::HouseholdPlace,
    accept_hours: Option<i64>,
    feedback_days: Option<i64>,
}

/// The category's deadlines as found (`None`: unknown or not in use); `Default`'s when
/// none is named. Given only when it was read with the place.
type Found = Option<Option<super::super::deadlines::Deadlines>>;

/// Resolves the demand's place from what was given, within the caller's reach; with
/// it, when both were read together, the deadlines of its category.
async fn origin(tx: &mut impl Exec, ctx: &Ctx<'_>, n: &NewDemand) -> Result<(Origin, Found)> {
    let a = ctx.actor;
    let mut o = Origin::default();
    // A resident raises demands for themselves and their household only.
    if a.role == Role::Resident {
        if n.household_id.is_some_and(|h| Some(h) != a.household_id) {
            return Err(unknown("household_id"));
        }
        if n.resident_id.is_some_and(|r| Some(r) != a.resident_id) {
            return Err(unknown("resident_id"));
        }
        if n.building_id.is_some() {
            return Err(unknown("building_id"));
        }
    }
    let resident_id = if a.role == Role::Resident {
        a.resident_id
    } else {
        n.resident_id
    };
    let mut household_id = if a.role == Role::Resident {
        a.household_id
    } else {
        n.household_id
    };
    let mut building_id = if a.role == Role::Resident {
        None
    } else {
        n.building_id
    };
    let mut community_id = None;
    if let Some(rid) = resident_id {
        let r = roster::resident_contact(tx, rid)
            .await?
            .ok_or_else(|| unknown("resident_id"))?;
        community_id = Some(r.community_id);
        household_id = household_id.or(r.household_id);
        o.resident_id = Some(rid);
        o.name = Some(r.name);
        o.phone = r.phone;
        o.visit_flags = roster::visit_flags(tx, rid).await?;
    }
    // Where the roster puts it (street, community): known once a household or building is.
    let mut found: Option<Place> = None;
    let mut deadlines: Found = None;
    if let Some(hid) = household_id {
        let h = match n.category.as_deref() {
            Some(code) => {
                let found: Option<PlaceAndDeadlines> = Q::new(
                    "SELECT h.street_id, h.community_id, h.building_id, b.grid_id, \
                     c.accept_hours, c.feedback_days FROM households h \
                     JOIN buildings b ON b.id = h.building_id \
                     LEFT JOIN categories c ON c.code = $2 AND c.active = TRUE \
                     WHERE h.id = $1",
                )
                .bind(hid)
                .bind(code)
                .fetch_optional(tx)
                .await?;
                found.map(|f| {
                    deadlines = Some(f.accept_hours.zip(f.feedback_days).map(|(h, d)| {
                        super::super::deadlines::Deadlines {
                            accept_hours: h,
                            feedback_days: d,
                        }
                    }));
                    f.place
                })
            }
            None => roster::household_place(tx, hid).await?,
        }
        .ok_or_else(|| unknown("household_id"))?;
        if community_id.is_some_and(|c| c != h.community_id) {
            return Err(unknown("household_id"));
        }
        community_id = Some(h.community_id);
        o.household_id = Some(hid);
        if building_id.is_some_and(|b| b != h.building_id) {
            return Err(unknown("building_id"));
        }
        // The household's building and grid came with it.
        building_id = None;
        o.building_id = Some(h.building_id);
        o.grid_id = h.grid_id;
        found = Some(Place {
            street_id: h.street_id,
            community_id: h.community_id,
        });
    }
    if let Some(bid) = building_id {
        let b = roster::building_place(tx, bid)
            .await?
            .ok_or_else(|| unknown("building_id"))?;
        if community_id.is_some_and(|c| c != b.community_id) {
            return Err(unknown("building_id"));
        }
        community_id = Some(b.community_id);
        o.building_id = Some(bid);
        o.grid_id = b.grid_id;
        found = Some(Place {
            street_id: b.street_id,
            community_id: b.community_id,
        });
    }
    // The caller's own community unless they sit above communities.
    let own = match a.role {
        Role::Street | Role::Admin => n.community_id.or(community_id),
        _ => a.community_id,
    };
    let community = match (own, community_id) {
        (Some(c), Some(found)) if c != found => None,
        (Some(c), _) => Some(c),
        (None, found) => found,
    };
    let place = match (community, found) {
        (Some(c), Some(f)) if f.community_id == c => Some(f),
        (Some(c), _) => roster::community_place(tx, c).await?,
        (None, _) => None,
    }
    .ok_or_else(|| unknown("community_id"))?;
    if a.role == Role::Street && a.street_id != Some(place.street_id) {
        return Err(unknown("community_id"));
    }
    // A grid worker keeps to their grid; what they record without a place is theirs.
    if a.role == Role::GridWorker {
        match o.grid_id {
            Some(g) if !a.grid_ids.contains(&g) => {
                return Err(unknown("building_id"));
            }
            None => o.grid_id = a.grid_ids.first().copied(),
            _ => {}
        }
    }
    o.street_id = place.street_id;
    o.community_id = place.community_id;
    Ok((o, deadlines))
}
