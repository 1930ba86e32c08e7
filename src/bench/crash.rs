//! Crash safety, shown by killing: `linli serve` is started on a database, written to by
//! several clients at once, killed with SIGKILL at a random moment, started again on the
//! same database and checked ([`check`]), cycle after cycle; at the end every write of the
//! run is checked once more, so that one lost to a later crash shows too. The integration
//! test (`tests/it/crash.rs`) and `linli bench crash` run this same loop.
//!
//! What it proves is that a process crash at any moment loses nothing acknowledged and
//! leaves nothing half-written. A SIGKILL leaves the operating system's page cache in
//! place, so it does not show what a power cut would do: that rests on the commits being
//! flushed before they are acknowledged (`db::durable`, PostgreSQL's own
//! `synchronous_commit`), which a process cannot test by killing itself.

pub mod check;
mod load;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};

use crate::db::{ConnectOptions, Db, Q};

pub use check::{Findings, State};
pub use load::{Heard, Kind, Write};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The `linli` binary to start.
    pub exe: PathBuf,
    /// The database: migrated, with the demo community (its `staff` account on the demo
    /// password) and its key file.
    pub database: String,
    pub key_file: PathBuf,
    pub cycles: usize,
    /// Clients writing at once.
    pub clients: usize,
    /// The kill comes at a random moment in the first this-many milliseconds of load.
    pub load_ms: u64,
    /// Seeds the kill moments (and the run's mark on its demands).
    pub seed: u64,
}

/// Writes acknowledged, by kind.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Counts {
    pub intakes: usize,
    pub accepts: usize,
    pub sign_ins: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.intakes + self.accepts + self.sign_ins
    }
}

/// What a run found.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Report {
    pub engine: String,
    pub seed: u64,
    pub clients: usize,
    /// Cycles run: each a start, writes, a SIGKILL, and the check after the restart.
    pub cycles: usize,
    pub acknowledged: Counts,
    /// The checks after each restart, added up.
    pub after_each: Findings,
    /// The check of every write of the run, after the last restart.
    pub at_end: Findings,
    /// What the database checks found wrong, with the cycle ("cycle 7: …").
    pub state_problems: Vec<String>,
    /// `PRAGMA integrity_check` after every restart (SQLite): "ok" when it always was.
    pub integrity: String,
    /// PostgreSQL: restarts after which sessions of the killed server were still at work
    /// (the checks waited for them to end, see [`check::settled`]).
    pub waited: usize,
    /// The rollup rows compared with a recount, and the audit rows verified, at the end.
    pub rollup_rows: usize,
    pub audit_rows: u64,
    pub seconds: f64,
}

impl Report {
    /// Nothing acknowledged lost, nothing twice, nothing half, the database sound.
    pub fn holds(&self) -> bool {
        self.after_each.holds() && self.at_end.holds() && self.state_problems.is_empty()
    }

    /// Every problem found, in words.
    pub fn problems(&self) -> Vec<String> {
        let mut p = self.after_each.problems.clone();
        p.extend(
            self.at_end
                .problems
                .iter()
                .map(|s| format!("at the end: {s}")),
        );
        p.extend(self.state_problems.iter().cloned());
        p
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, e) = (&self.acknowledged, &self.after_each);
        let row = |f: &mut std::fmt::Formatter<'_>, what: &str, v: String| {
            writeln!(f, "  {what:<46}  {v}")
        };
        row(f, "engine", self.engine.clone())?;
        row(
            f,
            "cycles (start, write, SIGKILL, restart, check)",
            self.cycles.to_string(),
        )?;
        row(f, "clients writing at once", self.clients.to_string())?;
        row(
            f,
            "writes acknowledged",
            format!(
                "{} ({} intakes, {} accepts, {} sign-ins)",
                a.total(),
                a.intakes,
                a.accepts,
                a.sign_ins
            ),
        )?;
        row(
            f,
            "writes cut off by the kill (no answer)",
            format!(
                "{}, of which {} found whole",
                e.unanswered, e.unanswered_kept
            ),
        )?;
        row(
            f,
            "writes refused (an error answered)",
            e.refused.to_string(),
        )?;
        row(f, "lost (acknowledged, not found)", e.lost.to_string())?;
        row(f, "duplicates", e.duplicates.to_string())?;
        row(f, "half-written demands", e.half.to_string())?;
        row(
            f,
            "refused or never sent, yet found",
            e.phantoms.to_string(),
        )?;
        row(
            f,
            "at the end, over the whole run",
            format!(
                "{} acknowledged checked: {} lost, {} duplicates, {} half",
                self.at_end.acknowledged,
                self.at_end.lost,
                self.at_end.duplicates,
                self.at_end.half
            ),
        )?;
        if self.engine == "Postgres" {
            row(
                f,
                "killed server's sessions still at work",
                format!("after {} restarts (the checks waited)", self.waited),
            )?;
        }
        if !self.integrity.is_empty() {
            row(
                f,
                "PRAGMA integrity_check after each restart",
                self.integrity.clone(),
            )?;
        }
        row(
            f,
            "rollups as kept = recount, after each restart",
            if self.state_problems.iter().any(|p| p.contains("rollup")) {
                "no".into()
            } else {
                format!("yes ({} rows at the end)", self.rollup_rows)
            },
        )?;
        row(
            f,
            "audit chain verifies, after each restart",
            if self.state_problems.iter().any(|p| p.contains("audit")) {
                "no".into()
            } else {
                format!("yes ({} rows at the end)", self.audit_rows)
            },
        )?;
        row(f, "seed", self.seed.to_string())?;
        row(f, "time", format!("{:.1} s", self.seconds))?;
        for p in self.problems() {
            writeln!(f, "  PROBLEM: {p}")?;
        }
        Ok(())
    }
}

