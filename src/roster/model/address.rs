//! A household's address as people type it at the counter: `1号楼 1单元 101`,
//! `1号楼1单元101`, `1栋1单元101室`, `1-1-101`, full-width digits included. Parsed into its
//! numbers, so that `1号楼` finds building 1 and never building 11.

/// The parts of an address that were given: building, unit and room numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressQuery {
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
}

impl AddressQuery {
    /// The address in `q`, or `None` when `q` does not read as one (a name, a phone).
    pub fn parse(q: &str) -> Option<AddressQuery> {
        let q: String = q
            .trim()
            .chars()
            .map(|c| match c {
                // Full-width digits and dashes, as Chinese input methods type them.
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '－' | '—' | '–' | '/' | '／' => '-',
                c => c,
            })
            .collect();
        if q.is_empty() {
            return None;
        }
        // `1-1-101`, `1-101`: building, (unit,) room.
        if q.chars().all(|c| c.is_ascii_digit() || c == '-') && q.contains('-') {
            let parts: Vec<&str> = q.split('-').collect();
            if parts.iter().any(|p| p.is_empty()) {
                return None;
            }
            let own =
                |s: &str| Some(s.trim_start_matches('0').to_string()).filter(|s| !s.is_empty());
            return match parts.as_slice() {
                [b, u, r] => Some(AddressQuery {
                    building: own(b),
                    unit: own(u),
                    room: Some(r.to_string()),
                }),
                [b, r] => Some(AddressQuery {
                    building: own(b),
                    unit: None,
                    room: Some(r.to_string()),
                }),
                _ => None,
            };
        }
        // Numbers each followed by what they number: 号楼 / 栋 / 幢 / 楼, 单元, 室 or nothing.
        let mut a = AddressQuery::default();
        let mut rest = q.as_str();
        while !rest.is_empty() {
            rest = rest.trim_start();
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let (n, after) = rest.split_at(digits);
            let after = after.trim_start();
            let word = ["号楼", "栋", "幢", "号", "楼", "单元", "室"]
                .into_iter()
                .find(|w| after.starts_with(w));
            let n = n.trim_start_matches('0');
            let n = if n.is_empty() { "0" } else { n }.to_string();
            let slot = match word {
                Some("单元") => &mut a.unit,
                Some("室") | None => &mut a.room,
                Some(_) => &mut a.building,
            };
            if slot.is_some() {
                return None;
            }
            *slot = Some(n);
            rest = &after[word.map_or(0, str::len)..];
        }
        // A bare number is a name's or a phone's digits, not an address.
        if a.building.is_none() && a.unit.is_none() {
            return None;
        }
        Some(a)
    }

    /// The names a building of this number may have on the roster.
    pub fn building_names(&self) -> Vec<String> {
        self.building
            .as_deref()
            .map(|n| {
                ["号楼", "栋", "幢", "号", ""]
                    .map(|w| format!("{n}{w}"))
                    .to_vec()
            })
            .unwrap_or_default()
    }

    /// The ways a unit of this number may be written on the roster.
    pub fn unit_names(&self) -> Vec<String> {
        self.unit
            .as_deref()
            .map(|n| vec![format!("{n}单元"), n.to_string()])
            .unwrap_or_default()
    }

    /// The ways a room of this number may be written on the roster.
    pub fn room_names(&self) -> Vec<String> {
        self.room
            .as_deref()
            .map(|n| vec![n.to_string(), format!("{n}室")])
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(b: Option<&str>, u: Option<&str>, r: Option<&str>) -> Option<AddressQuery> {
        Some(AddressQuery {
            building: b.map(str::to_string),
            unit: u.map(str::to_string),
            room: r.map(str::to_string),
        })
    }

    #[test]
    fn addresses_as_the_counter_types_them() {
        let full = a(Some("1"), Some("1"), Some("101"));
        for q in [
            "1号楼 1单元 101",
            "1号楼1单元101",
            "1-1-101",
            "１号楼１单元１０１",
            "1栋1单元101室",
            "1幢 1单元 101室",
            " 1－1－101 ",
        ] {
            assert_eq!(AddressQuery::parse(q), full, "{q}");
        }
        assert_eq!(AddressQuery::parse("11号楼"), a(Some("11"), None, None));
        assert_eq!(AddressQuery::parse("1号楼"), a(Some("1"), None, None));
        assert_eq!(
            AddressQuery::parse("3号楼502"),
            a(Some("3"), None, Some("502"))
        );
        assert_eq!(
            AddressQuery::parse("2单元301"),
            a(None, Some("2"), Some("301"))
        );
        assert_eq!(
            AddressQuery::parse("12-302"),
            a(Some("12"), None, Some("302"))
        );
        assert!(
            AddressQuery::parse("1号楼")
                .unwrap()
                .building_names()
                .contains(&"1号楼".to_string())
        );
        assert!(
            !AddressQuery::parse("1号楼")
                .unwrap()
                .building_names()
                .contains(&"11号楼".to_string())
        );
    }

    #[test]
    fn names_and_phones_are_not_addresses() {
        for q in [
            "潘阿姨",
            "5678",
            "13800001234",
            "",
            "1--101",
            "1号楼1号楼",
            "潘 1号楼",
            "1-1-1-1",
        ] {
            assert_eq!(AddressQuery::parse(q), None, "{q}");
        }
    }
}
