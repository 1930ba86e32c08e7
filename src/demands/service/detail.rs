//! The door of a demand's detail: the demand with its timeline, its summoned parties, its
//! attachments and the caller's next steps, shaped for the caller (`rules::audience`). The
//! API's `GET /api/v1/demands/{id}`, the demand page and the portal's page all read this.
//!
//! The reporter's number is masked for everyone. Those who call back (`may_reveal_phone`)
//! may ask for it whole with a reason, an explicit step like a resident's whole view in
//! the roster: that view is read and written to the audit log, with its reason, in one
//! write transaction before it is answered.

use crate::auth::Actor;
use crate::db::Exec;
use crate::demands::model::{DemandDetail, Satisfaction};
use crate::demands::rules::audience::{self, Audience};
use crate::demands::rules::{self, Facts, Relation, Step};
use crate::demands::store::{self, AttachmentMeta, DemandRow, EventRow, SummonRow};
use crate::error::{Error, Result};
use crate::state::AppState;

use super::{facts_and_relation, shape};

/// Everything the detail shows, as read.
struct Story {
    d: DemandRow,
    address: Option<crate::demands::model::Address>,
    assignee: Option<String>,
    facts: Facts,
    rel: Relation,
    timeline: Vec<EventRow>,
    summons: Vec<SummonRow>,
    attachments: Vec<AttachmentMeta>,
}

impl Story {
    async fn read(ex: &mut impl Exec, actor: &Actor, id: i64) -> Result<Story> {
        let d = store::find_visible(ex, actor, id)
            .await?
            .ok_or_else(Error::not_found)?;
        let (facts, rel) = facts_and_relation(ex, actor, &d).await?;
        Ok(Story {
            assignee: store::assignee_name(ex, &d).await?,
            address: store::address(ex, &d).await?,
            timeline: store::timeline(ex, &d).await?,
            summons: store::summons(ex, &d).await?,
            attachments: store::attachments(ex, &d).await?,
            d,
            facts,
            rel,
        })
    }

    /// May the caller ask to see the reporter's number whole?
    fn may_reveal(&self, actor: &Actor) -> bool {
        audience::whole_phone(actor.role, &self.rel, self.d.status().is_open())
    }
}

/// A demand with everything its page shows, as the caller may see it, the reporter's
/// number masked; read on a reader. With `reveal` (why the caller needs it, 1–100
/// characters), the number whole for those who may see it, the view written to the audit
/// log with its reason in the write transaction that reads it; refused (403) to the
/// others, and a blank or too long reason refused before anything is read.
pub async fn detail(
    st: &AppState,
    actor: &Actor,
    id: i64,
    reveal: Option<&str>,
) -> Result<DemandDetail> {
    let Some(reason) = crate::roster::rules::reveal_reason(reveal)? else {
        let story = {
            let mut c = st.db.conn().await?;
            Story::read(&mut c, actor, id).await?
        };
        return Ok(shape_detail(st, actor, story, false));
    };
    let (at, who, detail) = (
        st.clock.now(),
        actor.clone(),
        format!("reporter_phone; reason={reason}"),
    );
    let story = st
        .writer
        .write(move |tx| {
            Box::pin(async move {
                let story = Story::read(tx, &who, id).await?;
                if !story.may_reveal(&who) {
                    return Err(Error::forbidden());
                }
                // No number, nothing shown whole: nothing to record.
                if story.d.reporter_phone.is_some() {
                    let entry = crate::audit::Entry {
                        at,
                        user_id: who.user_id,
                        action: "view_pii",
                        object_kind: "demand",
                        object_id: id,
                        detail: &detail,
                        place: Some(crate::roster::store::Place {
                            street_id: story.d.street_id,
                            community_id: story.d.community_id,
                        }),
                    };
                    crate::audit::record(tx, entry).await?;
                }
                Ok(story)
            })
        })
        .await?;
    Ok(shape_detail(st, actor, story, true))
}

/// The detail as the caller reads it; the number whole when `revealed` (which only those
/// who may reveal it get to).
fn shape_detail(st: &AppState, actor: &Actor, s: Story, revealed: bool) -> DemandDetail {
    let now = st.clock.now();
    let policy = st.policy();
    let aud = Audience::of(actor.role);
    let may_reveal_phone = s.d.reporter_phone.is_some() && s.may_reveal(actor);
    let whole = revealed && may_reveal_phone;
    let next_actions = CANDIDATES
        .iter()
        .filter(|(_, step)| {
            rules::decide(&s.facts, actor.role, &s.rel, *step, now, &policy).is_ok()
        })
        .map(|(name, _)| name.to_string())
        .collect();
    DemandDetail {
        demand: shape::demand(&s.d, s.assignee, whole, now, aud),
        address: s.address,
        timeline: s
            .timeline
            .into_iter()
            .filter_map(|e| shape::event(e, aud))
            .collect(),
        summons: s
            .summons
            .into_iter()
            .filter_map(|x| shape::summon(x, aud))
            .collect(),
        attachments: s.attachments.into_iter().map(shape::attachment).collect(),
        next_actions,
        may_reveal_phone,
    }
}

/// The steps a caller might take, by the name of their endpoint (a rating is legal for
/// the caller when any rating is).
const CANDIDATES: &[(&str, Step)] = &[
    ("accept", Step::Accept),
    ("decline", Step::Decline),
    ("merge", Step::Merge),
    ("dispatch", Step::Dispatch),
    ("take", Step::Take),
    ("resolve", Step::Resolve),
    ("feedback", Step::Feedback),
    (
        "rate",
        Step::Rate {
            solved: true,
            satisfaction: Satisfaction::Satisfied,
        },
    ),
    ("reopen", Step::Reopen),
    ("close", Step::Close),
    ("escalate", Step::Escalate),
    ("whistle", Step::Whistle),
    ("report-in", Step::ReportIn),
    ("report-back", Step::ReportBack),
    ("attachments", Step::Attach),
    ("note", Step::Note),
    ("appoint", Step::Appoint),
    ("return", Step::Return),
];