/// Every write of a run, to check again (see `tests/it/crash.rs`).
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// Marks the run's demands.
    pub tag: String,
    /// The last demand id before the run.
    pub before: i64,
    pub writes: Vec<Write>,
}

/// Runs `o.cycles` cycles; `each(cycle, report)` after each one's check.
pub async fn run(
    o: &Options,
    mut each: impl FnMut(usize, &Report),
) -> Result<(Report, Ledger), String> {
    let started = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(o.seed);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let log = dir.path().join("serve.log");
    let mut server = Server::start(o, &log).await?;
    let db = open(&o.database).await?;
    let homes = Arc::new(households(&db).await?);
    let before = check::last_demand(&db).await.map_err(db_error)?;
    db.close().await;
    let token = match load::sign_in(&server.addr).await {
        Some((Heard::Acknowledged, b)) => b["token"].as_str().unwrap_or_default().to_string(),
        other => return Err(format!("cannot sign in as staff: {other:?}")),
    };
    let mut ledger = Ledger {
        tag: format!("{:08x}", rng.random::<u32>()),
        before,
        writes: Vec::new(),
    };
    let mut r = Report {
        engine: format!("{:?}", crate::db::engine_of(&o.database)?),
        seed: o.seed,
        clients: o.clients.max(1),
        ..Report::default()
    };
    let mut integrity = Vec::new();
    let mut after = before;
    for cycle in 0..o.cycles {
        let kill_at = Duration::from_millis(rng.random_range(0..=o.load_ms));
        let c = Arc::new(load::Cycle {
            addr: server.addr.clone(),
            token: token.clone(),
            homes: homes.clone(),
            tag: ledger.tag.clone(),
            cycle,
        });
        let clients: Vec<_> = (0..r.clients)
            .map(|me| tokio::spawn(load::client(c.clone(), me)))
            .collect();
        tokio::time::sleep(kill_at).await;
        server.kill()?;
        let mut writes = Vec::new();
        for t in clients {
            writes.extend(t.await.map_err(|e| e.to_string())?);
        }
        server = Server::start(o, &log)
            .await
            .map_err(|e| format!("cycle {cycle}: no restart after the kill: {e}"))?;
        let db = open(&o.database).await?;
        r.waited += usize::from(check::settled(&db).await.map_err(db_error)?);
        let found = check::writes(&db, &ledger.tag, after, &writes)
            .await
            .map_err(db_error)?;
        let state = check::state(&db).await.map_err(db_error)?;
        after = check::last_demand(&db).await.map_err(db_error)?;
        db.close().await;
        for w in writes.iter().filter(|w| w.heard == Heard::Acknowledged) {
            match w.kind {
                Kind::Intake => r.acknowledged.intakes += 1,
                Kind::Accept => r.acknowledged.accepts += 1,
                Kind::SignIn => r.acknowledged.sign_ins += 1,
            }
        }
        r.after_each.add(&found);
        r.state_problems.extend(
            state
                .problems()
                .into_iter()
                .map(|p| format!("cycle {cycle}: {p}")),
        );
        integrity.push(state.integrity.clone());
        (r.rollup_rows, r.audit_rows) = (state.rollup_rows, state.audit_rows);
        r.cycles = cycle + 1;
        ledger.writes.extend(writes);
        each(r.cycles, &r);
    }
    let db = open(&o.database).await?;
    r.at_end = check::writes(&db, &ledger.tag, before, &ledger.writes)
        .await
        .map_err(db_error)?;
    db.close().await;
    // The last server stops as a supervisor would stop it; said, not fatal, if it does not.
    if let Err(e) = server.stop() {
        r.state_problems.push(e);
    }
    // SQLite's answers: "ok" when every one was, else the first that was not.
    if integrity.iter().any(|i| !i.is_empty()) {
        r.integrity = integrity
            .into_iter()
            .find(|i| i != "ok")
            .unwrap_or_else(|| "ok".into());
    }
    r.seconds = started.elapsed().as_secs_f64();
    Ok((r, ledger))
}

