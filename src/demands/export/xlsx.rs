//! Excel: a workbook in rust_xlsxwriter's constant-memory mode (each row goes to a
//! temporary file as it is written, so a million rows do not sit in memory), bold header,
//! frozen header row, times as real Excel dates shown `yyyy-mm-dd hh:mm` in China time.

use std::io::{self, BufWriter, Write};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use tokio::sync::mpsc::Receiver;

use crate::clock::Millis;

use super::{ExportRow, Labels};

/// Rows on one sheet, header included (Excel's limit). Longer exports go on to a next
/// sheet that starts with the header again.
const SHEET_ROWS: u32 = 1_048_576;

/// Column widths in characters, in column order (a Chinese character counts two).
const WIDTHS: [f64; 15] = [
    9.0, 17.0, 8.0, 12.0, 40.0, 10.0, 9.0, 14.0, 12.0, 10.0, 14.0, 17.0, 9.0, 9.0, 10.0,
];

struct Sheets<'a> {
    wb: Workbook,
    labels: &'a Labels,
    bold: Format,
    when: Format,
    /// Sheets so far.
    count: usize,
    /// The next row on the current sheet.
    row: u32,
}

impl Sheets<'_> {
    /// Starts a sheet: widths, the header, the header row frozen.
    fn add(&mut self) -> Result<(), XlsxError> {
        self.count += 1;
        let name = if self.count == 1 {
            self.labels.sheet.clone()
        } else {
            format!("{} {}", self.labels.sheet, self.count)
        };
        let ws = self.wb.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        for (col, w) in (0u16..).zip(WIDTHS) {
            ws.set_column_width(col, w)?;
        }
        ws.write_row_with_format(
            0,
            0,
            self.labels.header.iter().map(String::as_str),
            &self.bold,
        )?;
        ws.set_freeze_panes(1, 0)?;
        self.row = 1;
        Ok(())
    }

    fn row(&mut self, r: &ExportRow, now: Millis) -> Result<(), XlsxError> {
        if self.row >= SHEET_ROWS {
            self.add()?;
        }
        let (row, labels) = (self.row, self.labels);
        let l = labels.line(r, now);
        let when = &self.when;
        let ws = self.wb.worksheet_from_index(self.count - 1)?;
        ws.write_number(row, 0, l.id as f64)?;
        date(ws, row, 1, labels, l.received, when)?;
        // Cells in column order: a constant-memory sheet writes each row out as it ends.
        let before = [
            (2, l.channel),
            (3, l.category),
            (4, l.title),
            (5, l.status),
            (6, l.urgency),
            (7, l.community),
            (8, l.grid),
            (9, l.reporter),
            (10, l.phone.as_str()),
        ];
        text(ws, row, &before)?;
        date(ws, row, 11, labels, l.feedback_due, when)?;
        text(
            ws,
            row,
            &[(12, l.overdue), (13, l.solved), (14, l.satisfaction)],
        )?;
        self.row = row + 1;
        Ok(())
    }
}

/// Text cells; empty ones are left blank.
fn text(ws: &mut Worksheet, row: u32, cells: &[(u16, &str)]) -> Result<(), XlsxError> {
    for &(col, s) in cells {
        if !s.is_empty() {
            ws.write_string(row, col, s)?;
        }
    }
    Ok(())
}

/// A moment as an Excel date and time (text if Excel cannot hold it).
fn date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    labels: &Labels,
    ms: Millis,
    when: &Format,
) -> Result<(), XlsxError> {
    let Some(t) = labels.civil(ms) else {
        return Ok(());
    };
    let excel = u16::try_from(t.year()).ok().and_then(|y| {
        ExcelDateTime::from_ymd(y, t.month() as u8, t.day() as u8)
            .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, t.second()))
            .ok()
    });
    match excel {
        Some(d) => ws.write_datetime_with_format(row, col, &d, when)?,
        None => ws.write_string(row, col, labels.local(ms))?,
    };
    Ok(())
}

/// Writes the workbook from the batches as they come; returns the number of rows.
pub(super) fn write<W: Write + Send>(
    out: W,
    labels: &Labels,
    now: Millis,
    rx: &mut Receiver<Vec<ExportRow>>,
) -> io::Result<u64> {
    let mut s = Sheets {
        wb: Workbook::new(),
        labels,
        bold: Format::new().set_bold(),
        when: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        count: 0,
        row: 0,
    };
    s.add().map_err(io::Error::other)?;
    let mut count = 0;
    while let Some(batch) = rx.blocking_recv() {
        for r in &batch {
            s.row(r, now).map_err(io::Error::other)?;
            count += 1;
        }
    }
    let mut out = BufWriter::new(out);
    s.wb.save_to_writer(&mut out).map_err(|e| match e {
        XlsxError::IoError(e) => e,
        e => io::Error::other(e),
    })?;
    out.flush()?;
    Ok(count)
}
