//! The people who log in: the street, the community office, the twelve grid workers,
//! volunteers and residents of the seeds, the units of the street; and the teams and party
//! branches they belong to.

use std::collections::HashMap;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::auth::Role;
use crate::auth::store::{self as users, NewUser};
use crate::clock::Millis;
use crate::db::Tx;
use crate::roster::store::{self as roster, Place};

use super::names::Numbers;
use super::plan::Plan;
use super::roster::Roster;

/// The community office: the secretary (seed 002's 王丽霞) and seven social workers.
const OFFICE: &[(&str, &str, Role)] = &[
    ("secretary", "王丽霞", Role::Secretary),
    ("staff", "刘佳", Role::Staff),
    ("staff02", "张敏", Role::Staff),
    ("staff03", "赵磊", Role::Staff),
    ("staff04", "陈晓燕", Role::Staff),
    ("staff05", "杨帆", Role::Staff),
    ("staff06", "孙丽娜", Role::Staff),
    ("staff07", "周建华", Role::Staff),
];

pub const GRID_USERNAMES: [&str; 12] = [
    "grid01", "grid02", "grid03", "grid04", "grid05", "grid06", "grid07", "grid08", "grid09",
    "grid10", "grid11", "grid12",
];

/// The twelve grid workers, grid01 … grid12 (Li Jiazheng of the seeds has the first).
#[rustfmt::skip]
const GRID_WORKERS: [&str; 12] = [
    "李佳正", "韩雪梅", "郭亮", "吴静", "冯海涛", "田晓芳", "曹磊", "何丽", "宋建伟", "崔娜",
    "董鹏", "邢慧敏",
];

/// A unit of the street: its account (if it has one), kind, name, the short name people use,
/// the person at the unit who logs in, and its phone.
struct UnitSpec {
    username: Option<&'static str>,
    kind: &'static str,
    name: &'static str,
    short: &'static str,
    person: &'static str,
    phone: &'static str,
}

#[rustfmt::skip]
const UNITS: &[UnitSpec] = &[
    UnitSpec { username: Some("property"), kind: "property", name: "裕城物业服务有限公司", short: "裕城物业", person: "孟庆军", phone: "0311-87012345" },
    UnitSpec { username: Some("gas"), kind: "gas", name: "石家庄新奥燃气有限公司", short: "新奥燃气", person: "石磊", phone: "0311-86966577" },
    UnitSpec { username: Some("water"), kind: "water", name: "石家庄市自来水公司", short: "自来水公司", person: "白建军", phone: "0311-86011234" },
    UnitSpec { username: Some("power"), kind: "power", name: "国网石家庄供电公司桥西分公司", short: "桥西供电", person: "殷晓峰", phone: "0311-87095598" },
    UnitSpec { username: Some("police"), kind: "police", name: "友谊派出所", short: "友谊派出所", person: "韩立", phone: "0311-87653110" },
    UnitSpec { username: Some("owners"), kind: "owners_committee", name: "裕城小区业主委员会", short: "业委会", person: "许国栋", phone: "0311-87016688" },
    UnitSpec { username: None, kind: "member", name: "桥西区人民医院", short: "区医院", person: "", phone: "0311-87887120" },
];

/// The members of the red detachment (seed 000): the building head and the volunteers,
/// who take volunteer orders.
pub const RED_DETACHMENT: [&str; 6] = [
    "louzhang",
    "volunteer",
    "volunteer02",
    "volunteer03",
    "volunteer04",
    "volunteer05",
];

/// What the history needs: user ids by username, unit ids by kind, the red team's id.
pub struct Accounts {
    pub users: HashMap<&'static str, i64>,
    pub units: HashMap<&'static str, i64>,
    pub red_team: i64,
}

impl Accounts {
    pub fn user(&self, username: &str) -> i64 {
        self.users.get(username).copied().unwrap_or(0)
    }
}

fn db(e: crate::db::DbError) -> String {
    e.to_string()
}

/// What an account is attached to.
#[derive(Clone, Copy, Default)]
struct Link<'p> {
    /// Street and community.
    at: Option<Place>,
    /// The street alone (street and unit accounts).
    street_id: Option<i64>,
    unit_id: Option<i64>,
    resident_id: Option<i64>,
    phone: Option<&'p str>,
}

struct Maker<'a> {
    hash: &'a str,
    now: Millis,
    users: HashMap<&'static str, i64>,
}

impl Maker<'_> {
    async fn add(
        &mut self,
        tx: &mut Tx,
        username: &'static str,
        display_name: &str,
        role: Role,
        l: Link<'_>,
    ) -> Result<i64, String> {
        let u = NewUser {
            username,
            display_name,
            role,
            password_hash: self.hash,
            password_is_demo: true,
            street_id: l.at.map(|p| p.street_id).or(l.street_id),
            community_id: l.at.map(|p| p.community_id),
            unit_id: l.unit_id,
            resident_id: l.resident_id,
            phone: l.phone,
        };
        let id = users::insert(tx, &u, self.now).await.map_err(db)?;
        self.users.insert(username, id);
        Ok(id)
    }

    fn id(&self, username: &str) -> Option<i64> {
        self.users.get(username).copied()
    }
}

