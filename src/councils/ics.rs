//! Meetings as an iCalendar file (RFC 5545), so that they appear in phone calendars: a
//! council's feed and a person's. Pure: the caller gives the meetings and the moment the
//! file is made (DTSTAMP); nothing here reads a clock.
//!
//! Each meeting is its own VEVENT with DTSTART/DTEND in `TZID=Asia/Shanghai`, and the
//! calendar carries that zone's VTIMEZONE (UTC+8 without daylight saving, as China has kept
//! since 1991). Meetings are written one by one rather than as an RRULE: the feed shows
//! what the council will hold, cancellations and moved meetings included, and no calendar
//! app has to agree with Linli on how a rule expands. Text is escaped (`\\`, `\;`, `\,`,
//! `\n`; RFC 5545 §3.3.11), lines end in CRLF and are folded at 75 octets without splitting
//! a character (§3.1).

use jiff::civil::DateTime;

use crate::clock::Millis;

/// One meeting in a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcsEvent {
    /// Stable across feeds and edits (e.g. `meeting-42@linli`), so a calendar updates the
    /// event instead of adding another.
    pub uid: String,
    /// Wall clock in Asia/Shanghai.
    pub start: DateTime,
    pub end: DateTime,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    /// Shown struck through, so the resident knows not to come.
    pub cancelled: bool,
    /// Raised each time the meeting is changed (RFC 5545 SEQUENCE).
    pub sequence: u32,
}

/// The longest line, in octets, without its CRLF.
const MAX_LINE: usize = 75;
const TZID: &str = "Asia/Shanghai";

/// A whole `.ics` file: a VCALENDAR named `name` holding `events`, made at `stamp`.
pub fn calendar(name: &str, stamp: Millis, events: &[IcsEvent]) -> String {
    let stamp = jiff::Timestamp::from_millisecond(stamp.0)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut out = String::new();
    let mut line = |l: &str| fold_into(&mut out, l);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Linli//Councils//ZH");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape(name)));
    line(&format!("X-WR-TIMEZONE:{TZID}"));
    for l in [
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Shanghai",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0800",
        "TZOFFSETTO:+0800",
        "TZNAME:CST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        line(l);
    }
    for e in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape(&e.uid)));
        line(&format!("DTSTAMP:{stamp}"));
        line(&format!("DTSTART;TZID={TZID}:{}", local(e.start)));
        line(&format!("DTEND;TZID={TZID}:{}", local(e.end)));
        line(&format!("SUMMARY:{}", escape(&e.summary)));
        if let Some(l) = &e.location {
            line(&format!("LOCATION:{}", escape(l)));
        }
        if let Some(d) = &e.description {
            line(&format!("DESCRIPTION:{}", escape(d)));
        }
        line(&format!("SEQUENCE:{}", e.sequence));
        line(if e.cancelled {
            "STATUS:CANCELLED"
        } else {
            "STATUS:CONFIRMED"
        });
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

fn local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

/// A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon and comma with a
/// backslash, any line break as `\n`; other control characters (but tab) are dropped, as
/// TEXT may not hold them.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded (RFC 5545 §3.1): no line longer than 75 octets, a continuation
/// starting with one space, never inside a UTF-8 character; each line ends in CRLF.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > MAX_LINE {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
#[path = "ics_tests.rs"]
mod tests;
