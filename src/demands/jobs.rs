//! Background work inside `serve`: flag overdue demands and remind, ask again for ratings,
//! close unrated demands after the rating window.
//!
//! Safe with several `serve` processes on one database: a lease row lets one node run the
//! jobs at a time, and every flag is set by a conditional `UPDATE … WHERE flag IS NULL`
//! whose reminder event is written in the same transaction, so each overdue demand is
//! flagged and reminded exactly once whoever runs the scan.

use std::time::Duration;

use serde_json::json;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::Actor;
use crate::clock::{DAY, Millis};
use crate::db::{DbError, DbResult, Q, Tx};
use crate::state::AppState;
use crate::tr;

use super::model::{Action, Command, Status};
use super::service::{self, Ctx};
use super::store::{self, NewEvent};

/// Demands handled per batch (one transaction each).
const BATCH: i64 = 200;

/// What one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub accept_overdue: usize,
    pub feedback_overdue: usize,
    pub rating_reminders: usize,
    pub auto_closed: usize,
    /// Expired or revoked tokens deleted (a day after they stopped working).
    pub purged_tokens: u64,
    /// Audit log rows past their retention pruned (behind a sealed checkpoint).
    pub pruned_audit: u64,
    /// Reporters' phones cleared from demands closed longer ago than
    /// `reporter_phone_retention_days`.
    pub forgotten_phones: u64,
    /// Children's records sealed (found under 14 with their fields open) and opened
    /// (turned 14).
    pub children_sealed: u64,
    pub children_opened: u64,
}

/// The running jobs; stop them on shutdown.
pub struct Jobs {
    stop: watch::Sender<bool>,
    handle: Option<JoinHandle<()>>,
}

impl Jobs {
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
    }
}

/// Starts the jobs (unless the settings turn them off).
pub fn spawn(state: AppState) -> Jobs {
    let (stop, mut stopped) = watch::channel(false);
    if !state.settings.jobs {
        return Jobs { stop, handle: None };
    }
    let every = Duration::from_secs(state.settings.job_interval_secs.max(1));
    let node = format!(
        "{}-{}",
        std::process::id(),
        &crate::auth::tokens::generate().1[..8]
    );
    let handle = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopped.changed() => break,
            }
            // A rotation (`linli admin keys rotate`) wrote a new active key: seal with it.
            crate::vault::reload_if_changed();
            match run_if_leader(&state, &node, every).await {
                Ok(Some(r)) if r != Report::default() => tracing::info!(?r, "background jobs ran"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "background jobs failed; will retry"),
            }
        }
    });
    Jobs {
        stop,
        handle: Some(handle),
    }
}

/// Runs the jobs if this node holds (or takes) the lease.
async fn run_if_leader(st: &AppState, node: &str, every: Duration) -> DbResult<Option<Report>> {
    let now = st.clock.now();
    let ttl = every.as_millis() as i64 * 3;
    let mut tx = st.db.begin().await?;
    Q::new(
        "INSERT INTO job_leases (name, holder, expires_at) VALUES ('demands', $1, $2) \
         ON CONFLICT DO NOTHING",
    )
    .bind(node)
    .bind(Millis(0))
    .execute(&mut tx)
    .await?;
    let won = Q::new(
        "UPDATE job_leases SET holder = $1, expires_at = $2 \
         WHERE name = 'demands' AND (holder = $1 OR expires_at < $3)",
    )
    .bind(node)
    .bind(now + ttl)
    .bind(now)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    if won == 0 {
        return Ok(None);
    }
    run_once(st).await.map(Some)
}

/// One pass of every job, at the application clock's now.
pub async fn run_once(st: &AppState) -> DbResult<Report> {
    let now = st.clock.now();
    let (children_sealed, children_opened) =
        crate::roster::store::children::pass(&st.db, now).await?;
    Ok(Report {
        accept_overdue: flag(st, now, Flag::Accept).await?,
        feedback_overdue: flag(st, now, Flag::Feedback).await?,
        rating_reminders: flag(st, now, Flag::Rating).await?,
        auto_closed: auto_close(st, now).await?,
        purged_tokens: purge_tokens(st, now).await?,
        pruned_audit: crate::audit::prune::run(&st.db, now, st.settings.audit_retention_days)
            .await?,
        forgotten_phones: forget_phones(st, now).await?,
        children_sealed,
        children_opened,
    })
}

#[derive(Clone, Copy)]
enum Flag {
    Accept,
    Feedback,
    Rating,
}

impl Flag {
    fn column(self) -> &'static str {
        match self {
            Flag::Accept => "accept_overdue_at",
            Flag::Feedback => "feedback_overdue_at",
            Flag::Rating => "rating_reminded_at",
        }
    }

    /// Which demands are due for this flag at `$1`.
    fn condition(self) -> &'static str {
        match self {
            // Community by community through the partial indexes of open demands (and of
            // feedback awaiting a rating): they hold only those, so the scan costs what is
            // open, never the history.
            Flag::Accept => {
                "status = 'submitted' AND community_id IN (SELECT id FROM communities) \
                 AND accept_due_at < $1"
            }
            Flag::Feedback => {
                "status IN ('submitted', 'accepted', 'dispatched', 'in_progress', 'resolved') \
                 AND community_id IN (SELECT id FROM communities) AND feedback_due_at < $1"
            }
            Flag::Rating => {
                "status = 'feedback_given' AND community_id IN (SELECT id FROM communities) \
                 AND feedback_at < $2"
            }
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Flag::Accept => "accept_overdue",
            Flag::Feedback => "feedback_overdue",
            Flag::Rating => "rating_reminder",
        }
    }
}

