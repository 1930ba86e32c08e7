//! `linli bench city`: the figures of the city-scale targets, each measured in the same run
//! and on the same database as its baseline, as a table of figure, value, baseline, ratio,
//! target and pass/fail.

use std::future::Future;
use std::time::Instant;

use serde::Serialize;

use crate::auth::{Actor, store as users};
use crate::clock::Millis;
use crate::clock::{month_of, month_start};
use crate::db::Q;
use crate::demands::model::ListQuery;
use crate::demands::service::list as fetch;
use crate::demands::store::COLUMNS;
use crate::measures::model::Filter;
use crate::measures::store::{count, count_live};
use crate::state::AppState;

use super::{db, median_p95};

/// One line of the table.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub figure: String,
    pub unit: &'static str,
    pub value: f64,
    pub baseline: Option<f64>,
    /// baseline / value (how many times faster), or value / baseline for rates.
    pub ratio: Option<f64>,
    pub target: String,
    pub pass: Option<bool>,
    pub note: String,
}

impl Row {
    pub fn print_header() {
        println!(
            "{:<46} {:>12} {:>12} {:>9} {:>16} {:>6}",
            "figure", "value", "baseline", "ratio", "target", "pass"
        );
    }

    pub fn print(&self) {
        let num = |v: f64| {
            if v >= 100.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.2}")
            }
        };
        println!(
            "{:<46} {:>12} {:>12} {:>9} {:>16} {:>6}",
            format!("{} ({})", self.figure, self.unit),
            num(self.value),
            self.baseline.map(num).unwrap_or_else(|| "–".into()),
            self.ratio
                .map(|r| format!("{r:.1}×"))
                .unwrap_or_else(|| "–".into()),
            self.target,
            match self.pass {
                Some(true) => "pass",
                Some(false) => "FAIL",
                None => "–",
            }
        );
        if !self.note.is_empty() {
            println!("    {}", self.note);
        }
    }
}

/// Times `n` runs of `f` (after one warm-up): (median, p95) in milliseconds.
async fn time<F, Fut, T>(n: usize, mut f: F) -> Result<((f64, f64), T), String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let mut last = f().await?;
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        last = f().await?;
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((median_p95(&mut samples), last))
}

pub async fn actor(st: &AppState, username: &str) -> Result<Actor, String> {
    let mut c = st.db.conn().await.map_err(db)?;
    let u = users::find_by_username(&mut c, username)
        .await
        .map_err(db)?
        .ok_or_else(|| format!("no account {username}"))?;
    users::actor_of(&mut c, u).await.map_err(db)
}

/// Whom the figures are measured for: the street with the most demands, its busiest
/// community and that community's busiest grid, through their accounts (the demo's or the
/// generated city's).
pub struct Subjects {
    pub street: String,
    pub staff: String,
    pub grid_worker: String,
}

pub async fn subjects(st: &AppState) -> Result<Subjects, String> {
    let mut c = st.db.conn().await.map_err(db)?;
    let busiest = |by: &str, within: &str| {
        format!(
            "SELECT {by} FROM demand_rollups WHERE grain = 'month' AND dim = 'grid' {within} \
             GROUP BY {by} ORDER BY SUM(received) DESC, {by} LIMIT 1"
        )
    };
    let (street,): (i64,) = Q::new(busiest("street_id", ""))
        .fetch_optional(&mut c)
        .await
        .map_err(db)?
        .ok_or("no demands to measure")?;
    let (community,): (i64,) = Q::new(busiest("community_id", "AND street_id = $1"))
        .bind(street)
        .fetch_one(&mut c)
        .await
        .map_err(db)?;
    let account = |role: &str, column: &str| {
        format!(
            "SELECT username FROM users WHERE role = '{role}' AND {column} = $1 ORDER BY id \
             LIMIT 1"
        )
    };
    let who = async |sql: String, id: i64, what: &str, c: &mut crate::db::Conn| {
        Q::new(sql)
            .bind(id)
            .fetch_optional::<(String,)>(c)
            .await
            .map_err(db)?
            .map(|r| r.0)
            .ok_or_else(|| format!("no {what} account to measure with"))
    };
    let street_user = who(account("street", "street_id"), street, "street", &mut c).await?;
    let staff = who(account("staff", "community_id"), community, "staff", &mut c).await?;
    let grid_worker = Q::new(
        "SELECT u.username FROM demand_rollups r \
         JOIN grids g ON CAST(g.id AS TEXT) = r.k JOIN users u ON u.id = g.worker_user_id \
         WHERE r.community_id = $1 AND r.grain = 'month' AND r.dim = 'grid' \
         GROUP BY u.username ORDER BY SUM(r.received) DESC, u.username LIMIT 1",
    )
    .bind(community)
    .fetch_optional::<(String,)>(&mut c)
    .await
    .map_err(db)?
    .map(|r| r.0)
    .ok_or("no grid worker to measure with")?;
    Ok(Subjects {
        street: street_user,
        staff,
        grid_worker,
    })
}

