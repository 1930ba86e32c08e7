//! A guardian on the portal (PIPL art. 31): the children under 14 of their household,
//! masked, with their consents; a consent given in their own name, online, and withdrawn;
//! nobody else's household reached; and the copy of everything held about the child and
//! about the guardian listing the consents that name them.

use axum::http::StatusCode;
use serde_json::json;

use crate::children::{born, child, family};
use crate::common::TestApp;
use crate::common::pages::PageClient;

/// The household of `family`, its guardian with a resident account `zhou`, and a child
/// registered with the guardian's written consent, withdrawn since: (household, guardian,
/// child, neighbour).
async fn with_child(app: &TestApp) -> (i64, i64, i64, i64) {
    let (h, guardian, neighbour) = family(app).await;
    let staff = app.login("staff").await;
    let birth = born(app, 7, 0);
    let made = staff
        .ok(
            "/api/v1/residents",
            child(h, &birth, Some((guardian, "written"))),
        )
        .await;
    let kid = made["id"].as_i64().unwrap();
    let cid = app
        .scalar_with("SELECT id FROM guardian_consents WHERE child_id = $1", kid)
        .await;
    let w = staff
        .post(&format!("/api/v1/consents/{cid}/withdraw"), json!({}))
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    app.account_for_resident("zhou", guardian).await;
    app.account_for_resident("wu", neighbour).await;
    (h, guardian, kid, neighbour)
}

