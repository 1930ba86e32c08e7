//! The resident list: filters, scope, files, links, keyset pages and the path to a page.

use super::*;

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
async fn the_resident_page_shows_flags_and_their_demands() {
    let w = world().await;
    let id = w.id("老甲");
    let mut c = PageClient::login(&w.app, "staff").await;
    let record = format!("/roster/residents/{id}");
    let p = c.page(&record).await;
    assert!(p.html.contains("独居老人"));
    assert!(
        p.html.contains("诉求（共 0 件，未办结 0 件）"),
        "{}",
        p.html
    );
    assert!(p.html.contains("该居民还没有提出过诉求"));
    let staff = w.app.login("staff").await;
    let raise = |who: i64, what: &'static str| {
        let staff = &staff;
        async move {
            staff
                .ok(
                    "/api/v1/demands",
                    json!({"channel": "phone", "description": what, "resident_id": who, "category": "water"}),
                )
                .await["id"]
                .as_i64()
                .unwrap()
        }
    };
    let first = raise(id, "楼道灯坏了").await;
    raise(id, "门禁卡失灵").await;
    raise(w.id("青丁"), "水管漏水").await;
    // One of 老甲's two is declined (not the community's to handle): one is still open.
    crate::common::step(
        &staff,
        first,
        "decline",
        json!({"reason": "属于物业合同内维修，已告知居民联系物业"}),
    )
    .await;
    let p = c.page(&record).await;
    assert!(
        p.html.contains("诉求（共 2 件，未办结 1 件）"),
        "{}",
        p.html
    );
    assert!(p.html.contains("楼道灯坏了") && p.html.contains("门禁卡失灵"));
    assert!(
        !p.html.contains("水管漏水"),
        "another resident's demand is not on the record"
    );
    let link = format!("/work/demands?resident_id={id}");
    assert!(p.html.contains(&link), "{}", p.html);
    // The demand list takes the filter, and its next page keeps it.
    let list = staff
        .fetch(&format!("/api/v1/demands?resident_id={id}"))
        .await;
    assert_eq!(crate::common::ids(&list).len(), 2, "{list}");
    let page = c.page(&format!("{link}&limit=1")).await;
    assert!(!page.html.contains("水管漏水"));
    let links = page.html.replace("&#38;", "&").replace("&amp;", "&");
    assert!(
        links.contains(&format!("resident_id={id}&cursor=")),
        "the next page keeps the resident: {links}"
    );
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
