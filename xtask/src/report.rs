//! Report formatting: fixed-width markdown tables (readable as plain text in a
//! terminal, rendered as tables in markdown) and UTC timestamps without a
//! date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Column alignment.
#[derive(Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

pub struct Table {
    headers: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
            aligns: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        assert_eq!(cells.len(), self.headers.len(), "row width");
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let widths: Vec<usize> = (0..self.headers.len())
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r[c].chars().count())
                    .chain([self.headers[c].chars().count(), 3])
                    .max()
                    .unwrap_or(3)
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let mut out = String::from("|");
            for ((cell, width), align) in cells.iter().zip(&widths).zip(&self.aligns) {
                let pad = " ".repeat(width - cell.chars().count());
                match align {
                    Align::Left => out.push_str(&format!(" {cell}{pad} |")),
                    Align::Right => out.push_str(&format!(" {pad}{cell} |")),
                }
            }
            out.push('\n');
            out
        };
        let mut out = line(&self.headers);
        out.push('|');
        for (width, align) in widths.iter().zip(&self.aligns) {
            match align {
                Align::Left => out.push_str(&format!(" {} |", "-".repeat(*width))),
                Align::Right => out.push_str(&format!(" {}: |", "-".repeat(width - 1))),
            }
        }
        out.push('\n');
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

/// Seconds since the epoch as (year, month, day, hour, minute, second) UTC.
fn civil(secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Days since 1970-01-01 to a proleptic Gregorian date, counting in 400-year
    // eras that start on March 1st so leap days fall at the end of a year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `2025-01-31 23:59:07 UTC`
pub fn utc_human(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
}

/// `20250131T235907Z`, for file names.
pub fn utc_compact(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// `12.3 MiB`
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        assert_eq!(utc_human(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_compact(951_782_400), "20000229T000000Z");
        assert_eq!(utc_human(1_709_251_199), "2024-02-29 23:59:59 UTC");
        assert_eq!(utc_human(4_102_444_800), "2100-01-01 00:00:00 UTC");
    }

    #[test]
    fn renders_aligned_markdown() {
        let mut t = Table::new(&[("test", Align::Left), ("ops/s", Align::Right)]);
        t.row(vec!["SET".into(), "1234".into()]);
        t.row(vec!["LRANGE_100".into(), "5".into()]);
        assert_eq!(
            t.render(),
            "| test       | ops/s |\n\
             | ---------- | ----: |\n\
             | SET        |  1234 |\n\
             | LRANGE_100 |     5 |\n"
        );
    }
}
