//! `linli admin audit verify`: every chain walked from its checkpoint (or its start) to
//! its head, each row's hash recomputed. What it finds, with the chain and place:
//! a row edited (its hash no longer holds), rows deleted (a gap in the places, or the
//! chain ending before its head), a head or checkpoint not sealed by this key file, rows
//! outside any chain.

use std::collections::BTreeSet;
use std::fmt;

use crate::db::{Db, DbResult, Q};

use super::chain::{self, LINK_COLUMNS, Link};

/// Rows read per query.
const BATCH: i64 = 2_000;

/// What is wrong, where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The row at `seq` is not what was written there.
    Edited { chain: i64, seq: i64, id: i64 },
    /// Places `from..=to` are missing.
    Missing { chain: i64, from: i64, to: i64 },
    /// The head says the chain goes on to `head`, its rows end at `last`.
    Truncated { chain: i64, last: i64, head: i64 },
    /// The head's seal was not made with this key file (or the head was rewritten).
    HeadForged { chain: i64 },
    /// The checkpoint's seal was not made with this key file.
    CheckpointForged { chain: i64 },
    /// Rows of a chain that has no head.
    Headless { chain: i64 },
    /// Rows that belong to no chain (written around the log).
    Unchained { rows: i64 },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Edited { chain, seq, id } => {
                write!(
                    f,
                    "chain {chain}: row {seq} (id {id}) was changed after it was written"
                )
            }
            Problem::Missing { chain, from, to } if from == to => {
                write!(f, "chain {chain}: row {from} is missing")
            }
            Problem::Missing { chain, from, to } => {
                write!(f, "chain {chain}: rows {from} to {to} are missing")
            }
            Problem::Truncated { chain, last, head } => write!(
                f,
                "chain {chain}: rows end at {last} but the chain's head is at {head} \
                 (rows were deleted from its end)"
            ),
            Problem::HeadForged { chain } => write!(
                f,
                "chain {chain}: its head is not sealed by this key file (rewritten)"
            ),
            Problem::CheckpointForged { chain } => write!(
                f,
                "chain {chain}: its pruning checkpoint is not sealed by this key file"
            ),
            Problem::Headless { chain } => write!(f, "chain {chain}: rows without a head"),
            Problem::Unchained { rows } => write!(f, "{rows} rows are outside every chain"),
        }
    }
}

/// What a verification found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub chains: u64,
    pub rows: u64,
    /// Rows pruned behind checkpoints (not read, vouched for by the sealed checkpoint).
    pub pruned: u64,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn holds(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies every chain of the log.
pub async fn run(db: &Db) -> DbResult<Report> {
    let mut c = db.conn().await?;
    let heads: Vec<(i64, i64, String, String)> =
        Q::new("SELECT chain, seq, hash, seal FROM audit_heads ORDER BY chain")
            .fetch_all(&mut c)
            .await?;
    let checkpoints: Vec<(i64, i64, String, i64, String)> =
        Q::new("SELECT chain, seq, hash, pruned, seal FROM audit_checkpoints")
            .fetch_all(&mut c)
            .await?;
    let mut report = Report::default();
    let headed: BTreeSet<i64> = heads.iter().map(|h| h.0).collect();
    for (chain, head_seq, head_hash, head_seal) in heads {
        report.chains += 1;
        if head_seal != chain::seal(chain::HEAD, chain, head_seq, &head_hash) {
            report.problems.push(Problem::HeadForged { chain });
        }
        let (mut seq, mut prev) = (0, String::new());
        if let Some(cp) = checkpoints.iter().find(|cp| cp.0 == chain) {
            if cp.4 != chain::seal(chain::CHECKPOINT, chain, cp.1, &cp.2) {
                report.problems.push(Problem::CheckpointForged { chain });
            }
            (seq, prev) = (cp.1, cp.2.clone());
            report.pruned += cp.3 as u64;
        }
        loop {
            let rows: Vec<Link> = Q::new(format!(
                "SELECT {LINK_COLUMNS} FROM audit_log WHERE chain = $1 AND seq > $2 \
                 ORDER BY seq LIMIT $3"
            ))
            .bind(chain)
            .bind(seq)
            .bind(BATCH)
            .fetch_all(&mut c)
            .await?;
            for l in &rows {
                let at = l.seq.unwrap_or_default();
                if at != seq + 1 {
                    report.problems.push(Problem::Missing {
                        chain,
                        from: seq + 1,
                        to: at - 1,
                    });
                }
                let hash = l.hash.as_deref().unwrap_or_default();
                if !chain::holds(hash, &prev, chain, at, l) {
                    report.problems.push(Problem::Edited {
                        chain,
                        seq: at,
                        id: l.id,
                    });
                }
                report.rows += 1;
                (seq, prev) = (at, hash.to_string());
            }
            if (rows.len() as i64) < BATCH {
                break;
            }
        }
        if seq < head_seq {
            report.problems.push(Problem::Truncated {
                chain,
                last: seq,
                head: head_seq,
            });
        } else if prev != head_hash {
            // Rows past the head, or a last row that is not the one the head sealed.
            report.problems.push(Problem::HeadForged { chain });
        }
    }
    let chains: Vec<(i64,)> =
        Q::new("SELECT DISTINCT chain FROM audit_log WHERE chain IS NOT NULL")
            .fetch_all(&mut c)
            .await?;
    for (chain,) in chains {
        if !headed.contains(&chain) {
            report.problems.push(Problem::Headless { chain });
        }
    }
    let (unchained,): (i64,) = Q::new("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL")
        .fetch_one(&mut c)
        .await?;
    if unchained > 0 {
        report.problems.push(Problem::Unchained { rows: unchained });
    }
    Ok(report)
}
