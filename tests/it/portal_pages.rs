//! The residents' portal as a phone shows it, without a browser: the "please rate" prompt
//! and badges, the rating shown back with a thank-you, the place and the photo pickers of
//! the new-demand form, the confirmation with the expected times, and the large-text view
//! remembered in a cookie.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::common::pages::{PageClient, PageResp};
use crate::common::{Client, TestApp, step};

/// A demand Aunt Pan raised through the API, taken to "fed back, waiting for her rating".
async fn fed_back(app: &TestApp, resident: &Client<'_>, description: &str) -> i64 {
    let id = submitted(resident, description).await;
    let staff = app.login("staff").await;
    step(&staff, id, "accept", json!({})).await;
    step(&staff, id, "resolve", json!({"result": "已修好"})).await;
    let d = step(
        &staff,
        id,
        "feedback",
        json!({"method": "phone", "note": "已电话告知"}),
    )
    .await;
    assert_eq!(d["status"], "feedback_given");
    id
}

async fn submitted(resident: &Client<'_>, description: &str) -> i64 {
    resident
        .ok(
            "/api/v1/demands",
            json!({"channel": "wechat", "description": description, "category": "water"}),
        )
        .await["id"]
        .as_i64()
        .unwrap()
}

/// How many times `needle` occurs in the page.
fn count(r: &PageResp, needle: &str) -> usize {
    r.html.matches(needle).count()
}

/// The list's card of demand `id`.
fn card_of(r: &PageResp, id: i64) -> String {
    let link = format!("href=\"/me/demands/{id}");
    r.html
        .match_indices("<a class=\"card mine-card")
        .map(|(i, _)| {
            let end = r.html[i..].find("</a>").unwrap();
            r.html[i..i + end].to_string()
        })
        .find(|card| card.contains(&format!("{link}\"")) || card.contains(&format!("{link}#")))
        .unwrap_or_else(|| panic!("a card for demand {id}"))
}

#[tokio::test]
async fn the_portal_prompts_for_what_waits_for_a_rating_and_badges_it_in_the_list() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    let waiting = fed_back(&app, &resident, "楼道灯不亮，晚上看不见台阶").await;
    let open = submitted(&resident, "小区东门的路面塌了一块").await;
    let mut pan = PageClient::login(&app, "resident").await;
    let mine = pan.page("/me").await;
    let n = app
        .scalar_with(
            "SELECT COUNT(*) FROM demands WHERE status = 'feedback_given' AND household_id = \
             (SELECT household_id FROM demands WHERE id = $1)",
            waiting,
        )
        .await;
    assert!(n >= 1);
    assert!(
        mine.html.contains(&format!("您有 {n} 件诉求待评价")),
        "the prompt counts them: {}",
        mine.html
    );
    let prompt_at = mine.html.find("您有").unwrap();
    let list_at = mine.html.find("class=\"plain mine\"").unwrap();
    assert!(prompt_at < list_at, "the prompt comes before the list");
    assert!(
        mine.html[prompt_at..list_at].contains(&format!("href=\"/me/demands/{waiting}#rate\"")),
        "the prompt links to the demand's rating"
    );
    assert!(card_of(&mine, waiting).contains("待评价"));
    assert!(!card_of(&mine, open).contains("待评价"));
    assert!(
        card_of(&mine, open).contains("待受理"),
        "its state is shown"
    );
    assert_eq!(
        count(&mine, "<span class=\"badge\">"),
        n as usize,
        "one badge per demand waiting"
    );

    // Rated, it waits no more.
    pan.submit(
        &format!("/me/demands/{waiting}"),
        &format!("/me/demands/{waiting}/rate"),
        &[("solved", "true"), ("satisfaction", "satisfied")],
    )
    .await;
    let mine = pan.page("/me").await;
    assert!(!card_of(&mine, waiting).contains("待评价"));
    if n == 1 {
        assert!(!mine.html.contains("件诉求待评价"), "no prompt left");
    }
}

