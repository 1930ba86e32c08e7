//! Fills a database with many demands, fast: multi-row inserts in large transactions,
//! spread over the households already on the roster and over two years, with realistic
//! statuses, channels, categories, deadlines met and missed, and ratings.
//!
//! It writes the `demands` table only (what lists, filters and measures read): generated
//! demands have no timeline events, assignments or attachments.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::db::{Db, Q, Tx};
use crate::demo::names;
use crate::demo::stories::STORIES;

/// Rows per SQLite INSERT statement: 27 parameters each, under SQLite's limit of 32,766.
/// The parameters are positional (`?`): sqlx looks named ones up by name, which costs the
/// square of their number in one statement.
const SQLITE_ROWS_PER_STATEMENT: usize = 1_000;
/// Rows per COPY batch sent to PostgreSQL.
const PG_BYTES_PER_SEND: usize = 1 << 20;

const DEMAND_COLUMNS: &str = "street_id, community_id, grid_id, building_id, household_id, \
    reporter_name, channel, category, urgency, level, status, title, description, created_at, \
    responded_at, resolved_at, first_feedback_at, feedback_at, rated_at, closed_at, \
    accept_due_at, feedback_due_at, rating_solved, rating_satisfaction, close_kind, result, \
    updated_at";
const DEMAND_COLUMN_COUNT: usize = 27;

#[derive(sqlx::FromRow, Clone, Copy)]
struct Home {
    street_id: i64,
    community_id: i64,
    building_id: i64,
    grid_id: Option<i64>,
    household_id: i64,
}

const CHANNELS: &[(&str, u32)] = &[
    ("phone", 35),
    ("wechat", 25),
    ("walk_in", 15),
    ("visit", 10),
    ("online", 8),
    ("patrol", 4),
    ("council", 2),
    ("api", 1),
];

fn pick<'a>(rng: &mut StdRng, weighted: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|w| w.1).sum();
    let mut n = rng.random_range(0..total);
    for (v, w) in weighted {
        if n < *w {
            return v;
        }
        n -= w;
    }
    weighted[0].0
}

/// One generated demand: its columns, in insert order.
struct Row {
    home: Home,
    reporter: String,
    channel: &'static str,
    category: &'static str,
    urgency: &'static str,
    level: &'static str,
    status: &'static str,
    title: &'static str,
    description: &'static str,
    created: Millis,
    responded: Option<Millis>,
    resolved: Option<Millis>,
    fed_back: Option<Millis>,
    rated: Option<Millis>,
    closed: Option<Millis>,
    accept_due: Millis,
    feedback_due: Millis,
    solved: Option<bool>,
    satisfaction: Option<&'static str>,
    close_kind: Option<&'static str>,
    result: Option<&'static str>,
}

