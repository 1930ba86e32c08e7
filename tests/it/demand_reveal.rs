//! The reporter's number of a demand, as a resident's personal fields in the roster:
//! masked on every plain view (the API, the demand page, the portal), whole only when
//! someone who calls back asks for it with a reason, and that view audited with the
//! reason; refused, and nothing audited, to anyone else or without a reason.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::TestApp;
use crate::common::pages::PageClient;

const PHONE: &str = "13912345678";
const MASKED: &str = "139****5678";
/// 核实身份, as the page's form sends it.
const VERIFY: &str = "%E6%A0%B8%E5%AE%9E%E8%BA%AB%E4%BB%BD";

/// A demand of the resident's own household, recorded by staff with the reporter's number.
async fn recorded(app: &TestApp) -> i64 {
    let hh = app
        .scalar(
            "SELECT r.household_id FROM users u JOIN residents r ON r.id = u.resident_id \
             WHERE u.username = 'resident'",
        )
        .await;
    let d = app
        .login("staff")
        .await
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "household_id": hh, "reporter_name": "刘女士",
                   "reporter_phone": PHONE, "description": "楼道漏水", "category": "water"}),
        )
        .await;
    assert_eq!(d["reporter_phone"], MASKED);
    d["id"].as_i64().unwrap()
}

/// The whole views of demand `id` written to the audit log, with their details.
async fn views(app: &TestApp, id: i64) -> Vec<(String, String)> {
    let mut c = app.state.db.conn().await.unwrap();
    linli::db::Q::new(
        "SELECT u.username, a.detail FROM audit_log a JOIN users u ON u.id = a.user_id \
         WHERE a.action = 'view_pii' AND a.object_kind = 'demand' AND a.object_id = $1 \
         ORDER BY a.id",
    )
    .bind(id)
    .fetch_all(&mut c)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_number_is_masked_until_asked_with_a_reason_and_that_view_is_audited() {
    let app = TestApp::new().await;
    let id = recorded(&app).await;
    let staff = app.login("staff").await;
    let path = format!("/api/v1/demands/{id}");

    let plain = staff.fetch(&path).await;
    assert_eq!(plain["demand"]["reporter_phone"], MASKED);
    assert_eq!(plain["may_reveal_phone"], true);
    assert!(!plain.to_string().contains(PHONE));
    assert!(
        views(&app, id).await.is_empty(),
        "a plain view is not audited"
    );

    // No reason, or too long a one: refused before anything is read or written.
    for bad in ["", "%20%20"] {
        let r = staff.get(&format!("{path}?reveal={bad}")).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (422, "missing_field"),
            "{bad:?}"
        );
        assert!(!r.body.to_string().contains(PHONE));
    }
    let long = "x".repeat(101);
    let r = staff.get(&format!("{path}?reveal={long}")).await;
    assert_eq!((r.status.as_u16(), r.code()), (422, "text_too_long"));
    assert!(views(&app, id).await.is_empty());

    let whole = staff.fetch(&format!("{path}?reveal=%20call_back%20")).await;
    assert_eq!(whole["demand"]["reporter_phone"], PHONE);
    assert_eq!(whole["may_reveal_phone"], true);
    assert_eq!(
        views(&app, id).await,
        [(
            "staff".to_string(),
            "reporter_phone; reason=call_back".to_string()
        )],
        "exactly one audit row, with the reason trimmed"
    );
    // The log holds who saw it and why, never the number.
    let logged = app
        .scalar_with(
            "SELECT COUNT(*) FROM audit_log WHERE detail LIKE $1",
            format!("%{PHONE}%"),
        )
        .await;
    assert_eq!(logged, 0);
    // And the next plain view is masked again.
    assert_eq!(staff.fetch(&path).await["demand"]["reporter_phone"], MASKED);
    assert_eq!(views(&app, id).await.len(), 1);
}

#[tokio::test]
async fn those_who_do_not_call_back_may_not_ask_and_nothing_is_audited() {
    let app = TestApp::new().await;
    let id = recorded(&app).await;
    let path = format!("/api/v1/demands/{id}");
    // The street oversees, the household reads its own demand on the portal: neither calls.
    for who in ["street", "resident"] {
        let c = app.login(who).await;
        let plain = c.fetch(&path).await;
        assert_eq!(plain["demand"]["reporter_phone"], MASKED, "{who}");
        assert_eq!(plain["may_reveal_phone"], false, "{who}");
        let r = c.get(&format!("{path}?reveal=call_back")).await;
        assert_eq!((r.status.as_u16(), r.code()), (403, "forbidden"), "{who}");
        assert!(!r.body.to_string().contains(PHONE), "{who}");
    }
    // Out of scope stays out of scope: not found, whatever the reason.
    let r = app
        .login("dongli")
        .await
        .get(&format!("{path}?reveal=call_back"))
        .await;
    assert_eq!(r.status, 404);
    assert!(views(&app, id).await.is_empty());
}

#[tokio::test]
async fn the_demand_page_offers_the_form_only_to_those_who_may_ask() {
    let app = TestApp::new().await;
    let id = recorded(&app).await;
    let page = format!("/work/demands/{id}");

    let mut staff = PageClient::login(&app, "staff").await;
    let html = staff.page(&page).await.html;
    assert!(html.contains(MASKED) && !html.contains(PHONE), "{html}");
    assert!(
        !html.contains(&format!("tel:{MASKED}")),
        "no link to a masked number"
    );
    assert!(html.contains("name=\"reveal\"") && html.contains("显示完整号码"));
    for reason in ["回电", "上门", "核实身份"] {
        assert!(
            html.contains(&format!("<option value=\"{reason}\">")),
            "{reason}"
        );
    }
    assert!(views(&app, id).await.is_empty());

    let html = staff.page(&format!("{page}?reveal={VERIFY}")).await.html;
    assert!(html.contains(&format!("href=\"tel:{PHONE}\"")), "{html}");
    assert!(html.contains("原因：核实身份") && !html.contains("name=\"reveal\""));
    assert_eq!(
        views(&app, id).await,
        [(
            "staff".to_string(),
            "reporter_phone; reason=核实身份".to_string()
        )]
    );
    // A blank reason is refused, and shows nothing whole.
    let r = staff.get(&format!("{page}?reveal=")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!r.html.contains(PHONE));

    // The street reads the page masked, without the form, and is refused if it asks.
    let mut street = PageClient::login(&app, "street").await;
    let html = street.page(&page).await.html;
    assert!(
        html.contains(MASKED) && !html.contains("name=\"reveal\""),
        "{html}"
    );
    let r = street.get(&format!("{page}?reveal={VERIFY}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.html.contains(PHONE));

    // The household's own page shows no number at all.
    let mut resident = PageClient::login(&app, "resident").await;
    let html = resident.page(&format!("/me/demands/{id}")).await.html;
    assert!(
        !html.contains(PHONE) && !html.contains("name=\"reveal\""),
        "{html}"
    );
    assert_eq!(views(&app, id).await.len(), 1, "only the one asked for");

    // In English, the form speaks English.
    let html = staff.page(&format!("{page}?lang=en")).await.html;
    assert!(html.contains("Show the whole number") && html.contains("Calling back"));
}
