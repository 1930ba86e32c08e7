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

use std::collections::BTreeMap;

use crate::auth::{Actor, Role};
use crate::clock::Millis;
use crate::db::{DbResult, Exec, Q, Tx};
use crate::demands::store::DemandRow;

use super::rates::Counts;
use super::store::{Filter, GroupBy, GroupRow};

/// China Standard Time, fixed: months are counted in it (China has kept no summer time
/// since 1991, so this is Asia/Shanghai for every demand Linli holds).
const OFFSET: i64 = 8 * 3_600_000;

/// The three dimensions each demand is counted under.
const DIMS: [Dim; 3] = [Dim::Grid, Dim::Category, Dim::Channel];

/// How wide a rollup bucket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

const DAY_MS: i64 = 86_400_000;

/// The day (since 1970-01-01, China time) a moment falls in.
pub fn day_of(t: Millis) -> i64 {
    (t.0 + OFFSET).div_euclid(DAY_MS)
}

/// The first moment of a day.
pub fn day_start(day: i64) -> Millis {
    Millis(day * DAY_MS - OFFSET)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    fn key(self, d: &DemandRow) -> String {
        match self {
            Dim::Grid => d.grid_id.map(|g| g.to_string()).unwrap_or_default(),
            Dim::Category => d.category.clone().unwrap_or_default(),
            Dim::Channel => d.channel.clone(),
        }
    }
}

/// The month (`year * 12 + month - 1`, China time) a moment falls in.
pub fn month_of(t: Millis) -> i64 {
    let (y, m, _) = civil_from_days(day_of(t));
    y * 12 + m - 1
}

