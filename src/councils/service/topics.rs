//! Topics on the three lists: raised (by a resident on the portal, by the office, or
//! promoted from an open demand in one step), voted on in session, decided (or recorded as
//! no quorum, rejected, tied) and published on the results list.

use serde_json::json;

use crate::auth::{Actor, Role};
use crate::councils::model::inputs::{DecideInput, TopicInput};
use crate::councils::model::records::{Council, Decision, Topic, TopicView};
use crate::councils::model::{
    Ballot, Labelled, Majority, MeetingStatus, Share, Terms, TermsKind, TopicSource, TopicStatus,
    VoteUnit,
};
use crate::councils::rules::access;
use crate::councils::rules::tally::{self, Attendance, BallotKey, Choice, Quorum, VoteRule};
use crate::councils::store::{self, decisions, meetings, topics};
use crate::db::{Exec, Q, Tx};
use crate::demands::model::Action;
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::{audited, not_now, place, run, seen};

/// A topic as the caller sees it: its options, the count (none shown for a secret
/// ballot until it is decided), the ballots cast, whether the caller voted, its decision.
pub async fn view(ex: &mut impl Exec, actor: &Actor, topic: Topic) -> Result<TopicView> {
    views(ex, actor, vec![topic])
        .await?
        .pop()
        .ok_or_else(|| Error::internal("a topic without its view"))
}

/// Many topics as the caller sees them ([`view`]), in a fixed number of queries however
/// many there are.
pub async fn views(ex: &mut impl Exec, actor: &Actor, ts: Vec<Topic>) -> Result<Vec<TopicView>> {
    let ids: Vec<i64> = ts.iter().map(|t| t.id).collect();
    let mut councils: Vec<i64> = ts.iter().map(|t| t.council_id).collect();
    councils.sort_unstable();
    councils.dedup();
    let mut options = topics::options_of(ex, &ids).await?;
    let ballots = topics::ballot_counts(ex, &ids).await?;
    let mut decisions = decisions::of_topics(ex, &ids).await?;
    let mut keys: Vec<BallotKey> =
        topics::memberships(ex, &councils, actor.user_id, actor.resident_id)
            .await?
            .into_iter()
            .map(BallotKey::Person)
            .collect();
    if let Some(h) = actor.household_id {
        keys.push(BallotKey::Household(h));
    }
    let voted = topics::voted_among(ex, &ids, &keys).await?;
    let mut out = Vec::with_capacity(ts.len());
    for mut topic in ts {
        let decision = decisions
            .iter()
            .position(|d| d.topic_id == topic.id)
            .map(|i| decisions.swap_remove(i));
        // While voting is open a secret ballot shows no running count.
        let hide = topic.ballot == Ballot::Secret && decision.is_none();
        let mut mine = Vec::new();
        options.retain(|o| {
            if o.topic_id == topic.id {
                mine.push(o.clone());
                false
            } else {
                true
            }
        });
        if hide {
            mine.iter_mut().for_each(|o| o.votes = 0);
            topic.abstentions = 0;
        }
        let n = ballots
            .iter()
            .find(|(t, _)| *t == topic.id)
            .map_or(0, |(_, n)| *n);
        out.push(TopicView {
            voted: voted.contains(&topic.id),
            topic,
            options: mine,
            ballots: n,
            decision,
        });
    }
    Ok(out)
}

/// The caller's member id on a council (as a resident or as an account).
pub(super) async fn member_of(
    ex: &mut impl Exec,
    council_id: i64,
    actor: &Actor,
) -> Result<Option<i64>> {
    let found: Option<(i64,)> = Q::new(
        "SELECT id FROM council_members WHERE council_id = $1 AND (user_id = $2 OR resident_id = $3) \
         ORDER BY id LIMIT 1",
    )
    .bind(council_id)
    .bind(actor.user_id)
    .bind(actor.resident_id)
    .fetch_optional(ex)
    .await?;
    Ok(found.map(|(id,)| id))
}

pub(super) async fn load(
    ex: &mut impl Exec,
    actor: &Actor,
    id: i64,
) -> Result<(Topic, Council, bool)> {
    let t = topics::find(ex, id).await?.ok_or_else(Error::not_found)?;
    let (c, runs, _) = seen(ex, actor, t.council_id).await?;
    Ok((t, c, runs))
}

pub async fn get(st: &AppState, actor: &Actor, id: i64) -> Result<TopicView> {
    let mut conn = st.db.conn().await?;
    let (t, _, _) = load(&mut conn, actor, id).await?;
    view(&mut conn, actor, t).await
}

/// The most topics one list gives.
pub const MAX_PAGE: i64 = 200;

