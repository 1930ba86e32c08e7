//! Rollups: the counts behind the rates, per community, calendar month or day of receipt
//! and one of three dimensions (grid, category, channel), kept exact by applying each
//! change to a demand as a difference in the same transaction that changes it. A period is
//! read as its whole months, the whole days around them, and the minutes at its ends that
//! do not make a whole day (counted live).
//!
//! A demand's share of the counts is a pure function of its row ([`Share::of`]), except for
//! "a deadline has passed while nobody answered", which depends on the clock: the rollups
//! keep only what does not (`responded`, `fed_back`), and the reader adds the demands still
//! waiting whose deadline has passed, counted live from small partial indexes. So a rate
//! read from the rollups is always the rate a full recount would give, at that moment.

use crate::clock::{CST, DAY, Millis, day_of, month_of};
use crate::db::{DbResult, Exec, Q, Tx};
use crate::demands::store::DemandRow;

mod read;
mod tally;

pub use read::count;
pub use tally::Tally;

/// The three dimensions each demand is counted under.
const DIMS: [Dim; 3] = [Dim::Grid, Dim::Category, Dim::Channel];

/// How wide a rollup bucket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Grain {
    Month,
    Day,
}

const GRAINS: [Grain; 2] = [Grain::Month, Grain::Day];

impl Grain {
    fn as_str(self) -> &'static str {
        match self {
            Grain::Month => "month",
            Grain::Day => "day",
        }
    }

    fn of(self, t: Millis) -> i64 {
        match self {
            Grain::Month => month_of(t),
            Grain::Day => day_of(t),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Dim {
    Grid,
    Category,
    Channel,
}

impl Dim {
    fn as_str(self) -> &'static str {
        match self {
            Dim::Grid => "grid",
            Dim::Category => "category",
            Dim::Channel => "channel",
        }
    }

    /// The SQL of a demand's key under this dimension (`''` for none), alias `d`.
    fn sql(self) -> &'static str {
        match self {
            Dim::Grid => "COALESCE(CAST(d.grid_id AS TEXT), '')",
            Dim::Category => "COALESCE(d.category, '')",
            Dim::Channel => "d.channel",
        }
    }

    fn key(self, d: &Counted<'_>) -> String {
        match self {
            Dim::Grid => d.grid_id.map(|g| g.to_string()).unwrap_or_default(),
            Dim::Category => d.category.unwrap_or_default().to_string(),
            Dim::Channel => d.channel.to_string(),
        }
    }
}

/// What the rollups read of a demand: where and when it was received, and the columns
/// its share depends on.
#[derive(Clone, Copy, Debug)]
pub struct Counted<'a> {
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub category: Option<&'a str>,
    pub channel: &'a str,
    pub created_at: Millis,
    pub status: &'a str,
    pub responded_at: Option<Millis>,
    pub accept_due_at: Millis,
    pub first_feedback_at: Option<Millis>,
    pub feedback_due_at: Millis,
    pub rating_solved: Option<bool>,
    pub rating_satisfaction: Option<&'a str>,
    pub close_kind: Option<&'a str>,
}

impl<'a> From<&'a DemandRow> for Counted<'a> {
    fn from(d: &'a DemandRow) -> Counted<'a> {
        Counted {
            street_id: d.street_id,
            community_id: d.community_id,
            grid_id: d.grid_id,
            category: d.category.as_deref(),
            channel: &d.channel,
            created_at: d.created_at,
            status: &d.status,
            responded_at: d.responded_at,
            accept_due_at: d.accept_due_at,
            first_feedback_at: d.first_feedback_at,
            feedback_due_at: d.feedback_due_at,
            rating_solved: d.rating_solved,
            rating_satisfaction: d.rating_satisfaction.as_deref(),
            close_kind: d.close_kind.as_deref(),
        }
    }
}

/// The columns of a share, in table order.
const COLUMNS: [&str; 20] = [
    "received",
    "responded",
    "responded_on_time",
    "rated",
    "solved",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "fed_back",
    "fed_back_on_time",
    "closed_unrated",
    "submitted",
    "accepted",
    "dispatched",
    "in_progress",
    "resolved",
    "feedback_given",
    "closed",
    "declined",
    "merged",
];

