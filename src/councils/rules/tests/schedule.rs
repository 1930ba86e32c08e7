use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn ms(d: Date) -> Millis {
    Millis(
        d.to_zoned_datetime(china())
            .unwrap()
            .timestamp()
            .as_millisecond(),
    )
}

fn days(rule: &str, first: DateTime, from: Date, to: Date) -> Vec<String> {
    let r = Recurrence::parse(rule).unwrap();
    occurrences(&r, first, ms(from), ms(to))
        .into_iter()
        .map(|z| z.strftime("%Y-%m-%d %a %H:%M").to_string())
        .collect()
}

#[test]
fn every_monday_evening_in_the_living_room() {
    // Mondays 19:00 from Monday 2026-06-01; June has five.
    let first = date(2026, 6, 1).at(19, 0, 0, 0);
    let got = days(
        "FREQ=WEEKLY;BYDAY=MO",
        first,
        date(2026, 6, 1),
        date(2026, 7, 1),
    );
    assert_eq!(
        got,
        [
            "2026-06-01 Mon 19:00",
            "2026-06-08 Mon 19:00",
            "2026-06-15 Mon 19:00",
            "2026-06-22 Mon 19:00",
            "2026-06-29 Mon 19:00",
        ]
    );
    // In China time: 19:00 +08:00.
    let r = Recurrence::parse("FREQ=WEEKLY;BYDAY=MO").unwrap();
    let z = &occurrences(&r, first, ms(date(2026, 6, 1)), ms(date(2026, 6, 2)))[0];
    assert_eq!(z.timestamp().to_string(), "2026-06-01T11:00:00Z");
    assert_eq!(z.time_zone().iana_name(), Some("Asia/Shanghai"));
}

#[test]
fn a_window_far_from_the_first_meeting() {
    let first = date(2020, 1, 6).at(9, 30, 0, 0);
    let got = days(
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        first,
        date(2026, 6, 1),
        date(2026, 7, 1),
    );
    // Every other week from 2020-01-06: 2026-06-01 is 334 weeks after it, 2026-06-08 is not.
    assert_eq!(
        got,
        [
            "2026-06-01 Mon 09:30",
            "2026-06-15 Mon 09:30",
            "2026-06-29 Mon 09:30"
        ]
    );
}

#[test]
fn monthly_by_ordinal_and_by_day_of_month() {
    let first = date(2026, 1, 5).at(14, 0, 0, 0);
    assert_eq!(
        days(
            "FREQ=MONTHLY;BYDAY=1MO",
            first,
            date(2026, 1, 1),
            date(2026, 4, 1)
        ),
        [
            "2026-01-05 Mon 14:00",
            "2026-02-02 Mon 14:00",
            "2026-03-02 Mon 14:00"
        ]
    );
    assert_eq!(
        days(
            "FREQ=MONTHLY;BYDAY=-1FR",
            first,
            date(2026, 1, 1),
            date(2026, 3, 1)
        ),
        ["2026-01-30 Fri 14:00", "2026-02-27 Fri 14:00"]
    );
    // The 31st: months without one are skipped.
    let first = date(2026, 1, 31).at(10, 0, 0, 0);
    assert_eq!(
        days("FREQ=MONTHLY", first, date(2026, 1, 1), date(2026, 6, 1)),
        [
            "2026-01-31 Sat 10:00",
            "2026-03-31 Tue 10:00",
            "2026-05-31 Sun 10:00"
        ]
    );
    // Every Tuesday of a month, every other month.
    let first = date(2026, 3, 3).at(10, 0, 0, 0);
    assert_eq!(
        days(
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
            first,
            date(2026, 3, 1),
            date(2026, 6, 1)
        )
        .len(),
        5 + 4
    );
}