/// Sets the flag on every due demand, batch by batch, each with its reminder event.
async fn flag(st: &AppState, now: Millis, f: Flag) -> DbResult<usize> {
    let ask_again_before = now - st.settings.rating_reminder_days * DAY;
    let col = f.column();
    let mut total = 0;
    loop {
        let mut tx = st.db.begin().await?;
        let ids: Vec<(i64, i64)> = Q::new(format!(
            "UPDATE demands SET {col} = $1 WHERE id IN (SELECT id FROM demands \
             WHERE {cond} AND {col} IS NULL ORDER BY id LIMIT $3) AND {col} IS NULL \
             RETURNING community_id, id",
            cond = f.condition()
        ))
        .bind(now)
        .bind(ask_again_before)
        .bind(BATCH)
        .fetch_all(&mut tx)
        .await?;
        for &(community_id, id) in &ids {
            remind(&mut tx, community_id, id, now, f).await?;
        }
        tx.commit().await?;
        total += ids.len();
        if (ids.len() as i64) < BATCH {
            return Ok(total);
        }
    }
}

async fn remind(tx: &mut Tx, community_id: i64, id: i64, now: Millis, f: Flag) -> DbResult<()> {
    let Some(d) = store::find_in(tx, community_id, id).await? else {
        return Ok(());
    };
    let (note, due) = match f {
        Flag::Accept => (tr!("demand.remind.accept"), d.accept_due_at),
        Flag::Feedback => (tr!("demand.remind.feedback"), d.feedback_due_at),
        Flag::Rating => (tr!("demand.remind.rating"), d.feedback_at.unwrap_or(now)),
    };
    let status: Status = d.status();
    store::append_event(
        tx,
        NewEvent {
            demand: &d,
            at: now,
            actor: &Actor::system(),
            action: Action::Remind,
            from: Some(status),
            to: status,
            level: d.level(),
            note: &note,
            data: json!({ "kind": f.kind(), "due_at": crate::clock::rfc3339(due) }),
        },
    )
    .await?;
    Ok(())
}

/// Deletes tokens that expired or were revoked more than a day ago.
/// Demands whose phone one transaction clears.
const FORGET_BATCH: i64 = 1_000;

/// The retention rule of reporters' phones: kept to call back while a demand is worked
/// and for `reporter_phone_retention_days` after it closed (a late complaint may reopen
/// it), then cleared. The demand, its figures and its timeline stay.
async fn forget_phones(st: &AppState, now: Millis) -> DbResult<u64> {
    let cutoff = now - st.settings.reporter_phone_retention_days * crate::clock::DAY;
    let mut total = 0;
    loop {
        let mut tx = st.db.begin().await?;
        let n = Q::new(
            "UPDATE demands SET reporter_phone = NULL WHERE id IN (SELECT id FROM demands \
             WHERE reporter_phone IS NOT NULL AND closed_at < $1 LIMIT $2)",
        )
        .bind(cutoff)
        .bind(FORGET_BATCH)
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        total += n;
        if n < FORGET_BATCH as u64 {
            return Ok(total);
        }
    }
}

async fn purge_tokens(st: &AppState, now: Millis) -> DbResult<u64> {
    let mut tx = st.db.begin().await?;
    let n = Q::new("DELETE FROM tokens WHERE expires_at < $1 OR revoked_at < $1")
        .bind(now - DAY)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(n)
}

/// Closes, as unrated, demands fed back longer ago than the rating window.
async fn auto_close(st: &AppState, now: Millis) -> DbResult<usize> {
    let policy = st.policy();
    let system = Actor::system();
    let ctx = Ctx {
        actor: &system,
        now,
        policy,
    };
    let mut total = 0;
    loop {
        let mut tx = st.db.begin().await?;
        let ids: Vec<(i64,)> = Q::new(
            "SELECT id FROM demands WHERE status = 'feedback_given' \
             AND community_id IN (SELECT id FROM communities) AND feedback_at <= $1 \
             ORDER BY id LIMIT $2",
        )
        .bind(now - policy.rating_window)
        .bind(BATCH)
        .fetch_all(&mut tx)
        .await?;
        let mut closed = 0;
        for (id,) in &ids {
            match service::act_in(&mut tx, &ctx, *id, Command::AutoClose).await {
                Ok(_) => closed += 1,
                // A storage failure: give up this batch (the transaction rolls back).
                Err(e)
                    if matches!(
                        e.class(),
                        crate::error::Class::Internal | crate::error::Class::Unavailable
                    ) =>
                {
                    return Err(DbError::Other(sqlx::Error::Protocol(e.to_string())));
                }
                // Refused by the rules (someone got there first): nothing to do.
                Err(e) => tracing::debug!(demand = id, error = %e, "not auto-closed"),
            }
        }
        tx.commit().await?;
        total += closed;
        if (ids.len() as i64) < BATCH || closed == 0 {
            return Ok(total);
        }
    }
}
