//! Fills a database with many demands, fast: multi-row inserts in large transactions,
//! spread over the households already on the roster and over two years, with realistic
//! statuses, channels, categories, deadlines met and missed, and ratings.
//!
//! It writes the `demands` table only (what lists, filters and measures read): generated
//! demands have no timeline events, assignments or attachments.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::{DAY, HOUR, MINUTE, Millis};
use crate::db::{Db, Q};
use crate::demo::names;
use crate::demo::stories::STORIES;

/// Rows per INSERT statement. Small on purpose: sqlx finds each of a statement's SQLite
/// parameters by name, and SQLite's name lookup walks the list, so binding costs grow with
/// the square of the arguments in one statement (27 per row here).
const ROWS_PER_STATEMENT: usize = 16;
/// Rows per transaction.
const ROWS_PER_TX: usize = 20_000;

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

fn row(rng: &mut StdRng, home: Home, now: Millis, span_days: i64) -> Row {
    let story = &STORIES[rng.random_range(0..STORIES.len())];
    let created = now - rng.random_range(0..span_days * DAY);
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
    let stage: f64 = rng.random();
    let done_share = (age as f64 / (30 * DAY) as f64).min(1.0) * 0.95;
    if age < HOUR || stage > 0.98 {
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
/// `span_days` days. Reports progress to `progress(done, total)`.
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
    if db.engine() == crate::db::Engine::Sqlite {
        // The indexes of a large table do not fit SQLite's default page cache: give the
        // writer a gigabyte while it loads, so index pages are not read back from disk.
        let mut tx = db.begin().await.map_err(e)?;
        Q::new("PRAGMA cache_size = -1048576")
            .execute(&mut tx)
            .await
            .map_err(e)?;
        tx.commit().await.map_err(e)?;
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let mut done = 0;
    while done < count {
        let mut tx = db.begin().await.map_err(e)?;
        let in_tx = ROWS_PER_TX.min(count - done);
        let mut written = 0;
        while written < in_tx {
            let n = ROWS_PER_STATEMENT.min(in_tx - written);
            let mut q = Q::new(
                "INSERT INTO demands (street_id, community_id, grid_id, building_id, household_id, \
                 reporter_name, channel, category, urgency, level, status, title, description, \
                 created_at, responded_at, resolved_at, first_feedback_at, feedback_at, rated_at, \
                 closed_at, accept_due_at, feedback_due_at, rating_solved, rating_satisfaction, \
                 close_kind, result, updated_at) VALUES ",
            );
            for i in 0..n {
                let home = homes[rng.random_range(0..homes.len())];
                let r = row(&mut rng, home, now, span_days);
                q.push(if i == 0 { "(" } else { ", (" });
                q.push_bind(r.home.street_id)
                    .push(", ")
                    .push_bind(r.home.community_id)
                    .push(", ")
                    .push_bind(r.home.grid_id)
                    .push(", ")
                    .push_bind(r.home.building_id)
                    .push(", ")
                    .push_bind(r.home.household_id)
                    .push(", ")
                    .push_bind(r.reporter)
                    .push(", ")
                    .push_bind(r.channel)
                    .push(", ")
                    .push_bind(r.category)
                    .push(", ")
                    .push_bind(r.urgency)
                    .push(", ")
                    .push_bind(r.level)
                    .push(", ")
                    .push_bind(r.status)
                    .push(", ")
                    .push_bind(r.title)
                    .push(", ")
                    .push_bind(r.description)
                    .push(", ")
                    .push_bind(r.created)
                    .push(", ")
                    .push_bind(r.responded)
                    .push(", ")
                    .push_bind(r.resolved)
                    .push(", ")
                    .push_bind(r.fed_back)
                    .push(", ")
                    .push_bind(r.fed_back)
                    .push(", ")
                    .push_bind(r.rated)
                    .push(", ")
                    .push_bind(r.closed)
                    .push(", ")
                    .push_bind(r.accept_due)
                    .push(", ")
                    .push_bind(r.feedback_due)
                    .push(", ")
                    .push_bind(r.solved)
                    .push(", ")
                    .push_bind(r.satisfaction)
                    .push(", ")
                    .push_bind(r.close_kind)
                    .push(", ")
                    .push_bind(r.result)
                    .push(", ")
                    .push_bind(r.created)
                    .push(")");
            }
            q.execute(&mut tx).await.map_err(e)?;
            written += n;
        }
        tx.commit().await.map_err(e)?;
        done += in_tx;
        progress(done, count);
    }
    Ok(done)
}
