//! The doors of the writes that change a demand's course: a new demand (intake) and every
//! lifecycle step after it (act). Each opens and commits its own transaction (intake goes
//! through the writer, which batches many into one durable commit) and gives back the
//! demand as the caller may see it: the phone masked, as in lists (the whole number is only
//! in the demand's detail, asked for with a reason and audited).

use crate::auth::Actor;
use crate::demands::model::{Command, DemandView};
use crate::demands::rules::audience::Audience;
use crate::demands::store;
use crate::error::Result;
use crate::state::AppState;

use super::intake::NewDemand;
use super::{Ctx, act_in, shape};

/// Records a new demand, raised by a resident or recorded for one (the API, the counter's
/// form and the portal alike). Checked on a reader, written by the writer.
pub async fn intake(st: &AppState, actor: &Actor, n: NewDemand) -> Result<DemandView> {
    let ctx = Ctx {
        actor,
        now: st.clock.now(),
        policy: st.policy(),
    };
    let prepared = {
        let mut c = st.db.conn().await?;
        super::intake::prepare(&mut c, &ctx, n).await?
    };
    let row = super::intake::submit(&st.writer, &ctx, prepared).await?;
    Ok(shape::masked(&row, None, ctx.now, Audience::of(actor.role)))
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