/// The dashboard's four rates for one street over one year: from the rollups, against
/// the plain `GROUP BY` a CRUD application would run. Both must give the same counts.
pub async fn dashboard(
    st: &AppState,
    street_user: &str,
    iterations: usize,
) -> Result<Vec<Row>, String> {
    let a = actor(st, street_user).await?;
    let now = st.clock.now();
    let this = month_of(now);
    // The last whole calendar year, and the 365 days up to now (ragged at both ends).
    let year = this / 12 - 1;
    let periods = [
        (
            format!("dashboard, street, year {year}"),
            month_start(year * 12),
            month_start(year * 12 + 12),
        ),
        (
            "dashboard, street, last 365 days".to_string(),
            Millis(now.0 - 365 * 86_400_000),
            now,
        ),
    ];
    let f = Filter::default();
    let mut rows = Vec::new();
    for (name, from, to) in periods {
        let ((fast_med, fast_p95), fast) = time(iterations, || async {
            let mut c = st.db.conn().await.map_err(db)?;
            count(&mut c, &a, now, from, to, None, &f).await.map_err(db)
        })
        .await?;
        let ((slow_med, slow_p95), slow) = time(iterations.clamp(1, 5), || async {
            let mut c = st.db.conn().await.map_err(db)?;
            count_live(&mut c, &a, now, from, to, None, &f)
                .await
                .map_err(db)
        })
        .await?;
        let same =
            fast.len() == slow.len() && fast.iter().zip(&slow).all(|(x, y)| x.counts == y.counts);
        let received = slow.first().map(|r| r.counts.received).unwrap_or(0);
        let ratio = slow_med / fast_med.max(0.000_1);
        rows.push(Row {
            figure: format!("{name} p95"),
            unit: "ms",
            value: fast_p95,
            baseline: Some(slow_p95),
            ratio: Some(ratio),
            target: "≤ 50 ms, ≥ 50×".into(),
            pass: Some(fast_p95 <= 50.0 && ratio >= 50.0 && same),
            note: format!(
                "{received} demands received; medians {fast_med:.2} ms vs {slow_med:.0} ms; \
                 results {}",
                if same {
                    "identical to the baseline's"
                } else {
                    "DIFFER from the baseline's"
                }
            ),
        });
    }
    Ok(rows)
}

/// The overdue list of a grid and a filtered list of a community, page 1 and page 1,000
/// (keyset), against the OFFSET query of a CRUD list.
pub async fn lists(
    st: &AppState,
    grid_user: &str,
    staff_user: &str,
    iterations: usize,
) -> Result<Vec<Row>, String> {
    let grid = actor(st, grid_user).await?;
    let staff = actor(st, staff_user).await?;
    let community = staff
        .community_id
        .ok_or("the staff account has no community")?;
    let cases = [
        (
            format!("overdue list of {grid_user}'s grid"),
            grid,
            ListQuery {
                overdue: Some(true),
                ..Default::default()
            },
            "d.status IN ('submitted','accepted','dispatched','in_progress','resolved') \
             AND (d.feedback_due_at < $2 OR (d.status = 'submitted' AND d.accept_due_at < $2))"
                .to_string(),
        ),
        (
            "community list, closed".to_string(),
            staff,
            ListQuery {
                status: Some("closed".into()),
                ..Default::default()
            },
            format!("d.community_id = {community} AND d.status = 'closed'"),
        ),
    ];
    let mut rows = Vec::new();
    for (name, who, query, offset_where) in cases {
        // Walk to page 1,000 (or the last page) once, to know where it starts.
        let mut q = query.clone();
        q.limit = Some(50);
        let mut page = 1;
        while page < 1000 {
            let p = fetch(st, &who, &q).await.map_err(|e| e.to_string())?;
            match p.next_cursor {
                Some(c) => {
                    q.cursor = Some(c);
                    page += 1;
                }
                None => break,
            }
        }
        let deep_cursor = q.cursor;
        for (label, cursor, offset) in [
            ("page 1", None, 0),
            (
                if page == 1000 {
                    "page 1,000"
                } else {
                    "last page"
                },
                deep_cursor,
                (page - 1) * 50,
            ),
        ] {
            if label != "page 1" && deep_cursor.is_none() {
                continue;
            }
            let mut q = query.clone();
            q.limit = Some(50);
            q.cursor = cursor;
            let ((med, p95), items) = time(iterations, || async {
                fetch(st, &who, &q)
                    .await
                    .map(|p| p.items.len())
                    .map_err(|e| e.to_string())
            })
            .await?;
            // The baseline: the same rows by OFFSET, as a CRUD list pages.
            let sql = format!(
                "SELECT {COLUMNS} FROM demands d WHERE {offset_where} {scope} \
                 ORDER BY d.id DESC LIMIT 50 OFFSET {offset}",
                scope = match who.role {
                    crate::auth::Role::GridWorker => format!(
                        "AND d.grid_id IN (SELECT g.id FROM grids g WHERE g.worker_user_id = {})",
                        who.user_id
                    ),
                    _ => String::new(),
                }
            );
            let now = st.clock.now();
            let ((bmed, bp95), _) = time(iterations.clamp(1, 10), || async {
                let mut c = st.db.conn().await.map_err(db)?;
                Q::new(sql.clone())
                    .bind(0_i64)
                    .bind(now)
                    .fetch_all::<crate::demands::store::DemandRow>(&mut c)
                    .await
                    .map(|r| r.len())
                    .map_err(db)
            })
            .await?;
            rows.push(Row {
                figure: format!("{name}, {label} p95"),
                unit: "ms",
                value: p95,
                baseline: Some(bp95),
                ratio: Some(bmed / med.max(0.000_1)),
                target: "≤ 20 ms".into(),
                pass: Some(p95 <= 20.0),
                note: format!(
                    "{items} rows; page {}",
                    if cursor.is_some() { page } else { 1 }
                ),
            });
        }
    }
    Ok(rows)
}

