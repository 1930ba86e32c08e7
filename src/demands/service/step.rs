//! The doors of the writes that change a demand's course: a new demand (intake) and every
//! lifecycle step after it (act). Each opens and commits its own transaction (intake goes
//! through the writer, which batches many into one durable commit) and gives back the
//! demand as the caller may see it: the phone masked, as in lists (the whole number is only
//! in the demand's detail, asked for with a reason and audited).

use crate::auth::Actor;
use crate::db::Exec;
use crate::demands::model::{Command, DemandView};
use crate::demands::rules::audience::Audience;
use crate::demands::store::{self, DemandRow};
use crate::error::{Code, Error, Result};
use crate::state::AppState;

use super::intake::{NewDemand, Written};
use super::{Ctx, act_in, shape};

/// A demand as intake answers it.
#[derive(Debug)]
pub struct Recorded {
    pub demand: DemandView,
    /// Written now; `false` when its client id was sent before by the same caller, and
    /// this is the demand recorded then (as it is now), nothing written again.
    pub first: bool,
}

/// Records a new demand, raised by a resident or recorded for one (the API, the counter's
/// form and the portal alike). Checked on a reader, written by the writer. An intake whose
/// client id was sent before is the demand recorded then, when the same caller sent it;
/// refused (409) when someone else did, without a word of their demand.
pub async fn intake(st: &AppState, actor: &Actor, n: NewDemand) -> Result<Recorded> {
    let ctx = Ctx {
        actor,
        now: st.clock.now(),
        policy: st.policy(),
    };
    let prepared = {
        let mut c = st.db.conn().await?;
        if let Some(client_id) = &n.client_id
            && let Some(first) = store::by_client_id(&mut c, client_id.as_str()).await?
        {
            return again(&mut c, &ctx, first).await;
        }
        super::intake::prepare(&mut c, &ctx, n).await?
    };
    match super::intake::submit(&st.writer, &ctx, prepared).await? {
        Written::New(row) => Ok(Recorded {
            demand: shape::masked(&row, None, ctx.now, Audience::of(actor.role)),
            first: true,
        }),
        // Sent twice at once: the other one was written first.
        Written::Before(first) => {
            let mut c = st.db.conn().await?;
            again(&mut c, &ctx, first).await
        }
    }
}

/// The demand an intake's client id recorded before, for the same caller only.
async fn again(ex: &mut impl Exec, ctx: &Ctx<'_>, first: DemandRow) -> Result<Recorded> {
    let a = ctx.actor;
    if a.user_ref().is_none() || first.created_by != a.user_ref() {
        return Err(Error::invalid("client_id", Code::ClientIdTaken));
    }
    let name = store::assignee_name(ex, &first).await?;
    Ok(Recorded {
        demand: shape::masked(&first, name, ctx.now, Audience::of(a.role)),
        first: false,
    })
}

/// Takes one step on a demand the caller can see, in its own transaction; nothing is
/// written when it is refused.
pub async fn act(st: &AppState, actor: &Actor, id: i64, cmd: Command) -> Result<DemandView> {
    let ctx = Ctx {
        actor,
        now: st.clock.now(),
        policy: st.policy(),
    };
    let mut tx = st.db.begin().await?;
    let row = act_in(&mut tx, &ctx, id, cmd).await?;
    let name = store::assignee_name(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(shape::masked(&row, name, ctx.now, Audience::of(actor.role)))
}
