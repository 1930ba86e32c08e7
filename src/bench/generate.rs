//! Fills a database with many demands, fast: multi-row inserts in large transactions,
//! spread over the households already on the roster and over two years, with realistic
//! statuses, channels, categories, deadlines met and missed, and ratings.
//!
//! It writes the `demands` table only (what lists, filters and measures read): generated
//! demands have no timeline events, assignments or attachments.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::db::{Arg, Db, Q, bulk};
use crate::demo::names;
use crate::demo::stories::STORIES;
use crate::measures::rollups::Counted;

const DEMAND_COLUMNS: &[&str] = &[
    "street_id",
    "community_id",
    "grid_id",
    "building_id",
    "household_id",
    "reporter_name",
    "channel",
    "category",
    "urgency",
    "level",
    "status",
    "title",
    "description",
    "created_at",
    "responded_at",
    "resolved_at",
    "first_feedback_at",
    "feedback_at",
    "rated_at",
    "closed_at",
    "accept_due_at",
    "feedback_due_at",
    "rating_solved",
    "rating_satisfaction",
    "close_kind",
    "result",
    "updated_at",
];
const DEMAND_COLUMN_COUNT: usize = 27;
/// Demands generated between two writes of their rollup rows: bounds the memory those take.
const BLOCK: usize = 1_000_000;

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

impl Row {
    /// What the rollups count of it.
    fn counted(&self) -> Counted<'_> {
        Counted {
            street_id: self.home.street_id,
            community_id: self.home.community_id,
            grid_id: self.home.grid_id,
            category: Some(self.category),
            channel: self.channel,
            created_at: self.created,
            status: self.status,
            responded_at: self.responded,
            accept_due_at: self.accept_due,
            first_feedback_at: self.fed_back,
            feedback_due_at: self.feedback_due,
            rating_solved: self.solved,
            rating_satisfaction: self.satisfaction,
            close_kind: self.close_kind,
        }
    }
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
/// many times faster than keeping them up to date row by row. The rollups count the new
/// demands as they are generated. Reports progress to `progress(done, total)`.
pub async fn demands(
    db: &Db,
    count: usize,
    span_days: i64,
    seed: u64,
    now: Millis,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize, String> {
    let e = |e: crate::db::DbError| e.to_string();
    let homes = homes(db, i64::MAX).await?;
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
        bulk::drop_indexes(&mut tx, "demands").await.map_err(e)?
    } else {
        Vec::new()
    };
    // In blocks, each block's rollup rows counted in memory as it is generated and added
    // to the rollups after it (a recount of the table afterwards would read it all again).
    let mut tally = crate::measures::rollups::Tally::default();
    let mut done = 0;
    while done < count {
        let end = (done + BLOCK).min(count);
        let rows = (done..end).map(|i| {
            let r = next(&mut rng, i);
            tally.add(&r.counted());
            values(&r).to_vec()
        });
        let before = done;
        done += bulk::load(&mut tx, "demands", DEMAND_COLUMNS, rows, &mut |n| {
            progress(before + n, count)
        })
        .await
        .map_err(e)?;
        tally.write(&mut tx).await.map_err(e)?;
    }
    for sql in indexes {
        Q::new(sql).execute(&mut tx).await.map_err(e)?;
    }
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

/// A row's values, in the order of [`DEMAND_COLUMNS`].
fn values(r: &Row) -> [Arg; DEMAND_COLUMN_COUNT] {
    [
        r.home.street_id.into(),
        r.home.community_id.into(),
        r.home.grid_id.into(),
        r.home.building_id.into(),
        r.home.household_id.into(),
        r.reporter.as_str().into(),
        r.channel.into(),
        r.category.into(),
        r.urgency.into(),
        r.level.into(),
        r.status.into(),
        r.title.into(),
        r.description.into(),
        r.created.into(),
        r.responded.into(),
        r.resolved.into(),
        r.fed_back.into(),
        r.fed_back.into(),
        r.rated.into(),
        r.closed.into(),
        r.accept_due.into(),
        r.feedback_due.into(),
        r.solved.into(),
        r.satisfaction.into(),
        r.close_kind.into(),
        r.result.into(),
        r.created.into(),
    ]
}

/// The roster's households (at most `limit`), with where they are.
async fn homes(db: &Db, limit: i64) -> Result<Vec<Home>, String> {
    let e = |e: crate::db::DbError| e.to_string();
    let mut c = db.conn().await.map_err(e)?;
    let homes: Vec<Home> = Q::new(
        "SELECT h.street_id, h.community_id, h.building_id, b.grid_id, h.id AS household_id \
         FROM households h JOIN buildings b ON b.id = h.building_id ORDER BY h.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut c)
    .await
    .map_err(e)?;
    if homes.is_empty() {
        return Err("the roster has no households: create a community first (linli demo)".into());
    }
    Ok(homes)
}

/// The engine's rate, in rows a second, for `count` generated demands inserted one
/// statement a row, `per_tx` rows to a transaction (1: a durable commit per row). The
/// baselines of the intake benchmark; the rows are the caller's to remove.
pub async fn insert_rate(db: &Db, count: usize, per_tx: usize, now: Millis) -> Result<f64, String> {
    let e = |e: crate::db::DbError| e.to_string();
    let homes = homes(db, 2_000).await?;
    let mut rng = StdRng::seed_from_u64(7);
    let rows: Vec<Row> = (0..count)
        .map(|i| row(&mut rng, homes[i % homes.len()], now, now))
        .collect();
    // One statement a row, as intake writes them.
    let sql = format!(
        "INSERT INTO demands ({}) VALUES ({})",
        DEMAND_COLUMNS.join(", "),
        (1..=DEMAND_COLUMN_COUNT)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let started = std::time::Instant::now();
    for chunk in rows.chunks(per_tx.max(1)) {
        let mut tx = db.begin().await.map_err(e)?;
        for r in chunk {
            let mut q = Q::new(sql.clone());
            for v in values(r) {
                q = q.bind(v);
            }
            q.execute(&mut tx).await.map_err(e)?;
        }
        tx.commit().await.map_err(e)?;
    }
    Ok(count as f64 / started.elapsed().as_secs_f64())
}