#[test]
fn count_and_until_end_a_schedule() {
    let first = date(2026, 6, 1).at(19, 0, 0, 0);
    let all = days(
        "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5",
        first,
        date(2026, 1, 1),
        date(2027, 1, 1),
    );
    assert_eq!(all.len(), 5);
    assert_eq!(all[4], "2026-06-15 Mon 19:00");
    // COUNT counts from the first meeting, not from the window.
    let later = days(
        "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=5",
        first,
        date(2026, 6, 10),
        date(2027, 1, 1),
    );
    assert_eq!(later, ["2026-06-11 Thu 19:00", "2026-06-15 Mon 19:00"]);
    // UNTIL a date includes that day; a UTC UNTIL is an instant.
    assert_eq!(
        days(
            "FREQ=DAILY;UNTIL=20260603",
            first,
            date(2026, 1, 1),
            date(2027, 1, 1)
        )
        .len(),
        3
    );
    assert_eq!(
        days(
            "FREQ=DAILY;UNTIL=20260603T110000Z",
            first,
            date(2026, 1, 1),
            date(2027, 1, 1)
        )
        .len(),
        3
    );
    assert_eq!(
        days(
            "FREQ=DAILY;UNTIL=20260603T105959Z",
            first,
            date(2026, 1, 1),
            date(2027, 1, 1)
        )
        .len(),
        2
    );
    assert_eq!(
        days(
            "FREQ=DAILY;UNTIL=20260603T185959",
            first,
            date(2026, 1, 1),
            date(2027, 1, 1)
        )
        .len(),
        2
    );
}

#[test]
fn daily_on_weekdays_and_a_first_meeting_off_the_rule() {
    // Weekdays only, from a Saturday.
    let first = date(2026, 6, 6).at(8, 0, 0, 0);
    let got = days(
        "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
        first,
        date(2026, 6, 6),
        date(2026, 6, 13),
    );
    assert_eq!(got.len(), 5);
    assert!(got[0].starts_with("2026-06-08 Mon"));
    // A Tuesday first meeting under BYDAY=MO: the first meeting is the next Monday.
    let first = date(2026, 6, 2).at(19, 0, 0, 0);
    assert_eq!(
        days(
            "FREQ=WEEKLY;BYDAY=MO",
            first,
            date(2026, 6, 1),
            date(2026, 6, 9)
        ),
        ["2026-06-08 Mon 19:00"]
    );
}

#[test]
fn nothing_outside_the_window_and_a_bounded_walk() {
    let first = date(2026, 6, 1).at(19, 0, 0, 0);
    assert!(days("FREQ=WEEKLY", first, date(2026, 5, 1), date(2026, 6, 1)).is_empty());
    assert!(days("FREQ=WEEKLY", first, date(2026, 7, 1), date(2026, 6, 1)).is_empty());
    // Every 7 days from a Monday, only on Sundays: never; the walk still ends.
    let never = Recurrence::parse("FREQ=DAILY;INTERVAL=7;BYDAY=SU;COUNT=3").unwrap();
    assert!(occurrences(&never, first, Millis::MIN, Millis::MAX).is_empty());
    // A daily rule over all time stops at the cap.
    let daily = Recurrence::parse("FREQ=DAILY").unwrap();
    assert_eq!(
        occurrences(&daily, first, Millis::MIN, Millis::MAX).len(),
        MAX_OCCURRENCES
    );
}

