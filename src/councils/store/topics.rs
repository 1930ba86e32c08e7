//! Topics, their options and ballots. A ballot row says that a key voted; the choice
//! goes into the option's counter (or the topic's abstentions) in the same transaction,
//! and onto the row only for an open ballot.

use crate::clock::Millis;
use crate::councils::model::records::{Topic, TopicOption};
use crate::councils::model::{Ballot, MajorityBase, TieRule, TopicSource, TopicStatus, VoteUnit};
use crate::councils::rules::tally::{BallotKey, Choice};
use crate::db::{DbResult, Exec, Q};

const TOPIC: &str = "SELECT t.id, t.council_id, t.street_id, t.community_id, t.title, t.body, \
    t.source, t.raised_by, t.raised_by_resident, t.demand_id, t.meeting_id, t.status, \
    t.vote_unit, t.ballot, t.majority, t.base, t.tie, t.abstentions, t.created_at, t.updated_at \
    FROM council_topics t";

pub async fn find(ex: &mut impl Exec, id: i64) -> DbResult<Option<Topic>> {
    Q::new(format!("{TOPIC} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(ex)
        .await
}

pub async fn by_client_id(ex: &mut impl Exec, client_id: &str) -> DbResult<Option<Topic>> {
    Q::new(format!("{TOPIC} WHERE t.client_id = $1"))
        .bind(client_id)
        .fetch_optional(ex)
        .await
}

/// A council's topics, newest first, optionally of one status: a page of `limit` of them
/// below the id `before` (keyset).
pub async fn of_council(
    ex: &mut impl Exec,
    council_id: i64,
    status: Option<TopicStatus>,
    before: Option<i64>,
    limit: i64,
) -> DbResult<Vec<Topic>> {
    let mut q = Q::new(format!("{TOPIC} WHERE t.council_id = "));
    q.push_bind(council_id);
    if let Some(s) = status {
        q.push(" AND t.status = ").push_bind(s.as_str());
    }
    if let Some(b) = before {
        q.push(" AND t.id < ").push_bind(b);
    }
    q.push(" ORDER BY t.id DESC LIMIT ").push_bind(limit);
    q.fetch_all(ex).await
}

/// `(a, b, …)` of the ids, each bound.
pub(crate) fn push_ids(q: &mut Q, ids: &[i64]) {
    q.push("(");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(*id);
    }
    q.push(")");
}

/// The options of many topics, in their order.
pub async fn options_of(ex: &mut impl Exec, topic_ids: &[i64]) -> DbResult<Vec<TopicOption>> {
    if topic_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q =
        Q::new("SELECT id, topic_id, position, label, votes FROM topic_options WHERE topic_id IN ");
    push_ids(&mut q, topic_ids);
    q.push(" ORDER BY topic_id, position");
    q.fetch_all(ex).await
}

/// How many ballots each of many topics has (topics without any are left out).
pub async fn ballot_counts(ex: &mut impl Exec, topic_ids: &[i64]) -> DbResult<Vec<(i64, i64)>> {
    if topic_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT topic_id, COUNT(*) FROM topic_ballots WHERE topic_id IN ");
    push_ids(&mut q, topic_ids);
    q.push(" GROUP BY topic_id");
    q.fetch_all(ex).await
}

/// Which of many topics one of these keys has voted on.
pub async fn voted_among(
    ex: &mut impl Exec,
    topic_ids: &[i64],
    keys: &[BallotKey],
) -> DbResult<Vec<i64>> {
    if topic_ids.is_empty() || keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT DISTINCT topic_id FROM topic_ballots WHERE topic_id IN ");
    push_ids(&mut q, topic_ids);
    q.push(" AND voter_key IN (");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(key_text(*k));
    }
    q.push(")");
    let rows: Vec<(i64,)> = q.fetch_all(ex).await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// The caller's member ids on these councils (as an account or as a resident).
pub async fn memberships(
    ex: &mut impl Exec,
    council_ids: &[i64],
    user_id: i64,
    resident_id: Option<i64>,
) -> DbResult<Vec<i64>> {
    if council_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Q::new("SELECT id FROM council_members WHERE council_id IN ");
    push_ids(&mut q, council_ids);
    q.push(" AND (user_id = ").push_bind(user_id);
    q.push(" OR resident_id = ").push_bind(resident_id);
    q.push(")");
    let rows: Vec<(i64,)> = q.fetch_all(ex).await?;
    Ok(rows.into_iter().map(|(m,)| m).collect())
}

/// A meeting's agenda, in the order the topics were put on it.
pub async fn of_meeting(ex: &mut impl Exec, meeting_id: i64) -> DbResult<Vec<Topic>> {
    Q::new(format!("{TOPIC} WHERE t.meeting_id = $1 ORDER BY t.id"))
        .bind(meeting_id)
        .fetch_all(ex)
        .await
}

/// The topics a resident raised, newest first.
pub async fn raised_by_resident(ex: &mut impl Exec, resident_id: i64) -> DbResult<Vec<Topic>> {
    Q::new(format!(
        "{TOPIC} WHERE t.raised_by_resident = $1 ORDER BY t.id DESC LIMIT 200"
    ))
    .bind(resident_id)
    .fetch_all(ex)
    .await
}

/// The topic a demand was promoted to, if any.
pub async fn of_demand(ex: &mut impl Exec, demand_id: i64) -> DbResult<Option<Topic>> {
    Q::new(format!(
        "{TOPIC} WHERE t.demand_id = $1 ORDER BY t.id LIMIT 1"
    ))
    .bind(demand_id)
    .fetch_optional(ex)
    .await
}

pub struct NewTopic<'a> {
    pub council_id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub source: TopicSource,
    pub raised_by: Option<i64>,
    pub raised_by_resident: Option<i64>,
    pub demand_id: Option<i64>,
    pub vote_unit: VoteUnit,
    pub ballot: Ballot,
    pub majority: &'a str,
    pub base: MajorityBase,
    pub tie: TieRule,
    pub client_id: Option<&'a str>,
}