/// A council's topics, newest first (one status, or all): the newest [`MAX_PAGE`].
pub async fn of_council(
    st: &AppState,
    actor: &Actor,
    council_id: i64,
    status: Option<TopicStatus>,
) -> Result<Vec<TopicView>> {
    page_of_council(st, actor, council_id, status, None, MAX_PAGE).await
}

/// A page of a council's topics, newest first: `limit` below the id `before`.
pub async fn page_of_council(
    st: &AppState,
    actor: &Actor,
    council_id: i64,
    status: Option<TopicStatus>,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<TopicView>> {
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Error::out_of_range("limit", 1, MAX_PAGE));
    }
    let mut conn = st.db.conn().await?;
    let _ = seen(&mut conn, actor, council_id).await?;
    let ts = topics::of_council(&mut conn, council_id, status, before, limit).await?;
    views(&mut conn, actor, ts).await
}

/// A council's results list: what its meetings decided or could not, newest first; the
/// published ones only for those who do not run it.
pub async fn results(st: &AppState, actor: &Actor, council_id: i64) -> Result<Vec<Decision>> {
    let mut conn = st.db.conn().await?;
    let (_, runs, _) = seen(&mut conn, actor, council_id).await?;
    Ok(decisions::of_council(&mut conn, council_id, !runs).await?)
}

/// The topics the caller raised on the portal, with how each went.
pub async fn mine(st: &AppState, actor: &Actor) -> Result<Vec<TopicView>> {
    let Some(r) = actor.resident_id.filter(|_| actor.role == Role::Resident) else {
        return Err(Error::forbidden());
    };
    let mut conn = st.db.conn().await?;
    let ts = topics::raised_by_resident(&mut conn, r).await?;
    views(&mut conn, actor, ts).await
}

/// Whether a topic was raised with this client id already (its answer is then `200`).
pub async fn raised_before(st: &AppState, client_id: &str) -> Result<bool> {
    let mut conn = st.db.conn().await?;
    Ok(topics::by_client_id(&mut conn, client_id).await?.is_some())
}

/// Raises a topic on a council's demand list. A resident raises it in their own name, as
/// the portal's; the same client id twice gives the first topic back.
pub async fn raise(
    st: &AppState,
    actor: &Actor,
    council_id: i64,
    t: TopicInput,
) -> Result<TopicView> {
    let mut tx = st.db.begin().await?;
    if let Some(cid) = &t.client_id
        && let Some(done) = topics::by_client_id(&mut tx, cid).await?
    {
        if done.council_id != council_id || done.raised_by != Some(actor.user_id) {
            return Err(Error::invalid("client_id", Code::ClientIdTaken));
        }
        return view(&mut tx, actor, done).await;
    }
    let (c, _, ties) = seen(&mut tx, actor, council_id).await?;
    if !access::raises(actor, place(&c), ties) {
        return Err(Error::forbidden());
    }
    let source = if actor.role == Role::Resident {
        TopicSource::Portal
    } else {
        TopicSource::Staff
    };
    let id = insert(&mut tx, st, actor, &c, &t, source, None).await?;
    let made = topics::find(&mut tx, id).await?.ok_or_else(gone)?;
    let v = view(&mut tx, actor, made).await?;
    tx.commit().await?;
    Ok(v)
}

pub(super) fn gone() -> Error {
    Error::internal("a topic written is not there")
}

async fn insert(
    tx: &mut Tx,
    st: &AppState,
    actor: &Actor,
    c: &Council,
    t: &TopicInput,
    source: TopicSource,
    demand_id: Option<i64>,
) -> Result<i64> {
    let now = st.clock.now();
    let resident = (actor.role == Role::Resident)
        .then_some(actor.resident_id)
        .flatten();
    let id = topics::insert(
        tx,
        &topics::NewTopic {
            council_id: c.id,
            street_id: c.street_id,
            community_id: c.community_id,
            title: &t.title,
            body: &t.body,
            source,
            raised_by: (actor.user_id != 0).then_some(actor.user_id),
            raised_by_resident: resident,
            demand_id,
            vote_unit: t.vote.unit,
            ballot: t.vote.ballot,
            majority: t.vote.majority.as_str(),
            base: t.vote.base,
            tie: t.vote.tie,
            client_id: t.client_id.as_deref(),
        },
        now,
    )
    .await
    .map_err(|e| Error::from(e).on("client_id"))?;
    let labels = if t.options.is_empty() {
        vec![
            crate::tr!("councils.option.agree"),
            crate::tr!("councils.option.disagree"),
        ]
    } else {
        t.options.clone()
    };
    for (i, l) in labels.iter().enumerate() {
        topics::add_option(tx, id, i as i64 + 1, l).await?;
    }
    audited(
        tx,
        actor,
        now,
        ("topic", id),
        c,
        "create",
        json!({"source": source.as_str()}),
    )
    .await?;
    Ok(id)
}

