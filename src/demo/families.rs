//! Who lives in each dwelling: households of one to five people, as an old community has
//! them (many elderly, some living alone), with their names, ID numbers, phones, tags and a
//! few health notes. Pure and seeded.

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::names::{self, Numbers};

/// One resident of the plan.
#[derive(Clone, Debug)]
pub struct Person {
    pub name: String,
    pub male: bool,
    pub age: i16,
    /// `YYYY-MM-DD`, the date written in the ID number.
    pub birth_date: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub relation: &'static str,
    pub health_note: Option<&'static str>,
    pub tags: Vec<&'static str>,
}

impl Person {
    pub fn is_adult(&self) -> bool {
        self.age >= 18
    }
}

/// Who the household is made of.
#[derive(Clone, Copy, Debug)]
enum Kind {
    ElderAlone,
    YoungSingle,
    MiddleSingle,
    ElderCouple,
    YoungCouple,
    EmptyNest,
    SingleParent,
    CoupleChild,
    CoupleParent,
    CoupleTwoKids,
    CoupleChildParent,
    WithBothParents,
    Grandchildren,
}

/// Shares of the households, in percent: averages about 2.47 people a household.
const KINDS: &[(Kind, u32)] = &[
    (Kind::ElderAlone, 9),
    (Kind::YoungSingle, 8),
    (Kind::MiddleSingle, 3),
    (Kind::ElderCouple, 16),
    (Kind::YoungCouple, 9),
    (Kind::EmptyNest, 8),
    (Kind::SingleParent, 3),
    (Kind::CoupleChild, 22),
    (Kind::CoupleParent, 5),
    (Kind::CoupleTwoKids, 6),
    (Kind::CoupleChildParent, 5),
    (Kind::WithBothParents, 3),
    (Kind::Grandchildren, 3),
];

#[rustfmt::skip]
const ELDER_NOTES: &[&str] = &[
    "高血压", "糖尿病", "冠心病", "行动不便", "高血压、糖尿病", "听力下降", "视力较差",
    "腿脚不便，需拄拐", "脑梗后遗症，需人照料", "慢性支气管炎", "骨质疏松", "轻度认知障碍",
];
#[rustfmt::skip]
const DISABILITY_NOTES: &[&str] = &[
    "肢体残疾二级，使用轮椅", "肢体残疾四级", "视力残疾二级", "听力残疾三级", "智力残疾三级",
];

/// Someone the demo accounts are, placed in a known household.
pub struct Special {
    pub username: &'static str,
    /// 0-based grid whose first building they live in.
    pub grid: usize,
    /// Which household of that building.
    pub slot: usize,
    pub name: &'static str,
    pub male: bool,
    pub age: i16,
    pub tags: &'static [&'static str],
    pub health_note: Option<&'static str>,
    pub company: Company,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Company {
    Alone,
    Spouse,
    Family,
}

/// The people of the seeds who log in: Aunt Pan living alone, Master Du the building head,
/// Master Zhang next door, Big sister Gao and other volunteers.
#[rustfmt::skip]
pub const SPECIALS: &[Special] = &[
    Special { username: "resident", grid: 0, slot: 0, name: "潘桂兰", male: false, age: 81, tags: &["elderly_alone", "limited_mobility"], health_note: Some("高血压，腿脚不便"), company: Company::Alone },
    Special { username: "louzhang", grid: 0, slot: 1, name: "杜建民", male: true, age: 64, tags: &["party_member", "volunteer"], health_note: None, company: Company::Spouse },
    Special { username: "resident2", grid: 1, slot: 0, name: "张志强", male: true, age: 46, tags: &[], health_note: None, company: Company::Family },
    Special { username: "volunteer", grid: 2, slot: 0, name: "高秀英", male: false, age: 58, tags: &["volunteer", "party_member"], health_note: None, company: Company::Spouse },
    Special { username: "volunteer02", grid: 3, slot: 0, name: "贾国瑞", male: true, age: 67, tags: &["party_member", "volunteer"], health_note: None, company: Company::Spouse },
    Special { username: "volunteer03", grid: 4, slot: 0, name: "刘桂芝", male: false, age: 62, tags: &["volunteer"], health_note: None, company: Company::Spouse },
    Special { username: "volunteer04", grid: 5, slot: 0, name: "孙德明", male: true, age: 70, tags: &["party_member", "volunteer"], health_note: Some("高血压"), company: Company::Spouse },
    Special { username: "volunteer05", grid: 6, slot: 0, name: "马丽娟", male: false, age: 45, tags: &["volunteer"], health_note: None, company: Company::Family },
];

/// Makes people: names, numbers and tags from one seeded generator.
pub struct Folk {
    pub rng: StdRng,
    pub numbers: Numbers,
    /// The year ages are counted from.
    pub year: i16,
}

