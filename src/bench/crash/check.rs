//! What is checked after each restart, on the database as the restarted server found it.
//!
//! Writes ([`writes`]): every acknowledged write is there, exactly once; a write the
//! server refused is not; a write that got no answer may be there or not, but whole;
//! every demand of the run is whole: its timeline begins with its one intake, ends in
//! its status, and has as many entries as the demand has versions; nothing is there that
//! no client sent. The database ([`state`]): SQLite's `PRAGMA integrity_check`, the
//! rollups as kept equal to a recount from the demands, the audit chain verified. On
//! PostgreSQL both wait until the killed server's sessions have ended ([`settled`]).

use std::collections::{HashMap, HashSet};

use crate::db::{Db, DbResult, Engine, Q};

use super::load::{Heard, Kind, Write};

/// At most this many problems are said in words (all are counted).
const SAID: usize = 20;

/// What the check of some writes found.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Findings {
    /// Acknowledged writes checked.
    pub acknowledged: usize,
    /// Acknowledged writes not found.
    pub lost: usize,
    /// Demands found more than once (each copy beyond the first).
    pub duplicates: usize,
    /// Demands found but not whole.
    pub half: usize,
    /// Writes refused yet found, or demands no client sent.
    pub phantoms: usize,
    /// Writes sent that got no answer (the server was killed first)...
    pub unanswered: usize,
    /// ...and those of them found, whole (intakes and accepts; a sign-in's token is not
    /// known unless its answer came).
    pub unanswered_kept: usize,
    /// Writes answered with an error.
    pub refused: usize,
    /// The first problems, in words.
    pub problems: Vec<String>,
}

impl Findings {
    pub fn holds(&self) -> bool {
        self.lost == 0 && self.duplicates == 0 && self.half == 0 && self.phantoms == 0
    }

    fn say(&mut self, p: String) {
        if self.problems.len() < SAID {
            self.problems.push(p);
        }
    }

    /// Adds another check's findings to these.
    pub fn add(&mut self, o: &Findings) {
        self.acknowledged += o.acknowledged;
        self.lost += o.lost;
        self.duplicates += o.duplicates;
        self.half += o.half;
        self.phantoms += o.phantoms;
        self.unanswered += o.unanswered;
        self.unanswered_kept += o.unanswered_kept;
        self.refused += o.refused;
        for p in &o.problems {
            self.say(p.clone());
        }
    }
}

/// A demand of the run as stored.
struct Demand {
    id: i64,
    status: String,
    version: i64,
}

