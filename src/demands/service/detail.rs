//! The door of a demand's detail: the demand with its timeline, its summoned parties, its
//! attachments and the caller's next steps, shaped for the caller (`rules::audience`). The
//! API's `GET /api/v1/demands/{id}`, the demand page and the portal's page all read this.
//!
//! Whoever sees the reporter's number whole (those who need to call back) is answered
//! only once the view is in the audit log.

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

    /// The number is shown whole to this caller, and the view must be recorded.
    fn audited_view(&self, actor: &Actor) -> bool {
        self.d.reporter_phone.is_some()
            && audience::audited(actor.role)
            && audience::whole_phone(actor.role, &self.rel, self.d.status().is_open())
    }
}

/// A demand with everything its page shows, as the caller may see it. It is read on a
/// reader; a view that shows the reporter's number whole is written to the audit log (by
/// the writer, with the other writes waiting then) before it is answered.
pub async fn detail(st: &AppState, actor: &Actor, id: i64) -> Result<DemandDetail> {
    let story = {
        let mut c = st.db.conn().await?;
        Story::read(&mut c, actor, id).await?
    };
    if story.audited_view(actor) {
        record_view(st, actor, &story.d).await?;
    }
    Ok(shape_detail(st, actor, story))
}

async fn record_view(st: &AppState, actor: &Actor, d: &DemandRow) -> Result<()> {
    let (at, user_id, id) = (st.clock.now(), actor.user_id, d.id);
    let place = crate::roster::store::Place {
        street_id: d.street_id,
        community_id: d.community_id,
    };
    st.writer
        .write(move |tx| {
            Box::pin(async move {
                let entry = crate::audit::Entry {
                    at,
                    user_id,
                    action: "view_pii",
                    object_kind: "demand",
                    object_id: id,
                    detail: "reporter_phone",
                    place: Some(place),
                };
                crate::audit::record(tx, entry).await.map_err(Error::from)
            })
        })
        .await
}

fn shape_detail(st: &AppState, actor: &Actor, s: Story) -> DemandDetail {
    let now = st.clock.now();
    let policy = st.policy();
    let aud = Audience::of(actor.role);
    let whole = audience::whole_phone(actor.role, &s.rel, s.d.status().is_open());
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