impl Folk {
    pub fn new(rng: StdRng, year: i16) -> Folk {
        Folk {
            rng,
            numbers: Numbers::default(),
            year,
        }
    }

    fn born(&mut self, age: i16) -> jiff::civil::Date {
        let month = self.rng.random_range(1..=12);
        let day = self.rng.random_range(1..=28);
        jiff::civil::date(self.year - age, month, day)
    }

    /// A person with a surname, gender, age and relation to the head of household.
    pub fn person(
        &mut self,
        surname: &str,
        male: bool,
        age: i16,
        relation: &'static str,
    ) -> Person {
        let age = age.max(0);
        let birth = self.born(age);
        let given = names::given_name(&mut self.rng, male, birth.year());
        let id_number = self.numbers.id_number(&mut self.rng, birth, male);
        let phone = (age >= 18 && (age < 85 || self.rng.random_bool(0.5)))
            .then(|| self.numbers.phone(&mut self.rng));
        Person {
            name: format!("{surname}{given}"),
            male,
            age,
            birth_date: birth.to_string(),
            id_number,
            phone,
            relation,
            health_note: None,
            tags: Vec::new(),
        }
    }

    /// A person with a fixed full name (the demo accounts).
    pub fn named(&mut self, name: &str, male: bool, age: i16, relation: &'static str) -> Person {
        let mut p = self.person("", male, age, relation);
        p.name = name.to_string();
        p.phone
            .get_or_insert_with(|| self.numbers.phone(&mut self.rng));
        p
    }

