//! The bricks of Yucheng: nine compounds, their buildings and the rooms in them, and which
//! grid each building belongs to. Pure and seeded, so every run builds the same community.

use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// Households of the full community (seed 002).
pub const FULL_HOUSEHOLDS: usize = 4_060;
/// Grids of Yucheng (seed 002: "12 grid members").
pub const GRIDS: usize = 12;
/// Buildings per grid in the full community.
const BUILDINGS_PER_GRID: usize = 5;

/// A compound (小区/院) and the shape of its buildings.
pub struct CompoundSpec {
    pub name: &'static str,
    pub address: &'static str,
    buildings: usize,
    floors: (i64, i64),
    units: i64,
    per_floor: i64,
}

/// Newer high-rise compounds first, then the old six-storey courtyards of work units.
#[rustfmt::skip]
pub const COMPOUNDS: &[CompoundSpec] = &[
    CompoundSpec { name: "裕城小区", address: "友谊南大街88号", buildings: 12, floors: (11, 18), units: 3, per_floor: 2 },
    CompoundSpec { name: "裕兴园", address: "裕华西路166号", buildings: 8, floors: (11, 18), units: 3, per_floor: 3 },
    CompoundSpec { name: "裕馨苑", address: "维明南大街29号", buildings: 6, floors: (18, 18), units: 2, per_floor: 3 },
    CompoundSpec { name: "金裕花园", address: "友谊南大街120号", buildings: 6, floors: (16, 18), units: 2, per_floor: 3 },
    CompoundSpec { name: "建设北大街12号院", address: "建设北大街12号", buildings: 6, floors: (6, 6), units: 3, per_floor: 2 },
    CompoundSpec { name: "友谊南大街36号院", address: "友谊南大街36号", buildings: 6, floors: (6, 7), units: 3, per_floor: 2 },
    CompoundSpec { name: "维明南大街8号院", address: "维明南大街8号", buildings: 5, floors: (6, 6), units: 3, per_floor: 2 },
    CompoundSpec { name: "裕华西路66号院", address: "裕华西路66号", buildings: 6, floors: (7, 7), units: 3, per_floor: 2 },
    CompoundSpec { name: "铁路东小区", address: "新石南路15号", buildings: 5, floors: (6, 6), units: 3, per_floor: 2 },
];

/// The grids' names: 第一网格 … 第十二网格.
pub fn grid_name(k: usize) -> String {
    const N: [&str; 12] = [
        "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
    ];
    format!("第{}网格", N[k % 12])
}

/// A building of the plan.
#[derive(Clone, Debug)]
pub struct BuildingPlan {
    /// Index into [`COMPOUNDS`].
    pub compound: usize,
    /// 0-based grid.
    pub grid: usize,
    pub name: String,
    pub floors: i64,
}

/// A dwelling that someone lives in.
#[derive(Clone, Debug)]
pub struct Slot {
    /// Index into the buildings.
    pub building: usize,
    pub unit_no: String,
    pub room: String,
}

pub struct Layout {
    pub buildings: Vec<BuildingPlan>,
    /// Grouped by building, in the order of the buildings.
    pub slots: Vec<Slot>,
}

impl Layout {
    /// The slots of one building, in order.
    pub fn slots_of(&self, building: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.slots.len()).filter(move |&i| self.slots[i].building == building)
    }

    /// The first building of a grid (0-based).
    pub fn first_building_of(&self, grid: usize) -> usize {
        self.buildings
            .iter()
            .position(|b| b.grid == grid)
            .unwrap_or(0)
    }
}

fn room(floor: i64, door: i64) -> String {
    format!("{}{:02}", floor, door)
}

/// 60 buildings, five to a grid, and exactly 4,060 lived-in dwellings; the rest stand
/// empty or are let without registration.
pub fn full() -> Result<Layout, String> {
    full_with(2_002)
}

/// The same buildings with another choice of empty dwellings (the generated city's
/// communities).
pub fn full_with(seed: u64) -> Result<Layout, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut buildings = Vec::new();
    let mut rooms: Vec<Slot> = Vec::new();
    for (c, spec) in COMPOUNDS.iter().enumerate() {
        for n in 1..=spec.buildings {
            let b = buildings.len();
            let floors = rng.random_range(spec.floors.0..=spec.floors.1);
            buildings.push(BuildingPlan {
                compound: c,
                grid: b / BUILDINGS_PER_GRID,
                name: format!("{n}号楼"),
                floors,
            });
            for unit in 1..=spec.units {
                for floor in 1..=floors {
                    for door in 1..=spec.per_floor {
                        rooms.push(Slot {
                            building: b,
                            unit_no: format!("{unit}单元"),
                            room: room(floor, door),
                        });
                    }
                }
            }
        }
    }
    if buildings.len() != GRIDS * BUILDINGS_PER_GRID {
        return Err(format!("the layout has {} buildings", buildings.len()));
    }
    let Some(vacant) = rooms.len().checked_sub(FULL_HOUSEHOLDS) else {
        return Err(format!("the layout has only {} dwellings", rooms.len()));
    };
    let mut order: Vec<usize> = (0..rooms.len()).collect();
    order.shuffle(&mut rng);
    let mut empty = vec![false; rooms.len()];
    for i in &order[..vacant] {
        empty[*i] = true;
    }
    let slots = rooms
        .into_iter()
        .zip(empty)
        .filter(|(_, e)| !e)
        .map(|(s, _)| s)
        .collect();
    Ok(Layout { buildings, slots })
}

/// Twelve buildings, one per grid (grid k has building k), two households in each.
pub fn small() -> Layout {
    let mut per_compound = [0usize; 9];
    let mut buildings = Vec::new();
    let mut slots = Vec::new();
    for g in 0..GRIDS {
        let c = g % COMPOUNDS.len();
        per_compound[c] += 1;
        let spec = &COMPOUNDS[c];
        buildings.push(BuildingPlan {
            compound: c,
            grid: g,
            name: format!("{}号楼", per_compound[c]),
            floors: spec.floors.1,
        });
        for r in ["101", "302"] {
            slots.push(Slot {
                building: g,
                unit_no: "1单元".into(),
                room: r.into(),
            });
        }
    }
    Layout { buildings, slots }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_full_layout_is_yucheng() {
        let l = full().unwrap();
        assert_eq!(l.buildings.len(), 60);
        assert_eq!(l.slots.len(), FULL_HOUSEHOLDS);
        for g in 0..GRIDS {
            assert_eq!(l.buildings.iter().filter(|b| b.grid == g).count(), 5);
        }
        assert!(l.buildings.iter().all(|b| (6..=18).contains(&b.floors)));
        let mut seen = std::collections::HashSet::new();
        for s in &l.slots {
            let b = &l.buildings[s.building];
            assert!(seen.insert((
                b.compound,
                b.name.clone(),
                s.unit_no.clone(),
                s.room.clone()
            )));
        }
        assert_eq!(grid_name(0), "第一网格");
        assert_eq!(grid_name(11), "第十二网格");
    }

    #[test]
    fn the_small_layout_has_one_building_per_grid() {
        let l = small();
        assert_eq!(l.buildings.len(), GRIDS);
        assert_eq!(l.slots.len(), 2 * GRIDS);
        assert!(l.buildings.iter().enumerate().all(|(i, b)| b.grid == i));
        assert_eq!(l.first_building_of(3), 3);
    }
}
