//! Writes the planned roster: street, the two communities, compounds, grids, buildings,
//! households, residents and building heads.

use crate::clock::Millis;
use crate::db::Tx;
use crate::roster::store::{self as roster, NewBuilding, NewResident, Place};

use super::layout::{self, COMPOUNDS};
use super::plan::{HouseholdPlan, Plan};

pub const CITY: &str = "石家庄市";
pub const DISTRICT: &str = "桥西区";
pub const STREET: &str = "友谊街道";
pub const YUCHENG: &str = "裕城社区";
pub const DONGLI: &str = "东里社区";

/// The ids of what was written, in the order of the plan.
pub struct Roster {
    pub street_id: i64,
    pub yucheng: Place,
    pub dongli: Place,
    /// Yucheng's grids, 第一网格 first.
    pub grid_ids: Vec<i64>,
    pub building_ids: Vec<i64>,
    /// Yucheng's households, parallel to `Plan::households`.
    pub households: Vec<HouseholdIds>,
}

/// A household's residents, parallel to its plan.
pub struct HouseholdIds {
    pub residents: Vec<i64>,
}

fn db(e: crate::db::DbError) -> String {
    e.to_string()
}

pub async fn write(tx: &mut Tx, plan: &Plan, now: Millis) -> Result<Roster, String> {
    let street_id = roster::insert_street(tx, STREET, DISTRICT, CITY, now)
        .await
        .map_err(db)?;
    let yc = roster::insert_community(tx, street_id, YUCHENG, "桥西区友谊南大街88号", now)
        .await
        .map_err(db)?;
    let dl = roster::insert_community(tx, street_id, DONGLI, "桥西区友谊北大街201号", now)
        .await
        .map_err(db)?;
    let yucheng = Place {
        street_id,
        community_id: yc,
    };
    let dongli = Place {
        street_id,
        community_id: dl,
    };

    let mut compound_ids = Vec::new();
    for c in COMPOUNDS {
        compound_ids.push(
            roster::insert_compound(tx, yucheng, c.name, c.address, now)
                .await
                .map_err(db)?,
        );
    }
    let mut grid_ids = Vec::new();
    for k in 0..layout::GRIDS {
        grid_ids.push(
            roster::insert_grid(tx, yucheng, &layout::grid_name(k), None, now)
                .await
                .map_err(db)?,
        );
    }
    let mut building_ids = Vec::new();
    for b in &plan.buildings {
        let nb = NewBuilding {
            compound_id: compound_ids[b.compound],
            grid_id: Some(grid_ids[b.grid]),
            name: &b.name,
            floors: Some(b.floors),
        };
        building_ids.push(
            roster::insert_building(tx, yucheng, &nb, now)
                .await
                .map_err(db)?,
        );
    }
    let mut households = Vec::with_capacity(plan.households.len());
    let mut children = 0;
    for h in &plan.households {
        households.push(
            household(
                tx,
                yucheng,
                building_ids[h.slot.building],
                h,
                &mut children,
                now,
            )
            .await?,
        );
    }
    for (b, head) in plan.heads.iter().enumerate() {
        if let Some((h, p)) = head {
            roster::set_building_head(tx, building_ids[b], Some(households[*h].residents[*p]))
                .await
                .map_err(db)?;
        }
    }

    // 东里社区: one compound, two buildings, one grid nobody works yet.
    let compound = roster::insert_compound(tx, dongli, "东里小区", "友谊北大街201号", now)
        .await
        .map_err(db)?;
    let grid = roster::insert_grid(tx, dongli, &layout::grid_name(0), None, now)
        .await
        .map_err(db)?;
    let mut dongli_buildings = Vec::new();
    for b in &plan.dongli_buildings {
        let nb = NewBuilding {
            compound_id: compound,
            grid_id: Some(grid),
            name: &b.name,
            floors: Some(b.floors),
        };
        dongli_buildings.push(
            roster::insert_building(tx, dongli, &nb, now)
                .await
                .map_err(db)?,
        );
    }
    for h in &plan.dongli_households {
        household(
            tx,
            dongli,
            dongli_buildings[h.slot.building],
            h,
            &mut children,
            now,
        )
        .await?;
    }

    Ok(Roster {
        street_id,
        yucheng,
        dongli,
        grid_ids,
        building_ids,
        households,
    })
}

/// Each child under 14 of the household registered with the consent of its first adult
/// (PIPL art. 31), given some weeks before, in writing or at the counter; in one
/// household of about forty the consent has since been withdrawn, and the record waits
/// to be anonymised.
async fn consents(
    tx: &mut Tx,
    at: Place,
    household: i64,
    h: &HouseholdPlan,
    ids: &[i64],
    children: &mut usize,
    now: Millis,
) -> Result<(), String> {
    use crate::roster::model::child::{ConsentInput, ConsentMethod, is_adult_at, is_child_at};
    let Some(guardian) = h
        .people
        .iter()
        .position(|p| is_adult_at(Some(&p.birth_date), now))
    else {
        return Ok(());
    };
    for (i, p) in h.people.iter().enumerate() {
        if !is_child_at(Some(&p.birth_date), now) {
            continue;
        }
        let method = if (household + i as i64) % 3 == 0 {
            ConsentMethod::InPerson
        } else {
            ConsentMethod::Written
        };
        let c = ConsentInput {
            child_id: ids[i],
            guardian_id: ids[guardian],
            method,
        };
        let given = Millis(now.0 - (7 + household % 60) * 86_400_000);
        let id = roster::consents::insert(tx, at, household, &c, None, given)
            .await
            .map_err(db)?;
        // The fourth child of the demo (and every fortieth after), whoever it is.
        *children += 1;
        if *children % 40 == 4 {
            let by_then = Millis(given.0 + 3 * 86_400_000);
            roster::consents::withdraw_unattributed(tx, id, by_then)
                .await
                .map_err(db)?;
        }
    }
    Ok(())
}

async fn household(
    tx: &mut Tx,
    at: Place,
    building_id: i64,
    h: &HouseholdPlan,
    children: &mut usize,
    now: Millis,
) -> Result<HouseholdIds, String> {
    let id = roster::insert_household(tx, at, building_id, &h.slot.unit_no, &h.slot.room, now)
        .await
        .map_err(db)?;
    let mut residents = Vec::with_capacity(h.people.len());
    for p in &h.people {
        let r = NewResident {
            household_id: Some(id),
            name: &p.name,
            gender: Some(if p.male { "male" } else { "female" }),
            birth_date: Some(&p.birth_date),
            id_number: Some(&p.id_number),
            phone: p.phone.as_deref(),
            relation: p.relation,
            health_note: p.health_note,
            tags: &p.tags,
        };
        residents.push(roster::insert_resident(tx, at, &r, now).await.map_err(db)?);
    }
    consents(tx, at, id, h, &residents, children, now).await?;
    Ok(HouseholdIds { residents })
}
