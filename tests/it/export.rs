//! Exports of the demand list (CSV and Excel): the same rows as the list, in the same
//! order, in the caller's scope and language, phones masked, bad requests refused.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use linli::db::Q;
use serde_json::json;

use crate::common::{Client, RawResp, TestApp, record};

const BOM: &[u8] = b"\xEF\xBB\xBF";

const HEADER_ZH: [&str; 15] = [
    "编号",
    "登记时间",
    "来源渠道",
    "类别",
    "标题",
    "状态",
    "紧急程度",
    "社区",
    "网格",
    "反映人",
    "联系电话",
    "反馈时限",
    "是否超时",
    "是否解决",
    "满意度",
];

/// Records a demand for a household of the n-th grid with a reporter's phone; its id.
async fn with_phone(app: &TestApp, who: &Client<'_>, grid: i64, phone: &str, title: &str) -> i64 {
    who.ok(
        "/api/v1/demands",
        json!({
            "channel": "phone",
            "household_id": app.household_in_grid(grid).await,
            "category": "water",
            "title": title,
            "description": title,
            "reporter_name": "潘阿姨",
            "reporter_phone": phone,
        }),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

/// A CSV download: its header and its rows, after checking the byte-order mark.
fn read_csv(r: &RawResp) -> (Vec<String>, Vec<Vec<String>>) {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.bytes));
    assert!(r.bytes.starts_with(BOM), "UTF-8 with a byte-order mark");
    let mut rd = csv::Reader::from_reader(&r.bytes[BOM.len()..]);
    let header = rd.headers().unwrap().iter().map(String::from).collect();
    let rows = rd
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn ids_of(rows: &[Vec<String>]) -> Vec<i64> {
    rows.iter().map(|r| r[0].parse().unwrap()).collect()
}

async fn grid_name(app: &TestApp, worker: &str) -> String {
    let mut c = app.state.db.conn().await.unwrap();
    Q::new(
        "SELECT g.name FROM grids g JOIN users u ON u.id = g.worker_user_id WHERE u.username = $1",
    )
    .bind(worker)
    .fetch_one::<(String,)>(&mut c)
    .await
    .unwrap()
    .0
}

#[tokio::test]
async fn staff_export_csv_has_every_row_of_the_list_with_header_bom_and_masked_phones() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let first = with_phone(&app, &staff, 1, "13812345678", "一网格水管漏水").await;
    let second = with_phone(&app, &staff, 2, "13987654321", "=HYPERLINK(\"x\")").await;
    record(
        &staff,
        app.household_in_grid(3).await,
        "sanitation",
        "三网格垃圾",
    )
    .await;
    staff
        .ok(&format!("/api/v1/demands/{first}/accept"), json!({}))
        .await;

    let r = staff.download("/api/v1/demands/export?format=csv").await;
    assert_eq!(r.header("content-type"), "text/csv; charset=utf-8");
    let disposition = r.header("content-disposition").to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"demands-")
            && disposition.ends_with(".csv\"")
            && disposition.len() == "attachment; filename=\"demands-20261125.csv\"".len(),
        "{disposition}"
    );
    let (header, rows) = read_csv(&r);
    assert_eq!(header, HEADER_ZH);
    // Every row of the list, in the list's order (newest first).
    let listed = staff.all_ids("").await;
    assert_eq!(listed.len(), 3);
    assert_eq!(ids_of(&rows), listed);
    assert!(rows.iter().all(|r| r.len() == 15));

    // Phones masked, as in the list; the whole number appears nowhere.
    let body = String::from_utf8_lossy(&r.bytes);
    assert!(!body.contains("13812345678") && !body.contains("13987654321"));
    let row = |id: i64| rows.iter().find(|r| r[0] == id.to_string()).unwrap();
    assert_eq!(row(first)[10], "138****5678");
    assert_eq!(row(second)[10], "139****4321");
    // Words, not codes: the status, channel and category in Chinese; dates in China time.
    assert_eq!(row(first)[5], "已受理");
    assert_eq!(row(second)[5], "待受理");
    assert_eq!(row(first)[2], "电话");
    assert_ne!(row(first)[3], "water");
    assert_eq!(row(first)[8], grid_name(&app, "grid01").await);
    assert_eq!(row(first)[12], "否");
    let received = &row(first)[1];
    assert!(
        received.len() == 16 && received.as_bytes()[10] == b' ',
        "{received}"
    );
    // A title that a spreadsheet would run as a formula stays text.
    assert_eq!(row(second)[4], "'=HYPERLINK(\"x\")");

    // The list's filters apply, and the header follows the language.
    let r = staff
        .download("/api/v1/demands/export?format=csv&status=submitted&lang=en")
        .await;
    let (header, rows) = read_csv(&r);
    assert_eq!(header[0], "ID");
    assert_eq!(header[10], "Phone");
    assert_eq!(ids_of(&rows), staff.all_ids("status=submitted").await);
    assert!(!rows.iter().any(|r| r[0] == first.to_string()));
    assert!(rows.iter().all(|r| r[5] == "submitted"));
}

