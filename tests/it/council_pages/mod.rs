//! The councils' pages through the real router: the office creates a council from its
//! form and opens it; a bad recurrence is shown with the field and stored nothing; a
//! resident finds her community's council on the portal and not another grid's.

use axum::http::StatusCode;

use crate::common::TestApp;
use crate::common::pages::PageClient;

#[tokio::test]
async fn the_office_creates_a_council_from_its_page_and_a_resident_finds_it() {
    let app = TestApp::new().await;
    let mut staff = PageClient::login(&app, "staff").await;
    let list = staff.page("/work/councils").await;
    assert!(list.html.contains("name=\"recurrence\""), "the create form");

    let bad = staff
        .submit(
            "/work/councils",
            "/work/councils",
            &[
                ("name", "居民议事厅"),
                ("kind", "council"),
                ("recurrence", "FREQ=SOMETIMES"),
                ("first_starts_at", "2026-12-07T19:00"),
                ("duration_minutes", "90"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.html.contains("value=\"FREQ=SOMETIMES\""),
        "what was typed stays"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM councils").await, 0);

    let made = staff
        .submit(
            "/work/councils",
            "/work/councils",
            &[
                ("name", "居民议事厅"),
                ("kind", "council"),
                ("recurrence", "FREQ=WEEKLY;BYDAY=MO"),
                ("first_starts_at", "2026-12-07T19:00"),
                ("duration_minutes", "90"),
                ("location", "社区党群服务中心二楼"),
            ],
        )
        .await;
    assert!(
        made.status.is_redirection() || made.status.is_success(),
        "{:?}",
        made.status
    );
    let id = app.scalar("SELECT MAX(id) FROM councils").await;
    let page = staff.page(&format!("/work/councils/{id}")).await;
    assert!(page.html.contains("居民议事厅") && page.html.contains("社区党群服务中心二楼"));

    let mut resident = PageClient::login(&app, "resident").await;
    let portal = resident.page("/me/councils").await;
    assert!(
        portal.html.contains("居民议事厅"),
        "her community's council on the portal"
    );
    let mine = resident.page(&format!("/me/councils/{id}")).await;
    assert!(mine.html.contains("居民议事厅"));
    let mut dongli = PageClient::login(&app, "dongli").await;
    let other = dongli.get(&format!("/work/councils/{id}")).await;
    assert_eq!(
        other.status,
        StatusCode::NOT_FOUND,
        "another community's office"
    );
}
