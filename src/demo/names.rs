//! Chinese names, identity card numbers and mobile numbers for the demo people: common
//! surnames by how common they are, given names by the decade people were born in, ID
//! numbers of Shijiazhuang with their check digit, and numbers nobody else has.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use crate::roster::ids::check_digit;

/// Surnames with their weight (roughly their share of the population, in tenths of a
/// percent).
const SURNAMES: &[(&str, u32)] = &[
    ("王", 75),
    ("李", 72),
    ("张", 70),
    ("刘", 55),
    ("陈", 40),
    ("杨", 31),
    ("赵", 24),
    ("黄", 18),
    ("周", 17),
    ("吴", 16),
    ("徐", 13),
    ("孙", 15),
    ("胡", 12),
    ("朱", 11),
    ("高", 14),
    ("林", 8),
    ("何", 9),
    ("郭", 12),
    ("马", 12),
    ("罗", 7),
    ("梁", 7),
    ("宋", 7),
    ("郑", 6),
    ("谢", 5),
    ("韩", 7),
    ("唐", 5),
    ("冯", 6),
    ("于", 6),
    ("董", 6),
    ("肖", 4),
    ("程", 4),
    ("曹", 5),
    ("袁", 4),
    ("邓", 4),
    ("许", 4),
    ("傅", 3),
    ("沈", 3),
    ("曾", 2),
    ("彭", 3),
    ("吕", 4),
    ("苏", 4),
    ("卢", 3),
    ("蒋", 3),
    ("蔡", 3),
    ("贾", 5),
    ("丁", 4),
    ("魏", 5),
    ("薛", 4),
    ("叶", 2),
    ("阎", 3),
    ("余", 2),
    ("潘", 2),
    ("杜", 4),
    ("戴", 2),
    ("夏", 2),
    ("钟", 2),
    ("汪", 2),
    ("田", 4),
    ("任", 3),
    ("姜", 3),
    ("范", 3),
    ("方", 2),
    ("石", 3),
    ("姚", 2),
    ("谭", 1),
    ("邹", 1),
    ("金", 2),
    ("陆", 1),
    ("郝", 4),
    ("孔", 2),
    ("白", 3),
    ("崔", 4),
    ("康", 2),
    ("毛", 1),
    ("秦", 2),
    ("史", 3),
    ("侯", 3),
    ("邵", 1),
    ("孟", 3),
    ("段", 2),
    ("雷", 1),
    ("钱", 1),
    ("尹", 2),
    ("常", 3),
    ("武", 3),
    ("乔", 2),
    ("贺", 2),
    ("耿", 2),
    ("申", 2),
    ("牛", 2),
    ("齐", 2),
    ("庞", 1),
    ("温", 1),
    ("安", 2),
];

/// Given names by era and gender: `[born before 1955, 1955-1974, 1975-1994, 1995 on]`.
const MALE: [&[&str]; 4] = [
    &[
        "建国", "国强", "德明", "振华", "福生", "永安", "宝山", "文华", "树林", "长海", "玉成",
        "保国", "凤山", "金堂", "广田", "志和", "庆祥", "福海", "富贵", "有才", "明", "德", "山",
        "林", "春华", "万里", "俊山", "永福", "守义",
    ],
    &[
        "建华", "建军", "卫东", "红军", "志刚", "志强", "国华", "永刚", "立新", "海军", "卫国",
        "建平", "国庆", "跃进", "新民", "春生", "军", "强", "勇", "平", "刚", "斌", "文革", "洪涛",
        "满仓", "铁柱", "宏伟", "利民",
    ],
    &[
        "伟", "磊", "涛", "鹏", "超", "浩", "杰", "波", "晓东", "海涛", "志伟", "建伟", "文博",
        "宇", "亮", "明辉", "振宇", "俊杰", "晓明", "立伟", "凯", "帅", "旭", "东升", "永健",
    ],
    &[
        "浩然", "子轩", "宇航", "博文", "子豪", "俊熙", "一鸣", "浩宇", "皓轩", "天佑", "铭泽",
        "思远", "宇轩", "梓睿", "奕辰", "嘉豪", "晨阳", "子墨", "锦程", "昊", "睿", "航",
    ],
];

const FEMALE: [&[&str]; 4] = [
    &[
        "秀英", "桂兰", "淑珍", "玉兰", "凤英", "秀兰", "桂英", "玉珍", "秀珍", "淑英", "桂芝",
        "秀云", "素芳", "玉梅", "翠花", "金凤", "兰英", "桂荣", "淑华", "凤兰", "玉芬", "秀芳",
        "淑兰", "桂珍", "素珍", "兰",
    ],
    &[
        "丽华", "红梅", "秀梅", "丽娟", "桂香", "建英", "红英", "爱华", "春梅", "玉霞", "丽萍",
        "淑敏", "彩霞", "艳", "红", "霞", "敏", "萍", "燕", "秀荣", "晓红", "春燕", "美玲", "卫红",
    ],
    &[
        "丽", "静", "敏", "婷", "娜", "芳", "燕", "晓燕", "丽娜", "海燕", "婷婷", "雪", "倩", "丹",
        "晶", "慧敏", "晓丽", "佳", "璐", "颖", "莉", "蕾", "琳", "媛媛",
    ],
    &[
        "欣怡", "子涵", "雨桐", "梓萱", "诗涵", "可馨", "一诺", "梦瑶", "语嫣", "佳怡", "思琪",
        "雨萱", "若汐", "欣妍", "梓琪", "紫涵", "依诺", "晨曦", "安琪", "心怡", "悦", "彤",
    ],
];