/// Creates the units, accounts, grid workers' grids, party branches and teams.
pub async fn write(
    tx: &mut Tx,
    plan: &Plan,
    r: &Roster,
    hash: &str,
    now: Millis,
) -> Result<Accounts, String> {
    // Phones for the office that no resident has.
    let mut numbers = Numbers::default();
    for p in plan.households.iter().flat_map(|h| &h.people) {
        if let Some(ph) = &p.phone {
            numbers.reserve_phone(ph);
        }
    }
    let mut rng = StdRng::seed_from_u64(12_345);
    let mut phone = || numbers.phone(&mut rng);
    let mut m = Maker {
        hash,
        now,
        users: HashMap::new(),
    };
    let yc = Some(r.yucheng);

    m.add(tx, "admin", "系统管理员", Role::Admin, Link::default())
        .await?;
    let p = phone();
    let l = Link {
        street_id: Some(r.street_id),
        phone: Some(&p),
        ..Link::default()
    };
    m.add(tx, "street", "赵振华", Role::Street, l).await?;
    for (username, name, role) in OFFICE {
        let p = phone();
        let l = Link {
            at: yc,
            phone: Some(&p),
            ..Link::default()
        };
        m.add(tx, username, name, *role, l).await?;
    }
    for (k, name) in GRID_WORKERS.iter().enumerate() {
        let p = phone();
        let l = Link {
            at: yc,
            phone: Some(&p),
            ..Link::default()
        };
        let id = m
            .add(tx, GRID_USERNAMES[k], name, Role::GridWorker, l)
            .await?;
        roster::set_grid_worker(tx, r.grid_ids[k], Some(id))
            .await
            .map_err(db)?;
    }

    // The demo people who live in Yucheng: volunteers and residents, linked to their rows.
    for (i, h) in plan.households.iter().enumerate() {
        let Some(username) = h.special else { continue };
        let person = &h.people[0];
        let role = if username.starts_with("resident") {
            Role::Resident
        } else {
            Role::Volunteer
        };
        let l = Link {
            at: yc,
            resident_id: Some(r.households[i].residents[0]),
            phone: person.phone.as_deref(),
            ..Link::default()
        };
        m.add(tx, username, &person.name, role, l).await?;
    }

    let mut units = HashMap::new();
    for u in UNITS {
        let community = (u.kind == "owners_committee").then_some(r.yucheng.community_id);
        let id = roster::insert_unit(
            tx,
            r.street_id,
            community,
            u.kind,
            u.name,
            Some(u.phone),
            now,
        )
        .await
        .map_err(db)?;
        units.insert(u.kind, id);
        if let Some(username) = u.username {
            let l = Link {
                street_id: Some(r.street_id),
                unit_id: Some(id),
                ..Link::default()
            };
            let display = format!("{}·{}", u.short, u.person);
            m.add(tx, username, &display, Role::Unit, l).await?;
        }
    }

    let p = phone();
    let l = Link {
        at: Some(r.dongli),
        phone: Some(&p),
        ..Link::default()
    };
    m.add(tx, "dongli", "冯淑敏", Role::Staff, l).await?;

    // The party branches of the grids, four grids each, with their secretaries.
    let branches = [
        ("第一网格党支部", "louzhang"),
        ("第二网格党支部", "volunteer04"),
        ("第三网格党支部", "secretary"),
    ];
    for (b, (name, secretary)) in branches.into_iter().enumerate() {
        let grids = &r.grid_ids[b * 4..b * 4 + 4];
        roster::insert_party_branch(tx, r.yucheng, name, m.id(secretary), grids, now)
            .await
            .map_err(db)?;
    }

    // The red detachment of party members and volunteers (seed 000), and the community
    // governance team.
    let red: Vec<i64> = RED_DETACHMENT.iter().filter_map(|n| m.id(n)).collect();
    let (kind, name, leader) = ("red_detachment", "红色先锋队", m.id("louzhang"));
    let red_team = roster::insert_team(tx, r.yucheng, kind, name, leader, &red, now)
        .await
        .map_err(db)?;
    let gov: Vec<i64> = ["secretary", "staff", "grid01"]
        .iter()
        .filter_map(|n| m.id(n))
        .collect();
    let (kind, name, leader) = ("governance", "社区治理队", m.id("secretary"));
    roster::insert_team(tx, r.yucheng, kind, name, leader, &gov, now)
        .await
        .map_err(db)?;

    Ok(Accounts {
        users: m.users,
        units,
        red_team,
    })
}
