use super::*;
use icalendar::parser::{read_calendar, unfold};
use jiff::civil::date;
use proptest::prelude::*;

fn gate_meeting() -> IcsEvent {
    IcsEvent {
        uid: "meeting-42@linli".into(),
        start: date(2026, 6, 15).at(19, 0, 0, 0),
        end: date(2026, 6, 15).at(20, 30, 0, 0),
        summary: "邻里客厅：文讯公园、牛肉面馆两处小门能否开放？".into(),
        location: Some("海西社区办公室，邻里客厅; 2楼\\东".into()),
        description: Some(
            "议题一：小门开放时间 07:00–21:00\n议题二：三圣小门, 是否保持关闭".into(),
        ),
        cancelled: false,
        sequence: 0,
    }
}

fn stamp() -> Millis {
    Millis(
        jiff::Timestamp::from_second(1_781_000_000)
            .unwrap()
            .as_millisecond(),
    )
}

/// TEXT as a calendar reads it back: line breaks become `\n`, other controls are gone.
fn as_read(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

#[test]
fn a_council_feed_parses_back() {
    let mut cancelled = gate_meeting();
    cancelled.uid = "meeting-43@linli".into();
    cancelled.cancelled = true;
    cancelled.sequence = 2;
    let ics = calendar("海西社区 · 邻里客厅", stamp(), &[gate_meeting(), cancelled]);

    let unfolded = unfold(&ics);
    let cal = read_calendar(&unfolded).expect("valid iCalendar");
    let prop = |c: &icalendar::parser::Component, n: &str| {
        c.find_prop(n).map(|p| p.val.as_str().to_string())
    };
    assert_eq!(
        cal.properties
            .iter()
            .find(|p| p.name == "VERSION")
            .unwrap()
            .val
            .as_str(),
        "2.0"
    );
    let names: Vec<&str> = cal.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["VTIMEZONE", "VEVENT", "VEVENT"]);
    assert_eq!(
        prop(&cal.components[0], "TZID").as_deref(),
        Some("Asia/Shanghai")
    );
    assert_eq!(cal.components[0].components[0].name.as_str(), "STANDARD");

    let ev = &cal.components[1];
    assert_eq!(prop(ev, "UID").as_deref(), Some("meeting-42@linli"));
    assert_eq!(prop(ev, "DTSTAMP").as_deref(), Some("20260609T101320Z"));
    let start = ev.find_prop("DTSTART").unwrap();
    assert_eq!(start.val.as_str(), "20260615T190000");
    assert_eq!(start.params[0].key.as_str(), "TZID");
    assert_eq!(
        start.params[0].val.as_ref().unwrap().as_str(),
        "Asia/Shanghai"
    );
    assert_eq!(prop(ev, "DTEND").as_deref(), Some("20260615T203000"));
    let m = gate_meeting();
    assert_eq!(prop(ev, "SUMMARY").unwrap(), m.summary);
    assert_eq!(prop(ev, "LOCATION").unwrap(), m.location.unwrap());
    assert_eq!(prop(ev, "DESCRIPTION").unwrap(), m.description.unwrap());
    assert_eq!(prop(ev, "STATUS").as_deref(), Some("CONFIRMED"));
    assert_eq!(
        prop(&cal.components[2], "STATUS").as_deref(),
        Some("CANCELLED")
    );
    assert_eq!(prop(&cal.components[2], "SEQUENCE").as_deref(), Some("2"));
}

#[test]
fn lines_are_crlf_and_folded_at_75_octets() {
    let ics = calendar("x", stamp(), &[gate_meeting()]);
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "no bare LF");
    let lines: Vec<&str> = ics.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines.iter().all(|l| l.len() <= 75), "{lines:#?}");
    // The long Chinese summary was folded, and only between characters.
    assert!(lines.iter().any(|l| l.starts_with(' ')));
    assert!(lines.iter().any(|l| l.len() > 70));
}

#[test]
fn text_is_escaped() {
    assert_eq!(escape(r"a,b;c\d"), r"a\,b\;c\\d");
    assert_eq!(escape("一\r\n二\n三\r四"), r"一\n二\n三\n四");
    assert_eq!(escape("tab\there\u{7}bell"), "tab\therebell");
}

proptest! {
    /// Whatever people type as a title or a place, a calendar reads back what they typed,
    /// and no line is longer than 75 octets.
    #[test]
    fn any_text_survives(summary in "\\PC{0,120}", location in "[\\p{Han},;\\\\\n a-z]{0,90}") {
        let e = IcsEvent { summary: summary.clone(), location: Some(location.clone()), ..gate_meeting() };
        let ics = calendar("feed", stamp(), &[e]);
        prop_assert!(ics.split("\r\n").all(|l| l.len() <= 75));
        let unfolded = unfold(&ics);
        let cal = read_calendar(&unfolded).unwrap();
        let ev = &cal.components[1];
        prop_assert_eq!(ev.find_prop("SUMMARY").unwrap().val.as_str(), as_read(&summary));
        prop_assert_eq!(ev.find_prop("LOCATION").unwrap().val.as_str(), as_read(&location));
    }
}
