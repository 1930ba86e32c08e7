//! One write path for intake: the counter's form and the portal's form record what the
//! API records, through the same door (checked on a reader, written by the writer).

use axum::http::StatusCode;
use serde_json::json;

use crate::common::TestApp;
use crate::common::pages::PageClient;
use crate::one_door::{events, multipart};

/// A stored demand's columns that intake decides (its deadlines as offsets from receipt).
#[derive(sqlx::FromRow, Debug)]
struct Recorded {
    channel: String,
    category: Option<String>,
    status: String,
    grid_id: Option<i64>,
    household_id: Option<i64>,
    resident_id: Option<i64>,
    reporter_name: String,
    /// Sealed at rest: compared opened.
    #[sqlx(try_from = "linli::vault::sql::Opened<linli::demands::store::ReporterPhone>")]
    reporter_phone: Option<String>,
    title: String,
    created_at: linli::clock::Millis,
    accept_due_at: linli::clock::Millis,
    feedback_due_at: linli::clock::Millis,
    created_by: Option<i64>,
}

impl PartialEq for Recorded {
    fn eq(&self, o: &Recorded) -> bool {
        let due = |r: &Recorded| {
            (
                r.accept_due_at.0 - r.created_at.0,
                r.feedback_due_at.0 - r.created_at.0,
            )
        };
        (
            &self.channel,
            &self.category,
            &self.status,
            (self.grid_id, self.household_id, self.resident_id),
            (&self.reporter_name, &self.reporter_phone, &self.title),
            due(self),
            self.created_by,
        ) == (
            &o.channel,
            &o.category,
            &o.status,
            (o.grid_id, o.household_id, o.resident_id),
            (&o.reporter_name, &o.reporter_phone, &o.title),
            due(o),
            o.created_by,
        )
    }
}

async fn recorded(app: &TestApp, id: i64) -> Recorded {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new(
        "SELECT channel, category, status, grid_id, household_id, resident_id, reporter_name, \
         reporter_phone, title, created_at, accept_due_at, feedback_due_at, created_by \
         FROM demands WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut c)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_counter_and_the_portal_record_what_the_api_records() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;
    let pan = app
        .scalar("SELECT resident_id FROM users WHERE username = 'resident'")
        .await;
    let said = "热水器漏水，电话报修";

    let by_api = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "resident_id": pan, "category": "water", "description": said}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let mut counter = PageClient::login(&app, "staff").await;
    let r = counter
        .submit(
            "/work/demands/new",
            "/work/demands/new",
            &[
                ("resident_id", &pan.to_string()),
                ("channel", "phone"),
                ("category", "water"),
                ("urgency", "normal"),
                ("description", said),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let by_counter = app.scalar("SELECT MAX(id) FROM demands").await;
    assert_eq!(
        recorded(&app, by_counter).await,
        recorded(&app, by_api).await
    );

    let by_resident = resident
        .ok(
            "/api/v1/demands",
            json!({"category": "water", "description": said}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let mut portal = PageClient::login(&app, "resident").await;
    let csrf = portal.page("/me/new").await.csrf();
    let r = multipart(
        &mut portal,
        "/me/new",
        &[
            ("csrf", &csrf),
            ("category", "water"),
            ("description", said),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let by_portal = app.scalar("SELECT MAX(id) FROM demands").await;
    assert_ne!(by_portal, by_resident);
    assert_eq!(
        recorded(&app, by_portal).await,
        recorded(&app, by_resident).await
    );
    for id in [by_api, by_counter, by_resident, by_portal] {
        assert_eq!(events(&app, id, "intake").await, 1, "demand {id}");
    }
    let (kept, recounted) = app.rollups_kept_and_recounted().await;
    assert_eq!(kept, recounted);
}