#[tokio::test]
async fn after_rating_she_is_thanked_and_sees_her_rating_on_the_demand() {
    let app = TestApp::new().await;
    let resident = app.login("resident").await;
    let id = fed_back(&app, &resident, "热水器漏水").await;
    let mut pan = PageClient::login(&app, "resident").await;
    let page = format!("/me/demands/{id}");
    let before = pan.page(&page).await;
    assert!(!before.html.contains("您的评价"), "nothing rated yet");
    assert!(
        before.html.contains("class=\"choice\""),
        "the large choices"
    );
    let r = pan
        .submit(
            &page,
            &format!("{page}/rate"),
            &[
                ("solved", "true"),
                ("satisfaction", "basically"),
                ("comment", "修得挺快"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = r.location.unwrap();
    assert_eq!(to, format!("{page}?rated=1"));
    let after = pan.page(&to).await;
    assert!(after.html.contains("感谢您的评价！"), "{}", after.html);
    assert!(after.html.contains("您的评价"));
    assert!(after.html.contains("已解决 · 基本满意"));
    assert!(after.html.contains("修得挺快"));
    assert!(!after.html.contains("提交评价"), "no second rating form");
    let later = pan.page(&page).await;
    assert!(!later.html.contains("感谢您的评价"), "thanked once");
    assert!(later.html.contains("已解决 · 基本满意"), "the rating stays");

    // Not satisfied: thanked, and told the work goes on.
    let id = fed_back(&app, &resident, "垃圾桶满了没人清").await;
    let page = format!("/me/demands/{id}");
    let r = pan
        .submit(
            &page,
            &format!("{page}/rate"),
            &[("solved", "false"), ("satisfaction", "unsatisfied")],
        )
        .await;
    let after = pan.page(r.location.as_deref().unwrap()).await;
    assert!(after.html.contains("感谢您的评价，我们会继续办理。"));
    assert!(after.html.contains("未解决 · 不满意"));
}

/// A multipart form as a phone sends it: text fields, then the two photo pickers empty.
fn multipart(fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----linli-portal-test";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for _ in 0..2 {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn send_new(pan: &mut PageClient<'_>, fields: &[(&str, &str)]) -> PageResp {
    let csrf = pan.page("/me/new").await.csrf();
    let mut all = fields.to_vec();
    all.push(("csrf", &csrf));
    let (kind, body) = multipart(&all);
    let req = Request::post("/me/new")
        .header(header::COOKIE, pan.cookie_header())
        .header(header::CONTENT_TYPE, kind)
        .body(Body::from(body))
        .unwrap();
    pan.send(req).await
}

#[tokio::test]
async fn a_new_demand_keeps_its_place_and_is_confirmed_with_the_times_it_is_due() {
    let app = TestApp::new().await;
    let mut pan = PageClient::login(&app, "resident").await;
    let form = pan.page("/me/new").await;
    assert!(form.html.contains("name=\"location\""), "a place field");
    assert!(form.html.contains("问题在哪里？"));
    assert_eq!(
        count(&form, "type=\"file\" name=\"photo\" accept=\"image/*\""),
        2,
        "the album and the camera"
    );
    assert_eq!(
        count(&form, "capture=\"environment\""),
        1,
        "one is the camera"
    );

    let r = send_new(
        &mut pan,
        &[
            ("category", "water"),
            ("description", "3号楼楼道的水管在滴水"),
            ("location", "3号楼2单元 楼道"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let to = r.location.unwrap();
    assert!(to.ends_with("?sent=1"), "{to}");
    let id: i64 = to
        .trim_start_matches("/me/demands/")
        .trim_end_matches("?sent=1")
        .parse()
        .unwrap();
    let resident = app.login("resident").await;
    let d = resident.fetch(&format!("/api/v1/demands/{id}")).await["demand"].clone();
    assert_eq!(d["location"], "3号楼2单元 楼道", "the place is stored");
    let short = |k: &str| d[k].as_str().unwrap()[..16].replace('T', " ");
    let page = pan.page(&to).await;
    assert!(page.html.contains("您的诉求已提交"), "{}", page.html);
    assert!(page.html.contains(&format!("诉求编号：{id}")));
    assert!(
        page.html
            .contains(&format!("社区将在 {} 前受理", short("accept_due_at")))
    );
    assert!(page.html.contains(&format!(
        "并在 {} 前给您答复办理结果",
        short("feedback_due_at")
    )));
    assert!(
        page.html.contains("3号楼2单元 楼道"),
        "the place shown back"
    );
    let again = pan.page(&format!("/me/demands/{id}")).await;
    assert!(!again.html.contains("您的诉求已提交"), "confirmed once");
    assert!(
        again
            .html
            .contains(&format!("应于 {} 前答复", short("feedback_due_at")))
    );
}

#[tokio::test]
async fn a_place_too_long_is_refused_with_the_field_named_and_the_text_kept() {
    let app = TestApp::new().await;
    let mut pan = PageClient::login(&app, "resident").await;
    let before = app.scalar("SELECT COUNT(*) FROM demands").await;
    let long = "很".repeat(201);
    let r = send_new(
        &mut pan,
        &[("description", "路灯坏了"), ("location", long.as_str())],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(
        r.html.contains("地点 过长，最多 200 个字"),
        "the field is named in her language: {}",
        r.html
    );
    assert!(r.html.contains("路灯坏了"), "the text is kept");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM demands").await, before);
}

#[tokio::test]
async fn the_large_text_view_is_one_tap_away_and_remembered_on_every_page() {
    let app = TestApp::new().await;
    let mut anon = PageClient::new(&app);
    let login = anon.page("/login").await;
    assert!(login.html.contains("href=\"/login?large_text=1\""));
    assert!(login.html.contains("aria-pressed=\"false\""));
    assert!(!login.html.contains("class=\"large\""));

    let mut pan = PageClient::login(&app, "resident").await;
    let r = pan.get("/me?large_text=1").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.html
            .starts_with("<!doctype html>\n<html lang=\"zh-CN\" class=\"large\">")
    );
    assert!(r.html.contains("aria-pressed=\"true\""));
    assert!(
        r.html.contains("href=\"/me?large_text=0\""),
        "and one tap back"
    );
    for path in ["/me", "/me/new"] {
        let p = pan.page(path).await;
        assert!(
            p.html.contains("<html lang=\"zh-CN\" class=\"large\">"),
            "{path} remembers it (server-side, no flash)"
        );
    }
    let off = pan.get("/me/new?large_text=0").await;
    assert!(!off.html.contains("class=\"large\""));
    assert!(!pan.page("/me").await.html.contains("class=\"large\""));

    // The cookie is the same for everyone, staff pages too, and in English.
    let mut staff = PageClient::login(&app, "staff").await;
    staff.set_cookie("large_text", "1");
    staff.set_cookie("lang", "en");
    let w = staff.page("/work").await;
    assert!(w.html.contains("<html lang=\"en\" class=\"large\">"));
    assert!(w.html.contains(">Large text</a>"));
}
