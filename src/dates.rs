//! Dates as users write them (RFC 3339, or a plain `YYYY-MM-DD`, or
//! `YYYY-MM-DD HH:MM[:SS]` taken as UTC) and the few ways the site shows them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

pub type Date = DateTime<Utc>;

/// Parses a date written in a user file; the error says what was expected.
pub fn parse(text: &str) -> Result<Date, String> {
    let text = text.trim();
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

/// Whether `d` shows as a date alone: `parse` reads a date written without a time as
/// midnight UTC, so a time of exactly 00:00:00 shows as a date too, rather than
/// showing a midnight nobody wrote. Pages word dates in `render::i18n`.
pub fn written_without_time(d: &Date) -> bool {
    d.time() == chrono::NaiveTime::MIN
}

/// `2015-03-02T10:15:00Z`, for `datetime` attributes and feeds.
pub fn rfc3339(d: &Date) -> String {
    d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

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