/// Opens the database beside the running server, for the checks.
pub async fn open(url: &str) -> Result<Db, String> {
    Db::connect(&ConnectOptions {
        url: url.to_string(),
        create: false,
        max_connections: 2,
    })
    .await
}

fn db_error(e: crate::db::DbError) -> String {
    e.to_string()
}

/// The households of the staff account's community, where the demands are raised.
async fn households(db: &Db) -> Result<Vec<i64>, String> {
    let mut c = db.conn().await.map_err(db_error)?;
    let homes: Vec<(i64,)> = Q::new(
        "SELECT CAST(id AS BIGINT) FROM households WHERE community_id = \
         (SELECT community_id FROM users WHERE username = 'staff') ORDER BY id LIMIT 500",
    )
    .fetch_all(&mut c)
    .await
    .map_err(db_error)?;
    if homes.is_empty() {
        return Err("the database has no `staff` account with households: seed the demo".into());
    }
    Ok(homes.into_iter().map(|(h,)| h).collect())
}

/// A running `linli serve`.
struct Server {
    child: Child,
    /// host:port
    addr: String,
    /// Kept open: the server may write to its stdout.
    _stdout: std::io::BufReader<ChildStdout>,
}

impl Server {
    /// Starts `linli serve` on a free port (its jobs off, so that it writes only what the
    /// clients ask) and waits until it serves; its log goes to `log`.
    async fn start(o: &Options, log: &Path) -> Result<Server, String> {
        let (o, log) = (o.clone(), log.to_path_buf());
        tokio::task::spawn_blocking(move || Server::start_blocking(&o, &log))
            .await
            .map_err(|e| e.to_string())?
    }

    fn start_blocking(o: &Options, log: &Path) -> Result<Server, String> {
        let err = std::fs::File::create(log).map_err(|e| e.to_string())?;
        let mut child = Command::new(&o.exe)
            .args([
                "serve",
                "--database",
                &o.database,
                "--listen",
                "127.0.0.1:0",
            ])
            .arg("--allow-demo-passwords")
            .env_remove("LINLI_CONFIG")
            .env("LINLI_KEY_FILE", &o.key_file)
            .env("LINLI_JOBS", "false")
            .env("LINLI_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", o.exe.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut out = std::io::BufReader::new(stdout);
        let mut line = String::new();
        let _ = out.read_line(&mut line);
        // "Linli is serving on http://127.0.0.1:PORT/"
        let Some(addr) = line
            .trim()
            .rsplit("http://")
            .next()
            .map(|a| a.trim_end_matches('/'))
            .filter(|a| a.starts_with("127.0.0.1:"))
        else {
            let status = child.wait().map_err(|e| e.to_string())?;
            let said = std::fs::read_to_string(log).unwrap_or_default();
            return Err(format!("linli serve exited ({status}): {}", said.trim()));
        };
        Ok(Server {
            addr: addr.to_string(),
            child,
            _stdout: out,
        })
    }

    /// SIGKILL: the process ends at once, whatever it was doing.
    fn kill(&mut self) -> Result<(), String> {
        self.child.kill().map_err(|e| e.to_string())?;
        self.child.wait().map_err(|e| e.to_string())?;
        Ok(())
    }

    /// SIGTERM, and a clean exit.
    fn stop(mut self) -> Result<(), String> {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .map_err(|e| e.to_string())?;
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if sent.success() && status.success() {
            Ok(())
        } else {
            Err(format!("linli serve did not stop cleanly: {status}"))
        }
    }
}

impl Drop for Server {
    /// A run that ends early leaves no server behind (a server already waited for is not
    /// signalled again).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
