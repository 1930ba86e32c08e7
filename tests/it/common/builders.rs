//! Small builders, so a test states what it needs instead of seeding the whole demo
//! community: `TestApp::bare().await.with_grid_worker("grid01").await.with_resident(..)`.
//! Each builder writes through the roster and account stores, as the demo and imports do;
//! `demand_in` drives a demand to a status through the real API.

use std::sync::OnceLock;

use linli::auth::{Role, password, store as users};
use linli::roster::store::{self as roster, NewBuilding, NewResident, Place};
use serde_json::json;

use super::{Client, TestApp, record, step};

/// What the builders have made so far.
#[derive(Clone, Debug, Default)]
pub struct World {
    pub place: Option<Place>,
    pub compound: Option<i64>,
    /// (grid id, its worker's username, its households).
    pub grids: Vec<(i64, String, Vec<i64>)>,
    pub staff: Option<String>,
    pub residents: Vec<(String, i64)>,
    /// (unit id, its account's username).
    pub units: Vec<(i64, String)>,
}

/// The demo password's hash, made once per test process (Argon2 is slow on purpose).
fn demo_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(password::DEMO_PASSWORD).expect("hash"))
}

impl TestApp {
    /// A migrated database with one street and one community and nobody in them.
    pub async fn bare() -> TestApp {
        let mut app = TestApp::empty().await;
        let now = app.now();
        let mut tx = app.state.db.begin().await.unwrap();
        let street = roster::insert_street(&mut tx, "测试街道", "测试区", "测试市", now)
            .await
            .unwrap();
        let community = roster::insert_community(&mut tx, street, "测试社区", "", now)
            .await
            .unwrap();
        let place = Place {
            street_id: street,
            community_id: community,
        };
        let compound = roster::insert_compound(&mut tx, place, "一号院", "", now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        app.world.place = Some(place);
        app.world.compound = Some(compound);
        app
    }

    fn place(&self) -> Place {
        self.world.place.expect("TestApp::bare() first")
    }

    async fn account(
        &self,
        username: &str,
        role: Role,
        resident_id: Option<i64>,
        unit_id: Option<i64>,
    ) -> i64 {
        let p = self.place();
        let mut tx = self.state.db.begin().await.unwrap();
        let id = users::insert(
            &mut tx,
            &users::NewUser {
                username,
                display_name: username,
                role,
                password_hash: demo_hash(),
                password_is_demo: true,
                street_id: Some(p.street_id),
                community_id: (role != Role::Unit && role != Role::Street)
                    .then_some(p.community_id),
                unit_id,
                resident_id,
                phone: None,
            },
            self.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// A social worker of the community.
    pub async fn with_staff(mut self, username: &str) -> TestApp {
        self.account(username, Role::Staff, None, None).await;
        self.world.staff = Some(username.to_string());
        self
    }

    /// A grid worker with a grid of their own: one building of four households.
    pub async fn with_grid_worker(mut self, username: &str) -> TestApp {
        let (p, now) = (self.place(), self.now());
        let worker = self.account(username, Role::GridWorker, None, None).await;
        let mut tx = self.state.db.begin().await.unwrap();
        let n = self.world.grids.len() + 1;
        let grid = roster::insert_grid(&mut tx, p, &format!("第{n}网格"), Some(worker), now)
            .await
            .unwrap();
        let building = roster::insert_building(
            &mut tx,
            p,
            &NewBuilding {
                compound_id: self.world.compound.unwrap(),
                grid_id: Some(grid),
                name: &format!("{n}号楼"),
                floors: Some(6),
            },
            now,
        )
        .await
        .unwrap();
        let mut households = Vec::new();
        for room in ["101", "102", "201", "202"] {
            households.push(
                roster::insert_household(&mut tx, p, building, "1单元", room, now)
                    .await
                    .unwrap(),
            );
        }
        tx.commit().await.unwrap();
        self.world
            .grids
            .push((grid, username.to_string(), households));
        self
    }

    /// A resident with an account, living in the next free household of the last grid.
    pub async fn with_resident(mut self, username: &str, name: &str) -> TestApp {
        let (p, now) = (self.place(), self.now());
        let (_, _, households) = self.world.grids.last().expect("a grid first").clone();
        let household = households[self.world.residents.len() % households.len()];
        let mut tx = self.state.db.begin().await.unwrap();
        let resident = roster::insert_resident(
            &mut tx,
            p,
            &NewResident {
                household_id: Some(household),
                name,
                relation: "户主",
                phone: Some("13912345678"),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        self.account(username, Role::Resident, Some(resident), None)
            .await;
        self.world.residents.push((username.to_string(), household));
        self
    }

    /// A resident account (password `linli-demo`) for a resident already on the roster,
    /// in their street and community.
    pub async fn account_for_resident(&self, username: &str, resident_id: i64) -> i64 {
        let (street_id, community_id): (i64, i64) = {
            let mut c = self.state.db.conn().await.unwrap();
            linli::db::Q::new("SELECT street_id, community_id FROM residents WHERE id = $1")
                .bind(resident_id)
                .fetch_one(&mut c)
                .await
                .unwrap()
        };
        let mut tx = self.state.db.begin().await.unwrap();
        let id = users::insert(
            &mut tx,
            &users::NewUser {
                username,
                display_name: username,
                role: Role::Resident,
                password_hash: demo_hash(),
                password_is_demo: true,
                street_id: Some(street_id),
                community_id: Some(community_id),
                unit_id: None,
                resident_id: Some(resident_id),
                phone: None,
            },
            self.now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// A unit of the street (the property company, gas, …) with one account.
    pub async fn with_unit(mut self, kind: &str, username: &str) -> TestApp {
        let p = self.place();
        let mut tx = self.state.db.begin().await.unwrap();
        let unit =
            roster::insert_unit(&mut tx, p.street_id, None, kind, username, None, self.now())
                .await
                .unwrap();
        tx.commit().await.unwrap();
        self.account(username, Role::Unit, None, Some(unit)).await;
        self.world.units.push((unit, username.to_string()));
        self
    }

    /// A demand of the first grid's first household, driven through the API by the staff,
    /// the grid's worker and the first unit to `status` (submitted, accepted, dispatched,
    /// in_progress, resolved, feedback_given or closed).
    pub async fn demand_in(&self, status: &str) -> i64 {
        let staff = self
            .login(self.world.staff.as_deref().expect("with_staff first"))
            .await;
        let (grid, _, households) = self.world.grids.first().expect("with_grid_worker first");
        let id = record(&staff, households[0], "water", "厨房水管漏水").await;
        let path = [
            "accepted",
            "dispatched",
            "in_progress",
            "resolved",
            "feedback_given",
            "closed",
        ];
        let steps = path.iter().position(|s| *s == status).map_or(0, |i| i + 1);
        let unit = self.world.units.first();
        for s in &path[..steps] {
            self.advance(&staff, unit, id, *grid, s).await;
        }
        id
    }

    async fn advance(
        &self,
        staff: &Client<'_>,
        unit: Option<&(i64, String)>,
        id: i64,
        grid: i64,
        to: &str,
    ) {
        if to == "accepted" {
            step(staff, id, "accept", json!({"grid_id": grid})).await;
            return;
        }
        let (unit_id, unit_login) = unit.expect("with_unit first for a dispatched demand");
        match to {
            "dispatched" => {
                step(
                    staff,
                    id,
                    "dispatch",
                    json!({"to": {"kind": "unit", "id": unit_id}}),
                )
                .await
            }
            "in_progress" => step(&self.login(unit_login).await, id, "take", json!({})).await,
            "resolved" => {
                step(
                    &self.login(unit_login).await,
                    id,
                    "resolve",
                    json!({"result": "已修好"}),
                )
                .await
            }
            "feedback_given" => {
                step(
                    staff,
                    id,
                    "feedback",
                    json!({"method": "phone", "note": "已电话告知"}),
                )
                .await
            }
            _ => {
                step(
                    staff,
                    id,
                    "rate",
                    json!({"solved": true, "satisfaction": "satisfied", "on_behalf": "phone"}),
                )
                .await
            }
        };
    }
}
