//! The whole demo roster as plain data, before anything touches the database: the layout of
//! Yucheng filled with households, the demo accounts' people in their places, a building
//! head for every building, and the little 东里社区 next door.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::Size;
use super::families::{Folk, Person, SPECIALS};
use super::layout::{self, BuildingPlan, Layout, Slot};

/// The seeds of the generators: the same every run.
const PEOPLE_SEED: u64 = 20_240_419;

/// A household to insert.
#[derive(Clone, Debug)]
pub struct HouseholdPlan {
    pub slot: Slot,
    pub people: Vec<Person>,
    /// The demo account whose household this is (its head).
    pub special: Option<&'static str>,
}

pub struct Plan {
    pub buildings: Vec<BuildingPlan>,
    pub households: Vec<HouseholdPlan>,
    /// Per building: the household and person who is its building head (楼长).
    pub heads: Vec<Option<(usize, usize)>>,
    /// 东里社区: two buildings of one compound.
    pub dongli_buildings: Vec<BuildingPlan>,
    pub dongli_households: Vec<HouseholdPlan>,
}

impl Plan {
    /// The household of a demo account.
    pub fn household_of(&self, username: &str) -> Option<usize> {
        self.households
            .iter()
            .position(|h| h.special == Some(username))
    }
}

/// The roster for a size; ages are counted from `year`.
pub fn plan(size: &Size, year: i16) -> Result<Plan, String> {
    let layout = match size {
        Size::Full => layout::full()?,
        Size::Small => layout::small(),
    };
    let mut folk = Folk::new(StdRng::seed_from_u64(PEOPLE_SEED), year);
    let specials = place_specials(&layout)?;
    let mut households = Vec::with_capacity(layout.slots.len());
    for (i, slot) in layout.slots.iter().enumerate() {
        let special = specials.iter().find(|(s, _)| *s == i).map(|(_, k)| *k);
        let people = match special {
            Some(k) => {
                let s = SPECIALS.iter().find(|s| s.username == k).expect("special");
                folk.special_household(s)
            }
            None => match size {
                Size::Full => folk.random_household(),
                Size::Small => folk.small_household(),
            },
        };
        households.push(HouseholdPlan {
            slot: slot.clone(),
            people,
            special,
        });
    }
    let heads = building_heads(&layout, &households);

    let dongli_buildings: Vec<BuildingPlan> = (1..=2)
        .map(|n| BuildingPlan {
            compound: 0,
            grid: 0,
            name: format!("{n}号楼"),
            floors: 6,
        })
        .collect();
    let mut dongli_households = Vec::new();
    for b in 0..dongli_buildings.len() {
        for room in ["201", "502"] {
            dongli_households.push(HouseholdPlan {
                slot: Slot {
                    building: b,
                    unit_no: "1单元".into(),
                    room: room.into(),
                },
                people: folk.small_household(),
                special: None,
            });
        }
    }
    Ok(Plan {
        buildings: layout.buildings,
        households,
        heads,
        dongli_buildings,
        dongli_households,
    })
}

/// Which slot each demo account lives in: the n-th household of their grid's first
/// building.
fn place_specials(layout: &Layout) -> Result<Vec<(usize, &'static str)>, String> {
    SPECIALS
        .iter()
        .map(|s| {
            let b = layout.first_building_of(s.grid);
            layout
                .slots_of(b)
                .nth(s.slot)
                .map(|i| (i, s.username))
                .ok_or_else(|| format!("no household {} in building {b}", s.slot))
        })
        .collect()
}

/// A building head for every building: Master Du in his, elsewhere a party member of
/// working or early retirement age, or else any adult of that age.
pub(super) fn building_heads(
    layout: &Layout,
    households: &[HouseholdPlan],
) -> Vec<Option<(usize, usize)>> {
    (0..layout.buildings.len())
        .map(|b| {
            let mine: Vec<usize> = layout.slots_of(b).collect();
            if let Some(&h) = mine
                .iter()
                .find(|&&h| households[h].special == Some("louzhang"))
            {
                return Some((h, 0));
            }
            let fits = |p: &Person| (35..=72).contains(&p.age);
            let pick = |want: &dyn Fn(&Person) -> bool| {
                mine.iter().find_map(|&h| {
                    households[h]
                        .people
                        .iter()
                        .position(|p| fits(p) && want(p))
                        .map(|i| (h, i))
                })
            };
            pick(&|p| p.tags.contains(&"party_member"))
                .or_else(|| pick(&|_| true))
                .or_else(|| {
                    mine.iter().find_map(|&h| {
                        households[h]
                            .people
                            .iter()
                            .position(Person::is_adult)
                            .map(|i| (h, i))
                    })
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::roster::ids::{IdCardNumber, Phone};

    #[test]
    fn the_full_plan_is_about_ten_thousand_valid_people() {
        let p = plan(&Size::Full, 2026).unwrap();
        assert_eq!(p.households.len(), 4_060);
        let people: Vec<&Person> = p.households.iter().flat_map(|h| &h.people).collect();
        assert!((9_500..=10_600).contains(&people.len()), "{}", people.len());
        assert!(
            p.households
                .iter()
                .all(|h| (1..=5).contains(&h.people.len()))
        );
        let mut ids = HashSet::new();
        let mut phones = HashSet::new();
        for x in &people {
            let id = IdCardNumber::parse(&x.id_number).expect("valid ID number");
            assert_eq!(id.birth_date(), x.birth_date);
            assert_eq!(id.is_male(), x.male);
            assert!(ids.insert(x.id_number.clone()));
            if let Some(ph) = &x.phone {
                assert!(Phone::parse(ph).is_some());
                assert!(phones.insert(ph.clone()));
            }
            assert!(x.phone.is_none() || x.is_adult());
        }
        let count = |t| people.iter().filter(|x| x.tags.contains(&t)).count();
        let elderly = people.iter().filter(|x| x.age >= 60).count();
        assert!(
            elderly * 4 > people.len(),
            "an old community: {elderly} over 60"
        );
        assert!(count("elderly_alone") > 150);
        for t in [
            "disabled",
            "party_member",
            "volunteer",
            "low_income",
            "floating",
        ] {
            assert!(count(t) > 30, "{t}: {}", count(t));
        }
        assert!(p.heads.iter().all(Option::is_some));
        let pan = p.household_of("resident").unwrap();
        assert_eq!(p.households[pan].people.len(), 1);
        assert_eq!(p.households[pan].slot.building, 0);
        let du = p.household_of("louzhang").unwrap();
        assert_eq!(p.heads[0], Some((du, 0)));
    }

    #[test]
    fn the_small_plan_has_two_households_of_two_or_three_per_building() {
        let p = plan(&Size::Small, 2026).unwrap();
        assert_eq!(p.households.len(), 24);
        for h in &p.households {
            let n = h.people.len();
            match h.special {
                Some("resident") => assert_eq!(n, 1),
                _ => assert!((2..=3).contains(&n), "{n}"),
            }
        }
        let z = p.household_of("resident2").unwrap();
        assert_eq!(p.households[z].slot.building, 1);
        assert_eq!(p.dongli_households.len(), 4);
    }
}
