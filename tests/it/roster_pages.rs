//! The roster in pages (issue 13, item 7): staff edit residents and households through
//! forms that refuse what the API refuses (and change nothing then), the resident list
//! filters by tag, grid, compound, building and age band within the caller's scope, and
//! every list leaves as a file that opens, holds exactly the list, is masked for those
//! who may not see whole values, and is in the audit log.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use linli::auth::{Role, password, store as users};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::TestApp;
use crate::common::pages::PageClient;

/// The community of two grids (grid01's building 1, grid02's building 2), its office
/// (`staff`) and its street (`street`, who sees residents masked), and four residents:
/// 老甲 (grid 1, elderly living alone, 85), 中乙 (grid 1, volunteer, 66), 小丙 (grid 2,
/// elderly living alone, 12: the tag on a child, to tell the tag filter from the age
/// filter), 青丁 (grid 2, 35).
struct World {
    app: TestApp,
    ids: [i64; 4],
}

const NAMES: [&str; 4] = ["老甲", "中乙", "小丙", "青丁"];

fn this_year(app: &TestApp) -> i16 {
    linli::clock::civil_in(app.now(), &linli::clock::china())
        .unwrap()
        .year()
}

async fn world() -> World {
    let app = TestApp::bare()
        .await
        .with_staff("staff")
        .await
        .with_grid_worker("grid01")
        .await
        .with_grid_worker("grid02")
        .await;
    let place = app.world.place.unwrap();
    let hash = password::hash(password::DEMO_PASSWORD).unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    users::insert(
        &mut tx,
        &users::NewUser {
            username: "street",
            display_name: "街道",
            role: Role::Street,
            password_hash: &hash,
            password_is_demo: true,
            street_id: Some(place.street_id),
            community_id: None,
            unit_id: None,
            resident_id: None,
            phone: None,
        },
        app.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let year = this_year(&app);
    let staff = app.login("staff").await;
    let g1 = app.world.grids[0].2.clone();
    let g2 = app.world.grids[1].2.clone();
    let people = [
        (g1[0], 85, vec!["elderly_alone"], "13800000001"),
        (g1[1], 66, vec!["volunteer"], "13800000002"),
        (g2[0], 12, vec!["elderly_alone"], "13800000003"),
        (g2[1], 35, vec![], "13800000004"),
    ];
    let mut ids = [0; 4];
    for (i, (household, age, tags, phone)) in people.into_iter().enumerate() {
        // Born on the first of January: the age is the same all year.
        let born = format!("{}-01-01", year - age);
        let r = staff
            .ok(
                "/api/v1/residents",
                json!({"household_id": household, "name": NAMES[i], "birth_date": born,
                       "phone": phone, "relation": "户主", "tags": tags}),
            )
            .await;
        ids[i] = r["id"].as_i64().unwrap();
    }
    World { app, ids }
}

/// The residents a list page shows, by id, in order.
fn listed(html: &str) -> Vec<i64> {
    html.split("data-resident=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

impl World {
    fn id(&self, name: &str) -> i64 {
        self.ids[NAMES.iter().position(|n| *n == name).unwrap()]
    }

    fn of(&self, names: &[&str]) -> Vec<i64> {
        names.iter().map(|n| self.id(n)).collect()
    }

    async fn building(&self, grid: usize) -> i64 {
        let household = self.app.world.grids[grid].2[0];
        self.app
            .scalar_with(
                "SELECT building_id FROM households WHERE id = $1",
                household,
            )
            .await
    }

    async fn stored(&self, id: i64) -> Value {
        self.app
            .login("staff")
            .await
            .fetch(&format!("/api/v1/residents/{id}"))
            .await
    }
}

/// A download through the pages' session: status, content type and the bytes.
async fn download(c: &PageClient<'_>, path: &str) -> (StatusCode, String, Vec<u8>) {
    let req = Request::get(path)
        .header(header::COOKIE, c.cookie_header())
        .body(Body::empty())
        .unwrap();
    let res = c.app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, ct, bytes)
}

/// The rows of the first sheet of a workbook, every cell as text.
fn sheet(bytes: Vec<u8>) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("the file opens");
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn a_resident_is_edited_in_pages_and_a_refused_form_changes_nothing() {
    let w = world().await;
    let id = w.id("中乙");
    let before = w.stored(id).await;
    let mut c = PageClient::login(&w.app, "staff").await;
    let path = format!("/roster/residents/{id}/edit");
    let form = c.page(&path).await;
    // The office sees the phone whole, so the form holds it whole.
    assert!(form.html.contains("value=\"13800000002\""), "{}", form.html);
    let was = |k: &str| -> String {
        let at = form
            .html
            .find(&format!("name=\"{k}_was\" value=\""))
            .unwrap();
        let rest = &form.html[at + k.len() + 16..];
        rest[..rest.find('"').unwrap()].to_string()
    };
    let base = |phone: &'static str, name: &'static str| {
        vec![
            ("pii", "whole".to_string()),
            ("name", name.to_string()),
            ("name_was", was("name")),
            ("gender", String::new()),
            ("gender_was", was("gender")),
            ("birth_date", was("birth_date")),
            ("birth_date_was", was("birth_date")),
            ("id_number", String::new()),
            ("id_number_was", was("id_number")),
            ("phone", phone.to_string()),
            ("phone_was", was("phone")),
            ("relation", "户主".to_string()),
            ("relation_was", was("relation")),
            ("health_note", String::new()),
            ("health_note_was", was("health_note")),
            ("tags_sent", "1".to_string()),
            ("tag", "elderly_alone".to_string()),
            ("tag", "disabled".to_string()),
        ]
    };
    let send = |f: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { f.clone() };

    // A phone the API refuses: 422, the field named in Chinese, what was typed kept,
    // nothing changed.
    let bad = send(&base("12345", "王中乙"));
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.submit(&path, &path, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("电话 格式不正确"), "{}", r.html);
    assert!(
        !r.html.contains("phone 格式"),
        "the field is named in Chinese"
    );
    assert!(r.html.contains("value=\"12345\""), "what was typed stays");
    assert!(r.html.contains("value=\"王中乙\""), "what was typed stays");
    let after = w.stored(id).await;
    assert_eq!(after["name"], before["name"]);
    assert_eq!(after["phone"], before["phone"]);
    assert_eq!(after["updated_at"], before["updated_at"]);

    // A good one: saved, and the record is shown with a confirmation.
    let good = send(&base("13900000009", "王中乙"));
    let pairs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.submit(&path, &path, &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let shown = c.page(r.location.as_deref().unwrap()).await;
    assert!(shown.html.contains("已保存"), "{}", shown.html);
    assert!(shown.html.contains("王中乙") && shown.html.contains("独居老人"));
    let after = w.stored(id).await;
    assert_eq!(after["name"], "王中乙");
    assert_eq!(after["phone"], "13900000009");
    assert_eq!(
        after["birth_date"], before["birth_date"],
        "left alone, kept"
    );
    let mut tags: Vec<&str> = after["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    tags.sort();
    assert_eq!(tags, ["disabled", "elderly_alone"], "the tags replaced");

    // An ID number with a wrong check digit: refused on the ID number, named in Chinese.
    let first17 = "13010419600101002";
    let good = format!("{first17}{}", linli::roster::ids::check_digit(first17));
    let wrong = format!("{first17}{}", if good.ends_with('0') { '1' } else { '0' });
    let mut typed = send(&base("13900000009", "王中乙"));
    for (k, v) in typed.iter_mut() {
        match *k {
            "phone_was" => *v = "13900000009".into(),
            "name_was" => *v = "王中乙".into(),
            "id_number" => *v = wrong.clone(),
            _ => {}
        }
    }
    let pairs: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.submit(&path, &path, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("身份证号码不正确"), "{}", r.html);
    assert!(
        r.html.contains(&format!("value=\"{wrong}\"")),
        "what was typed stays"
    );
    assert_eq!(w.stored(id).await["id_number"], Value::Null);
}

#[tokio::test]
async fn a_masked_form_never_saves_the_mask_and_keeps_what_it_cannot_see() {
    let w = world().await;
    let id = w.id("老甲");
    // The office gives 老甲 a sensitive tag the street may not see.
    let staff = w.app.login("staff").await;
    let r = staff
        .patch(
            &format!("/api/v1/residents/{id}"),
            json!({"tags": ["elderly_alone", "low_income"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let mut c = PageClient::login(&w.app, "street").await;
    let path = format!("/roster/residents/{id}/edit");
    let form = c.page(&path).await;
    assert!(
        !form.html.contains("13800000001"),
        "the street sees no whole phone"
    );
    assert!(form.html.contains("138****0001"), "the mask is a hint");
    assert!(!form.html.contains("低收入"), "nor the sensitive tag");
    // Blank masked fields and a new relation: only the relation changes.
    let r = c
        .submit(
            &path,
            &path,
            &[
                ("pii", "masked"),
                ("name", "老甲"),
                ("name_was", "老甲"),
                ("phone", ""),
                ("phone_was", ""),
                ("id_number", ""),
                ("id_number_was", ""),
                ("relation", "本人"),
                ("relation_was", "户主"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let after = w.stored(id).await;
    assert_eq!(after["relation"], "本人");
    assert_eq!(
        after["phone"], "13800000001",
        "the phone is kept, not masked"
    );
    let tags = after["tags"].to_string();
    assert!(tags.contains("low_income"), "{tags}");
    // The mask typed back is refused, not saved.
    let r = c
        .submit(
            &path,
            &path,
            &[
                ("pii", "masked"),
                ("phone", "138****0001"),
                ("name", "老甲"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert_eq!(w.stored(id).await["phone"], "13800000001");
}

#[tokio::test]
async fn residents_are_added_moved_out_and_households_edited_in_pages() {
    let w = world().await;
    let mut c = PageClient::login(&w.app, "staff").await;
    let household = w.app.world.grids[0].2[3];
    let path = format!("/roster/households/{household}/residents/new");
    // No name: refused, named, nothing added.
    let n = w.app.scalar("SELECT COUNT(*) FROM residents").await;
    let r = c.submit(&path, &path, &[("relation", "子女")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("缺少必填项：名称"), "{}", r.html);
    assert!(r.html.contains("value=\"子女\""));
    assert_eq!(w.app.scalar("SELECT COUNT(*) FROM residents").await, n);
    let r = c
        .submit(
            &path,
            &path,
            &[
                ("name", "新来的"),
                ("relation", "子女"),
                ("tags_sent", "1"),
                ("tag", "floating"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let at = r.location.unwrap();
    let id: i64 = at["/roster/residents/".len()..at.find('?').unwrap()]
        .parse()
        .unwrap();
    let shown = c.page(&at).await;
    assert!(shown.html.contains("新来的") && shown.html.contains("流动人口"));
    assert_eq!(w.stored(id).await["household_id"], household);

    // Moving out keeps the resident on the community's roster, in no household.
    let r = c
        .submit(
            &format!("/roster/residents/{id}/edit"),
            &format!("/roster/residents/{id}/move-out"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(w.stored(id).await["household_id"], Value::Null);

    // Removing takes them off the roster; the list says so and no longer shows them.
    let r = c
        .submit(
            &format!("/roster/residents/{id}/edit"),
            &format!("/roster/residents/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = c.page(r.location.as_deref().unwrap()).await;
    assert!(list.html.contains("居民已从名册删除"), "{}", list.html);
    assert!(!listed(&list.html).contains(&id));
    assert_eq!(
        w.app
            .scalar_with("SELECT COUNT(*) FROM residents WHERE id = $1", id)
            .await,
        0
    );

    // A household: a blank room is refused on 门牌, a good edit saved.
    let path = format!("/roster/households/{household}/edit");
    let r = c
        .submit(&path, &path, &[("unit_no", "2单元"), ("room", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("门牌"), "{}", r.html);
    let room = || async {
        w.app
            .scalar_with(
                "SELECT COUNT(*) FROM households WHERE id = $1 AND room = '202'",
                household,
            )
            .await
    };
    assert_eq!(room().await, 1, "nothing changed");
    let r = c
        .submit(&path, &path, &[("unit_no", "2单元"), ("room", "203")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let b = c.page(r.location.as_deref().unwrap()).await;
    assert!(b.html.contains("住户已保存") && b.html.contains("2单元 203"));
    let building = w.building(0).await;
    let path = format!("/roster/buildings/{building}/households/new");
    let r = c
        .submit(&path, &path, &[("unit_no", "1单元"), ("room", "301")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert!(
        c.page(&format!("/roster/buildings/{building}"))
            .await
            .html
            .contains("1单元 301")
    );
}

#[tokio::test]
async fn the_resident_list_filters_by_tag_grid_building_and_age_band() {
    let w = world().await;
    let mut c = PageClient::login(&w.app, "staff").await;
    let grid1 = w.app.world.grids[0].0;
    let building2 = w.building(1).await;
    let cases: [(String, &[&str]); 8] = [
        (String::new(), &["老甲", "中乙", "小丙", "青丁"]),
        ("tag=elderly_alone".into(), &["老甲", "小丙"]),
        (format!("tag=elderly_alone&grid_id={grid1}"), &["老甲"]),
        (format!("building_id={building2}"), &["小丙", "青丁"]),
        ("age=80%2B".into(), &["老甲"]),
        ("age=60-79".into(), &["中乙"]),
        ("age=0-17&tag=elderly_alone".into(), &["小丙"]),
        ("q=%E4%B9%99".into(), &["中乙"]),
    ];
    for (query, names) in cases {
        let p = c.page(&format!("/roster/residents?{query}")).await;
        assert_eq!(listed(&p.html), w.of(names), "?{query}");
        assert!(
            p.html.contains(&format!("共 {} 人", names.len())),
            "?{query}: the total"
        );
    }
    // A compound holds both buildings.
    let compound = w.app.world.compound.unwrap();
    let p = c
        .page(&format!("/roster/residents?compound_id={compound}"))
        .await;
    assert_eq!(listed(&p.html).len(), 4);
    // A bad age band: refused with the field named, no list.
    let r = c.get("/roster/residents?age=100").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.html.contains("年龄段"), "{}", r.html);
    assert!(listed(&r.html).is_empty());
    // Pages of the list follow the cursor with the filters kept.
    let first = c.page("/roster/residents").await;
    assert!(!first.html.contains("rel=\"next\""), "four fit on one page");

    // A birthday moves a resident between bands by the state's clock, not the system's:
    // 将成年 turns 18 tomorrow on the state's clock.
    use jiff::ToSpan;
    let today = linli::clock::civil_in(w.app.now(), &linli::clock::china())
        .unwrap()
        .date();
    let born = today.checked_sub(18.years()).unwrap().tomorrow().unwrap();
    let staff = w.app.login("staff").await;
    let household = w.app.world.grids[1].2[2];
    let soon = staff
        .ok(
            "/api/v1/residents",
            json!({"household_id": household, "name": "将成年", "birth_date": born.to_string()}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let minors = c.page("/roster/residents?age=0-17").await;
    assert_eq!(listed(&minors.html), vec![w.id("小丙"), soon]);
    w.app.advance_hours(48);
    let mut c = PageClient::login(&w.app, "staff").await;
    let minors = c.page("/roster/residents?age=0-17").await;
    assert_eq!(listed(&minors.html), w.of(&["小丙"]));
    let adults = c.page("/roster/residents?age=18-59").await;
    assert_eq!(listed(&adults.html), vec![w.id("青丁"), soon]);
}

#[tokio::test]
async fn a_grid_worker_lists_only_their_own_grid() {
    let w = world().await;
    let mut c = PageClient::login(&w.app, "grid01").await;
    let p = c.page("/roster/residents").await;
    assert_eq!(listed(&p.html), w.of(&["老甲", "中乙"]));
    let p = c.page("/roster/residents?tag=elderly_alone").await;
    assert_eq!(
        listed(&p.html),
        w.of(&["老甲"]),
        "the elderly alone of my grid"
    );
    let grid2 = w.app.world.grids[1].0;
    let p = c.page(&format!("/roster/residents?grid_id={grid2}")).await;
    assert!(listed(&p.html).is_empty(), "another grid: nobody");
    let other = w.id("小丙");
    let r = c.get(&format!("/roster/residents/{other}/edit")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Their export is their grid too.
    let (status, _, bytes) = download(&c, "/roster/residents/export?format=xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let rows = sheet(bytes);
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["老甲", "中乙"]);
}

#[tokio::test]
async fn exports_open_hold_the_filtered_list_are_masked_and_audited() {
    let w = world().await;
    let mut c = PageClient::login(&w.app, "staff").await;
    let p = c.page("/roster/residents?tag=elderly_alone").await;
    assert!(
        p.html
            .contains("/roster/residents/export?format=xlsx&amp;tag=elderly_alone")
    );
    let (status, ct, bytes) =
        download(&c, "/roster/residents/export?format=xlsx&tag=elderly_alone").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"), "{ct}");
    let rows = sheet(bytes);
    assert_eq!(
        rows[0],
        [
            "编号",
            "姓名",
            "性别",
            "出生日期",
            "身份证号",
            "电话",
            "小区",
            "楼栋",
            "单元",
            "门牌",
            "网格",
            "与户主关系",
            "标签"
        ]
    );
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(names, ["老甲", "小丙"], "exactly the filtered list");
    assert_eq!(rows[1][5], "13800000001", "the office sees phones whole");
    assert_eq!(rows[1][7], "1号楼");
    assert_eq!(rows[1][12], "独居老人");

    // The street sees the same list masked.
    let street = PageClient::login(&w.app, "street").await;
    let (status, ct, bytes) = download(&street, "/roster/residents/export?format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a byte-order mark for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert!(row[5].contains("****"), "masked: {row:?}");
    }
    assert!(!text.contains("13800000001"));
    // Households and buildings leave as files too.
    let (status, _, bytes) = download(&c, "/roster/households/export?format=xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sheet(bytes).len(), 1 + 8, "eight households and the header");
    let (status, _, bytes) = download(&c, "/roster/buildings/export?format=xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let rows = sheet(bytes);
    assert_eq!(rows[0][2], "楼栋");
    assert_eq!(rows.len(), 3);
    // A sensitive tag is not the street's to export.
    let (status, _, _) = download(
        &street,
        "/roster/residents/export?format=csv&tag=low_income",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "as the API refuses it");

    // Each export is in the audit log: who, what, how many, whether whole.
    let audited = w
        .app
        .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'export'")
        .await;
    assert_eq!(audited, 4);
    let staff_id = w.app.user_id("staff").await;
    let whole = w
        .app
        .scalar_with(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object_kind = 'resident' \
             AND detail LIKE '%rows=2%' AND user_id = $1",
            staff_id,
        )
        .await;
    assert_eq!(whole, 1);
}

#[tokio::test]
async fn the_resident_page_shows_flags_and_links_to_their_demands() {
    let w = world().await;
    let id = w.id("老甲");
    let mut c = PageClient::login(&w.app, "staff").await;
    let p = c.page(&format!("/roster/residents/{id}")).await;
    assert!(p.html.contains("独居老人"));
    let link = format!("/work/demands?resident_id={id}");
    assert!(p.html.contains(&link), "{}", p.html);
    // The demand list takes the filter: a demand of 老甲 is listed, another's is not.
    let staff = w.app.login("staff").await;
    let mine = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "description": "楼道灯坏了", "resident_id": id, "category": "water"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let other = staff
        .ok(
            "/api/v1/demands",
            json!({"channel": "phone", "description": "水管漏水", "resident_id": w.id("青丁"), "category": "water"}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let list = staff
        .fetch(&format!("/api/v1/demands?resident_id={id}"))
        .await;
    let ids = crate::common::ids(&list);
    assert!(ids.contains(&mine) && !ids.contains(&other), "{list}");
    let page = c.page(&link).await;
    assert!(page.html.contains("楼道灯坏了") && !page.html.contains("水管漏水"));
}

#[tokio::test]
async fn the_tree_pages_link_to_their_lists_files() {
    let w = world().await;
    let mut c = PageClient::login(&w.app, "staff").await;
    let building = w.building(0).await;
    // Links as the browser reads them (`&` escaped one way or another in the HTML).
    let unescaped = |h: &str| h.replace("&#38;", "&").replace("&amp;", "&");
    let p = c.page(&format!("/roster/buildings/{building}")).await;
    let href = format!("/roster/households/export?format=xlsx&building_id={building}");
    assert!(unescaped(&p.html).contains(&href), "{}", p.html);
    let (status, _, bytes) = download(&c, &href).await;
    assert_eq!(status, StatusCode::OK);
    let rows = sheet(bytes);
    assert_eq!(rows.len(), 1 + 4, "the building's four households");
    assert!(rows[1..].iter().all(|r| r[2] == "1号楼"));
    let compound = w.app.world.compound.unwrap();
    let p = c.page(&format!("/roster/compounds/{compound}")).await;
    assert!(unescaped(&p.html).contains(&format!(
        "/roster/buildings/export?format=xlsx&compound_id={compound}"
    )));
}

#[tokio::test]
async fn the_list_pages_by_keyset_with_its_filters_and_total_kept() {
    use linli::roster::store::{self as roster, NewResident};
    let w = world().await;
    let place = w.app.world.place.unwrap();
    let household = w.app.world.grids[0].2[2];
    let mut tx = w.app.state.db.begin().await.unwrap();
    let mut added = Vec::new();
    for i in 0..57 {
        let name = format!("邻居{i:02}");
        let r = NewResident {
            household_id: Some(household),
            name: &name,
            relation: "子女",
            tags: &["volunteer"],
            ..Default::default()
        };
        added.push(
            roster::insert_resident(&mut tx, place, &r, w.app.now())
                .await
                .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    // 中乙 and the 57: 58 volunteers, 50 on the first page.
    let mut c = PageClient::login(&w.app, "staff").await;
    let first = c.page("/roster/residents?tag=volunteer").await;
    assert!(first.html.contains("共 58 人"));
    let mut seen = listed(&first.html);
    assert_eq!(seen.len(), 50);
    let next = first.html.split("rel=\"next\"").next().unwrap();
    let at = next.rfind("href=\"").unwrap();
    let href = next[at + 6..]
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&");
    assert!(
        href.contains("tag=volunteer") && href.contains("cursor="),
        "{href}"
    );
    let second = c.page(&href).await;
    assert!(second.html.contains("共 58 人"), "the total stays");
    assert!(
        !second.html.contains("rel=\"next\""),
        "the last page: {href} {:?}",
        listed(&second.html)
    );
    seen.extend(listed(&second.html));
    let mut all = vec![w.id("中乙")];
    all.extend(added);
    assert_eq!(seen, all, "every volunteer once, in order");
}

#[tokio::test]
async fn the_way_down_to_a_resident_is_named_place_by_place() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let resident = app
        .scalar("SELECT resident_id FROM users WHERE username = 'resident'")
        .await;
    let r = staff.fetch(&format!("/api/v1/residents/{resident}")).await;
    let building = staff
        .fetch(&format!("/api/v1/buildings/{}", r["building_id"]))
        .await;
    let compound = staff
        .fetch(&format!("/api/v1/compounds/{}", building["compound_id"]))
        .await;
    let community = staff
        .fetch(&format!("/api/v1/communities/{}", building["community_id"]))
        .await;
    let mut c = PageClient::login(&app, "staff").await;
    let html = c.page(&format!("/roster/residents/{resident}")).await.html;
    let nav = &html[html.find("<nav aria-label=\"位置\">").expect("a path")..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    for (name, href) in [
        (
            community["name"].as_str().unwrap(),
            format!("/roster/communities/{}", community["id"]),
        ),
        (
            compound["name"].as_str().unwrap(),
            format!("/roster/compounds/{}", compound["id"]),
        ),
        (
            building["name"].as_str().unwrap(),
            format!("/roster/buildings/{}", building["id"]),
        ),
    ] {
        assert!(
            nav.contains(&format!("<a href=\"{href}\">{name}</a>")),
            "{name}: {nav}"
        );
    }
}
