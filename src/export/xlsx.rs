//! Excel: a workbook in rust_xlsxwriter's constant-memory mode (each row goes to a
//! temporary file as it is written, so a million rows do not sit in memory), bold header,
//! frozen header row, times as real Excel dates shown `yyyy-mm-dd hh:mm` in China time.

use std::io::{self, BufWriter, Write};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use tokio::sync::mpsc::Receiver;

use crate::clock::{Millis, china, civil_in};

use super::{Cell, Row, Sheet, local};

/// Rows on one sheet, header included (Excel's limit). Longer exports go on to a next
/// sheet that starts with the header again.
const SHEET_ROWS: u32 = 1_048_576;

struct Sheets<'a> {
    wb: Workbook,
    sheet: &'a Sheet,
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
            self.sheet.name.clone()
        } else {
            format!("{} {}", self.sheet.name, self.count)
        };
        let ws = self.wb.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        for (col, w) in (0u16..).zip(self.sheet.widths.iter()) {
            ws.set_column_width(col, *w)?;
        }
        ws.write_row_with_format(
            0,
            0,
            self.sheet.header.iter().map(String::as_str),
            &self.bold,
        )?;
        ws.set_freeze_panes(1, 0)?;
        self.row = 1;
        Ok(())
    }

    /// One row, its cells in column order (a constant-memory sheet writes each row out as
    /// it ends).
    fn row(&mut self, cells: &Row) -> Result<(), XlsxError> {
        if self.row >= SHEET_ROWS {
            self.add()?;
        }
        let row = self.row;
        let when = &self.when;
        let ws = self.wb.worksheet_from_index(self.count - 1)?;
        for (col, c) in (0u16..).zip(cells) {
            match c {
                Cell::Text(s) => {
                    ws.write_string(row, col, s)?;
                }
                Cell::Number(n) => {
                    ws.write_number(row, col, *n)?;
                }
                Cell::When(ms) => date(ws, row, col, *ms, when)?,
                Cell::Blank => {}
            }
        }
        self.row = row + 1;
        Ok(())
    }
}

/// A moment as an Excel date and time (text if Excel cannot hold it).
fn date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    ms: Millis,
    when: &Format,
) -> Result<(), XlsxError> {
    let Some(t) = civil_in(ms, &china()) else {
        return Ok(());
    };
    let excel = u16::try_from(t.year()).ok().and_then(|y| {
        ExcelDateTime::from_ymd(y, t.month() as u8, t.day() as u8)
            .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, t.second()))
            .ok()
    });
    match excel {
        Some(d) => ws.write_datetime_with_format(row, col, &d, when)?,
        None => ws.write_string(row, col, local(ms))?,
    };
    Ok(())
}

/// Writes the workbook from the batches as they come; returns the number of rows.
pub(super) fn write<W: Write + Send>(
    out: W,
    sheet: &Sheet,
    rx: &mut Receiver<Vec<Row>>,
) -> io::Result<u64> {
    let mut s = Sheets {
        wb: Workbook::new(),
        sheet,
        bold: Format::new().set_bold(),
        when: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        count: 0,
        row: 0,
    };
    s.add().map_err(io::Error::other)?;
    let mut count = 0;
    while let Some(batch) = rx.blocking_recv() {
        for r in &batch {
            s.row(r).map_err(io::Error::other)?;
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