/// Each column's test on a demand row (alias `d`), as SQL: the same definitions as
/// [`Share::of`] and as the live count in `measures::store`.
const TESTS: [&str; 20] = [
    "d.status <> 'merged'",
    "d.status <> 'merged' AND d.responded_at IS NOT NULL",
    "d.status <> 'merged' AND d.responded_at <= d.accept_due_at",
    "d.rating_solved IS NOT NULL",
    "d.rating_solved = TRUE",
    "d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'satisfied'",
    "d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'basically'",
    "d.rating_solved IS NOT NULL AND d.rating_satisfaction = 'unsatisfied'",
    "d.status NOT IN ('merged', 'declined') AND d.first_feedback_at IS NOT NULL",
    "d.status NOT IN ('merged', 'declined') AND d.first_feedback_at <= d.feedback_due_at",
    "d.close_kind = 'unrated'",
    "d.status = 'submitted'",
    "d.status = 'accepted'",
    "d.status = 'dispatched'",
    "d.status = 'in_progress'",
    "d.status = 'resolved'",
    "d.status = 'feedback_given'",
    "d.status = 'closed'",
    "d.status = 'declined'",
    "d.status = 'merged'",
];

/// What one demand adds to its rollup rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share([i64; 20]);

impl Share {
    pub fn of(d: &Counted<'_>) -> Share {
        let s = d.status;
        let counted = s != "merged";
        let fed_counted = counted && s != "declined";
        let rated = d.rating_solved.is_some();
        let sat = d.rating_satisfaction;
        let le = |a: Option<Millis>, b: Millis| a.is_some_and(|a| a <= b);
        let flags = [
            counted,
            counted && d.responded_at.is_some(),
            counted && le(d.responded_at, d.accept_due_at),
            rated,
            d.rating_solved == Some(true),
            rated && sat == Some("satisfied"),
            rated && sat == Some("basically"),
            rated && sat == Some("unsatisfied"),
            fed_counted && d.first_feedback_at.is_some(),
            fed_counted && le(d.first_feedback_at, d.feedback_due_at),
            d.close_kind == Some("unrated"),
            s == "submitted",
            s == "accepted",
            s == "dispatched",
            s == "in_progress",
            s == "resolved",
            s == "feedback_given",
            s == "closed",
            s == "declined",
            s == "merged",
        ];
        Share(flags.map(i64::from))
    }

    fn minus(self, o: Share) -> Share {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a -= b;
        }
        Share(r)
    }

    fn plus(self, o: Share) -> Share {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a += b;
        }
        Share(r)
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

/// Applies the change of one demand from `before` to `after` (either absent for an insert
/// or a delete) to the rollups, in one statement. Call it in the transaction that changes
/// the demand.
pub async fn apply(
    tx: &mut Tx,
    before: Option<&DemandRow>,
    after: Option<&DemandRow>,
) -> DbResult<()> {
    if let Some(q) = upsert(before, after) {
        q.execute(tx).await?;
    }
    Ok(())
}

/// The statement that applies a demand's change to the rollups (none when nothing
/// counted changes).
pub fn upsert(before: Option<&DemandRow>, after: Option<&DemandRow>) -> Option<Q> {
    let mut changes: Vec<Change> = Vec::with_capacity(12);
    for (grain, dim) in GRAINS.into_iter().flat_map(|g| DIMS.map(|d| (g, d))) {
        let old = before.map(|d| (slot(grain, dim, &d.into()), Share::of(&d.into())));
        let new = after.map(|d| (slot(grain, dim, &d.into()), Share::of(&d.into())));
        match (old, new) {
            (Some((ko, so)), Some((kn, sn))) if ko == kn => {
                let diff = sn.minus(so);
                if !diff.is_zero() {
                    changes.push((grain, dim, kn, diff));
                }
            }
            (old, new) => {
                if let Some((k, s)) = old {
                    changes.push((grain, dim, k, Share::default().minus(s)));
                }
                if let Some((k, s)) = new {
                    changes.push((grain, dim, k, s));
                }
            }
        }
    }
    statement(&changes)
}

