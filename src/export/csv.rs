//! CSV: UTF-8 with a byte-order mark (without it Excel takes the file for GBK and shows
//! the Chinese as mojibake), times as `2026-11-25 09:30` China time.

use std::borrow::Cow;
use std::io::{self, Write};

use tokio::sync::mpsc::Receiver;

use super::{Cell, Row, Sheet, local};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes the header, then each batch as it comes; returns the number of rows.
pub(super) fn write<W: Write>(
    mut out: W,
    sheet: &Sheet,
    rx: &mut Receiver<Vec<Row>>,
) -> io::Result<u64> {
    out.write_all(BOM)?;
    let mut head = ::csv::Writer::from_writer(Vec::new());
    head.write_record(&sheet.header)?;
    out.write_all(&finish(head)?)?;
    let mut count = 0;
    while let Some(batch) = rx.blocking_recv() {
        // One buffer per batch: one write (one chunk of the HTTP body) per batch.
        let mut w = ::csv::Writer::from_writer(Vec::with_capacity(batch.len() * 256));
        for row in &batch {
            let fields = row.iter().map(|c| match c {
                Cell::Text(s) => defuse(s),
                Cell::Number(n) => Cow::Owned(n.to_string()),
                Cell::When(ms) => Cow::Owned(local(*ms)),
                Cell::Blank => Cow::Borrowed(""),
            });
            w.write_record(fields.map(|f| f.into_owned().into_bytes()))?;
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