/// Checks `writes` (the run's, marked `tag`) against the demands after id `after` and
/// the tokens.
pub async fn writes(db: &Db, tag: &str, after: i64, writes: &[Write]) -> DbResult<Findings> {
    let mut c = db.conn().await?;
    let rows: Vec<(i64, String, String, i64)> = Q::new(
        "SELECT CAST(id AS BIGINT), description, status, CAST(version AS BIGINT) FROM demands \
         WHERE id > $1 AND description LIKE $2 ORDER BY id",
    )
    .bind(after)
    .bind(format!("crash {tag} %"))
    .fetch_all(&mut c)
    .await?;
    let entries: Vec<(i64, String, String)> = Q::new(
        "SELECT CAST(demand_id AS BIGINT), action, to_status FROM demand_events \
         WHERE demand_id > $1 ORDER BY demand_id, id",
    )
    .bind(after)
    .fetch_all(&mut c)
    .await?;
    let mut timelines: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (d, action, to) in entries {
        timelines.entry(d).or_default().push((action, to));
    }
    let mut found: HashMap<String, Vec<Demand>> = HashMap::new();
    for (id, description, status, version) in rows {
        found.entry(description).or_default().push(Demand {
            id,
            status,
            version,
        });
    }

    let mut f = Findings::default();
    let sent: HashSet<&str> = writes
        .iter()
        .filter(|w| w.kind == Kind::Intake)
        .map(|w| w.key.as_str())
        .collect();
    for (description, copies) in &found {
        if copies.len() > 1 {
            f.duplicates += copies.len() - 1;
            f.say(format!("{description:?} is there {} times", copies.len()));
        }
        if !sent.contains(description.as_str()) {
            f.phantoms += copies.len();
            f.say(format!("{description:?} is there, and no client sent it"));
        }
        for d in copies {
            let empty = Vec::new();
            if let Err(why) = whole(d, timelines.get(&d.id).unwrap_or(&empty)) {
                f.half += 1;
                f.say(format!(
                    "{description:?} (demand {}) is not whole: {why}",
                    d.id
                ));
            }
        }
    }
    let accepted = |key: &str| {
        found.get(key).is_some_and(|copies| {
            copies.iter().any(|d| {
                timelines
                    .get(&d.id)
                    .is_some_and(|t| t.iter().any(|(a, _)| a == "accept"))
            })
        })
    };
    for w in writes {
        let there = match w.kind {
            Kind::Intake => found.contains_key(&w.key),
            Kind::Accept => accepted(&w.key),
            Kind::SignIn if w.key.is_empty() => false,
            Kind::SignIn => token_stored(&mut c, &w.key).await?,
        };
        match w.heard {
            Heard::Acknowledged => {
                f.acknowledged += 1;
                if !there {
                    f.lost += 1;
                    f.say(match w.kind {
                        Kind::SignIn => "an acknowledged sign-in's token is gone".to_string(),
                        k => format!("the acknowledged {k:?} of {:?} is gone", w.key),
                    });
                }
            }
            Heard::Nothing => {
                f.unanswered += 1;
                f.unanswered_kept += usize::from(there);
            }
            Heard::Refused(status) => {
                f.refused += 1;
                // A 5xx may come from a write whose fate the server could not know.
                if there && status < 500 {
                    f.phantoms += 1;
                    f.say(format!(
                        "the {:?} of {:?} was refused ({status}) and is there",
                        w.kind, w.key
                    ));
                }
            }
        }
    }
    Ok(f)
}

/// A demand is whole when its timeline begins with its one intake, ends in its status,
/// and holds one entry per version (every write of a demand bumps its version and adds
/// one entry, in one transaction).
fn whole(d: &Demand, timeline: &[(String, String)]) -> Result<(), String> {
    let Some(((first, first_to), (_, last_to))) = timeline.first().zip(timeline.last()) else {
        return Err("no timeline".into());
    };
    if (first.as_str(), first_to.as_str()) != ("intake", "submitted") {
        return Err(format!("its timeline begins with {first} to {first_to}"));
    }
    let intakes = timeline.iter().filter(|(a, _)| a == "intake").count();
    if intakes != 1 {
        return Err(format!("{intakes} intakes on its timeline"));
    }
    if *last_to != d.status {
        return Err(format!(
            "status {} but its timeline ends in {last_to}",
            d.status
        ));
    }
    if d.version != timeline.len() as i64 {
        return Err(format!(
            "version {} with {} timeline entries",
            d.version,
            timeline.len()
        ));
    }
    Ok(())
}

async fn token_stored(c: &mut crate::db::Conn, digest: &str) -> DbResult<bool> {
    let (n,): (i64,) = Q::new("SELECT COUNT(*) FROM tokens WHERE token_hash = $1")
        .bind(digest)
        .fetch_one(c)
        .await?;
    Ok(n == 1)
}

/// What the check of the database as a whole found.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct State {
    /// `PRAGMA integrity_check`'s answer ("ok"); empty on PostgreSQL.
    pub integrity: String,
    /// The rollup rows as kept, and how many differ from a recount.
    pub rollup_rows: usize,
    pub rollups_differing: usize,
    /// Audit rows verified, and what the verification found wrong.
    pub audit_rows: u64,
    pub audit_problems: Vec<String>,
}

impl State {
    pub fn holds(&self) -> bool {
        (self.integrity.is_empty() || self.integrity == "ok")
            && self.rollups_differing == 0
            && self.audit_problems.is_empty()
    }

