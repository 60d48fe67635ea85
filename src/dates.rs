//! Dates as users write them (RFC 3339, or a plain `YYYY-MM-DD`, or
//! `YYYY-MM-DD HH:MM[:SS]` taken as UTC) and the few ways the site shows them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

pub type Date = DateTime<Utc>;

/// Parses a date written in a user file; the error says what was expected.
pub fn parse(text: &str) -> Result<Date, String> {
    let text = text.trim();
    if let Some(d) = utc_seconds(text) {
        return Ok(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Ok(d.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(d.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
    }
    Err(format!(
        "{text:?} is not a valid date (expected e.g. 2015-03-02 or 2015-03-02T10:15:00Z)"
    ))
}

/// `2015-03-02T10:15:00Z` exactly, as imports and fetches write every date: read
/// digit by digit (chrono's RFC 3339 reader was most of the work of reading a
/// comment's date). Anything else, a leap second included, is left to chrono.
fn utc_seconds(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shape = b.len() == 20
        && [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'Z'),
        ]
        .iter()
        .all(|&(at, c)| b[at] == c);
    if !shape {
        return None;
    }
    let number = |from: usize, to: usize| {
        (b[from..to].iter()).try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 7)?, number(8, 10)?)?;
    let time = date.and_hms_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?)?;
    Some(time.and_utc())
}

/// Whether `d` shows as a date alone: `parse` reads a date written without a time as
/// midnight UTC, so a time of exactly 00:00:00 shows as a date too, rather than
/// showing a midnight nobody wrote. Pages word dates in `render::i18n`.
pub fn written_without_time(d: &Date) -> bool {
    d.time() == chrono::NaiveTime::MIN
}

/// `2015-03-02T10:15:00Z`, for `datetime` attributes and feeds.
pub fn rfc3339(d: &Date) -> String {
    let mut out = String::with_capacity(20);
    push_rfc3339(&mut out, d);
    out
}

/// `rfc3339` of `d` written at the end of `out`.
pub fn push_rfc3339(out: &mut String, d: &Date) {
    use chrono::{Datelike, Timelike};
    // Written digit by digit: chrono's formatter was a tenth of the work of showing a
    // thread. Years outside 0..=9999 and leap seconds are left to chrono.
    let naive = d.naive_utc();
    if !(0..=9999).contains(&naive.year()) || naive.nanosecond() >= 1_000_000_000 {
        return out.push_str(&d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    let mut text = *b"0000-00-00T00:00:00Z";
    let fields = [
        (0..4, naive.year() as u32),
        (5..7, naive.month()),
        (8..10, naive.day()),
        (11..13, naive.hour()),
        (14..16, naive.minute()),
        (17..19, naive.second()),
    ];
    for (at, n) in fields {
        write_digits(&mut text[at], n);
    }
    out.push_str(std::str::from_utf8(&text).expect("digits and separators are ASCII"));
}

/// The last digits of `n` in decimal, over the whole of `slot`.
fn write_digits(slot: &mut [u8], mut n: u32) {
    for digit in slot.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// `n` in decimal, padded with zeros to `width` digits.
pub fn push_digits(out: &mut String, n: u32, width: usize) {
    // Most are a day, a month, an hour or a minute.
    if n < 100 && width <= 2 {
        if n >= 10 || width == 2 {
            out.push(char::from(b'0' + (n / 10) as u8));
        }
        out.push(char::from(b'0' + (n % 10) as u8));
        return;
    }
    let (mut digits, mut len, mut n) = ([0u8; 10], 0, n);
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for &digit in digits[..len].iter().rev() {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Dates in the shape read digit by digit, and near it, read as chrono reads
        /// them.
        #[test]
        fn a_utc_date_is_read_as_chrono_reads_it(
            text in "[0-9]{4}-[01][0-9]-[0-3][0-9][Tt ][0-2][0-9]:[0-6][0-9]:[0-6][0-9]([Zz]|\\+01:00|\\.5Z)?",
        ) {
            let by_chrono = DateTime::parse_from_rfc3339(&text).map(|d| d.with_timezone(&Utc)).ok();
            let shaped = text.len() == 20 && text.as_bytes()[10] == b'T' && text.ends_with('Z');
            match utc_seconds(&text) {
                Some(d) => proptest::prop_assert_eq!(Some(d), by_chrono),
                // Left to chrono: another shape, a date that is none, a leap second.
                None => proptest::prop_assert!(
                    !shaped || by_chrono.is_none_or(|d| d.timestamp_subsec_nanos() >= 1_000_000_000)
                ),
            }
        }
    }

    #[test]
    fn rfc3339_is_chrono_s() {
        let chrono_s = |d: &Date| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut seconds: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
        while seconds < 253_402_300_800 + 86_400 * 400 {
            let d = DateTime::from_timestamp(seconds, 0).unwrap();
            assert_eq!(rfc3339(&d), chrono_s(&d));
            seconds += 7_777_777;
        }
        for text in [
            "2015-03-02T10:15:00Z",
            "2016-12-31T23:59:60Z",
            "0001-01-01T00:00:00Z",
        ] {
            let d = parse(text).unwrap();
            assert_eq!(rfc3339(&d), chrono_s(&d), "{text}");
        }
        let far = DateTime::from_timestamp(300_000_000_000, 0).unwrap();
        assert_eq!(rfc3339(&far), chrono_s(&far));
        let mut out = String::new();
        push_digits(&mut out, 7, 2);
        push_digits(&mut out, 0, 1);
        push_digits(&mut out, 12345, 2);
        assert_eq!(out, "07012345");
        for (n, width, shown) in [
            (0, 2, "00"),
            (9, 1, "9"),
            (10, 1, "10"),
            (99, 2, "99"),
            (5, 4, "0005"),
        ] {
            let mut out = String::new();
            push_digits(&mut out, n, width);
            assert_eq!(out, shown);
        }
    }

    #[test]
    fn accepts_the_documented_forms() {
        for t in [
            "2015-03-02",
            "2015-03-02T10:15:00Z",
            "2015-03-02T12:15:00+02:00",
            "2015-03-02 10:15:00",
        ] {
            assert!(parse(t).is_ok(), "{t}");
        }
        assert_eq!(
            rfc3339(&parse("2015-03-02T12:15:00+02:00").unwrap()),
            "2015-03-02T10:15:00Z"
        );
    }

    #[test]
    fn a_date_without_a_time_shows_no_time() {
        assert!(written_without_time(&parse("2024-04-03").unwrap()));
        assert!(!written_without_time(&parse("2024-04-03 09:30").unwrap()));
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(parse("2015-02-30").is_err());
        assert!(parse("yesterday").is_err());
    }
}