/// The same rule expanded naively, day by day from the first meeting, as a reference.
fn naive(r: &Recurrence, first: DateTime, from: Millis, to: Millis) -> Vec<ZonedDateTime> {
    let tz = china();
    let mut out = Vec::new();
    let mut counted = 0;
    let mut day = first.date();
    let start = anchor(r, first.date());
    for _ in 0..3000 {
        let at = day.to_datetime(first.time());
        let z = at.to_zoned_datetime(tz.clone()).unwrap();
        let meets = match r.freq {
            Freq::Daily => {
                periods_between(Freq::Daily, start, day) % i64::from(r.interval) == 0
                    && (r.by_day.is_empty() || r.by_day.iter().any(|d| d.weekday == day.weekday()))
            }
            Freq::Weekly => {
                let wd: Vec<Weekday> = if r.by_day.is_empty() {
                    vec![first.weekday()]
                } else {
                    r.by_day.iter().map(|d| d.weekday).collect()
                };
                periods_between(Freq::Weekly, start, day) % i64::from(r.interval) == 0
                    && wd.contains(&day.weekday())
            }
            Freq::Monthly => {
                let month_ok =
                    periods_between(Freq::Monthly, start, day) % i64::from(r.interval) == 0;
                let day_ok = if r.by_day.is_empty() {
                    day.day() == first.day()
                } else {
                    r.by_day.iter().any(|d| match d.nth {
                        None => d.weekday == day.weekday(),
                        Some(n) => {
                            day.first_of_month().nth_weekday_of_month(n, d.weekday).ok()
                                == Some(day)
                        }
                    })
                };
                month_ok && day_ok
            }
        };
        if meets && at >= first {
            if past_until(r.until, at, z.timestamp()) {
                break;
            }
            counted += 1;
            let ts = Millis(z.timestamp().as_millisecond());
            if ts >= to {
                break;
            }
            if ts >= from {
                out.push(z);
            }
            if r.count.is_some_and(|c| counted >= c) {
                break;
            }
        }
        day = day.tomorrow().unwrap();
    }
    out
}

fn any_rule() -> impl Strategy<Value = String> {
    let day = prop::sample::select(vec!["MO", "TU", "WE", "TH", "FR", "SA", "SU"]);
    (
        prop::sample::select(vec!["DAILY", "WEEKLY", "MONTHLY"]),
        1u16..4,
        prop::collection::vec(
            (prop::sample::select(vec!["", "1", "2", "-1", "5"]), day),
            0..3,
        ),
        prop::option::of(1u32..40),
        prop::sample::select(vec!["MO", "SU", "WE"]),
    )
        .prop_map(|(freq, interval, by_day, count, wkst)| {
            let mut s = format!("FREQ={freq};INTERVAL={interval};WKST={wkst}");
            if !by_day.is_empty() {
                let d: Vec<String> = by_day
                    .iter()
                    .map(|(n, w)| {
                        if freq == "MONTHLY" {
                            format!("{n}{w}")
                        } else {
                            w.to_string()
                        }
                    })
                    .collect();
                s += &format!(";BYDAY={}", d.join(","));
            }
            if let Some(c) = count {
                s += &format!(";COUNT={c}");
            }
            s
        })
}

proptest! {
    /// The expansion, with its skip ahead, agrees with walking every day.
    #[test]
    fn agrees_with_a_day_by_day_walk(rule in any_rule(), start in 0i64..400, from in 0i64..900, len in 1i64..400, hour in 0i8..24) {
        let r = Recurrence::parse(&rule).unwrap();
        let base = date(2026, 1, 1);
        let first = base.checked_add(Span::new().days(start)).unwrap().at(hour, 30, 0, 0);
        let from_d = base.checked_add(Span::new().days(from)).unwrap();
        let to_d = from_d.checked_add(Span::new().days(len)).unwrap();
        let got = occurrences(&r, first, ms(from_d), ms(to_d));
        let want = naive(&r, first, ms(from_d), ms(to_d));
        prop_assert_eq!(got, want, "{}", rule);
    }

    /// Meetings come in order, inside the window, at the first meeting's time.
    #[test]
    fn in_order_in_the_window(rule in any_rule(), from in 0i64..400, len in 1i64..200) {
        let r = Recurrence::parse(&rule).unwrap();
        let first = date(2026, 3, 2).at(19, 0, 0, 0);
        let from_d = date(2026, 1, 1).checked_add(Span::new().days(from)).unwrap();
        let to_d = from_d.checked_add(Span::new().days(len)).unwrap();
        let got = occurrences(&r, first, ms(from_d), ms(to_d));
        prop_assert!(got.windows(2).all(|w| w[0] < w[1]));
        for z in &got {
            prop_assert!(Millis(z.timestamp().as_millisecond()) >= ms(from_d));
            prop_assert!(Millis(z.timestamp().as_millisecond()) < ms(to_d));
            prop_assert_eq!(z.datetime().time(), first.time());
        }
        if let Some(c) = r.count {
            prop_assert!(got.len() <= c as usize);
        }
    }
}