/// Resident set size of this process (the one serving the router), in MB.
pub fn rss_mb() -> Option<f64> {
    proc_status_kb("VmRSS:").map(|kb| kb as f64 / 1024.0)
}

/// Peak resident set size since the last [`reset_peak`], in MB.
pub fn peak_mb() -> Option<f64> {
    proc_status_kb("VmHWM:").map(|kb| kb as f64 / 1024.0)
}

/// Resets the peak resident set size (Linux: `/proc/self/clear_refs`, value 5).
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn proc_status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Exports the latest `rows` demands the account sees to CSV and to xlsx: time, and peak
/// memory above what the process held before; the files are read back (the xlsx with
/// calamine) and must hold every row.
pub async fn export(st: &AppState, user: &str, rows: i64) -> Result<Vec<Row>, String> {
    use crate::demands::export::{Format, export_to};
    let who = actor(st, user).await?;
    let from: Option<(Millis,)> = {
        let mut c = st.db.conn().await.map_err(db)?;
        let mut q = Q::new("SELECT d.created_at FROM demands d WHERE 1 = 1");
        crate::demands::store::push_scope(&mut q, &who);
        q.push(" ORDER BY d.id DESC LIMIT 1 OFFSET ")
            .push_bind(rows - 1);
        q.fetch_optional(&mut c).await.map_err(db)?
    };
    let q = ListQuery {
        from: from.map(|f| crate::clock::rfc3339(f.0)),
        ..Default::default()
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for format in [Format::Csv, Format::Xlsx] {
        let path = dir.path().join(format!("export.{}", format.extension()));
        let file = std::fs::File::create(&path).map_err(|e| e.to_string())?;
        let before = rss_mb().unwrap_or(0.0);
        let peak_known = reset_peak();
        let t = Instant::now();
        let n = export_to(
            st,
            &who,
            &q,
            format,
            crate::web::i18n::Lang::Zh,
            std::io::BufWriter::with_capacity(1 << 16, file),
        )
        .await
        .map_err(|e| e.to_string())?;
        let secs = t.elapsed().as_secs_f64();
        let extra = if peak_known {
            peak_mb().unwrap_or(0.0) - before
        } else {
            f64::NAN
        };
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let read = read_back(&path, format)?;
        let ok = read == n as usize;
        let name = format!("export of {n} demands, {}", format.extension());
        out.push(Row {
            figure: format!("{name}, time"),
            unit: "s",
            value: secs,
            baseline: None,
            ratio: None,
            target: "< 30 s".into(),
            pass: Some(secs < 30.0 && ok),
            note: format!(
                "{:.0} MB file; read back: {read} data rows{}",
                size as f64 / 1e6,
                if ok { "" } else { " — MISSING ROWS" }
            ),
        });
        out.push(Row {
            figure: format!("{name}, peak extra memory"),
            unit: "MB",
            value: extra,
            baseline: None,
            ratio: None,
            target: "< 100 MB".into(),
            pass: Some(extra < 100.0),
            note: format!("peak resident set above the {before:.0} MB held before"),
        });
    }
    Ok(out)
}

/// Data rows in an exported file (header excluded).
fn read_back(
    path: &std::path::Path,
    format: crate::demands::export::Format,
) -> Result<usize, String> {
    use calamine::Reader;
    match format {
        crate::demands::export::Format::Csv => {
            let mut r = csv::Reader::from_path(path).map_err(|e| e.to_string())?;
            Ok(r.records().filter(|r| r.is_ok()).count())
        }
        crate::demands::export::Format::Xlsx => {
            let mut wb: calamine::Xlsx<_> =
                calamine::open_workbook(path).map_err(|e: calamine::XlsxError| e.to_string())?;
            let mut n = 0;
            for name in wb.sheet_names() {
                let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
                n += range.height().saturating_sub(1);
            }
            Ok(n)
        }
    }
}