#[tokio::test]
async fn a_guardian_gives_and_withdraws_consent_online_for_their_own_child_only() {
    let app = TestApp::new().await;
    let (h, guardian, kid, neighbour) = with_child(&app).await;
    let zhou = app.login("zhou").await;

    let f = zhou.fetch("/api/v1/me/family").await;
    assert_eq!(f["household_id"].as_i64(), Some(h));
    assert_eq!(f["may_consent"], true);
    let children = f["children"].as_array().unwrap();
    assert_eq!(children.len(), 1, "the child only, not the adults: {f}");
    assert_eq!(children[0]["id"].as_i64(), Some(kid));
    assert_eq!(
        children[0]["name"], "周**",
        "masked even to the guardian's list"
    );
    assert_eq!(children[0]["consents"].as_array().unwrap().len(), 1);
    assert!(children[0]["consents"][0]["withdrawn_at"].is_string());

    let path = format!("/api/v1/households/{h}/consents");
    let before = app.scalar("SELECT COUNT(*) FROM guardian_consents").await;
    // In someone else's name, or as a paper form: refused, nothing written.
    for (body, code) in [
        (
            json!({"child_id": kid, "guardian_id": neighbour, "method": "online"}),
            "invalid_guardian",
        ),
        (
            json!({"child_id": kid, "guardian_id": guardian, "method": "written"}),
            "invalid_choice",
        ),
        (
            json!({"child_id": guardian, "guardian_id": guardian, "method": "online"}),
            "not_a_child",
        ),
    ] {
        let r = zhou.post(&path, body).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{}",
            r.body
        );
    }
    // The neighbour reaches neither the household nor its consents.
    let wu = app.login("wu").await;
    let r = wu
        .post(
            &path,
            json!({"child_id": kid, "guardian_id": neighbour, "method": "online"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(wu.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM guardian_consents").await,
        before
    );
    let theirs = wu.fetch("/api/v1/me/family").await;
    assert_ne!(theirs["household_id"].as_i64(), Some(h));
    assert!(
        theirs["children"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"].as_i64() != Some(kid)),
        "{theirs}"
    );

    // Given in their own name, online: in force, recorded by their account, audited.
    let body = json!({"child_id": kid, "guardian_id": guardian, "method": "online"});
    let r = zhou.post(&path, body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let cid = r.body["id"].as_i64().unwrap();
    assert_eq!(r.body["method"], "online");
    assert_eq!(
        r.body["recorded_by"].as_i64(),
        Some(app.user_id("zhou").await)
    );
    let again = zhou.post(&path, body).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "consent_in_force")
    );
    assert_eq!(zhou.get(&path).await.status, StatusCode::OK);

    // The neighbour cannot withdraw it; the guardian can.
    let w = format!("/api/v1/consents/{cid}/withdraw");
    assert_eq!(wu.post(&w, json!({})).await.status, StatusCode::NOT_FOUND);
    let r = zhou.post(&w, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body["withdrawn_at"].is_string());
    let audited = app
        .scalar_with(
            "SELECT COUNT(*) FROM audit_log WHERE object_kind = 'resident' AND object_id = $1 \
             AND action IN ('guardian_consent', 'withdraw_consent') \
             AND user_id = (SELECT id FROM users WHERE username = 'zhou')",
            kid,
        )
        .await;
    assert_eq!(audited, 2);

    // Staff have no family of their own on the portal.
    let staff = app.login("staff").await;
    assert_eq!(
        staff.get("/api/v1/me/family").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn everything_held_lists_the_consents_of_the_child_and_of_the_guardian() {
    let app = TestApp::new().await;
    let (_, guardian, kid, neighbour) = with_child(&app).await;
    let staff = app.login("staff").await;
    let of_child = staff
        .fetch(&format!("/api/v1/residents/{kid}/everything"))
        .await;
    let consents = of_child["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 1, "{of_child}");
    assert_eq!(consents[0]["guardian_id"].as_i64(), Some(guardian));
    let zhou = app.login("zhou").await;
    let mine = zhou.fetch("/api/v1/me/everything").await;
    let consents = mine["consents"].as_array().unwrap();
    assert_eq!(consents.len(), 1, "{mine}");
    assert_eq!(consents[0]["child_id"].as_i64(), Some(kid));
    let neighbours = staff
        .fetch(&format!("/api/v1/residents/{neighbour}/everything"))
        .await;
    assert!(neighbours["consents"].as_array().unwrap().is_empty());
    // And on the page.
    let mut c = PageClient::login(&app, "zhou").await;
    let page = c.page("/me/data").await;
    assert!(
        page.html.contains("id=\"consents\"") && page.html.contains("周**（监护人 周建国）"),
        "{}",
        page.html
    );
}

#[tokio::test]
async fn the_portal_page_lets_a_guardian_consent_and_withdraw() {
    let app = TestApp::new().await;
    let (h, _, kid, _) = with_child(&app).await;
    let mut c = PageClient::login(&app, "zhou").await;
    let mine = c.page("/me").await;
    assert!(mine.html.contains("href=\"/me/family\""), "{}", mine.html);
    let page = c.page("/me/family").await;
    assert!(page.html.contains("周**"), "{}", page.html);
    assert!(!page.html.contains("周小雨"), "the whole name stays sealed");
    assert!(page.html.contains("尚无有效的监护人同意"), "{}", page.html);
    let give = format!("/me/family/{h}/consents");
    assert!(page.html.contains(&give), "{}", page.html);
    let kid_s = kid.to_string();
    // Without the box ticked: the page says why, nothing written.
    let r = c.submit("/me/family", &give, &[("child_id", &kid_s)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("同意"), "{}", r.html);
    let r = c
        .submit(
            "/me/family",
            &give,
            &[("child_id", &kid_s), ("agree", "yes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let page = c.page(r.location.as_deref().unwrap()).await;
    assert!(page.html.contains("已记录您的同意"), "{}", page.html);
    assert!(page.html.contains("线上确认"), "{}", page.html);
    let cid = app
        .scalar_with(
            "SELECT id FROM guardian_consents WHERE child_id = $1 AND withdrawn_at IS NULL",
            kid,
        )
        .await;
    let w = format!("/me/family/consents/{cid}/withdraw");
    assert!(page.html.contains(&w), "{}", page.html);
    let r = c.submit("/me/family", &w, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let page = c.page(r.location.as_deref().unwrap()).await;
    assert!(page.html.contains("已撤回您的同意"), "{}", page.html);
    // Withdrawn twice: said on the page, not an error page.
    let r = c.submit("/me/family", &w, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.html.contains("已经撤回"), "{}", r.html);
    assert_eq!(
        app.scalar_with(
            "SELECT COUNT(*) FROM guardian_consents WHERE child_id = $1 AND withdrawn_at IS NULL",
            kid
        )
        .await,
        0
    );
}
