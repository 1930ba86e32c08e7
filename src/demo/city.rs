//! A generated city, for benchmarks at city scale: new streets of ten communities each,
//! every community shaped like Yucheng (nine compounds, sixty buildings, twelve grids, about
//! 4,000 households and 10,000 residents of every age), with a grid worker account per
//! grid, a staff account per community and a street account per street.
//!
//! Everything is made in memory one community at a time and loaded with the bulk loader
//! (multi-row inserts on SQLite, COPY on PostgreSQL), all in one transaction: an
//! interrupted run leaves nothing behind. Generated accounts have no password (none
//! verifies) until `linli admin reset-password` gives them one.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::clock::Millis;
use crate::db::{Arg, Db, DbError, Q, Tx, bulk};
use crate::roster::model::sealed::{ResidentIdNumber, ResidentPhone};
use crate::vault::sql::Opened;

use super::city_people::rows as load;
use super::families::Folk;
use super::layout::{self, COMPOUNDS};
use super::plan::{HouseholdPlan, building_heads};

/// Communities per generated street.
pub const COMMUNITIES_PER_STREET: usize = 10;
/// What a generated account has instead of a password hash: no password verifies.
pub const NO_PASSWORD: &str = "!";

const CITY: &str = super::roster::CITY;
const DISTRICTS: &[&str] = &["长安区", "桥西区", "新华区", "裕华区"];
const STREETS: &[&str] = &[
    "建北", "青园", "广安", "育才", "谈固", "东华", "西里", "维明", "长兴", "振头", "苑东", "东海",
    "宋营", "汇通", "新石", "红旗", "槐底", "胜利", "和平", "塔坛", "方村", "建通", "中华", "东里",
    "留营", "联盟", "合作", "宁安", "革新", "天山",
];
const COMMUNITY_PREFIXES: &[&str] = &[
    "翠屏", "和苑", "新华", "光华", "建华", "民族", "青年", "长青", "丰收", "红星", "水源", "西营",
    "东风", "安康", "盛世", "富强", "华夏", "朝阳", "向阳", "金马", "银河", "槐北", "槐安", "谈北",
    "天苑", "柏林", "中山", "平安", "体育", "文化", "师范", "电业", "铁道", "邮电", "棉纺", "石岗",
    "北焦", "南高", "彭后", "义堂",
];
const COMPOUND_SUFFIXES: &[&str] = &["小区", "花园", "家园", "新村", "苑"];
const ROADS: &[&str] = &[
    "中山西路",
    "裕华东路",
    "建设南大街",
    "中华北大街",
    "体育南大街",
    "槐安东路",
    "育才街",
    "平安南大街",
    "和平西路",
    "石岗大街",
    "胜利北街",
    "红旗大街",
    "维明北大街",
    "翟营南大街",
    "东岗路",
    "塔南路",
    "新石北路",
    "联盟路",
];

/// What was added.
#[derive(Debug, Default)]
pub struct Summary {
    pub streets: usize,
    pub communities: usize,
    pub grids: usize,
    pub buildings: usize,
    pub households: usize,
    pub residents: usize,
    pub accounts: usize,
}

/// The ids the next rows of each table get.
struct Ids {
    street: i64,
    community: i64,
    user: i64,
    compound: i64,
    grid: i64,
    building: i64,
    household: i64,
    resident: i64,
}

const TABLES: &[&str] = &[
    "streets",
    "communities",
    "users",
    "compounds",
    "grids",
    "buildings",
    "households",
    "residents",
];

