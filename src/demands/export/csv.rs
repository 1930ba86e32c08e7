//! CSV: UTF-8 with a byte-order mark (without it Excel takes the file for GBK and shows
//! the Chinese as mojibake), times as `2026-11-25 09:30` China time.

use std::borrow::Cow;
use std::io::{self, Write};

use tokio::sync::mpsc::Receiver;

use crate::clock::Millis;

use super::{ExportRow, Labels};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the header, then each batch as it comes; returns the number of rows.
pub(super) fn write<W: Write>(
    mut out: W,
    labels: &Labels,
    now: Millis,
    rx: &mut Receiver<Vec<ExportRow>>,
) -> io::Result<u64> {
    out.write_all(BOM)?;
    let mut head = ::csv::Writer::from_writer(Vec::new());
    head.write_record(&labels.header)?;
    out.write_all(&finish(head)?)?;
    let mut count = 0;
    while let Some(batch) = rx.blocking_recv() {
        // One buffer per batch: one write (one chunk of the HTTP body) per batch.
        let mut w = ::csv::Writer::from_writer(Vec::with_capacity(batch.len() * 256));
        for r in &batch {
            let l = labels.line(r, now);
            let fields = [
                Cow::Owned(l.id.to_string()),
                Cow::Owned(labels.local(l.received)),
                defuse(l.channel),
                defuse(l.category),
                defuse(l.title),
                defuse(l.status),
                defuse(l.urgency),
                defuse(l.community),
                defuse(l.grid),
                defuse(l.reporter),
                Cow::Owned(defuse(&l.phone).into_owned()),
                Cow::Owned(labels.local(l.feedback_due)),
                defuse(l.overdue),
                defuse(l.solved),
                defuse(l.satisfaction),
            ];
            w.write_record(fields.iter().map(|f| f.as_bytes()))?;
            count += 1;
        }
        out.write_all(&finish(w)?)?;
    }
    out.flush()?;
    Ok(count)
}

fn finish(w: ::csv::Writer<Vec<u8>>) -> io::Result<Vec<u8>> {
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Text that a spreadsheet would take for a formula (`=HYPERLINK(…)` in a title typed by
/// anyone) is kept as text by a leading apostrophe.
fn defuse(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn formulas_stay_text() {
        assert_eq!(defuse("=1+1"), "'=1+1");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("楼道灯坏了"), "楼道灯坏了");
        assert_eq!(defuse("138****5678"), "138****5678");
    }
}
