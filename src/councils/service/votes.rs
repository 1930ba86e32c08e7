//! Votes on a topic of a meeting in session: one per person or per household, once; a
//! secret ballot keeps only that someone voted and the counters.

use serde_json::json;

use crate::auth::Actor;
use crate::councils::model::inputs::VoteInput;
use crate::councils::model::records::{Council, Topic, TopicView};
use crate::councils::model::{Ballot, MeetingStatus, TopicStatus, VoteUnit};
use crate::councils::rules::tally::{self, BallotKey, Choice, Voter};
use crate::councils::store::{meetings, topics};
use crate::db::{Exec, Q};
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::audited;
use super::topics::{gone, load, member_of, view};

/// Casts a vote on a topic of a meeting in session: the caller's own, or (for an open
/// ballot, by those who run the council) a show of hands recorded for a member or a
/// household's adult.
pub async fn vote(st: &AppState, actor: &Actor, id: i64, v: VoteInput) -> Result<TopicView> {
    let mut tx = st.db.begin().await?;
    let now = st.clock.now();
    let (t, c, runs) = load(&mut tx, actor, id).await?;
    let meeting = match t.meeting_id {
        Some(m) => meetings::find(&mut tx, m).await?,
        None => None,
    };
    let status = meeting
        .as_ref()
        .map_or(MeetingStatus::Scheduled, |m| m.status);
    let status = if t.status == TopicStatus::OnAgenda || status != MeetingStatus::InSession {
        status
    } else {
        // Decided already: its count is final.
        MeetingStatus::Closed
    };
    let proxy = v.voter_id.is_some();
    if proxy && (!runs || t.ballot == Ballot::Secret) {
        return Err(Error::forbidden());
    }
    let voter = voter(&mut tx, actor, &t, &c, v.voter_id, now).await?;
    let choice = match (v.abstain, v.option_id) {
        (true, None) => Choice::Abstain,
        (false, Some(o)) => Choice::For(o),
        (true, Some(_)) => {
            return Err(Error::invalid("abstain", Code::InvalidChoice)
                .with("allowed", "option_id | abstain"));
        }
        (false, None) => return Err(Error::required("option_id")),
    };
    let options: Vec<i64> = topics::options(&mut tx, t.id)
        .await?
        .iter()
        .map(|o| o.id)
        .collect();
    let voted = match own_key_of(&t, &voter) {
        Some(k) if topics::has_voted(&mut tx, t.id, k).await? => vec![k],
        _ => Vec::new(),
    };
    let key = tally::admit(&tally::VoteFacts {
        meeting: status,
        unit: t.vote_unit,
        voter,
        for_household: v.household_id,
        choice,
        options: &options,
        voted: &voted,
    })?;
    let rec = tally::record(t.ballot, key, choice);
    let open_by = rec.by.map(|_| voter.person);
    topics::cast(&mut tx, t.id, key, choice, open_by)
        .await
        .map_err(|e| {
            let e: Error = e.into();
            if e.code == Code::Duplicate {
                Error::new(Code::AlreadyVoted)
            } else {
                e
            }
        })?;
    // The audit row says that a vote was cast, never for what in a secret ballot.
    let detail = match t.ballot {
        Ballot::Open => {
            json!({"proxy": proxy, "choice": match choice { Choice::For(o) => json!(o), Choice::Abstain => json!("abstain") }})
        }
        Ballot::Secret => json!({"proxy": proxy}),
    };
    audited(&mut tx, actor, now, ("topic", t.id), &c, "vote", detail).await?;
    let t = topics::find(&mut tx, id).await?.ok_or_else(gone)?;
    let out = view(&mut tx, actor, t).await?;
    tx.commit().await?;
    Ok(out)
}

fn own_key_of(t: &Topic, v: &Voter) -> Option<BallotKey> {
    match t.vote_unit {
        VoteUnit::Person => Some(BallotKey::Person(v.person)),
        VoteUnit::Household => v.household.map(BallotKey::Household),
    }
}

/// Who votes: for a vote per person the member (the caller, or the member the office
/// names), for a vote per household a resident (the caller, or the one named) and their
/// household, entitled when it is in the council's area.
async fn voter(
    ex: &mut impl Exec,
    actor: &Actor,
    t: &Topic,
    c: &Council,
    named: Option<i64>,
    now: crate::clock::Millis,
) -> Result<Voter> {
    match t.vote_unit {
        VoteUnit::Person => {
            let member = match named {
                Some(m) => {
                    let found: Option<(i64,)> =
                        Q::new("SELECT id FROM council_members WHERE id = $1 AND council_id = $2")
                            .bind(m)
                            .bind(c.id)
                            .fetch_optional(&mut *ex)
                            .await?;
                    Some(
                        found
                            .ok_or_else(|| Error::invalid("voter_id", Code::UnknownReference))?
                            .0,
                    )
                }
                None => member_of(ex, c.id, actor).await?,
            };
            Ok(Voter {
                person: member.unwrap_or(0),
                household: None,
                adult: true,
                entitled: member.is_some(),
            })
        }
        VoteUnit::Household => {
            let resident = named.or(actor.resident_id);
            let Some(r) = resident else {
                return Ok(Voter {
                    person: 0,
                    household: None,
                    adult: false,
                    entitled: false,
                });
            };
            let found: Option<VoterRow> = Q::new(
                "SELECT r.household_id, r.birth_date, b.grid_id, r.community_id FROM residents r \
                 LEFT JOIN households h ON h.id = r.household_id \
                 LEFT JOIN buildings b ON b.id = h.building_id \
                 WHERE r.id = $1 AND r.anonymised_at IS NULL AND r.child_name IS NULL",
            )
            .bind(r)
            .fetch_optional(&mut *ex)
            .await?;
            let Some((household, birth, grid, community)) = found else {
                return Err(Error::invalid("voter_id", Code::UnknownResident));
            };
            let in_area = community == c.community_id && c.grid_id.is_none_or(|g| grid == Some(g));
            Ok(Voter {
                person: r,
                household,
                adult: crate::roster::model::child::is_adult_at(birth.as_deref(), now),
                entitled: in_area,
            })
        }
    }
}

/// A voter's household, birth date, building's grid and community.
type VoterRow = (Option<i64>, Option<String>, Option<i64>, i64);
