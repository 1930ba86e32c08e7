//! The roster in pages (issue 13, item 7): staff edit residents and households through
//! forms that refuse what the API refuses (and change nothing then), the resident list
//! filters by tag, grid, compound, building and age band within the caller's scope, and
//! every list leaves as a file that opens, holds exactly the list, is masked for those
//! who may not see whole values, and is in the audit log.

mod edits;
mod lists;

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
/// filter; registered with the consent of 青丁, of the same household), 青丁 (grid 2, 35).
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
        (g2[1], 12, vec!["elderly_alone"], "13800000003"),
        (g2[1], 35, vec![], "13800000004"),
    ];
    let mut ids = [0; 4];
    // 青丁 first: the guardian who consents to the child's registration.
    for i in [0, 1, 3, 2] {
        let (household, age, tags, phone) = people[i].clone();
        // Born on the first of January: the age is the same all year.
        let born = format!("{}-01-01", year - age);
        let mut body = json!({"household_id": household, "name": NAMES[i], "birth_date": born,
                              "phone": phone, "relation": "户主", "tags": tags});
        if age < 14 {
            body["guardian_id"] = json!(ids[3]);
            body["consent_method"] = json!("written");
        }
        let r = staff.ok("/api/v1/residents", body).await;
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

    /// The ids of these residents, in the order lists give them (by id).
    fn of(&self, names: &[&str]) -> Vec<i64> {
        let mut ids: Vec<i64> = names.iter().map(|n| self.id(n)).collect();
        ids.sort();
        ids
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
            .fetch(&format!("/api/v1/residents/{id}?reveal=visit"))
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