    /// What is wrong, in words.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !self.integrity.is_empty() && self.integrity != "ok" {
            p.push(format!("integrity_check: {}", self.integrity));
        }
        if self.rollups_differing > 0 {
            p.push(format!(
                "{} rollup rows differ from a recount of the demands",
                self.rollups_differing
            ));
        }
        p.extend(self.audit_problems.iter().map(|a| format!("audit: {a}")));
        p
    }
}

/// Checks the database as a whole (the server idle: its jobs are off and no client
/// writes). The recount is rolled back: it compares, it does not repair.
pub async fn state(db: &Db) -> DbResult<State> {
    let mut s = State::default();
    if db.engine() == Engine::Sqlite {
        let mut c = db.conn().await?;
        let said: Vec<(String,)> = Q::new("PRAGMA integrity_check").fetch_all(&mut c).await?;
        s.integrity = said
            .into_iter()
            .map(|(l,)| l)
            .collect::<Vec<_>>()
            .join("; ");
    }
    // Both read in one transaction: on SQLite it holds the write lock, so nothing is
    // written between them.
    let (kept, recounted) = {
        let mut tx = db.begin().await?;
        let kept = crate::measures::rollups::dump(&mut tx).await?;
        crate::measures::rollups::rebuild(&mut tx).await?;
        (kept, crate::measures::rollups::dump(&mut tx).await?)
    };
    s.rollup_rows = kept.len();
    let kept: HashSet<_> = kept.into_iter().collect();
    let recounted: HashSet<_> = recounted.into_iter().collect();
    s.rollups_differing = kept.symmetric_difference(&recounted).count();
    let audit = crate::audit::verify::run(db).await?;
    s.audit_rows = audit.rows;
    s.audit_problems = audit.problems.iter().map(ToString::to_string).collect();
    Ok(s)
}

/// Waits until the killed server's sessions have ended (PostgreSQL). A session of the
/// killed process may still be working when the new server is up: a commit it had sent
/// lands when PostgreSQL gets to it, and one waiting for a lock ends only once it has the
/// lock and finds its client gone. Checked before then, such a write would seem to come
/// from nowhere, or its rollups to differ from the recount of a moment later. Says
/// whether there was anything to wait for.
pub async fn settled(db: &Db) -> DbResult<bool> {
    if db.engine() != Engine::Postgres {
        // SQLite lives in the killed process: nothing of it goes on.
        return Ok(false);
    }
    let mut c = db.conn().await?;
    for polls in 0..1_500 {
        let (busy,): (i64,) = Q::new(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND backend_type = 'client backend' AND pid <> pg_backend_pid() \
             AND state <> 'idle'",
        )
        .fetch_one(&mut c)
        .await?;
        if busy == 0 {
            return Ok(polls > 0);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Err(crate::db::DbError::Other(sqlx::Error::Protocol(
        "the killed server's sessions were still busy after 30 s".into(),
    )))
}

/// The highest demand id.
pub async fn last_demand(db: &Db) -> DbResult<i64> {
    let mut c = db.conn().await?;
    let (id,): (i64,) = Q::new("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM demands")
        .fetch_one(&mut c)
        .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(status: &str, version: i64) -> Demand {
        Demand {
            id: 1,
            status: status.into(),
            version,
        }
    }

    fn t(entries: &[(&str, &str)]) -> Vec<(String, String)> {
        entries
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_demand_is_whole_only_with_its_whole_timeline() {
        let intake = ("intake", "submitted");
        let accept = ("accept", "accepted");
        assert!(whole(&d("submitted", 1), &t(&[intake])).is_ok());
        assert!(whole(&d("accepted", 2), &t(&[intake, accept])).is_ok());
        assert!(whole(&d("submitted", 1), &[]).is_err());
        // The step's update without its entry, or its entry without the update.
        assert!(whole(&d("accepted", 2), &t(&[intake])).is_err());
        assert!(whole(&d("submitted", 1), &t(&[intake, accept])).is_err());
        assert!(whole(&d("accepted", 1), &t(&[intake, accept])).is_err());
        assert!(whole(&d("submitted", 2), &t(&[intake, intake])).is_err());
        assert!(whole(&d("accepted", 1), &t(&[accept])).is_err());
    }
}
