//! The retention job: rows older than `audit_retention_days` leave the log from the start
//! of each chain, and the chain's checkpoint moves to the last row pruned (its place and
//! hash, sealed with the key file), so that what remains verifies from there. A row is
//! pruned only when every row before it in its chain is as old, so a chain is always cut
//! at one place.

use crate::clock::{DAY, Millis};
use crate::db::{Db, DbResult, Q};

use super::chain;

/// Rows pruned per transaction.
const BATCH: i64 = 2_000;

/// Prunes what is older than `retention_days` before `now`; returns how many rows left.
pub async fn run(db: &Db, now: Millis, retention_days: i64) -> DbResult<u64> {
    let cutoff = now - retention_days * DAY;
    let chains: Vec<(i64,)> = {
        let mut c = db.conn().await?;
        Q::new("SELECT chain FROM audit_heads ORDER BY chain")
            .fetch_all(&mut c)
            .await?
    };
    let mut pruned = 0;
    for (chain,) in chains {
        loop {
            let n = prune_batch(db, chain, cutoff, now).await?;
            pruned += n;
            if n < BATCH as u64 {
                break;
            }
        }
    }
    Ok(pruned)
}

/// Prunes at most [`BATCH`] rows from the start of `chain`; returns how many.
async fn prune_batch(db: &Db, chain: i64, cutoff: Millis, now: Millis) -> DbResult<u64> {
    let mut tx = db.begin().await?;
    // The head's row lock: one pruner per chain at a time, and no writer in between.
    Q::new("UPDATE audit_heads SET seq = seq WHERE chain = $1")
        .bind(chain)
        .execute(&mut tx)
        .await?;
    let rows: Vec<(i64, String, Millis)> =
        Q::new("SELECT seq, hash, at FROM audit_log WHERE chain = $1 ORDER BY seq LIMIT $2")
            .bind(chain)
            .bind(BATCH)
            .fetch_all(&mut tx)
            .await?;
    let old = rows.iter().take_while(|r| r.2 < cutoff).count();
    let Some((seq, hash, _)) = old.checked_sub(1).map(|i| &rows[i]) else {
        return Ok(0);
    };
    Q::new(
        "INSERT INTO audit_checkpoints (chain, seq, hash, pruned, pruned_at, seal) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (chain) DO UPDATE SET \
         seq = excluded.seq, hash = excluded.hash, \
         pruned = audit_checkpoints.pruned + excluded.pruned, \
         pruned_at = excluded.pruned_at, seal = excluded.seal",
    )
    .bind(chain)
    .bind(*seq)
    .bind(hash.as_str())
    .bind(old as i64)
    .bind(now)
    .bind(chain::seal(chain::CHECKPOINT, chain, *seq, hash))
    .execute(&mut tx)
    .await?;
    let deleted = Q::new("DELETE FROM audit_log WHERE chain = $1 AND seq <= $2")
        .bind(chain)
        .bind(*seq)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(deleted)
}