fn row(rng: &mut StdRng, home: Home, created: Millis, now: Millis) -> Row {
    let story = &STORIES[rng.random_range(0..STORIES.len())];
    let age = now - created;
    let accept_hours = if matches!(story.category, "gas" | "safety") {
        2
    } else {
        24
    };
    let feedback_days = match story.category {
        "gas" => 3,
        "safety" | "heating" => 7,
        _ => 14,
    };
    let accept_due = created + accept_hours * HOUR;
    let feedback_due = created + feedback_days * DAY;
    let reporter = format!(
        "{}{}",
        names::surname(rng),
        if rng.random_bool(0.5) {
            "女士"
        } else {
            "先生"
        }
    );
    let mut r = Row {
        home,
        reporter,
        channel: pick(rng, CHANNELS),
        category: story.category,
        urgency: story.urgency.as_str(),
        level: if rng.random_bool(0.05) {
            "community"
        } else {
            "grid"
        },
        status: "submitted",
        title: story.title,
        description: story.description,
        created,
        responded: None,
        resolved: None,
        fed_back: None,
        rated: None,
        closed: None,
        accept_due,
        feedback_due,
        solved: None,
        satisfaction: None,
        close_kind: None,
        result: None,
    };
    // How far along it got, by its age: old demands are mostly done.
    // Young demands are often still open; after two months nearly all are done, as the
    // 12345 rules require (a few stay stuck, which is what the overdue lists are for).
    let stage: f64 = rng.random();
    let done_share = if age > 60 * DAY {
        0.997
    } else {
        (age as f64 / (14 * DAY) as f64).min(1.0) * 0.97
    };
    if age < HOUR || (stage > 0.98 && age < 60 * DAY) || stage > 0.9995 {
        return r;
    }
    // Responded within the deadline nine times in ten.
    let late = rng.random_bool(0.1);
    let respond_after = if late {
        accept_hours * HOUR + rng.random_range(MINUTE..DAY)
    } else {
        rng.random_range(10 * MINUTE..accept_hours * HOUR)
    };
    let responded = created + respond_after;
    if responded > now {
        return r;
    }
    r.responded = Some(responded);
    if rng.random_bool(0.03) {
        r.status = "declined";
        r.closed = Some(responded);
        return r;
    }
    r.status = "accepted";
    if stage > done_share + 0.02 {
        r.status = ["accepted", "dispatched", "in_progress", "resolved"][rng.random_range(0..4)];
        if r.status == "resolved" {
            r.resolved = Some((responded + rng.random_range(HOUR..5 * DAY)).min(now));
            r.result = Some(story.result);
        }
        return r;
    }
    let resolved = responded + rng.random_range(HOUR..8 * DAY);
    let slow = rng.random_bool(0.1);
    let fed_back = resolved + rng.random_range(HOUR..if slow { 12 * DAY } else { 3 * DAY });
    if fed_back > now {
        r.status = "in_progress";
        return r;
    }
    r.resolved = Some(resolved);
    r.result = Some(story.result);
    r.fed_back = Some(fed_back);
    r.status = "feedback_given";
    let rated = fed_back + rng.random_range(HOUR..4 * DAY);
    if rated > now {
        return r;
    }
    if rng.random_bool(0.8) {
        let solved = rng.random_bool(0.96);
        let satisfaction = pick(
            rng,
            &[("satisfied", 80), ("basically", 16), ("unsatisfied", 4)],
        );
        r.solved = Some(solved);
        r.satisfaction = Some(satisfaction);
        r.rated = Some(rated);
        if solved && satisfaction != "unsatisfied" {
            r.status = "closed";
            r.closed = Some(rated);
            r.close_kind = Some("rated");
        } else if rated + 20 * DAY <= now {
            // Reopened, worked again, rated again and closed within a few weeks.
            r.solved = Some(true);
            r.satisfaction = Some("basically");
            r.rated = Some(rated + 10 * DAY);
            r.status = "closed";
            r.closed = Some(rated + 10 * DAY);
            r.close_kind = Some("rated");
        } else {
            r.status = "dispatched";
        }
    } else if fed_back + 7 * DAY <= now {
        r.status = "closed";
        r.closed = Some(fed_back + 7 * DAY);
        r.close_kind = Some("unrated");
    }
    r
}