/// County codes of Shijiazhuang, most people born in the city districts (桥西 first).
const REGIONS: &[(&str, u32)] = &[
    ("130104", 50), // 桥西区
    ("130102", 10), // 长安区
    ("130105", 10), // 新华区
    ("130108", 10), // 裕华区
    ("130110", 3),  // 鹿泉区
    ("130111", 3),  // 栾城区
    ("130109", 3),  // 藁城区
    ("130123", 4),  // 正定县
    ("130121", 2),  // 井陉县
    ("130181", 3),  // 辛集市
    ("130183", 2),  // 晋州市
];

/// Mobile prefixes of the three carriers.
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "183", "185", "186",
    "187", "188", "189", "199",
];

fn weighted<'a>(rng: &mut StdRng, table: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = table.iter().map(|t| t.1).sum();
    let mut n = rng.random_range(0..total);
    for (s, w) in table {
        if n < *w {
            return s;
        }
        n -= w;
    }
    table[0].0
}

/// A surname, drawn by how common it is.
pub fn surname(rng: &mut StdRng) -> &'static str {
    weighted(rng, SURNAMES)
}

/// A given name that fits the gender and the year of birth.
pub fn given_name(rng: &mut StdRng, male: bool, birth_year: i16) -> &'static str {
    let era = match birth_year {
        ..1955 => 0,
        1955..1975 => 1,
        1975..1995 => 2,
        _ => 3,
    };
    let pool = if male { MALE[era] } else { FEMALE[era] };
    pool.choose(rng).copied().unwrap_or("明")
}

/// Identity card numbers and phone numbers handed out so far: each is given once.
#[derive(Default)]
pub struct Numbers {
    id_numbers: HashSet<String>,
    phones: HashSet<String>,
}

impl Numbers {
    /// An 18-digit ID number of Shijiazhuang for this birth date and gender, with its
    /// check digit (GB 11643-1999).
    pub fn id_number(&mut self, rng: &mut StdRng, birth: jiff::civil::Date, male: bool) -> String {
        loop {
            let region = weighted(rng, REGIONS);
            let order: u32 = rng.random_range(0..50) * 2 + u32::from(male);
            let first17 = format!(
                "{region}{:04}{:02}{:02}{:02}{}",
                birth.year(),
                birth.month(),
                birth.day(),
                rng.random_range(0..100),
                order % 10
            );
            let n = format!("{first17}{}", check_digit(&first17));
            if self.id_numbers.insert(n.clone()) {
                return n;
            }
        }
    }

    /// A mobile number (`1[3-9]` + 9 digits) nobody else in the demo has.
    pub fn phone(&mut self, rng: &mut StdRng) -> String {
        loop {
            let prefix = MOBILE_PREFIXES.choose(rng).copied().unwrap_or("138");
            let p = format!("{prefix}{:08}", rng.random_range(0..100_000_000u32));
            if self.phones.insert(p.clone()) {
                return p;
            }
        }
    }

    /// Marks a fixed number as taken.
    pub fn reserve_phone(&mut self, p: &str) {
        self.phones.insert(p.to_string());
    }

    /// Marks an ID number already on the roster as taken.
    pub fn reserve_id_number(&mut self, n: &str) {
        self.id_numbers.insert(n.to_string());
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::roster::ids::{IdCardNumber, Phone};

    #[test]
    fn numbers_are_valid_unique_and_match_the_person() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut n = Numbers::default();
        let birth = jiff::civil::date(1943, 2, 28);
        let mut seen = HashSet::new();
        for i in 0..2000 {
            let male = i % 2 == 0;
            let id = IdCardNumber::parse(&n.id_number(&mut rng, birth, male)).unwrap();
            assert!(id.as_str().starts_with("1301"));
            assert_eq!(id.birth_date(), "1943-02-28");
            assert_eq!(id.is_male(), male);
            assert!(seen.insert(id.as_str().to_string()));
            let p = n.phone(&mut rng);
            assert_eq!(Phone::parse(&p).unwrap().as_str(), p);
            assert!(seen.insert(p));
        }
    }

    #[test]
    fn given_names_follow_the_era_and_are_chinese() {
        let mut rng = StdRng::seed_from_u64(1);
        for year in [1930, 1960, 1985, 2015] {
            for male in [true, false] {
                let g = given_name(&mut rng, male, year);
                assert!(!g.is_empty() && g.chars().count() <= 2, "{g}");
                assert!(!g.is_ascii());
            }
        }
        assert!(SURNAMES.iter().all(|s| s.0.chars().count() == 1));
    }
}
