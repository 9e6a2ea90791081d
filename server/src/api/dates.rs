//! Expiry dates in request bodies. TrueFoundry's SDK and documents send a date alone
//! (`2030-01-01`) or a local time without a zone (`2026-09-01T12:00`); scripts send RFC 3339.
//! A date alone means the end of that day (UTC), as the console's date picker does.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, de};

/// The instant `raw` names, or `None` when it is none of the accepted forms.
pub fn parse_expiry(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(at.and_utc());
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(23, 59, 59))
        .map(|at| at.and_utc())
}

/// `#[serde(default, deserialize_with = "dates::optional_expiry")]`: absent or `null` is
/// `None`.
pub fn optional_expiry<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(raw) => parse_expiry(&raw).map(Some).ok_or_else(|| {
            de::Error::custom(format!(
                "expected a date (2030-01-31) or a time (2030-01-31T23:59:59Z), not \"{raw}\""
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_expiry;

    #[test]
    fn expiries_come_as_dates_or_times() {
        let end_of_day = parse_expiry("2030-01-31").unwrap();
        assert_eq!(end_of_day.to_rfc3339(), "2030-01-31T23:59:59+00:00");
        let local = parse_expiry("2026-09-01T12:00").unwrap();
        assert_eq!(local.to_rfc3339(), "2026-09-01T12:00:00+00:00");
        let zoned = parse_expiry("2030-01-31T10:00:00+02:00").unwrap();
        assert_eq!(zoned.to_rfc3339(), "2030-01-31T08:00:00+00:00");
        assert!(parse_expiry("next tuesday").is_none());
    }
}