#[tokio::test]
async fn a_grid_workers_export_holds_only_their_grid() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let grid01 = app.login("grid01").await;
    let mine = with_phone(&app, &staff, 1, "13812345678", "一网格").await;
    let also_mine = with_phone(&app, &staff, 1, "13812340000", "一网格二").await;
    let other = with_phone(&app, &staff, 2, "13987654321", "二网格").await;

    let (_, rows) = read_csv(&grid01.download("/api/v1/demands/export?format=csv").await);
    assert_eq!(ids_of(&rows), [also_mine, mine]);
    assert_eq!(ids_of(&rows), grid01.all_ids("").await);
    let name = grid_name(&app, "grid01").await;
    assert!(rows.iter().all(|r| r[8] == name));
    // Not even by naming the other grid.
    let other_grid = app
        .scalar_with("SELECT grid_id FROM demands WHERE id = $1", other)
        .await;
    let (_, rows) = read_csv(
        &grid01
            .download(&format!(
                "/api/v1/demands/export?format=csv&grid_id={other_grid}"
            ))
            .await,
    );
    assert!(rows.is_empty());
    // The workbook holds the same rows; phones masked there too.
    let r = grid01.download("/api/v1/demands/export?format=xlsx").await;
    assert_eq!(r.status, 200);
    let sheet = xlsx_rows(&r.bytes);
    assert_eq!(sheet.len(), 3);
    assert_eq!(sheet[2][10].to_string(), "138****5678");
}

#[tokio::test]
async fn a_bad_format_or_filter_is_refused_with_its_code_and_nothing_is_sent() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    for path in [
        "/api/v1/demands/export",
        "/api/v1/demands/export?format=pdf",
        "/api/v1/demands/export?format=csv&status=bogus",
        "/api/v1/demands/export?format=xlsx&from=yesterday",
        "/api/v1/demands/export?format=csv&grid_id=abc",
    ] {
        let r = staff.get(path).await;
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (400, "invalid_query"),
            "{path}"
        );
        assert!(!r.body["error"]["message"].as_str().unwrap().is_empty());
    }
    let r = app
        .anonymous()
        .get("/api/v1/demands/export?format=csv")
        .await;
    assert_eq!((r.status.as_u16(), r.code()), (401, "unauthorized"));
}

/// The rows of the first sheet of a workbook, as text.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut wb = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook");
    let range = wb
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    range.rows().map(|r| r.to_vec()).collect()
}