    fn other_surname(&mut self) -> &'static str {
        names::surname(&mut self.rng)
    }

    /// Head and spouse: the head is the husband four times in five; the family name is the
    /// husband's.
    fn couple(&mut self, age: (i16, i16)) -> (Vec<Person>, &'static str) {
        let head_age = self.rng.random_range(age.0..=age.1);
        let head_male = self.rng.random_bool(0.8);
        let gap = self.rng.random_range(0..=5);
        let (husband_age, wife_age) = if head_male {
            (head_age, head_age - gap)
        } else {
            (head_age + gap, head_age)
        };
        let husband_name = self.other_surname();
        let wife_name = self.other_surname();
        let husband =
            |f: &mut Folk, rel: &'static str| f.person(husband_name, true, husband_age, rel);
        let wife = |f: &mut Folk, rel: &'static str| f.person(wife_name, false, wife_age, rel);
        let people = if head_male {
            vec![husband(self, "户主"), wife(self, "配偶")]
        } else {
            vec![wife(self, "户主"), husband(self, "配偶")]
        };
        (people, husband_name)
    }

    fn child(&mut self, surname: &str, parent_age: i16, relation: &'static str) -> Person {
        let age = (parent_age - self.rng.random_range(24..=34)).max(0);
        let male = self.rng.random_bool(0.5);
        self.person(surname, male, age, relation)
    }

    /// The head's parents (one or both), older by a generation.
    fn parents(&mut self, head: &Person, both: bool) -> Vec<Person> {
        let family = head
            .name
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default();
        let age = (head.age + self.rng.random_range(24..=32)).min(96);
        let mother_name = self.other_surname();
        let mut v = Vec::new();
        if both || self.rng.random_bool(0.35) {
            v.push(self.person(&family, true, age, "父母"));
        }
        let mother_age = (age - self.rng.random_range(0..=4)).max(60);
        v.push(self.person(mother_name, false, mother_age, "父母"));
        v
    }

    fn household(&mut self, kind: Kind) -> Vec<Person> {
        let single = |f: &mut Folk, lo: i16, hi: i16, female: f64| {
            let s = f.other_surname();
            let male = !f.rng.random_bool(female);
            let age = f.rng.random_range(lo..=hi);
            vec![f.person(s, male, age, "户主")]
        };
        match kind {
            Kind::ElderAlone => single(self, 72, 93, 0.7),
            Kind::YoungSingle => single(self, 22, 38, 0.5),
            Kind::MiddleSingle => single(self, 40, 69, 0.5),
            Kind::ElderCouple => self.couple((65, 86)).0,
            Kind::YoungCouple => self.couple((25, 36)).0,
            Kind::EmptyNest => self.couple((50, 64)).0,
            Kind::SingleParent => {
                let mut v = single(self, 35, 55, 0.7);
                let s = v[0]
                    .name
                    .chars()
                    .next()
                    .map(String::from)
                    .unwrap_or_default();
                let age = v[0].age;
                v.push(self.child(&s, age, "子女"));
                v
            }
            Kind::CoupleChild | Kind::CoupleTwoKids | Kind::CoupleChildParent => {
                let (mut v, family) = self.couple(match kind {
                    Kind::CoupleTwoKids => (32, 48),
                    _ => (30, 56),
                });
                let age = v[0].age.min(v[1].age);
                v.push(self.child(family, age, "子女"));
                if matches!(kind, Kind::CoupleTwoKids) {
                    v.push(self.child(family, age, "子女"));
                }
                if matches!(kind, Kind::CoupleChildParent) {
                    let p = self.parents(&v[0].clone(), false);
                    v.push(p.into_iter().last().expect("a parent"));
                }
                v
            }
            Kind::CoupleParent => {
                let (mut v, _) = self.couple((38, 58));
                let p = self.parents(&v[0].clone(), false);
                v.push(p.into_iter().last().expect("a parent"));
                v
            }
            Kind::WithBothParents => {
                let (mut v, family) = self.couple((45, 58));
                let age = v[0].age.min(v[1].age);
                v.push(self.child(family, age, "子女"));
                let head = v[0].clone();
                v.extend(self.parents(&head, true));
                v
            }
            Kind::Grandchildren => {
                let (mut v, family) = self.couple((60, 75));
                let age = v[0].age.min(v[1].age);
                let child = self.child(family, age, "子女");
                let child_age = child.age;
                v.push(child);
                v.push(self.child(family, child_age, "孙子女"));
                v.push(self.child(family, child_age, "孙子女"));
                v
            }
        }
    }

    /// A household drawn from the community's mix, tagged.
    pub fn random_household(&mut self) -> Vec<Person> {
        let total: u32 = KINDS.iter().map(|k| k.1).sum();
        let mut n = self.rng.random_range(0..total);
        let mut kind = Kind::CoupleChild;
        for (k, w) in KINDS {
            if n < *w {
                kind = *k;
                break;
            }
            n -= w;
        }
        let mut people = self.household(kind);
        self.tag(&mut people, kind);
        people
    }

    /// Two or three people (the small community of the tests), tagged.
    pub fn small_household(&mut self) -> Vec<Person> {
        let kind = if self.rng.random_bool(0.5) {
            Kind::CoupleChild
        } else {
            Kind::ElderCouple
        };
        let mut people = self.household(kind);
        self.tag(&mut people, kind);
        people
    }

    /// The household of one of the demo accounts.
    pub fn special_household(&mut self, s: &Special) -> Vec<Person> {
        let mut head = self.named(s.name, s.male, s.age, "户主");
        head.tags = s.tags.to_vec();
        head.health_note = s.health_note;
        let family = s.name.chars().next().map(String::from).unwrap_or_default();
        let spouse_name = self.other_surname();
        let spouse_age = if s.male { s.age - 2 } else { s.age + 2 };
        let mut v = vec![head];
        if s.company != Company::Alone {
            v.push(self.person(spouse_name, !s.male, spouse_age, "配偶"));
        }
        if s.company == Company::Family {
            // A child in primary school, under 14: the portal shows these accounts the
            // guardian's consent (PIPL art. 31) they gave for them.
            let surname = if s.male { family.as_str() } else { spouse_name };
            let male = self.rng.random_bool(0.5);
            v.push(self.person(surname, male, (s.age - 37).max(6), "子女"));
        }
        v
    }

    /// Tags and health notes by age and household, at the rates of an old community.
    fn tag(&mut self, people: &mut [Person], kind: Kind) {
        let r = &mut self.rng;
        let alone = people.len() == 1;
        let floating = match kind {
            Kind::YoungSingle => r.random_bool(0.55),
            Kind::YoungCouple => r.random_bool(0.25),
            Kind::CoupleChild => people[0].age < 40 && r.random_bool(0.1),
            _ => false,
        };
        let low_income = r.random_bool(0.025);
        for p in people.iter_mut() {
            if alone && p.age >= 75 && r.random_bool(0.85) {
                p.tags.push("elderly_alone");
            }
            // The very old walk with difficulty: a visitor must knock and wait.
            if p.age >= 88 {
                p.tags.push("limited_mobility");
            }
            if p.is_adult() {
                let party = r.random_bool(match p.age {
                    60.. => 0.11,
                    30..60 => 0.06,
                    _ => 0.03,
                });
                if party {
                    p.tags.push("party_member");
                }
                let volunteer = (18..=75).contains(&p.age)
                    && r.random_bool(if party {
                        0.3
                    } else if p.age >= 50 {
                        0.05
                    } else {
                        0.02
                    });
                if volunteer {
                    p.tags.push("volunteer");
                }
            }
            if r.random_bool(if p.age >= 65 { 0.04 } else { 0.012 }) {
                p.tags.push("disabled");
                p.health_note = DISABILITY_NOTES.choose(r).copied();
            } else if p.age >= 60 && r.random_bool(0.35) {
                p.health_note = ELDER_NOTES.choose(r).copied();
            }
            if low_income {
                p.tags.push("low_income");
            }
            if floating {
                p.tags.push("floating");
            }
        }
    }
}