pub async fn insert(ex: &mut impl Exec, t: &NewTopic<'_>, now: Millis) -> DbResult<i64> {
    Q::new(
        "INSERT INTO council_topics (council_id, street_id, community_id, title, body, source, \
         raised_by, raised_by_resident, demand_id, status, vote_unit, ballot, majority, base, \
         tie, client_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         'raised', $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(t.council_id)
    .bind(t.street_id)
    .bind(t.community_id)
    .bind(t.title)
    .bind(t.body)
    .bind(t.source.as_str())
    .bind(t.raised_by)
    .bind(t.raised_by_resident)
    .bind(t.demand_id)
    .bind(t.vote_unit.as_str())
    .bind(t.ballot.as_str())
    .bind(t.majority)
    .bind(t.base.as_str())
    .bind(t.tie.as_str())
    .bind(t.client_id)
    .bind(now)
    .insert_id(ex)
    .await
}

pub async fn add_option(
    ex: &mut impl Exec,
    topic_id: i64,
    position: i64,
    label: &str,
) -> DbResult<i64> {
    Q::new("INSERT INTO topic_options (topic_id, position, label) VALUES ($1, $2, $3) RETURNING id")
        .bind(topic_id)
        .bind(position)
        .bind(label)
        .insert_id(ex)
        .await
}

pub async fn options(ex: &mut impl Exec, topic_id: i64) -> DbResult<Vec<TopicOption>> {
    Q::new(
        "SELECT id, topic_id, position, label, votes FROM topic_options \
         WHERE topic_id = $1 ORDER BY position",
    )
    .bind(topic_id)
    .fetch_all(ex)
    .await
}

/// Moves a topic between statuses (and onto or off a meeting's agenda); false when it was
/// not in `from`.
pub async fn set_status(
    ex: &mut impl Exec,
    id: i64,
    from: TopicStatus,
    to: TopicStatus,
    meeting_id: Option<i64>,
    now: Millis,
) -> DbResult<bool> {
    let n = Q::new(
        "UPDATE council_topics SET status = $3, meeting_id = $4, updated_at = $5 \
         WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(meeting_id)
    .bind(now)
    .execute(ex)
    .await?;
    Ok(n == 1)
}

fn key_text(k: BallotKey) -> String {
    match k {
        BallotKey::Person(p) => format!("person:{p}"),
        BallotKey::Household(h) => format!("household:{h}"),
    }
}

fn parse_key(s: &str) -> Option<BallotKey> {
    let (kind, id) = s.split_once(':')?;
    let id = id.parse().ok()?;
    match kind {
        "person" => Some(BallotKey::Person(id)),
        "household" => Some(BallotKey::Household(id)),
        _ => None,
    }
}

/// Who has voted on a topic.
pub async fn voted(ex: &mut impl Exec, topic_id: i64) -> DbResult<Vec<BallotKey>> {
    let rows: Vec<(String,)> =
        Q::new("SELECT voter_key FROM topic_ballots WHERE topic_id = $1 ORDER BY voter_key")
            .bind(topic_id)
            .fetch_all(ex)
            .await?;
    Ok(rows.iter().filter_map(|(k,)| parse_key(k)).collect())
}

pub async fn has_voted(ex: &mut impl Exec, topic_id: i64, key: BallotKey) -> DbResult<bool> {
    let found: Option<(String,)> =
        Q::new("SELECT voter_key FROM topic_ballots WHERE topic_id = $1 AND voter_key = $2")
            .bind(topic_id)
            .bind(key_text(key))
            .fetch_optional(ex)
            .await?;
    Ok(found.is_some())
}

pub async fn ballot_count(ex: &mut impl Exec, topic_id: i64) -> DbResult<i64> {
    let (n,): (i64,) = Q::new("SELECT COUNT(*) FROM topic_ballots WHERE topic_id = $1")
        .bind(topic_id)
        .fetch_one(ex)
        .await?;
    Ok(n)
}

/// Records a vote: the key (a second one is a duplicate of the primary key), the counter,
/// and for an open ballot the choice and the voter on the row.
pub async fn cast(
    ex: &mut impl Exec,
    topic_id: i64,
    key: BallotKey,
    choice: Choice,
    open_by: Option<i64>,
) -> DbResult<()> {
    let (option, abstain) = match (open_by, choice) {
        (None, _) => (None, None),
        (Some(_), Choice::For(o)) => (Some(o), Some(false)),
        (Some(_), Choice::Abstain) => (None, Some(true)),
    };
    Q::new(
        "INSERT INTO topic_ballots (topic_id, voter_key, option_id, abstain, voter_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(topic_id)
    .bind(key_text(key))
    .bind(option)
    .bind(abstain)
    .bind(open_by)
    .execute(ex)
    .await?;
    match choice {
        Choice::For(o) => {
            Q::new("UPDATE topic_options SET votes = votes + 1 WHERE id = $1 AND topic_id = $2")
                .bind(o)
                .bind(topic_id)
                .execute(ex)
                .await?
        }
        Choice::Abstain => {
            Q::new("UPDATE council_topics SET abstentions = abstentions + 1 WHERE id = $1")
                .bind(topic_id)
                .execute(ex)
                .await?
        }
    };
    Ok(())
}
