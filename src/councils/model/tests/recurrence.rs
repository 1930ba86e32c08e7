use super::*;
use proptest::prelude::*;

fn detail(e: &Error) -> String {
    match e.arg("detail") {
        Some(crate::error::Arg::Text(t)) => t.clone(),
        _ => String::new(),
    }
}

#[test]
fn the_living_room_meets_every_monday() {
    let r = Recurrence::parse("FREQ=WEEKLY;BYDAY=MO").unwrap();
    assert_eq!(r.freq, Freq::Weekly);
    assert_eq!(r.interval, 1);
    assert_eq!(
        r.by_day,
        [ByDay {
            nth: None,
            weekday: Weekday::Monday
        }]
    );
    assert_eq!(r.to_string(), "FREQ=WEEKLY;BYDAY=MO");
    // The prefix, lower case, another order and a trailing semicolon read the same.
    assert_eq!(Recurrence::parse("rrule:byday=mo;freq=weekly").unwrap(), r);
    assert_eq!(Recurrence::parse("FREQ=WEEKLY;BYDAY=MO;").unwrap(), r);
}

#[test]
fn ordinals_counts_and_ends() {
    let r = Recurrence::parse("FREQ=MONTHLY;BYDAY=-1FR,1MO;COUNT=12").unwrap();
    assert_eq!(r.to_string(), "FREQ=MONTHLY;BYDAY=-1FR,1MO;COUNT=12");
    let r = Recurrence::parse("FREQ=DAILY;INTERVAL=3;UNTIL=20261231").unwrap();
    assert_eq!(r.until, Some(Until::Date(jiff::civil::date(2026, 12, 31))));
    let r = Recurrence::parse("FREQ=WEEKLY;UNTIL=20261231T160000Z;WKST=SU").unwrap();
    assert_eq!(r.to_string(), "FREQ=WEEKLY;UNTIL=20261231T160000Z;WKST=SU");
    let r = Recurrence::parse("FREQ=WEEKLY;UNTIL=20261231T235959").unwrap();
    assert!(matches!(r.until, Some(Until::Local(_))));
}

#[test]
fn unparsable_rules_are_refused_with_what_is_wrong() {
    for (rule, says) in [
        ("FREQ=YEARLY", "FREQ=YEARLY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY"),
        ("BYDAY=MO", "FREQ is required"),
        ("FREQ=WEEKLY;FREQ=DAILY", "twice"),
        ("FREQ=WEEKLY;BYDAY=1MO", "MONTHLY"),
        ("FREQ=MONTHLY;BYDAY=6MO", "ordinal"),
        ("FREQ=MONTHLY;BYDAY=0MO", "ordinal"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY XX"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL"),
        ("FREQ=WEEKLY;INTERVAL=+2", "INTERVAL"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20261231", "COUNT and UNTIL"),
        ("FREQ=WEEKLY;UNTIL=20260230", "UNTIL"),
        ("FREQ=WEEKLY;UNTIL=20261231T250000", "UNTIL"),
        ("FREQ=WEEKLY;;", "empty"),
        ("FREQ=WEEKLY;;BYDAY=MO", "empty"),
        ("FREQ", "NAME=VALUE"),
        ("every monday", "NAME=VALUE"),
    ] {
        let e = Recurrence::parse(rule).unwrap_err();
        assert_eq!(e.code, Code::InvalidRecurrence, "{rule}");
        assert!(detail(&e).contains(says), "{rule}: {}", detail(&e));
    }
    assert_eq!(Recurrence::parse(" ").unwrap_err().code, Code::MissingField);
    assert_eq!(
        Recurrence::parse(&format!("FREQ=DAILY;{}", "WKST=MO;".repeat(40)))
            .unwrap_err()
            .code,
        Code::TextTooLong
    );
}

fn any_rule() -> impl Strategy<Value = Recurrence> {
    let day = (prop::option::of(-5i8..=5), 0i8..7).prop_map(|(n, w)| ByDay {
        nth: n.filter(|n| *n != 0),
        weekday: Weekday::from_monday_zero_offset(w).unwrap(),
    });
    (
        0usize..3,
        1u16..30,
        prop::collection::vec(day, 0..4),
        prop::option::of(1u32..100),
        prop::option::of((2000i16..2100, 1i8..13, 1i8..29)),
        0i8..7,
    )
        .prop_map(|(f, interval, mut by_day, count, until, wk)| {
            let freq = [Freq::Daily, Freq::Weekly, Freq::Monthly][f];
            if freq != Freq::Monthly {
                by_day.iter_mut().for_each(|d| d.nth = None);
            }
            by_day.sort_by_key(|d| (d.nth, d.weekday.to_monday_zero_offset()));
            by_day.dedup();
            let until = until
                .filter(|_| count.is_none())
                .map(|(y, m, d)| Until::Date(Date::new(y, m, d).unwrap()));
            Recurrence {
                freq,
                interval,
                by_day,
                count,
                until,
                week_start: Weekday::from_monday_zero_offset(wk).unwrap(),
            }
        })
}

proptest! {
    /// The canonical text parses back to the same rule.
    #[test]
    fn display_parses_back(r in any_rule()) {
        prop_assert_eq!(Recurrence::parse(&r.to_string()).unwrap(), r);
    }

    /// Nothing typed makes the parser panic; what it accepts it can write back.
    #[test]
    fn any_text_is_parsed_or_refused(s in "[A-Z0-9=;,+:-]{0,60}") {
        if let Ok(r) = Recurrence::parse(&s) {
            prop_assert_eq!(Recurrence::parse(&r.to_string()).unwrap(), r);
        }
    }
}
