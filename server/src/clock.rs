//! Wall-clock formatting: the HTTP `Date` header (IMF-fixdate, RFC 9110
//! §5.6.7) and the log timestamps (RFC 3339, UTC).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A UTC calendar time, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday.
    pub weekday: u32,
}

/// Splits seconds since the epoch into a calendar date and time (the
/// proleptic Gregorian calendar, by Howard Hinnant's `civil_from_days`
/// algorithm).
pub fn civil(secs: u64) -> Civil {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem / 60 % 60) as u32,
        second: (rem % 60) as u32,
        // 1970-01-01 was a Thursday.
        weekday: ((days + 4).rem_euclid(7)) as u32,
    }
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `Sun, 06 Nov 1994 08:49:37 GMT`: always 29 bytes.
pub fn http_date(secs: u64) -> String {
    let c = civil(secs);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[c.weekday as usize],
        c.day,
        MONTHS[c.month as usize - 1],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// `1994-11-06T08:49:37Z`.
pub fn rfc3339(secs: u64) -> String {
    let c = civil(secs);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour, c.minute, c.second)
}

/// The `Date` header value, formatted at most once a second.
pub struct DateCache {
    secs: u64,
    value: String,
}

impl DateCache {
    /// A cache holding the current time.
    pub fn new() -> DateCache {
        let secs = unix_now();
        DateCache { secs, value: http_date(secs) }
    }

    /// Brings the value up to date with the clock.
    pub fn refresh(&mut self) {
        let secs = unix_now();
        if secs != self.secs {
            self.secs = secs;
            self.value = http_date(secs);
        }
    }

    /// The current value.
    pub fn value(&self) -> &[u8] {
        self.value.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_9110_example() {
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(rfc3339(784_111_777), "1994-11-06T08:49:37Z");
    }

    #[test]
    fn epoch_leap_days_and_century() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        // 2000-02-29 (a leap day in a year divisible by 400).
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        // 2100-03-01: 2100 is not a leap year.
        assert_eq!(http_date(4_107_542_400), "Mon, 01 Mar 2100 00:00:00 GMT");
        assert_eq!(http_date(1_767_225_599), "Wed, 31 Dec 2025 23:59:59 GMT");
    }

    #[test]
    fn always_29_bytes() {
        let mut secs = 0u64;
        while secs < 5_000_000_000 {
            assert_eq!(http_date(secs).len(), 29);
            secs += 7_654_321;
        }
    }
}
