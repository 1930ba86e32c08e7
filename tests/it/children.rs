//! A child under 14 on the roster (PIPL arts. 28 and 31): registered only with the
//! consent of an adult of the household, recorded on the household and withdrawable;
//! name, gender and birth date sealed at rest, masked in lists, whole only on a reveal;
//! found by the whole name and in the 0–17 band; opened again by the daily job when the
//! child turns 14, and sealed by it when found open.

use axum::http::StatusCode;
use jiff::ToSpan;
use serde_json::{Value, json};

use crate::common::pages::PageClient;
use crate::common::{TestApp, ids};

/// A day `years` years and `days` days before the state's today, `YYYY-MM-DD`.
pub(crate) fn born(app: &TestApp, years: i64, days: i64) -> String {
    let today = linli::clock::civil_in(app.now(), &linli::clock::china())
        .unwrap()
        .date();
    let d = today.checked_sub(years.years()).unwrap();
    d.checked_sub(days.days()).unwrap().to_string()
}

/// A household with an adult (the guardian) and a neighbour's adult; their ids.
pub(crate) async fn family(app: &TestApp) -> (i64, i64, i64) {
    let staff = app.login("staff").await;
    let h = app.household_in_grid(1).await;
    let other = app.household_in_grid(2).await;
    let guardian = staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": h, "name": "周建国", "birth_date": born(app, 38, 0),
                   "gender": "male", "relation": "户主"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let neighbour = staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": other, "name": "吴桂芳", "birth_date": born(app, 45, 0)}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    (h, guardian, neighbour)
}

/// Every resident the list finds with these filters.
async fn residents(who: &crate::common::Client<'_>, filters: &str) -> Vec<i64> {
    let (mut all, mut cursor) = (Vec::new(), None::<i64>);
    loop {
        let mut path = format!("/api/v1/residents?limit=200&{filters}");
        if let Some(c) = cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = who.fetch(&path).await;
        all.extend(ids(&page));
        match page["next_cursor"].as_i64() {
            Some(c) => cursor = Some(c),
            None => return all,
        }
    }
}

pub(crate) fn child(h: i64, birth: &str, consent: Option<(i64, &str)>) -> Value {
    let mut b = json!({"household_id": h, "name": "周小雨", "birth_date": birth,
                       "gender": "female", "relation": "女儿"});
    if let Some((g, m)) = consent {
        b["guardian_id"] = json!(g);
        b["consent_method"] = json!(m);
    }
    b
}