/// Promotes an open demand the caller sees to a council's demand list, in one step: the
/// topic keeps the demand, and the demand's timeline says it went to council.
pub async fn promote(
    st: &AppState,
    actor: &Actor,
    council_id: i64,
    demand_id: i64,
    t: TopicInput,
) -> Result<TopicView> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let c = run(&mut tx, actor, council_id).await?;
    let d = crate::demands::store::find_visible(&mut tx, actor, demand_id)
        .await?
        .filter(|d| d.community_id == c.community_id)
        .ok_or_else(|| Error::invalid("demand_id", Code::UnknownReference))?;
    if d.closed_at.is_some() {
        return Err(not_now(
            format!(
                "demand.status.{}",
                crate::demands::model::Word::code(d.status())
            ),
            "councils.step.promote",
        ));
    }
    if let Some(there) = topics::of_demand(&mut tx, d.id).await? {
        // It went to council already: the topic it became is in this state.
        return Err(not_now(there.status.key(), "councils.step.promote").on("demand_id"));
    }
    let mut t = t;
    if t.title.is_empty() {
        t.title = d.title.clone();
    }
    let id = insert(&mut tx, st, actor, &c, &t, TopicSource::Demand, Some(d.id)).await?;
    let note = crate::tr!("councils.note.to_council", council = c.name.as_str());
    demand_event(
        &mut tx,
        actor,
        &d,
        now,
        Action::ToCouncil,
        &note,
        json!({"topic_id": id, "council_id": c.id}),
    )
    .await?;
    let made = topics::find(&mut tx, id).await?.ok_or_else(gone)?;
    let v = view(&mut tx, actor, made).await?;
    tx.commit().await?;
    Ok(v)
}

async fn demand_event(
    tx: &mut Tx,
    actor: &Actor,
    d: &crate::demands::store::DemandRow,
    now: crate::clock::Millis,
    action: Action,
    note: &str,
    data: serde_json::Value,
) -> Result<()> {
    let status = d.status();
    crate::demands::store::append_event(
        tx,
        crate::demands::store::NewEvent {
            demand: d,
            at: now,
            actor,
            action,
            from: Some(status),
            to: status,
            level: d.level(),
            note,
            data,
        },
    )
    .await?;
    Ok(())
}

fn rule_of(t: &Topic) -> VoteRule {
    let majority = Majority::parse(&t.majority).unwrap_or(Majority::Simple);
    VoteRule {
        quorum: Quorum::Members(Share::MORE_THAN_HALF),
        majority: Share::from(majority),
        base: t.base,
        tie: t.tie,
    }
}

/// How many make up a topic's electorate, and how many took part: the membership and the
/// attendance for a vote per person, the households of the council's area and those that
/// voted for a vote per household.
async fn turnout(
    ex: &mut impl Exec,
    t: &Topic,
    c: &Council,
    m: &crate::councils::model::records::Meeting,
) -> Result<Attendance> {
    match t.vote_unit {
        VoteUnit::Person => {
            let members = if m.status == MeetingStatus::Scheduled {
                store::member_count(ex, c.id).await?
            } else {
                m.members
            };
            Ok(Attendance {
                present: m.present as u32,
                members: members as u32,
            })
        }
        VoteUnit::Household => {
            let mut q = Q::new(
                "SELECT COUNT(*) FROM households h JOIN buildings b ON b.id = h.building_id \
                 WHERE h.community_id = ",
            );
            q.push_bind(c.community_id);
            if let Some(g) = c.grid_id {
                q.push(" AND b.grid_id = ").push_bind(g);
            }
            let (n,): (i64,) = q.fetch_one(ex).await?;
            let voted = topics::ballot_count(ex, t.id).await?;
            Ok(Attendance {
                present: voted as u32,
                members: n as u32,
            })
        }
    }
}