/// Adds streets of communities until at least `residents` more people are on the roster.
/// Reports `progress(residents so far, residents)`.
pub async fn generate(
    db: &Db,
    residents: usize,
    seed: u64,
    now: Millis,
    mut progress: impl FnMut(usize, usize),
) -> Result<Summary, String> {
    let e = |e: DbError| e.to_string();
    let year = jiff::Timestamp::from_millisecond(now.0)
        .map_err(|e| e.to_string())?
        .to_zoned_datetime(crate::clock::china())
        .year();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut folk = Folk::new(StdRng::seed_from_u64(seed ^ 0x5eed), year);
    let mut tx = db.begin().await.map_err(e)?;
    // Numbers already handed out stay unique.
    let taken: Vec<(Opened<ResidentIdNumber>, Opened<ResidentPhone>)> =
        Q::new("SELECT id_number, phone FROM residents")
            .fetch_all(&mut tx)
            .await
            .map_err(e)?;
    let taken: Vec<(Option<String>, Option<String>)> = taken
        .into_iter()
        .map(|(i, p)| (i.into(), p.into()))
        .collect();
    for (id, phone) in &taken {
        if let Some(id) = id {
            folk.numbers.reserve_id_number(id);
        }
        if let Some(p) = phone {
            folk.numbers.reserve_phone(p);
        }
    }
    let street_names: std::collections::HashSet<(String, String)> =
        Q::new("SELECT district, name FROM streets")
            .fetch_all::<(String, String)>(&mut tx)
            .await
            .map_err(e)?
            .into_iter()
            .collect();
    let mut next = [0i64; 8];
    for (i, t) in TABLES.iter().enumerate() {
        next[i] = bulk::next_id(&mut tx, t).await.map_err(e)?;
    }
    let mut ids = Ids {
        street: next[0],
        community: next[1],
        user: next[2],
        compound: next[3],
        grid: next[4],
        building: next[5],
        household: next[6],
        resident: next[7],
    };

    let mut sum = Summary::default();
    let mut street_no = 0usize;
    while sum.residents < residents {
        let district = DISTRICTS[street_no % DISTRICTS.len()];
        let name = street_name(street_no, district, &street_names);
        let street_id = ids.street;
        ids.street += 1;
        load(
            &mut tx,
            "streets",
            &["id", "name", "district", "city", "created_at"],
            vec![vec![
                street_id.into(),
                name.as_str().into(),
                district.into(),
                CITY.into(),
                now.into(),
            ]],
        )
        .await?;
        let office = account(
            &mut ids,
            format!("street-{street_id}"),
            format!("{name}工作人员"),
            "street",
            (street_id, None),
            now,
        );
        load(&mut tx, "users", USER_COLUMNS, vec![office]).await?;
        sum.streets += 1;
        sum.accounts += 1;
        for c in 0..COMMUNITIES_PER_STREET {
            if sum.residents >= residents {
                break;
            }
            let prefix = COMMUNITY_PREFIXES
                [(street_no * COMMUNITIES_PER_STREET + c) % COMMUNITY_PREFIXES.len()];
            let added = community(
                &mut tx, &mut ids, &mut rng, &mut folk, street_id, prefix, now,
            )
            .await?;
            sum.communities += 1;
            sum.grids += layout::GRIDS;
            sum.buildings += added.buildings;
            sum.households += added.households;
            sum.residents += added.residents;
            sum.accounts += layout::GRIDS + 1;
            progress(sum.residents.min(residents), residents);
        }
        street_no += 1;
    }
    for t in TABLES {
        bulk::sync_ids(&mut tx, t).await.map_err(e)?;
    }
    tx.commit().await.map_err(e)?;
    let mut c = db.conn().await.map_err(e)?;
    Q::new("ANALYZE").execute(&mut c).await.map_err(e)?;
    Ok(sum)
}

/// A street name not yet used in its district: 建北街道, …, then 建北二街道 and so on.
fn street_name(
    n: usize,
    district: &str,
    taken: &std::collections::HashSet<(String, String)>,
) -> String {
    let base = STREETS[n % STREETS.len()];
    let mut round = n / STREETS.len();
    loop {
        let name = if round == 0 {
            format!("{base}街道")
        } else {
            format!("{base}{}街道", round + 1)
        };
        if !taken.contains(&(district.to_string(), name.clone())) {
            return name;
        }
        round += 1;
    }
}

const USER_COLUMNS: &[&str] = &[
    "id",
    "username",
    "display_name",
    "role",
    "password_hash",
    "street_id",
    "community_id",
    "created_at",
    "updated_at",
];

fn account(
    ids: &mut Ids,
    username: String,
    display_name: String,
    role: &str,
    (street, community): (i64, Option<i64>),
    now: Millis,
) -> Vec<Arg> {
    let id = ids.user;
    ids.user += 1;
    vec![
        id.into(),
        username.into(),
        display_name.into(),
        role.into(),
        NO_PASSWORD.into(),
        street.into(),
        community.into(),
        now.into(),
        now.into(),
    ]
}

struct Added {
    buildings: usize,
    households: usize,
    residents: usize,
}

