//! UTC timestamps in the two formats the signers need, without a date-time dependency.
//!
//! Alibaba sends ISO 8601 `2016-02-23T12:46:24Z` (`Timestamp`, `x-acs-date`); Huawei sends the
//! basic format `20240416T095341Z` (`X-Sdk-Date`). Both are whole seconds, UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A UTC instant in whole seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(pub i64);

impl UtcTime {
    /// The current time.
    pub fn now() -> Self {
        Self::from_system_time(SystemTime::now())
    }

    /// Converts a [`SystemTime`] (sub-second part dropped).
    pub fn from_system_time(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => UtcTime(d.as_secs() as i64),
            Err(e) => UtcTime(-(e.duration().as_secs() as i64)),
        }
    }

    /// Converts back to a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        if self.0 >= 0 {
            UNIX_EPOCH + Duration::from_secs(self.0 as u64)
        } else {
            UNIX_EPOCH - Duration::from_secs(self.0.unsigned_abs())
        }
    }

    /// Builds a time from calendar fields (UTC); `None` when a field is out of range.
    pub fn from_fields(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<Self> {
        if !(1..=12).contains(&mo)
            || d == 0
            || d > days_in_month(y, mo)
            || h > 23
            || mi > 59
            || s > 60
        {
            return None;
        }
        let days = days_from_civil(y, mo, d);
        Some(UtcTime(days * 86_400 + i64::from(h * 3600 + mi * 60 + s)))
    }

    /// Calendar fields `(year, month, day, hour, minute, second)`.
    pub fn fields(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// ISO 8601 `YYYY-MM-DDThh:mm:ssZ` (Alibaba `Timestamp`, `x-acs-date`).
    pub fn iso8601(self) -> String {
        let (y, mo, d, h, mi, s) = self.fields();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// Basic format `YYYYMMDDThhmmssZ` (Huawei `X-Sdk-Date`).
    pub fn basic(self) -> String {
        let (y, mo, d, h, mi, s) = self.fields();
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }

    /// Parses `YYYY-MM-DDThh:mm:ssZ` (also accepts fractional seconds, which are dropped).
    pub fn parse_iso8601(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let tail = s.get(19..)?;
        if !(tail == "Z" || (tail.starts_with('.') && tail.ends_with('Z'))) {
            return None;
        }
        Self::from_fields(
            num(s.get(0..4)?)?,
            num(s.get(5..7)?)? as u32,
            num(s.get(8..10)?)? as u32,
            num(s.get(11..13)?)? as u32,
            num(s.get(14..16)?)? as u32,
            num(s.get(17..19)?)? as u32,
        )
    }

    /// Parses `YYYYMMDDThhmmssZ`.
    pub fn parse_basic(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        Self::from_fields(
            num(s.get(0..4)?)?,
            num(s.get(4..6)?)? as u32,
            num(s.get(6..8)?)? as u32,
            num(s.get(9..11)?)? as u32,
            num(s.get(11..13)?)? as u32,
            num(s.get(13..15)?)? as u32,
        )
    }
}

/// Parses an all-ASCII-digit field.
fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_both_formats() {
        let t = UtcTime::parse_iso8601("2016-02-23T12:46:24Z").unwrap();
        assert_eq!(t.0, 1_456_231_584);
        assert_eq!(t.iso8601(), "2016-02-23T12:46:24Z");
        assert_eq!(t.basic(), "20160223T124624Z");
        assert_eq!(UtcTime::parse_basic("20160223T124624Z"), Some(t));
        assert_eq!(UtcTime::parse_iso8601("2016-02-23T12:46:24.123Z"), Some(t));
        assert_eq!(UtcTime::parse_iso8601("2016-02-30T12:46:24Z"), None);
        assert_eq!(UtcTime::parse_basic("2016022xT124624Z"), None);
        assert_eq!(UtcTime::parse_iso8601("２016-02-23T12:46:24Z"), None);
    }

    #[test]
    fn agrees_with_httpdate_over_many_days() {
        // Cross-check the calendar arithmetic against an independent implementation.
        for day in (-1000..30_000).step_by(37) {
            let t = UtcTime(day * 86_400 + 3_723);
            let (y, mo, d, h, mi, s) = t.fields();
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            if day >= 0 {
                let http = httpdate::fmt_http_date(t.to_system_time());
                let expect = format!(
                    "{d:02} {} {y} {h:02}:{mi:02}:{s:02}",
                    MONTHS[mo as usize - 1]
                );
                assert!(http.contains(&expect), "{http} vs {expect}");
            }
            assert_eq!(UtcTime::parse_iso8601(&t.iso8601()), Some(t));
        }
    }
}