/// The one statement that counts many new demands, each rollup row they share changed
/// once by their sum. On SQLite (`padded`) its rows are padded with additions of zero to a
/// power of two (SQLite applies a row given twice twice; adding zero changes nothing), so
/// that batches of any mix share a few statement texts the connection keeps prepared;
/// PostgreSQL refuses to change a row twice in one statement, so not there.
pub fn upsert_new(rows: &[&DemandRow], padded: bool) -> Option<Q> {
    let mut changes: Vec<Change> = Vec::with_capacity(8);
    for d in rows {
        let d = Counted::from(*d);
        let share = Share::of(&d);
        for (grain, dim) in GRAINS.into_iter().flat_map(|g| DIMS.map(|d| (g, d))) {
            let at = slot(grain, dim, &d);
            match changes
                .iter_mut()
                .find(|c| c.0 == grain && c.1 == dim && c.2 == at)
            {
                Some(c) => c.3 = c.3.plus(share),
                None => changes.push((grain, dim, at, share)),
            }
        }
    }
    if let Some(first) = changes.first().cloned().filter(|_| padded) {
        let padded = changes.len().next_power_of_two();
        changes.resize(padded, (first.0, first.1, first.2, Share::default()));
    }
    statement(&changes)
}

/// One rollup row's change: grain, dimension, where, by how much.
type Change = (Grain, Dim, Slot, Share);

/// The upsert that adds each change to its rollup row.
fn statement(changes: &[Change]) -> Option<Q> {
    if changes.is_empty() {
        return None;
    }
    // Each (dimension, key) appears once: PostgreSQL refuses to update a row twice in one
    // statement, and a moved demand leaves one slot for another in the same dimension.
    // Rows in one order, the table's key's: transactions that change some of the same rows
    // (PostgreSQL writes several at once) lock them in the same order, so none waits for
    // another that waits for it.
    let mut changes: Vec<&Change> = changes.iter().collect();
    changes.sort_by(|a, b| {
        (a.2.0, a.0.as_str(), a.1.as_str(), &a.2.2, a.2.3).cmp(&(
            b.2.0,
            b.0.as_str(),
            b.1.as_str(),
            &b.2.2,
            b.2.3,
        ))
    });
    let mut q = Q::new(format!(
        "INSERT INTO demand_rollups (community_id, grain, dim, k, bucket, street_id, {}) VALUES ",
        COLUMNS.join(", ")
    ));
    for (i, (grain, dim, s, share)) in changes.iter().enumerate() {
        q.push(if i == 0 { "(" } else { ", (" });
        q.push_bind(s.0)
            .push(", ")
            .push_bind(grain.as_str())
            .push(", ")
            .push_bind(dim.as_str())
            .push(", ")
            .push_bind(s.2.as_str())
            .push(", ")
            .push_bind(s.3)
            .push(", ")
            .push_bind(s.1);
        for v in share.0 {
            q.push(", ").push_bind(v);
        }
        q.push(")");
    }
    q.push(" ON CONFLICT (community_id, grain, dim, k, bucket) DO UPDATE SET ");
    for (i, c) in COLUMNS.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push(&format!("{c} = demand_rollups.{c} + excluded.{c}"));
    }
    Some(q)
}

/// Where a demand is counted under one grain and dimension: (community, street, key,
/// bucket).
type Slot = (i64, i64, String, i64);

fn slot(grain: Grain, dim: Dim, d: &Counted<'_>) -> Slot {
    (
        d.community_id,
        d.street_id,
        dim.key(d),
        grain.of(d.created_at),
    )
}