/// One community of the Yucheng shape, with its accounts, compounds, grids, buildings,
/// households, residents and their tags.
async fn community(
    tx: &mut Tx,
    ids: &mut Ids,
    rng: &mut StdRng,
    folk: &mut Folk,
    street_id: i64,
    prefix: &str,
    now: Millis,
) -> Result<Added, String> {
    let community_id = ids.community;
    ids.community += 1;
    let road = ROADS[rng.random_range(0..ROADS.len())];
    let name = format!("{prefix}社区");
    load(
        tx,
        "communities",
        &["id", "street_id", "name", "address", "created_at"],
        vec![vec![
            community_id.into(),
            street_id.into(),
            name.as_str().into(),
            format!("{road}{}号", rng.random_range(1..300)).into(),
            now.into(),
        ]],
    )
    .await?;
    let at = (street_id, Some(community_id));

    // Accounts: the community office and a grid worker per grid.
    let mut users = vec![account(
        ids,
        format!("staff-{community_id}"),
        format!("{name}工作人员"),
        "staff",
        at,
        now,
    )];
    let mut workers = Vec::new();
    for k in 0..layout::GRIDS {
        workers.push(ids.user);
        let worker = folk.person(
            super::names::surname(rng),
            rng.random_bool(0.4),
            rng.random_range(26..56),
            "",
        );
        users.push(account(
            ids,
            format!("grid-{community_id}-{:02}", k + 1),
            worker.name,
            "grid_worker",
            at,
            now,
        ));
    }
    load(tx, "users", USER_COLUMNS, users).await?;

    // Compounds: five named after the community, four courtyards of a road.
    let compound_ids: Vec<i64> = (0..COMPOUNDS.len())
        .map(|_| {
            ids.compound += 1;
            ids.compound - 1
        })
        .collect();
    let compounds = compound_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (name, address) = match COMPOUND_SUFFIXES.get(i) {
                Some(s) => (format!("{prefix}{s}"), format!("{road}{}号", 10 + i * 20)),
                None => {
                    let n = 100 + i * 12;
                    (format!("{road}{n}号院"), format!("{road}{n}号"))
                }
            };
            vec![
                (*id).into(),
                street_id.into(),
                community_id.into(),
                name.into(),
                address.into(),
                now.into(),
            ]
        })
        .collect();
    load(
        tx,
        "compounds",
        &[
            "id",
            "street_id",
            "community_id",
            "name",
            "address",
            "created_at",
        ],
        compounds,
    )
    .await?;
    let grid_ids: Vec<i64> = (0..layout::GRIDS)
        .map(|_| {
            ids.grid += 1;
            ids.grid - 1
        })
        .collect();
    let grids = grid_ids
        .iter()
        .enumerate()
        .map(|(k, id)| {
            vec![
                (*id).into(),
                street_id.into(),
                community_id.into(),
                layout::grid_name(k).into(),
                workers[k].into(),
                now.into(),
            ]
        })
        .collect();
    load(
        tx,
        "grids",
        &[
            "id",
            "street_id",
            "community_id",
            "name",
            "worker_user_id",
            "created_at",
        ],
        grids,
    )
    .await?;

    // The people, in memory first: building heads are chosen among them.
    let shape = layout::full_with(rng.random())?;
    let households: Vec<HouseholdPlan> = shape
        .slots
        .iter()
        .map(|slot| HouseholdPlan {
            slot: slot.clone(),
            people: folk.random_household(),
            special: None,
        })
        .collect();
    let household_ids: Vec<i64> = (0..households.len() as i64)
        .map(|i| ids.household + i)
        .collect();
    ids.household += households.len() as i64;
    let mut resident_ids = Vec::with_capacity(households.len());
    for h in &households {
        resident_ids.push(ids.resident);
        ids.resident += h.people.len() as i64;
    }
    let heads = building_heads(&shape, &households);
    let building_ids: Vec<i64> = (0..shape.buildings.len() as i64)
        .map(|i| ids.building + i)
        .collect();
    ids.building += shape.buildings.len() as i64;
    let buildings = shape
        .buildings
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let head = heads[i].map(|(h, p)| resident_ids[h] + p as i64);
            vec![
                building_ids[i].into(),
                street_id.into(),
                community_id.into(),
                compound_ids[b.compound].into(),
                grid_ids[b.grid].into(),
                b.name.as_str().into(),
                b.floors.into(),
                head.into(),
                now.into(),
            ]
        })
        .collect();
    load(
        tx,
        "buildings",
        &[
            "id",
            "street_id",
            "community_id",
            "compound_id",
            "grid_id",
            "name",
            "floors",
            "head_resident_id",
            "created_at",
        ],
        buildings,
    )
    .await?;
    let rows = households
        .iter()
        .zip(&household_ids)
        .map(|(h, id)| {
            vec![
                (*id).into(),
                street_id.into(),
                community_id.into(),
                building_ids[h.slot.building].into(),
                h.slot.unit_no.as_str().into(),
                h.slot.room.as_str().into(),
                now.into(),
            ]
        })
        .collect();
    load(
        tx,
        "households",
        &[
            "id",
            "street_id",
            "community_id",
            "building_id",
            "unit_no",
            "room",
            "created_at",
        ],
        rows,
    )
    .await?;
    let residents = super::city_people::residents(
        tx,
        &households,
        &household_ids,
        &resident_ids,
        (street_id, community_id),
        now,
    )
    .await?;
    Ok(Added {
        buildings: building_ids.len(),
        households: households.len(),
        residents,
    })
}
