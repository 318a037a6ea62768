//! Migration versions: 14-digit UTC timestamps (`yyyymmddhhmmss`) like Alembic's revision ids.
//! Hands the reader its version check and the writer fresh versions, with no date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Number of digits in a version.
pub(crate) const VERSION_LEN: usize = 14;

/// Earliest year accepted: a version before the Unix epoch is a typo, not a timestamp.
const MIN_YEAR: i64 = 1970;

/// Seconds since the epoch of 9999-12-31 23:59:59, the last time with a 4-digit year.
const MAX_SECS: i64 = 253_402_300_799;

const SECS_PER_DAY: i64 = 86_400;

/// Checks that `version` is 14 ASCII digits forming a real UTC date and time, and returns it
/// as seconds since the Unix epoch. The error says what is wrong, for use in messages.
pub(crate) fn parse_version(version: &str) -> Result<i64, String> {
    if version.len() != VERSION_LEN || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "the version must be exactly {VERSION_LEN} digits (a UTC timestamp \
             `yyyymmddhhmmss` such as `20251005124405`), found `{version}`"
        ));
    }
    // All digits, so every slice parses.
    let field = |range: std::ops::Range<usize>| -> i64 {
        version[range]
            .bytes()
            .fold(0, |n, b| n * 10 + i64::from(b - b'0'))
    };
    let (year, month, day) = (field(0..4), field(4..6), field(6..8));
    let (hour, minute, second) = (field(8..10), field(10..12), field(12..14));
    let out_of_range = |what: &str, range: std::ops::Range<usize>| {
        Err(format!(
            "version `{version}` is not a UTC timestamp `yyyymmddhhmmss`: \
             {what} {} is out of range",
            &version[range]
        ))
    };
    if year < MIN_YEAR {
        return out_of_range("year", 0..4);
    }
    if !(1..=12).contains(&month) {
        return out_of_range("month", 4..6);
    }
    if !(1..=days_in_month(year, month)).contains(&day) {
        return out_of_range("day", 6..8);
    }
    if hour > 23 {
        return out_of_range("hour", 8..10);
    }
    if minute > 59 {
        return out_of_range("minute", 10..12);
    }
    if second > 59 {
        return out_of_range("second", 12..14);
    }
    Ok(days_from_civil(year, month, day) * SECS_PER_DAY + hour * 3600 + minute * 60 + second)
}

/// Formats `now` as a 14-digit UTC version, e.g. `20251005124405`.
///
/// Times before 1970 format as the epoch and times after year 9999 as its last second, so the
/// result is always a valid version.
pub fn format_version(now: SystemTime) -> String {
    let secs = match now.duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(MAX_SECS),
        Err(_) => 0,
    };
    format_unix(secs.min(MAX_SECS))
}

/// A version for a new migration made at `now`, strictly newer than `head`: `now` itself, or
/// one second after `head` when the clock is behind it (skew, or two migrations in a second).
pub(crate) fn next_version(now: SystemTime, head: Option<&str>) -> String {
    let candidate = format_version(now);
    match head.map(|head| (head, parse_version(head))) {
        // Equal-length digit strings compare like the numbers they spell.
        Some((head, Ok(head_secs))) if candidate.as_str() <= head => format_unix(head_secs + 1),
        _ => candidate,
    }
}

fn format_unix(secs: i64) -> String {
    let (days, secs_of_day) = (secs.div_euclid(SECS_PER_DAY), secs.rem_euclid(SECS_PER_DAY));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        secs_of_day / 3600,
        secs_of_day % 3600 / 60,
        secs_of_day % 60
    )
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// The two conversions below count in 400-year eras of 146,097 days whose years start on
// March 1st, so the leap day falls at the end of a year and every month but February has a
// fixed length: month `m` (March = 0) starts on day `(153 * m + 2) / 5` of that year.

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719,468 days lie between 0000-03-01 and 1970-01-01.
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = (month_from_march + 2) % 12 + 1;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_version(at(0)), "19700101000000");
        // `date -u -d @1759668245 +%Y%m%d%H%M%S`
        assert_eq!(format_version(at(1_759_668_245)), "20251005124405");
        // 2000-02-29 (a leap day of a year divisible by 400) at 23:59:59.
        assert_eq!(format_version(at(951_868_799)), "20000229235959");
        assert_eq!(format_version(at(951_868_800)), "20000301000000");
    }

    #[test]
    fn civil_conversions_invert_each_other_over_centuries() {
        // Every day from 1970 to beyond 2400 (crossing 2100, a non-leap century).
        for days in 0..160_000 {
            let (y, m, d) = civil_from_days(days);
            assert!((1..=days_in_month(y, m)).contains(&d), "{y}-{m}-{d}");
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn parses_what_it_formats() {
        for secs in [0, 59, 86_399, 951_868_799, 1_759_668_245, MAX_SECS as u64] {
            let version = format_version(at(secs));
            assert_eq!(parse_version(&version), Ok(secs as i64), "{version}");
        }
    }

    #[test]
    fn rejects_implausible_timestamps() {
        let reason = |v: &str| parse_version(v).unwrap_err();
        assert!(reason("20251005").contains("exactly 14 digits"));
        assert!(reason("2025100512440a").contains("exactly 14 digits"));
        assert!(reason("00000000000000").contains("year 0000"));
        assert!(reason("20251305124405").contains("month 13"));
        assert!(reason("20250229124405").contains("day 29"));
        assert!(reason("21000229000000").contains("day 29"));
        assert!(reason("20251005244405").contains("hour 24"));
        assert!(reason("20251005126005").contains("minute 60"));
        assert!(reason("20251005124460").contains("second 60"));
        assert!(parse_version("20240229000000").is_ok());
    }

    #[test]
    fn next_version_is_now_unless_head_is_not_older() {
        let now = at(1_759_668_245);
        assert_eq!(next_version(now, None), "20251005124405");
        assert_eq!(next_version(now, Some("20251005124404")), "20251005124405");
        assert_eq!(next_version(now, Some("20251005124405")), "20251005124406");
        // The head is in the future and at the end of a year: carry through every field.
        assert_eq!(next_version(now, Some("20261231235959")), "20270101000000");
    }

    #[test]
    fn clamps_times_outside_four_digit_years() {
        assert_eq!(
            format_version(UNIX_EPOCH - Duration::from_secs(5)),
            "19700101000000"
        );
        assert_eq!(format_version(at(MAX_SECS as u64 + 10)), "99991231235959");
    }
}