/// The first moment of a month.
pub fn month_start(month: i64) -> Millis {
    let (y, m) = (month.div_euclid(12), month.rem_euclid(12) + 1);
    day_start(days_from_civil(y, m, 1))
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
    pub fn of(d: &DemandRow) -> Share {
        let s = d.status.as_str();
        let counted = s != "merged";
        let fed_counted = counted && s != "declined";
        let rated = d.rating_solved.is_some();
        let sat = d.rating_satisfaction.as_deref();
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
            d.close_kind.as_deref() == Some("unrated"),
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
    let mut changes: Vec<(Grain, Dim, Slot, Share)> = Vec::with_capacity(12);
    for (grain, dim) in GRAINS.into_iter().flat_map(|g| DIMS.map(|d| (g, d))) {
        let old = before.map(|d| (slot(grain, dim, d), Share::of(d)));
        let new = after.map(|d| (slot(grain, dim, d), Share::of(d)));
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
    if changes.is_empty() {
        return Ok(());
    }
    // Each (dimension, key) appears once: PostgreSQL refuses to update a row twice in one
    // statement, and a moved demand leaves one slot for another in the same dimension.
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
    q.execute(tx).await?;
    Ok(())
}

/// Where a demand is counted under one grain and dimension: (community, street, key,
/// bucket).
type Slot = (i64, i64, String, i64);

fn slot(grain: Grain, dim: Dim, d: &DemandRow) -> Slot {
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
    let (month, day) = match tx {
        Tx::Sqlite(_) => (
            format!(
                "(CAST(strftime('%Y', (d.created_at + {OFFSET}) / 1000, 'unixepoch') AS INTEGER) * 12 \
                 + CAST(strftime('%m', (d.created_at + {OFFSET}) / 1000, 'unixepoch') AS INTEGER) - 1)"
            ),
            format!("((d.created_at + {OFFSET}) / {DAY_MS})"),
        ),
        Tx::Postgres(_) => (
            "(CAST(date_part('year', (d.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours') AS BIGINT) * 12 \
             + CAST(date_part('month', (d.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours') AS BIGINT) - 1)"
                .to_string(),
            format!(
                "CAST(floor((EXTRACT(EPOCH FROM d.created_at) * 1000 + {OFFSET}) / {DAY_MS}) AS BIGINT)"
            ),
        ),
    };
    let sums = TESTS
        .iter()
        .map(|t| format!("SUM(CASE WHEN {t} THEN 1 ELSE 0 END)"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut n = 0;
    for (grain, bucket) in [(Grain::Month, &month), (Grain::Day, &day)] {
        for dim in DIMS {
            n += Q::new(format!(
                "INSERT INTO demand_rollups (community_id, grain, dim, k, bucket, street_id, {cols}) \
                 SELECT d.community_id, '{g}', '{name}', {key}, {bucket}, MIN(d.street_id), {sums} \
                 FROM demands d GROUP BY d.community_id, {key}, {bucket}",
                cols = COLUMNS.join(", "),
                g = grain.as_str(),
                name = dim.as_str(),
                key = dim.sql(),
            ))
            .execute(tx)
            .await?;
        }
    }
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

/// Which dimension answers a question, or `None` when the rollups cannot: callers whose
/// scope is not a whole community, street or city (a grid worker's includes demands given
/// to them elsewhere; a unit's is what was dispatched to it), or filters on two of grid,
/// category and channel at once.
fn dim_for(actor: &Actor, group_by: Option<GroupBy>, f: &Filter) -> Option<Dim> {
    if !matches!(
        actor.role,
        Role::Admin | Role::Street | Role::Staff | Role::Secretary
    ) {
        return None;
    }
    let mut need = Vec::new();
    if f.grid_id.is_some() || group_by == Some(GroupBy::Grid) {
        need.push(Dim::Grid);
    }
    if f.category.is_some() || group_by == Some(GroupBy::Category) {
        need.push(Dim::Category);
    }
    if f.channel.is_some() || group_by == Some(GroupBy::Channel) {
        need.push(Dim::Channel);
    }
    need.dedup();
    match need.as_slice() {
        [] => Some(Dim::Grid),
        [d] => Some(*d),
        _ => None,
    }
}

/// The counts of the demands received in `[from, to)`, read from the rollups for the whole
/// months inside the period and counted live for the days before and after them and for
/// the deadlines that have passed on unanswered demands. Equal to the live count by
/// construction (and by test); falls back to it where the rollups cannot answer.
pub async fn count(
    ex: &mut impl Exec,
    actor: &Actor,
    now: Millis,
    from: Millis,
    to: Millis,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<GroupRow>> {
    use super::store::count_live as live;
    let Some(dim) = dim_for(actor, group_by, f) else {
        return live(ex, actor, now, from, to, group_by, f).await;
    };
    // Whole days inside the period; the minutes outside them are counted live.
    let d0 = {
        let d = day_of(from);
        if day_start(d) == from { d } else { d + 1 }
    };
    let d1 = day_of(to);
    if d0 >= d1 {
        return live(ex, actor, now, from, to, group_by, f).await;
    }
    let (a, b) = (day_start(d0), day_start(d1));
    let mut parts = Vec::new();
    if from < a {
        parts.push(live(ex, actor, now, from, a, group_by, f).await?);
    }
    if b < to {
        parts.push(live(ex, actor, now, b, to, group_by, f).await?);
    }
    // Whole months inside the whole days; the days around them from the daily rows.
    let m0 = {
        let m = month_of(a);
        if month_start(m) == a { m } else { m + 1 }
    };
    let m1 = month_of(b);
    if m0 < m1 {
        let (ma, mb) = (day_of(month_start(m0)), day_of(month_start(m1)));
        parts.push(read(ex, actor, dim, Grain::Month, m0, m1, group_by, f).await?);
        if d0 < ma {
            parts.push(read(ex, actor, dim, Grain::Day, d0, ma, group_by, f).await?);
        }
        if mb < d1 {
            parts.push(read(ex, actor, dim, Grain::Day, mb, d1, group_by, f).await?);
        }
    } else {
        parts.push(read(ex, actor, dim, Grain::Day, d0, d1, group_by, f).await?);
    }
    parts.push(late(ex, actor, now, a, b, group_by, f).await?);
    Ok(merge(parts))
}

/// Sums groups with the same key.
fn merge(parts: Vec<Vec<GroupRow>>) -> Vec<GroupRow> {
    let mut by: BTreeMap<Option<String>, GroupRow> = BTreeMap::new();
    for row in parts.into_iter().flatten() {
        match by.get_mut(&row.key) {
            Some(g) => {
                g.counts.add(&row.counts);
                if g.name.is_none() {
                    g.name = row.name;
                }
            }
            None => {
                by.insert(row.key.clone(), row);
            }
        }
    }
    by.into_values().collect()
}

/// The key of a group, from the rollup row (alias `r`), and the name of group `t.k`.
fn group_sql(dim: Dim, g: Option<GroupBy>) -> (&'static str, &'static str) {
    match g {
        None => ("NULL", "NULL"),
        Some(GroupBy::Grid) => (
            "CAST(NULLIF(r.k, '') AS BIGINT)",
            "(SELECT g.name FROM grids g WHERE g.id = t.k)",
        ),
        Some(GroupBy::Community) => (
            "r.community_id",
            "(SELECT c.name FROM communities c WHERE c.id = t.k)",
        ),
        Some(GroupBy::Street) => (
            "r.street_id",
            "(SELECT s.name FROM streets s WHERE s.id = t.k)",
        ),
        Some(GroupBy::Category) => {
            debug_assert_eq!(dim, Dim::Category);
            match crate::web::i18n::current() {
                crate::web::i18n::Lang::Zh => (
                    "NULLIF(r.k, '')",
                    "(SELECT c.name_zh FROM categories c WHERE c.code = t.k)",
                ),
                crate::web::i18n::Lang::En => (
                    "NULLIF(r.k, '')",
                    "(SELECT c.name_en FROM categories c WHERE c.code = t.k)",
                ),
            }
        }
        Some(GroupBy::Channel) => ("r.k", "t.k"),
    }
}

#[allow(clippy::too_many_arguments)]
async fn read(
    ex: &mut impl Exec,
    actor: &Actor,
    dim: Dim,
    grain: Grain,
    first: i64,
    last: i64,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<GroupRow>> {
    let (key, name) = group_sql(dim, group_by);
    let sum = |c: &str| format!("CAST(COALESCE(SUM(r.{c}), 0) AS BIGINT)");
    // `due_for_*` hold what was answered; the live part adds what is late unanswered.
    let mut q = Q::new(format!(
        "SELECT CAST(t.k AS TEXT) AS key, {name} AS name, t.* FROM (SELECT {key} AS k, \
         {} AS received, {} AS due_for_response, {} AS responded_on_time, {} AS rated, \
         {} AS solved, {} AS satisfied, {} AS basically_satisfied, {} AS unsatisfied, \
         {} AS due_for_feedback, {} AS fed_back_on_time, {} AS closed_unrated, \
         {} AS submitted, {} AS accepted, {} AS dispatched, {} AS in_progress, {} AS resolved, \
         {} AS feedback_given, {} AS closed, {} AS declined, {} AS merged \
         FROM demand_rollups r WHERE r.grain = $1 AND r.dim = $2 AND r.bucket >= $3 \
         AND r.bucket < $4",
        sum("received"),
        sum("responded"),
        sum("responded_on_time"),
        sum("rated"),
        sum("solved"),
        sum("satisfied"),
        sum("basically_satisfied"),
        sum("unsatisfied"),
        sum("fed_back"),
        sum("fed_back_on_time"),
        sum("closed_unrated"),
        sum("submitted"),
        sum("accepted"),
        sum("dispatched"),
        sum("in_progress"),
        sum("resolved"),
        sum("feedback_given"),
        sum("closed"),
        sum("declined"),
        sum("merged"),
    ))
    .bind(grain.as_str())
    .bind(dim.as_str())
    .bind(first)
    .bind(last);
    match actor.role {
        Role::Street => {
            q.push(" AND r.street_id = ").push_bind(actor.street_id);
        }
        Role::Staff | Role::Secretary => {
            q.push(" AND r.community_id = ")
                .push_bind(actor.community_id);
        }
        _ => {}
    }
    if let Some(s) = f.street_id {
        q.push(" AND r.street_id = ").push_bind(s);
    }
    if let Some(c) = f.community_id {
        q.push(" AND r.community_id = ").push_bind(c);
    }
    if let Some(g) = f.grid_id {
        q.push(" AND r.k = ").push_bind(g.to_string());
    }
    if let Some(c) = f.category.as_deref() {
        q.push(" AND r.k = ").push_bind(c);
    }
    if let Some(c) = f.channel.as_deref() {
        q.push(" AND r.k = ").push_bind(c);
    }
    if group_by.is_some() {
        q.push(" GROUP BY ").push(key);
    }
    q.push(") t ORDER BY t.k");
    let rows: Vec<GroupRow> = q.fetch_all(ex).await?;
    // A period with no rollup rows sums to one row of zeros, as the live count does.
    Ok(rows)
}

/// The demands received in `[from, to)` still unanswered whose deadline has passed: the
/// clock-dependent part of `due_for_response` and `due_for_feedback`.
async fn late(
    ex: &mut impl Exec,
    actor: &Actor,
    now: Millis,
    from: Millis,
    to: Millis,
    group_by: Option<GroupBy>,
    f: &Filter,
) -> DbResult<Vec<GroupRow>> {
    let mut out = Vec::new();
    for (waiting, test, field) in [
        (
            "d.responded_at IS NULL AND d.status <> 'merged'",
            "d.accept_due_at < $1",
            0,
        ),
        (
            "d.first_feedback_at IS NULL AND d.status NOT IN ('merged', 'declined')",
            "d.feedback_due_at < $1",
            1,
        ),
    ] {
        let rows = super::store::count_expr(
            ex,
            actor,
            &format!("CASE WHEN {test} THEN 1 ELSE 0 END"),
            waiting,
            now,
            from,
            to,
            group_by,
            f,
        )
        .await?;
        for r in rows {
            let mut counts = Counts::default();
            if field == 0 {
                counts.due_for_response = r.n;
            } else {
                counts.due_for_feedback = r.n;
            }
            out.push(GroupRow {
                key: r.key,
                name: r.name,
                counts,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_counted_in_china_time() {
        // 2026-01-31 16:00 UTC is 2026-02-01 00:00 in Beijing.
        let t = Millis(
            jiff::Timestamp::from_second(1_769_875_200)
                .unwrap()
                .as_millisecond(),
        );
        assert_eq!(month_of(t), 2026 * 12 + 1);
        assert_eq!(month_of(t - 1), 2026 * 12);
        assert_eq!(month_start(2026 * 12 + 1), t);
    }

    #[test]
    fn days_start_at_midnight_in_china() {
        let t = Millis(
            jiff::Timestamp::from_second(1_769_875_200)
                .unwrap()
                .as_millisecond(),
        );
        let d = day_of(t);
        assert_eq!(day_start(d), t);
        assert_eq!(day_of(t - 1), d - 1);
        assert_eq!(day_of(t + DAY_MS - 1), d);
    }

    #[test]
    fn month_start_and_month_of_agree_over_centuries() {
        for m in (1900 * 12)..(2200 * 12) {
            let s = month_start(m);
            assert_eq!(month_of(s), m);
            assert_eq!(month_of(s - 1), m - 1);
        }
    }
}