#[tokio::test]
async fn xlsx_export_reads_back_with_the_header_and_the_lists_rows() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let first = with_phone(&app, &staff, 1, "13812345678", "一网格水管漏水").await;
    for n in 2..=4 {
        with_phone(&app, &staff, n, "13987654321", "楼道灯坏了").await;
    }
    let r = staff.download("/api/v1/demands/export?format=xlsx").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r.header("content-disposition").ends_with(".xlsx\""));
    assert_eq!(r.header("content-length"), r.bytes.len().to_string());

    let rows = xlsx_rows(&r.bytes);
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, HEADER_ZH);
    let listed = staff.all_ids("").await;
    assert_eq!(rows.len() - 1, listed.len());
    let ids: Vec<i64> = rows[1..]
        .iter()
        .map(|r| match r[0] {
            Data::Float(f) => f as i64,
            Data::Int(i) => i,
            ref other => panic!("id cell {other:?}"),
        })
        .collect();
    assert_eq!(ids, listed);
    let last = rows.last().unwrap();
    assert_eq!(ids.last(), Some(&first));
    // Dates are real Excel dates; the phone is masked.
    assert!(matches!(last[1], Data::DateTime(_)), "{:?}", last[1]);
    assert!(matches!(last[11], Data::DateTime(_)), "{:?}", last[11]);
    assert_eq!(last[10].to_string(), "138****5678");
    assert_eq!(last[5].to_string(), "待受理");
}

#[tokio::test]
async fn the_library_export_reads_every_batch_of_a_long_list() {
    let app = TestApp::new().await;
    let n = 2 * linli::demands::export::BATCH as usize;
    linli::bench::generate::demands(&app.state.db, n, 365, 7, app.now(), |_, _| {})
        .await
        .unwrap();
    let staff = app.login("staff").await;
    let actor = {
        let mut c = app.state.db.conn().await.unwrap();
        let hash = linli::auth::tokens::digest(&staff.token);
        linli::auth::store::actor_for_token(&mut c, &hash, app.now())
            .await
            .unwrap()
            .unwrap()
    };
    let in_scope = app
        .scalar_with(
            "SELECT COUNT(*) FROM demands WHERE community_id = $1",
            actor.community_id,
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.csv");
    let written = linli::demands::export::export_to(
        &app.state,
        &actor,
        &Default::default(),
        linli::demands::export::Format::Csv,
        linli::web::i18n::Lang::Zh,
        std::fs::File::create(&path).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(written as i64, in_scope);
    assert!(written > linli::demands::export::BATCH as u64);
    let bytes = std::fs::read(&path).unwrap();
    let mut rd = csv::Reader::from_reader(&bytes[BOM.len()..]);
    let ids: Vec<i64> = rd
        .records()
        .map(|r| r.unwrap()[0].parse().unwrap())
        .collect();
    assert_eq!(ids.len() as u64, written);
    // Newest first, each once, across batch boundaries.
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
}

#[tokio::test]
async fn the_list_page_links_to_both_exports_with_its_filters() {
    let app = TestApp::new().await;
    let staff = app.login("staff").await;
    let id = with_phone(&app, &staff, 1, "13812345678", "一网格水管漏水").await;
    let mut page = crate::common::pages::PageClient::login(&app, "staff").await;
    let list = page
        .page("/work/demands?status=submitted&q=%E6%BC%8F")
        .await;
    let html = list.html.replace("&#38;", "&").replace("&amp;", "&");
    for (format, label) in [("xlsx", "导出 Excel"), ("csv", "导出 CSV")] {
        assert!(
            html.contains(&format!(
                "href=\"/work/demands/export?format={format}&status=submitted&q=%E6%BC%8F\""
            )),
            "{format} link"
        );
        assert!(html.contains(label));
    }
    // The link works with the page session (no API token).
    let r = page
        .get("/work/demands/export?format=csv&status=submitted&q=%E6%BC%8F")
        .await;
    assert_eq!(r.status, 200);
    let text = r.html.trim_start_matches('\u{feff}');
    assert!(r.html.starts_with('\u{feff}'));
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(rows[1].starts_with(&format!("{id},")));
}