/// Adds `count` demands over the households on the roster, received in the last
/// `span_days` days in order of time (ids grow with time, as they do in real use).
/// Everything goes in one transaction, so an interrupted run leaves nothing behind; the
/// table's secondary indexes are dropped for the load and built again at its end, which is
/// many times faster than keeping them up to date row by row. Rollups are rebuilt at the
/// end. Reports progress to `progress(done, total)`.
pub async fn demands(
    db: &Db,
    count: usize,
    span_days: i64,
    seed: u64,
    now: Millis,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize, String> {
    let e = |e: crate::db::DbError| e.to_string();
    let homes: Vec<Home> = {
        let mut c = db.conn().await.map_err(e)?;
        Q::new(
            "SELECT h.street_id, h.community_id, h.building_id, b.grid_id, h.id AS household_id \
             FROM households h JOIN buildings b ON b.id = h.building_id ORDER BY h.id",
        )
        .fetch_all(&mut c)
        .await
        .map_err(e)?
    };
    if homes.is_empty() {
        return Err("the roster has no households: create a community first (linli demo)".into());
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let start = now - span_days * DAY;
    let step = (span_days * DAY) as f64 / count.max(1) as f64;
    let next = |rng: &mut StdRng, i: usize| {
        let slot = start + (i as f64 * step) as i64;
        let created = slot + rng.random_range(0..(step as i64).max(1));
        let home = homes[rng.random_range(0..homes.len())];
        row(rng, home, created.min(now - 1), now)
    };

    let mut tx = db.begin().await.map_err(e)?;
    let big = count >= 50_000;
    let indexes = if big {
        drop_indexes(&mut tx).await.map_err(e)?
    } else {
        Vec::new()
    };
    let mut done = 0;
    match &mut tx {
        Tx::Sqlite(t) => {
            let full = sqlite_insert(SQLITE_ROWS_PER_STATEMENT);
            let mut rows = Vec::with_capacity(SQLITE_ROWS_PER_STATEMENT);
            while done < count {
                let n = SQLITE_ROWS_PER_STATEMENT.min(count - done);
                rows.clear();
                rows.extend((done..done + n).map(|i| next(&mut rng, i)));
                let sql = if n == SQLITE_ROWS_PER_STATEMENT {
                    full.clone()
                } else {
                    sqlite_insert(n)
                };
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in &rows {
                    q = q
                        .bind(r.home.street_id)
                        .bind(r.home.community_id)
                        .bind(r.home.grid_id)
                        .bind(r.home.building_id)
                        .bind(r.home.household_id)
                        .bind(r.reporter.as_str())
                        .bind(r.channel)
                        .bind(r.category)
                        .bind(r.urgency)
                        .bind(r.level)
                        .bind(r.status)
                        .bind(r.title)
                        .bind(r.description)
                        .bind(r.created)
                        .bind(r.responded)
                        .bind(r.resolved)
                        .bind(r.fed_back)
                        .bind(r.fed_back)
                        .bind(r.rated)
                        .bind(r.closed)
                        .bind(r.accept_due)
                        .bind(r.feedback_due)
                        .bind(r.solved)
                        .bind(r.satisfaction)
                        .bind(r.close_kind)
                        .bind(r.result)
                        .bind(r.created);
                }
                q.execute(&mut **t).await.map_err(|x| x.to_string())?;
                done += n;
                progress(done, count);
            }
        }
        Tx::Postgres(t) => {
            let mut copy = t
                .copy_in_raw(&format!(
                    "COPY demands ({DEMAND_COLUMNS}) FROM STDIN (FORMAT text)"
                ))
                .await
                .map_err(|x| x.to_string())?;
            let mut buf = String::with_capacity(PG_BYTES_PER_SEND + 4096);
            while done < count {
                let r = next(&mut rng, done);
                copy_line(&mut buf, &r);
                done += 1;
                if buf.len() >= PG_BYTES_PER_SEND || done == count {
                    copy.send(buf.as_bytes()).await.map_err(|x| x.to_string())?;
                    buf.clear();
                    progress(done, count);
                }
            }
            copy.finish().await.map_err(|x| x.to_string())?;
        }
    }
    for sql in indexes {
        Q::new(sql).execute(&mut tx).await.map_err(e)?;
    }
    crate::measures::rollups::rebuild(&mut tx)
        .await
        .map_err(e)?;
    tx.commit().await.map_err(e)?;
    if big {
        // Fresh statistics for the planner; on PostgreSQL also the visibility map, without
        // which index-only scans visit the table (autovacuum would get there, later).
        let mut c = db.conn().await.map_err(e)?;
        let sql = match db.engine() {
            crate::db::Engine::Sqlite => "ANALYZE",
            crate::db::Engine::Postgres => "VACUUM (ANALYZE) demands, demand_rollups",
        };
        Q::new(sql).execute(&mut c).await.map_err(e)?;
    }
    Ok(done)
}

fn sqlite_insert(rows: usize) -> String {
    let one = format!("({})", vec!["?"; DEMAND_COLUMN_COUNT].join(", "));
    format!(
        "INSERT INTO demands ({DEMAND_COLUMNS}) VALUES {}",
        vec![one.as_str(); rows].join(", ")
    )
}

/// Drops the demands table's secondary indexes, returning the statements that build them
/// again (as the migrations made them).
async fn drop_indexes(tx: &mut Tx) -> crate::db::DbResult<Vec<String>> {
    let list = match tx {
        Tx::Sqlite(_) => {
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'demands' \
             AND sql IS NOT NULL"
        }
        Tx::Postgres(_) => {
            "SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i \
             WHERE i.tablename = 'demands' AND i.schemaname = current_schema() \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        }
    };
    let found: Vec<(String, String)> = Q::new(list).fetch_all(tx).await?;
    for (name, _) in &found {
        Q::new(format!("DROP INDEX {name}")).execute(tx).await?;
    }
    Ok(found.into_iter().map(|(_, sql)| sql).collect())
}

/// One row in PostgreSQL's COPY text format: tab-separated, `\N` for null.
fn copy_line(buf: &mut String, r: &Row) {
    use std::fmt::Write;
    fn text(buf: &mut String, s: &str) {
        for c in s.chars() {
            match c {
                '\\' => buf.push_str("\\\\"),
                '\t' => buf.push_str("\\t"),
                '\n' => buf.push_str("\\n"),
                '\r' => buf.push_str("\\r"),
                c => buf.push(c),
            }
        }
    }
    fn opt_text(buf: &mut String, s: Option<&str>) {
        match s {
            Some(s) => text(buf, s),
            None => buf.push_str("\\N"),
        }
    }
    fn int(buf: &mut String, v: Option<i64>) {
        match v {
            Some(v) => {
                let _ = write!(buf, "{v}");
            }
            None => buf.push_str("\\N"),
        }
    }
    fn time(buf: &mut String, t: Option<Millis>) {
        match t.and_then(|t| jiff::Timestamp::from_millisecond(t.0).ok()) {
            Some(t) => {
                let _ = write!(buf, "{t}");
            }
            None => buf.push_str("\\N"),
        }
    }
    let tab = |buf: &mut String| buf.push('\t');
    int(buf, Some(r.home.street_id));
    tab(buf);
    int(buf, Some(r.home.community_id));
    tab(buf);
    int(buf, r.home.grid_id);
    tab(buf);
    int(buf, Some(r.home.building_id));
    tab(buf);
    int(buf, Some(r.home.household_id));
    tab(buf);
    text(buf, &r.reporter);
    for s in [
        r.channel,
        r.category,
        r.urgency,
        r.level,
        r.status,
        r.title,
        r.description,
    ] {
        tab(buf);
        text(buf, s);
    }
    for t in [
        Some(r.created),
        r.responded,
        r.resolved,
        r.fed_back,
        r.fed_back,
        r.rated,
        r.closed,
        Some(r.accept_due),
        Some(r.feedback_due),
    ] {
        tab(buf);
        time(buf, t);
    }
    tab(buf);
    buf.push_str(match r.solved {
        Some(true) => "t",
        Some(false) => "f",
        None => "\\N",
    });
    tab(buf);
    opt_text(buf, r.satisfaction);
    tab(buf);
    opt_text(buf, r.close_kind);
    tab(buf);
    opt_text(buf, r.result);
    tab(buf);
    time(buf, Some(r.created));
    buf.push('\n');
}

/// The engine's rate, in rows a second, for `count` generated demands inserted one
/// statement a row, `per_tx` rows to a transaction (1: a durable commit per row). The
/// baselines of the intake benchmark; the rows are the caller's to remove.
pub async fn insert_rate(db: &Db, count: usize, per_tx: usize, now: Millis) -> Result<f64, String> {
    let e = |e: crate::db::DbError| e.to_string();
    let homes: Vec<Home> = {
        let mut c = db.conn().await.map_err(e)?;
        Q::new(
            "SELECT h.street_id, h.community_id, h.building_id, b.grid_id, h.id AS household_id \
             FROM households h JOIN buildings b ON b.id = h.building_id ORDER BY h.id LIMIT 2000",
        )
        .fetch_all(&mut c)
        .await
        .map_err(e)?
    };
    if homes.is_empty() {
        return Err("the roster has no households".into());
    }
    let mut rng = StdRng::seed_from_u64(7);
    let rows: Vec<Row> = (0..count)
        .map(|i| {
            let h = homes[i % homes.len()];
            row(&mut rng, h, now, now)
        })
        .collect();
    let started = std::time::Instant::now();
    for chunk in rows.chunks(per_tx.max(1)) {
        let mut tx = db.begin().await.map_err(e)?;
        for r in chunk {
            let mut q = Q::new(format!("INSERT INTO demands ({DEMAND_COLUMNS}) VALUES ("));
            for i in 1..=DEMAND_COLUMN_COUNT {
                if i > 1 {
                    q.push(", ");
                }
                q.push(&format!("${i}"));
            }
            q.push(")");
            q.bind(r.home.street_id)
                .bind(r.home.community_id)
                .bind(r.home.grid_id)
                .bind(r.home.building_id)
                .bind(r.home.household_id)
                .bind(r.reporter.as_str())
                .bind(r.channel)
                .bind(r.category)
                .bind(r.urgency)
                .bind(r.level)
                .bind(r.status)
                .bind(r.title)
                .bind(r.description)
                .bind(r.created)
                .bind(r.responded)
                .bind(r.resolved)
                .bind(r.fed_back)
                .bind(r.fed_back)
                .bind(r.rated)
                .bind(r.closed)
                .bind(r.accept_due)
                .bind(r.feedback_due)
                .bind(r.solved)
                .bind(r.satisfaction)
                .bind(r.close_kind)
                .bind(r.result)
                .bind(r.created)
                .execute(&mut tx)
                .await
                .map_err(e)?;
        }
        tx.commit().await.map_err(e)?;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}
