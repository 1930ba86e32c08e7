//! Councils and linkage teams (issue 15) through the API: the seed story of the small
//! gates, votes and their rules, follow-through, calendars, scope and bad input.

mod bad_input;
mod feeds;
mod follow;
mod scope;
mod story_08;
mod votes;

use serde_json::{Value, json};

use crate::common::{Client, TestApp};

/// The next Monday at 19:00 in China after the app's clock, as a wall clock
/// (`2026-12-07T19:00`).
pub fn next_monday_evening(app: &TestApp) -> String {
    let tz = linli::clock::china();
    let now = linli::clock::civil_in(app.now(), &tz).unwrap().date();
    let mut d = now.tomorrow().unwrap();
    while d.weekday() != jiff::civil::Weekday::Monday {
        d = d.tomorrow().unwrap();
    }
    format!("{d}T19:00")
}

/// The resident id of a demo account.
pub async fn resident_of(app: &TestApp, username: &str) -> i64 {
    app.scalar_with(
        "SELECT resident_id FROM users WHERE username = $1",
        username,
    )
    .await
}

/// Yucheng's living room (居民议事厅): the community's council, weekly on Mondays, made by
/// the office.
pub async fn living_room(app: &TestApp, staff: &Client<'_>) -> Value {
    staff
        .ok(
            "/api/v1/councils",
            json!({"name": "居民议事厅", "recurrence": "FREQ=WEEKLY;BYDAY=MO",
                   "first_starts_at": next_monday_evening(app), "duration_minutes": 90,
                   "location": "社区党群服务中心二楼"}),
        )
        .await
}

/// Adds members: the demo residents named, then `n` more residents of the community.
pub async fn add_residents(
    app: &TestApp,
    staff: &Client<'_>,
    council: i64,
    usernames: &[&str],
    more: i64,
) -> Vec<i64> {
    let mut residents = Vec::new();
    for u in usernames {
        residents.push(resident_of(app, u).await);
    }
    let community = app
        .scalar_with("SELECT community_id FROM councils WHERE id = $1", council)
        .await;
    let mut c = app.state.db.conn().await.unwrap();
    let others: Vec<(i64,)> = linli::db::Q::new(
        "SELECT id FROM residents WHERE community_id = $1 AND child_name IS NULL \
         AND anonymised_at IS NULL ORDER BY id LIMIT 40",
    )
    .bind(community)
    .fetch_all(&mut c)
    .await
    .unwrap();
    drop(c);
    for (r,) in others {
        if residents.len() as i64 >= usernames.len() as i64 + more {
            break;
        }
        if !residents.contains(&r) {
            residents.push(r);
        }
    }
    let mut members = Vec::new();
    for r in residents {
        let m = staff
            .ok(
                &format!("/api/v1/councils/{council}/members"),
                json!({"kind": "resident", "id": r, "role": "居民代表"}),
            )
            .await;
        members.push(m["id"].as_i64().unwrap());
    }
    members
}

/// The first meeting of a council's schedule.
pub async fn first_meeting(who: &Client<'_>, council: i64) -> i64 {
    let ms = who
        .fetch(&format!("/api/v1/councils/{council}/meetings"))
        .await;
    ms[0]["id"].as_i64().expect("a scheduled meeting")
}

/// A topic raised as `who` on a council; its id.
pub async fn raise(who: &Client<'_>, council: i64, body: Value) -> i64 {
    who.ok(&format!("/api/v1/councils/{council}/topics"), body)
        .await["id"]
        .as_i64()
        .unwrap()
}

/// A council with `members` residents, a topic on the agenda of its first meeting, the
/// meeting open with everyone present: (council, meeting, topic, member ids).
pub async fn in_session(
    app: &TestApp,
    staff: &Client<'_>,
    topic: Value,
    members: i64,
) -> (i64, i64, i64, Vec<i64>) {
    let council = living_room(app, staff).await["id"].as_i64().unwrap();
    let ms = add_residents(app, staff, council, &["resident"], members - 1).await;
    let topic = raise(staff, council, topic).await;
    let meeting = first_meeting(staff, council).await;
    staff
        .ok(
            &format!("/api/v1/meetings/{meeting}/agenda"),
            json!({"topic_id": topic}),
        )
        .await;
    staff
        .ok(&format!("/api/v1/meetings/{meeting}/open"), json!({}))
        .await;
    let r = staff
        .put(
            &format!("/api/v1/meetings/{meeting}/attendance"),
            json!({"member_ids": ms}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    (council, meeting, topic, ms)
}

/// The option of a topic with this label.
pub fn option(topic: &Value, label: &str) -> i64 {
    topic["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["label"] == label)
        .unwrap_or_else(|| panic!("no option {label} in {topic}"))["id"]
        .as_i64()
        .unwrap()
}