#[tokio::test]
async fn a_child_is_registered_only_with_a_guardians_consent() {
    let app = TestApp::new().await;
    let (h, guardian, neighbour) = family(&app).await;
    let staff = app.login("staff").await;
    let before = app.scalar("SELECT COUNT(*) FROM residents").await;
    let birth = born(&app, 8, 0);

    // Without a consent, with the neighbour as guardian, or with a method unknown:
    // refused, and nothing written.
    for (body, status, code) in [
        (
            child(h, &birth, None),
            StatusCode::UNPROCESSABLE_ENTITY,
            "guardian_consent_required",
        ),
        (
            child(h, &birth, Some((neighbour, "written"))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_guardian",
        ),
        (
            child(h, &birth, Some((guardian, "by_pigeon"))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_choice",
        ),
    ] {
        let r = staff.post("/api/v1/residents", body).await;
        assert_eq!((r.status, r.code()), (status, code), "{}", r.body);
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("监护人") || message.contains("同意方式"),
            "in the caller's language: {message}"
        );
    }
    // A guardian named for an adult is refused too.
    let adult = child(h, &born(&app, 30, 0), Some((guardian, "written")));
    let r = staff.post("/api/v1/residents", adult).await;
    assert_eq!(r.code(), "not_a_child", "{}", r.body);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM residents").await, before);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM guardian_consents WHERE child_id IN (SELECT id FROM residents WHERE name LIKE '周%')").await, 0);

    // With the father's written consent: registered, the consent on the household.
    let made = staff
        .ok(
            "/api/v1/residents",
            child(h, &birth, Some((guardian, "written"))),
        )
        .await;
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["child"], true);
    assert_eq!(made["name"], "周**", "answers are masked: {made}");
    assert_eq!(
        (made["gender"].clone(), made["birth_date"].clone()),
        (Value::Null, Value::Null)
    );
    let consents = staff
        .fetch(&format!("/api/v1/households/{h}/consents"))
        .await;
    let consents = consents.as_array().unwrap();
    assert_eq!(consents.len(), 1, "{consents:?}");
    let c = &consents[0];
    assert_eq!(
        (
            c["child_id"].as_i64(),
            c["guardian_id"].as_i64(),
            c["method"].as_str()
        ),
        (Some(id), Some(guardian), Some("written"))
    );
    assert_eq!(
        (c["child_name"].as_str(), c["guardian_name"].as_str()),
        (Some("周**"), Some("周建国"))
    );
    assert!(c["withdrawn_at"].is_null());

    // A second one while it holds: refused. Withdrawn once, then not again.
    let second = json!({"child_id": id, "guardian_id": guardian, "method": "in_person"});
    let r = staff
        .post(&format!("/api/v1/households/{h}/consents"), second.clone())
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "consent_in_force")
    );
    let cid = c["id"].as_i64().unwrap();
    let w = staff
        .post(&format!("/api/v1/consents/{cid}/withdraw"), json!({}))
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    assert!(w.body["withdrawn_at"].is_string());
    let again = staff
        .post(&format!("/api/v1/consents/{cid}/withdraw"), json!({}))
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "consent_withdrawn")
    );
    // Given again, in person: recorded.
    let r = staff
        .post(&format!("/api/v1/households/{h}/consents"), second)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // An adult has no consent to give: refused.
    let r = staff
        .post(
            &format!("/api/v1/households/{h}/consents"),
            json!({"child_id": guardian, "guardian_id": guardian, "method": "written"}),
        )
        .await;
    assert_eq!(r.code(), "not_a_child");

    // Each recorded and withdrawn consent is in the audit log, on the child.
    let kinds = app
        .scalar_with(
            "SELECT COUNT(*) FROM audit_log WHERE object_kind = 'resident' AND object_id = $1 \
             AND action IN ('guardian_consent', 'withdraw_consent')",
            id,
        )
        .await;
    assert_eq!(kinds, 3);
    // Another community's office does not see the household's consents.
    let street = app.login("street").await;
    let r = street
        .get(&format!("/api/v1/households/{h}/consents"))
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the street sees its communities' households"
    );
    // A resident of another household is told it is not there (a guardian of this one
    // reads it on the portal: guardian_portal.rs).
    let resident = app.login("resident2").await;
    let r = resident
        .get(&format!("/api/v1/households/{h}/consents"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_childs_fields_are_sealed_masked_in_lists_and_whole_on_a_reveal() {
    let app = TestApp::new().await;
    let (h, guardian, _) = family(&app).await;
    let staff = app.login("staff").await;
    let birth = born(&app, 9, 40);
    let id = staff
        .ok(
            "/api/v1/residents",
            child(h, &birth, Some((guardian, "in_person"))),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    // As stored: the masked name open, the rest sealed.
    let (name, gender, birth_open, sealed): (String, Option<String>, Option<String>, String) = {
        let mut c = app.state.db.conn().await.unwrap();
        linli::db::Q::new(
            "SELECT name, gender, birth_date, child_name FROM residents WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut c)
        .await
        .unwrap()
    };
    assert_eq!((name.as_str(), gender, birth_open), ("周**", None, None));
    assert!(sealed.starts_with("enc1:"), "{sealed}");
    assert!(!sealed.contains("周小雨"));

    // Lists mask it; the record whole on a reveal, audited.
    let list = staff
        .fetch(&format!("/api/v1/residents?household_id={h}"))
        .await;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(
        (row["name"].as_str(), row["child"].as_bool()),
        (Some("周**"), Some(true))
    );
    assert!(
        row["birth_date"].is_null() && row["gender"].is_null(),
        "{row}"
    );
    let whole = staff
        .fetch(&format!("/api/v1/residents/{id}?reveal=visit"))
        .await;
    assert_eq!(
        (
            whole["name"].as_str(),
            whole["gender"].as_str(),
            whole["birth_date"].as_str()
        ),
        (Some("周小雨"), Some("female"), Some(birth.as_str()))
    );

    // Found by the whole name, not by a part of it; in the 0–17 band, not in another.
    let found = residents(&staff, "q=周小雨").await;
    assert_eq!(found, vec![id]);
    assert!(!residents(&staff, "q=小雨").await.contains(&id));
    assert!(residents(&staff, "age=0-17").await.contains(&id));
    assert!(!residents(&staff, "age=18-59").await.contains(&id));
    // The counter finds the child by the whole name too, masked.
    let mut c = PageClient::login(&app, "staff").await;
    let page = c.page("/work/residents/search?q=周小雨").await;
    assert!(page.html.contains("周**"), "{}", page.html);
    assert!(
        !page.html.contains("周小雨</"),
        "the counter shows the masked name"
    );

    // The audit log of the creation names the fields, not their values.
    let detail: (String,) = {
        let mut c = app.state.db.conn().await.unwrap();
        linli::db::Q::new(
            "SELECT detail FROM audit_log WHERE object_kind = 'resident' AND object_id = $1 \
             AND action = 'create'",
        )
        .bind(id)
        .fetch_one(&mut c)
        .await
        .unwrap()
    };
    assert!(detail.0.contains("\"name\""), "{}", detail.0);
    assert!(
        !detail.0.contains("周小雨") && !detail.0.contains(&birth),
        "{}",
        detail.0
    );

    // Anonymised: the sealed fields go too.
    let r = staff
        .post(
            &format!("/api/v1/residents/{id}/anonymise"),
            json!({"reason": "监护人要求删除"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let left = app
        .scalar_with(
            "SELECT COUNT(*) FROM residents WHERE id = $1 AND (child_name IS NOT NULL \
             OR child_name_hash IS NOT NULL OR child_birth_date IS NOT NULL)",
            id,
        )
        .await;
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_daily_job_opens_a_child_turned_fourteen_and_seals_one_found_open() {
    let app = TestApp::new().await;
    let (h, guardian, _) = family(&app).await;
    let staff = app.login("staff").await;
    // Fourteen the day after tomorrow.
    let birth = born(&app, 14, -2);
    let id = staff
        .ok(
            "/api/v1/residents",
            child(h, &birth, Some((guardian, "written"))),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let report = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!((report.children_sealed, report.children_opened), (0, 0));
    app.advance_hours(3 * 24);
    let report = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(report.children_opened, 1);
    let staff = app.login("staff").await;
    let r = staff.fetch(&format!("/api/v1/residents/{id}")).await;
    assert_eq!(
        (r["name"].as_str(), r["child"].as_bool()),
        (Some("周小雨"), Some(false)),
        "{r}"
    );
    assert_eq!(r["birth_date"], birth.as_str());
    assert!(
        residents(&staff, "q=小雨").await.contains(&id),
        "found by a part again"
    );

    // A child's record found open (written before children were sealed): sealed.
    let young = born(&app, 5, 0);
    {
        let mut tx = app.state.db.begin().await.unwrap();
        linli::db::Q::new(
            "UPDATE residents SET birth_date = $1, child_name = NULL, child_name_hash = NULL \
             WHERE id = $2",
        )
        .bind(young.clone())
        .bind(id)
        .execute(&mut tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let report = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(report.children_sealed, 1);
    let r = staff.fetch(&format!("/api/v1/residents/{id}")).await;
    assert_eq!(
        (r["name"].as_str(), r["child"].as_bool()),
        (Some("周**"), Some(true)),
        "{r}"
    );
    let again = linli::demands::jobs::run_once(&app.state).await.unwrap();
    assert_eq!((again.children_sealed, again.children_opened), (0, 0));
}

#[tokio::test]
async fn a_childs_record_page_shows_the_consent_and_the_form_asks_for_one() {
    let app = TestApp::new().await;
    let (h, guardian, _) = family(&app).await;
    let mut c = PageClient::login(&app, "staff").await;
    let new = format!("/roster/households/{h}/residents/new");
    let form = c.page(&new).await;
    assert!(
        form.html.contains("id=\"guardian-consent\""),
        "{}",
        form.html
    );
    assert!(
        form.html.contains("周建国"),
        "the household's adult is offered"
    );
    let birth = born(&app, 6, 0);
    let fields = [
        ("name", "周小雨"),
        ("birth_date", birth.as_str()),
        ("gender", "female"),
        ("pii", "whole"),
    ];
    // Without the consent: the form comes back with the reason, nothing saved.
    let r = c.submit(&new, &new, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.html.contains("监护人"), "{}", r.html);
    // With it: the record, its consent, and the withdraw button.
    let g = guardian.to_string();
    let mut with = fields.to_vec();
    with.extend([("guardian_id", g.as_str()), ("consent_method", "written")]);
    let r = c.submit(&new, &new, &with).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let at = r.location.unwrap();
    let page = c.page(&at).await;
    assert!(
        page.html.contains("监护人同意") && page.html.contains("书面签字"),
        "{}",
        page.html
    );
    assert!(
        page.html.contains("周**"),
        "the title is masked until shown"
    );
    assert!(!page.html.contains("周小雨"), "{}", page.html);
    let cid = app
        .scalar_with(
            "SELECT id FROM guardian_consents WHERE guardian_id = $1",
            guardian,
        )
        .await;
    let w = format!("/roster/consents/{cid}/withdraw");
    assert!(page.html.contains(&w));
    let path = at.split('?').next().unwrap().to_string();
    let r = c.submit(&path, &w, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = c.page(r.location.as_deref().unwrap()).await;
    assert!(page.html.contains("尚无有效的监护人同意"), "{}", page.html);
    assert!(
        page.html
            .contains(&format!("/roster/households/{h}/consents"))
    );
    // Recorded again from the record's own form.
    let child_id = path.rsplit('/').next().unwrap().to_string();
    let r = c
        .submit(
            &path,
            &format!("/roster/households/{h}/consents"),
            &[
                ("child_id", &child_id),
                ("guardian_id", &g),
                ("method", "in_person"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = c.page(r.location.as_deref().unwrap()).await;
    assert!(page.html.contains("当面确认"), "{}", page.html);
}