/// Recomputes every rollup row from the demands table (`linli admin rebuild-rollups`, and
/// after a bulk load). Returns the rows written.
pub async fn rebuild(tx: &mut Tx) -> DbResult<u64> {
    Q::new("DELETE FROM demand_rollups").execute(tx).await?;
    // Days first, from the demands; months then from the days (a tenth of the rows, and
    // no calendar arithmetic per demand).
    let (day, month_of_day) = match tx {
        Tx::Sqlite(..) => (
            format!("((d.created_at + {CST}) / {DAY})"),
            "(CAST(strftime('%Y', r.bucket * 86400, 'unixepoch') AS INTEGER) * 12 \
             + CAST(strftime('%m', r.bucket * 86400, 'unixepoch') AS INTEGER) - 1)",
        ),
        Tx::Postgres(_) => (
            format!(
                "CAST(floor((EXTRACT(EPOCH FROM d.created_at) * 1000 + {CST}) / {DAY}) AS BIGINT)"
            ),
            "(CAST(date_part('year', DATE '1970-01-01' + CAST(r.bucket AS INTEGER)) AS BIGINT) \
             * 12 + CAST(date_part('month', DATE '1970-01-01' + CAST(r.bucket AS INTEGER)) \
             AS BIGINT) - 1)",
        ),
    };
    let sums = TESTS
        .iter()
        .map(|t| format!("SUM(CASE WHEN {t} THEN 1 ELSE 0 END)"))
        .collect::<Vec<_>>()
        .join(", ");
    let cols = COLUMNS.join(", ");
    // SQLite groups by sorting, and a sort of the whole table spills out of memory at city
    // scale: there it goes community by community (each sort fits in memory). PostgreSQL
    // hashes the groups in one pass.
    let communities: Vec<Option<i64>> = match tx {
        Tx::Sqlite(..) => Q::new("SELECT id FROM communities ORDER BY id")
            .fetch_all::<(i64,)>(tx)
            .await?
            .into_iter()
            .map(|(c,)| Some(c))
            .collect(),
        Tx::Postgres(_) => vec![None],
    };
    let mut n = 0;
    for community in communities {
        for dim in DIMS {
            let mut q = Q::new(format!(
                "INSERT INTO demand_rollups (community_id, grain, dim, k, bucket, street_id, \
                 {cols}) SELECT d.community_id, 'day', '{name}', {key}, {day}, MIN(d.street_id), \
                 {sums} FROM demands d WHERE 1 = 1",
                name = dim.as_str(),
                key = dim.sql(),
            ));
            if let Some(c) = community {
                q.push(" AND d.community_id = ").push_bind(c);
            }
            q.push(&format!(
                " GROUP BY d.community_id, {key}, {day}",
                key = dim.sql()
            ));
            n += q.execute(tx).await?;
        }
    }
    let added = COLUMNS
        .iter()
        .map(|c| format!("SUM(r.{c})"))
        .collect::<Vec<_>>()
        .join(", ");
    n += Q::new(format!(
        "INSERT INTO demand_rollups (community_id, grain, dim, k, bucket, street_id, {cols}) \
         SELECT r.community_id, 'month', r.dim, r.k, {month_of_day}, MIN(r.street_id), {added} \
         FROM demand_rollups r WHERE r.grain = 'day' \
         GROUP BY r.community_id, r.dim, r.k, {month_of_day}"
    ))
    .execute(tx)
    .await?;
    Ok(n)
}

/// Every rollup row, in key order: to compare with a recount.
#[allow(clippy::type_complexity)]
pub async fn dump(
    ex: &mut impl Exec,
) -> DbResult<Vec<(i64, String, String, String, i64, i64, Vec<i64>)>> {
    #[derive(sqlx::FromRow)]
    struct RollupRow {
        community_id: i64,
        grain: String,
        dim: String,
        k: String,
        bucket: i64,
        street_id: i64,
        v: String,
    }
    let rows: Vec<RollupRow> = Q::new(format!(
        "SELECT community_id, grain, dim, k, bucket, street_id, {} AS v FROM demand_rollups \
         ORDER BY community_id, grain, dim, k, bucket",
        COLUMNS
            .iter()
            .map(|c| format!("CAST({c} AS TEXT)"))
            .collect::<Vec<_>>()
            .join(" || ',' || ")
    ))
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        // A row whose every count went back to zero is the same as no row.
        .filter(|r| r.v.split(',').any(|x| x != "0"))
        .map(|r| {
            let v = r.v.split(',').map(|x| x.parse().unwrap_or(-1)).collect();
            (
                r.community_id,
                r.grain,
                r.dim,
                r.k,
                r.bucket,
                r.street_id,
                v,
            )
        })
        .collect())
}
