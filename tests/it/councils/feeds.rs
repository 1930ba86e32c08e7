//! Calendars: a council's meetings and a person's, as RFC 5545 files a phone subscribes
//! to, parsed back by an independent parser.

use icalendar::{Calendar, CalendarComponent, Component, EventLike};
use serde_json::json;

use super::{add_residents, living_room};
use crate::common::TestApp;

fn parse(bytes: &[u8]) -> Calendar {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("\r\n"), "lines end in CRLF");
    text.parse::<Calendar>().expect("a valid calendar")
}

fn events(cal: &Calendar) -> Vec<&icalendar::Event> {
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_councils_weekly_meetings_are_a_calendar_a_phone_can_read() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let council = living_room(&app, &staff).await["id"].as_i64().unwrap();
    add_residents(&app, &staff, council, &["resident"], 0).await;
    let meetings = staff
        .fetch(&format!("/api/v1/councils/{council}/meetings"))
        .await;
    let n = meetings.as_array().unwrap().len();
    assert!((12..=14).contains(&n), "about 13 Mondays in 90 days: {n}");
    let first = meetings[0]["id"].as_i64().unwrap();
    staff
        .ok(&format!("/api/v1/meetings/{first}/cancel"), json!({}))
        .await;

    let f = staff
        .download(&format!("/api/v1/councils/{council}/calendar.ics"))
        .await;
    assert_eq!(f.status, 200);
    assert!(f.header("content-type").starts_with("text/calendar"));
    let cal = parse(&f.bytes);
    let evs = events(&cal);
    assert_eq!(evs.len(), n);
    let e = evs
        .iter()
        .find(|e| e.get_uid() == Some(&format!("meeting-{first}@linli")))
        .expect("the first meeting by its UID");
    assert_eq!(e.get_summary(), Some("居民议事厅"));
    assert_eq!(e.get_location(), Some("社区党群服务中心二楼"));
    assert_eq!(
        e.property_value("STATUS"),
        Some("CANCELLED"),
        "a cancelled meeting says so"
    );
    let text = String::from_utf8(f.bytes.clone()).unwrap();
    assert!(text.contains("TZID=Asia/Shanghai"), "times in China's zone");

    // The member's own calendar has the same meetings.
    let resident = app.login("resident").await;
    let mine = resident.download("/api/v1/me/councils.ics").await;
    assert_eq!(mine.status, 200);
    assert_eq!(events(&parse(&mine.bytes)).len(), n);
    // Another community's office is not shown it.
    let dongli = app.login("dongli").await;
    let r = dongli
        .download(&format!("/api/v1/councils/{council}/calendar.ics"))
        .await;
    assert_eq!(r.status, 404);
}
