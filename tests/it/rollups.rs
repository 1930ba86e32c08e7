//! The measures' rollups stay exact: after random histories driven through the API, the
//! rollup table equals a full recount, and the rates read from it equal the plain
//! `GROUP BY` over the demands table for every caller, grouping, filter and period.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use linli::auth::{Actor, store as users};
use linli::clock::{DAY, Millis, month_of, month_start};
use linli::measures::model::{Filter, GroupBy, GroupRow};
use linli::measures::store::{count, count_live};

use crate::common::{Client, TestApp, record};

async fn actor(app: &TestApp, username: &str) -> Actor {
    let mut c = app.state.db.conn().await.unwrap();
    let u = users::find_by_username(&mut c, username)
        .await
        .unwrap()
        .unwrap();
    users::actor_of(&mut c, u).await.unwrap()
}

/// People who act on demands.
struct Cast<'a> {
    staff: Client<'a>,
    grid01: Client<'a>,
    property: Client<'a>,
    resident: Client<'a>,
    unit: i64,
}

/// A step a demand in its state could take next, by whom (mostly legal; the odd illegal
/// one is refused and changes nothing, which is part of what is tested).
async fn random_step(rng: &mut StdRng, cast: &Cast<'_>, ids: &[i64]) {
    // Mostly the open ones: closed demands have little left to do.
    let mut id = ids[rng.random_range(0..ids.len())];
    let mut status = String::new();
    for _ in 0..4 {
        id = ids[rng.random_range(0..ids.len())];
        let d = cast.staff.fetch(&format!("/api/v1/demands/{id}")).await;
        status = d["demand"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if !matches!(status.as_str(), "closed" | "declined" | "merged") {
            break;
        }
    }
    let roll = rng.random_range(0..10);
    let sat = ["satisfied", "basically", "unsatisfied"][rng.random_range(0..3)];
    let rating = json!({"solved": rng.random_bool(0.8), "satisfaction": sat});
    let (by, action, body): (&Client<'_>, &str, Value) = match (status.as_str(), roll) {
        ("submitted", 0) => (&cast.staff, "decline", json!({"reason": "不属于受理范围"})),
        ("submitted", 1) => (
            &cast.staff,
            "merge",
            json!({"into": ids[rng.random_range(0..ids.len())]}),
        ),
        // grid01 can accept only what is in their grid: elsewhere it is a 404.
        ("submitted", 2) => (&cast.grid01, "accept", json!({})),
        ("submitted", _) => (&cast.staff, "accept", json!({})),
        ("accepted", 0..=5) => (
            &cast.staff,
            "dispatch",
            json!({"to": {"kind": "unit", "id": cast.unit}}),
        ),
        ("accepted", _) => (&cast.staff, "resolve", json!({"result": "当场处理"})),
        ("dispatched", _) => (&cast.property, "take", json!({})),
        ("in_progress", _) => (&cast.property, "resolve", json!({"result": "已维修"})),
        ("resolved", _) => (&cast.staff, "feedback", json!({"note": "已电话告知"})),
        ("feedback_given", 0..=5) => (&cast.resident, "rate", rating),
        ("feedback_given", _) => (&cast.staff, "close", json!({})),
        (_, _) => (&cast.staff, "close", json!({})),
    };
    let r = by
        .post(&format!("/api/v1/demands/{id}/{action}"), body)
        .await;
    assert!(
        !r.status.is_server_error(),
        "{action} on {id} failed on the server: {}",
        r.status
    );
}

fn sorted(mut rows: Vec<GroupRow>) -> Vec<(Option<String>, linli::measures::rates::Counts)> {
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    rows.into_iter().map(|r| (r.key, r.counts)).collect()
}

#[tokio::test]
async fn rollups_equal_a_full_recount_after_random_histories() {
    let app = TestApp::new().await;
    let unit = app.unit_id("property").await;
    let own = app
        .scalar_with(
            "SELECT r.household_id FROM users u JOIN residents r ON r.id = u.resident_id \
             WHERE u.username = $1",
            "resident",
        )
        .await;
    let homes = [
        own,
        app.household_in_grid(1).await,
        app.household_in_grid(2).await,
        app.household_in_grid(5).await,
    ];
    let categories = [
        "water",
        "electricity",
        "sanitation",
        "gas",
        "public_facility",
    ];
    let mut rng = StdRng::seed_from_u64(20_261_126);
    let mut ids = Vec::new();
    let start = app.now();
    // About four months of history: demands arrive, days pass, work goes on.
    for _ in 0..40 {
        // Sessions lapse while the days pass: everyone signs in again each round.
        let cast = Cast {
            staff: app.login("staff").await,
            grid01: app.login("grid01").await,
            property: app.login("property").await,
            resident: app.login("resident").await,
            unit,
        };
        for _ in 0..rng.random_range(1..4) {
            let hh = homes[rng.random_range(0..homes.len())];
            let cat = categories[rng.random_range(0..categories.len())];
            ids.push(record(&cast.staff, hh, cat, "楼道灯不亮，晚上看不见").await);
        }
        for _ in 0..rng.random_range(4..12) {
            random_step(&mut rng, &cast, &ids).await;
        }
        app.advance_hours(rng.random_range(12..96));
    }
    assert!(
        app.scalar("SELECT COUNT(DISTINCT status) FROM demands")
            .await
            >= 5,
        "the history reaches many states"
    );

    // The table equals a recount from scratch.
    let (kept, recounted) = app.rollups_kept_and_recounted().await;
    assert!(!kept.is_empty());
    assert_eq!(kept, recounted);

    // And every reading equals the plain GROUP BY, for whole months and ragged periods.
    let now = app.now();
    let month = 30 * DAY;
    let periods = [
        (start - DAY, now + DAY),
        (month_start(month_of(start) + 1), now),
        (start + 17 * DAY, start + 17 * DAY + 2 * month + 3 * DAY),
        (start + 40 * DAY, start + 41 * DAY),
        (Millis(0), now + 365 * DAY),
    ];
    let grid1 = app.scalar("SELECT id FROM grids ORDER BY id LIMIT 1").await;
    let filters = [
        Filter::default(),
        Filter {
            grid_id: Some(grid1),
            ..Default::default()
        },
        Filter {
            category: Some("water".into()),
            ..Default::default()
        },
        Filter {
            channel: Some("phone".into()),
            ..Default::default()
        },
        Filter {
            grid_id: Some(grid1),
            category: Some("water".into()),
            ..Default::default()
        },
    ];
    let groupings = [
        None,
        Some(GroupBy::Grid),
        Some(GroupBy::Community),
        Some(GroupBy::Street),
        Some(GroupBy::Category),
        Some(GroupBy::Channel),
    ];
    let mut c = app.state.db.conn().await.unwrap();
    for who in ["admin", "street", "staff", "secretary", "grid01"] {
        let a = actor(&app, who).await;
        for (from, to) in periods {
            for f in &filters {
                for g in groupings {
                    // Later, too: deadlines pass on unanswered demands.
                    for at in [now, now + 20 * DAY] {
                        let fast = count(&mut c, &a, at, from, to, g, f).await.unwrap();
                        let slow = count_live(&mut c, &a, at, from, to, g, f).await.unwrap();
                        assert_eq!(
                            sorted(fast),
                            sorted(slow),
                            "{who} {g:?} {f:?} {from:?}..{to:?} at {at:?}"
                        );
                    }
                }
            }
        }
    }
}
