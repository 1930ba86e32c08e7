//! The generator of a city (`linli admin generate --residents N --demands M`): a roster the
//! application can use, and demands whose rollups are exact.

use axum::http::StatusCode;
use linli::db::Q;
use linli::roster::ids::IdCardNumber;
use linli::roster::model::sealed::ResidentIdNumber;
use linli::vault::sql::Opened;

use crate::common::TestApp;

#[tokio::test]
async fn a_generated_city_is_a_whole_roster_and_its_demands_stand_on_it() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let residents_before = app.scalar("SELECT COUNT(*) FROM residents").await;
    let s = linli::demo::city::generate(db, 12_000, 7, app.now(), |_, _| {})
        .await
        .unwrap();
    // Communities of about 10,000 people, ten to a street: two of them, one street.
    assert_eq!((s.streets, s.communities, s.grids), (1, 2, 24));
    assert_eq!(s.households, 2 * 4_060);
    assert!(s.residents >= 12_000, "{}", s.residents);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM residents").await,
        residents_before + s.residents as i64
    );

    // Every building is in a grid of its own community, every generated grid has a worker
    // account of that community, every household's building is in its community.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM buildings b JOIN grids g ON g.id = b.grid_id \
             WHERE g.community_id <> b.community_id"
        )
        .await,
        0
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM grids g LEFT JOIN users u ON u.id = g.worker_user_id \
             WHERE g.community_id > 2 AND (u.id IS NULL OR u.role <> 'grid_worker' \
             OR u.community_id <> g.community_id)"
        )
        .await,
        0
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM households h JOIN buildings b ON b.id = h.building_id \
             WHERE b.community_id <> h.community_id"
        )
        .await,
        0
    );
    // A building head for every generated building, living in it.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM buildings b JOIN residents r ON r.id = b.head_resident_id \
             JOIN households h ON h.id = r.household_id WHERE h.building_id = b.id \
             AND b.community_id > 2"
        )
        .await,
        120
    );
    // ID numbers valid (check digit) and unique over the whole roster.
    let mut c = db.conn().await.unwrap();
    let ids: Vec<(Opened<ResidentIdNumber>,)> =
        Q::new("SELECT id_number FROM residents WHERE id_number IS NOT NULL")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let ids: Vec<(String,)> = ids.into_iter().map(|(n,)| (n.into(),)).collect();
    drop(c);
    assert!(ids.iter().all(|(n,)| IdCardNumber::parse(n).is_some()));
    let unique: std::collections::HashSet<&String> = ids.iter().map(|(n,)| n).collect();
    assert_eq!(unique.len(), ids.len());
    assert!(
        app.scalar(
            "SELECT COUNT(*) FROM resident_tags WHERE tag = 'elderly_alone' AND community_id > 2"
        )
        .await
            > 50
    );

    // Generated accounts have no password: none verifies.
    let r = app
        .anonymous()
        .post(
            "/api/v1/login",
            serde_json::json!({"username": "staff-3", "password": "linli-demo"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Demands over every household of the city; the rollups come out as a recount.
    let n = linli::bench::generate::demands(db, 3_000, 60, 11, app.now(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(n, 3_000);
    assert!(
        app.scalar("SELECT COUNT(DISTINCT community_id) FROM demands")
            .await
            >= 3,
        "the demands spread over the generated communities"
    );
    // Each in the community, street and grid of its household's building, counted in
    // the rollups.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM demands d JOIN households h ON h.id = d.household_id \
             JOIN buildings b ON b.id = h.building_id WHERE d.community_id <> h.community_id \
             OR d.street_id <> h.street_id OR COALESCE(d.grid_id, 0) <> COALESCE(b.grid_id, 0)"
        )
        .await,
        0
    );
    assert_eq!(
        app.scalar(
            "SELECT CAST(SUM(received) AS BIGINT) FROM demand_rollups \
             WHERE grain = 'month' AND dim = 'channel'"
        )
        .await,
        app.scalar("SELECT COUNT(*) FROM demands WHERE status <> 'merged'")
            .await
    );
    // Counted as they were generated, added to the rows the demo's demands already had:
    // every rollup row as a recount of the whole table gives it.
    let (kept, recounted) = app.rollups_kept_and_recounted().await;
    assert!(kept.len() > 100, "{} rollup rows", kept.len());
    assert_eq!(kept, recounted);
}