/// Records what the meeting came to on a topic of its agenda. With terms, a decision
/// (refused as `no_quorum` or `no_majority` when the count does not carry it); without,
/// the count as it is: no quorum, rejected or tied. Either way the topic leaves the agenda
/// for the results list, and a demand it came from hears of it.
pub async fn decide(st: &AppState, actor: &Actor, id: i64, d: DecideInput) -> Result<TopicView> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let (t, c, runs) = load(&mut tx, actor, id).await?;
    if !runs {
        return Err(Error::forbidden());
    }
    let m = match t.meeting_id {
        Some(m) => meetings::find(&mut tx, m).await?,
        None => None,
    };
    let Some(m) =
        m.filter(|m| matches!(m.status, MeetingStatus::InSession | MeetingStatus::Closed))
    else {
        return Err(not_now(t.status.key(), "councils.step.decide"));
    };
    if t.status != TopicStatus::OnAgenda {
        return Err(not_now(t.status.key(), "councils.step.decide"));
    }
    let options = topics::options(&mut tx, t.id).await?;
    let ids: Vec<i64> = options.iter().map(|o| o.id).collect();
    let mut votes = Vec::new();
    for o in &options {
        votes.extend(std::iter::repeat_n(
            Choice::For(o.id),
            o.votes.max(0) as usize,
        ));
    }
    votes.extend(std::iter::repeat_n(
        Choice::Abstain,
        t.abstentions.max(0) as usize,
    ));
    let att = turnout(&mut tx, &t, &c, &m).await?;
    let count = tally::tally(&ids, &votes, att, &rule_of(&t), d.casting_option_id);
    let terms = match d.terms.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => {
            count.outcome.decided()?;
            let kind = if d.temporary {
                TermsKind::Temporary
            } else {
                TermsKind::Permanent
            };
            let today = crate::clock::civil_in(now, &crate::clock::china())
                .map(|dt| dt.date())
                .ok_or_else(|| Error::internal("no date"))?;
            Some(Terms::parse(text, kind, d.ends_on, today)?)
        }
        None if count.outcome.decided().is_ok() => return Err(Error::required("terms")),
        None => None,
    };
    let tally_json = json!({
        "counts": count.counts.iter().map(|(o, n)| json!({"option_id": o, "votes": n})).collect::<Vec<_>>(),
        "abstentions": count.abstentions,
        "present": count.present,
        "members": count.members,
        "base": count.base,
        "quorum_met": count.quorum_met,
        "casting_vote": count.casting_vote,
    });
    let outcome = count.outcome.kind();
    let decision_id = decisions::insert(
        &mut tx,
        &decisions::NewDecision {
            topic_id: t.id,
            meeting_id: m.id,
            council_id: c.id,
            street_id: c.street_id,
            community_id: c.community_id,
            outcome,
            option_id: count.outcome.decided().ok(),
            tally: tally_json,
            terms: terms.as_ref(),
            decided_by: actor.user_id,
        },
        now,
    )
    .await?;
    if !topics::set_status(
        &mut tx,
        t.id,
        TopicStatus::OnAgenda,
        TopicStatus::of(outcome),
        Some(m.id),
        now,
    )
    .await?
    {
        return Err(not_now(t.status.key(), "councils.step.decide"));
    }
    audited(
        &mut tx,
        actor,
        now,
        ("topic", t.id),
        &c,
        "decide",
        json!({"decision_id": decision_id, "outcome": outcome.as_str()}),
    )
    .await?;
    let t = topics::find(&mut tx, id).await?.ok_or_else(gone)?;
    let out = view(&mut tx, actor, t).await?;
    tx.commit().await?;
    Ok(out)
}

/// Puts a decision on the results list: the residents concerned see it on the portal, and
/// the demand it came from (if any) carries it on its timeline.
pub async fn publish(st: &AppState, actor: &Actor, decision_id: i64) -> Result<Decision> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let d = decisions::find(&mut tx, decision_id)
        .await?
        .ok_or_else(Error::not_found)?;
    let c = run(&mut tx, actor, d.council_id).await?;
    if !decisions::publish(&mut tx, d.id, now).await? {
        return Err(not_now(
            "councils.step.published".into(),
            "councils.step.publish",
        ));
    }
    let t = topics::find(&mut tx, d.topic_id).await?.ok_or_else(gone)?;
    if let Some(did) = t.demand_id
        && let Some(row) = crate::demands::store::find(&mut tx, did).await?
    {
        let key = d.outcome.key();
        let result = crate::tr!(&key);
        let note = if d.terms.is_empty() {
            crate::tr!(
                "councils.note.result",
                council = c.name.as_str(),
                result = result.as_str()
            )
        } else {
            crate::tr!(
                "councils.note.decided",
                council = c.name.as_str(),
                terms = d.terms.as_str()
            )
        };
        demand_event(
            &mut tx,
            actor,
            &row,
            now,
            Action::CouncilResult,
            &note,
            json!({"decision_id": d.id, "outcome": d.outcome.as_str()}),
        )
        .await?;
    }
    audited(
        &mut tx,
        actor,
        now,
        ("decision", d.id),
        &c,
        "publish",
        json!({}),
    )
    .await?;
    let d = decisions::find(&mut tx, d.id).await?.ok_or_else(gone)?;
    tx.commit().await?;
    Ok(d)
}
