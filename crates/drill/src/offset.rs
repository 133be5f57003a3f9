//! Drill-clock offsets as people write and read them: `30s`, `5m`, `1h30m` in scenario
//! files, `T+3m12s` in reports, "5 minutes" in sentences.
//!
//! The grammar is the one review imports use too (`firebreak_core::duration`: strict
//! `<digits><unit>` groups, `d`, `h`, `m`, `s` in that order, or `0`), rather than
//! `humantime`, which also accepts "5 minutes", "5min" and "1M" (a *month*).
use chrono::Duration;

/// The hint every "not a duration" error ends with.
pub const DURATION_HINT: &str = "use e.g. 5m, 1h30m";

/// Parses `30s`, `5m`, `1h30m`, `2h5m10s` or `0` (the one grammar,
/// `firebreak_core::duration`); `None` for anything else or past 100 days (drills last
/// hours, not years: anything longer is a typo).
pub fn parse_duration(text: &str) -> Option<Duration> {
    firebreak_core::duration::parse(text).filter(|d| *d <= Duration::days(100))
}

/// `1h30m`, `3m12s`, `45s`, `0s`; negative offsets get a leading `-`. Whole seconds
/// (fractions are dropped toward zero).
pub fn format_compact(d: Duration) -> String {
    let total = d.num_seconds();
    let sign = if total < 0 { "-" } else { "" };
    let total = total.unsigned_abs();
    let (h, m, s) = (total / 3_600, total % 3_600 / 60, total % 60);
    let mut out = String::from(sign);
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || (h == 0 && m == 0) {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// An offset from the drill's start: `T+3m12s`, `T+0s`, `T-30s`.
pub fn format_offset(d: Duration) -> String {
    if d < Duration::zero() {
        format!("T{}", format_compact(d))
    } else {
        format!("T+{}", format_compact(d))
    }
}

/// A duration in words for sentences: "5 minutes", "1 hour 30 minutes", "30 seconds".
pub fn describe_duration(d: Duration) -> String {
    let total = d.num_seconds().unsigned_abs();
    let (h, m, s) = (total / 3_600, total % 3_600 / 60, total % 60);
    let plural = |n: u64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(plural(h, "hour"));
    }
    if m > 0 {
        parts.push(plural(m, "minute"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(plural(s, "second"));
    }
    parts.join(" ")
}

/// Whole seconds as a `Duration`, or an error when beyond what a `Duration` holds
/// (`Duration::seconds` would panic there; stored JSON is not trusted).
fn checked_seconds<E: serde::de::Error>(seconds: i64) -> Result<Duration, E> {
    Duration::try_seconds(seconds).ok_or_else(|| E::custom(format!("{seconds} seconds is out of range")))
}

/// Serde for a `Duration` as whole seconds (JSON for the window; TS type `number`).
pub(crate) mod seconds {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(d.num_seconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        super::checked_seconds(i64::deserialize(d)?)
    }
}

/// Serde for an `Option<Duration>` as whole seconds or null.
pub(crate) mod seconds_opt {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.num_seconds()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Option::<i64>::deserialize(d)?.map(super::checked_seconds).transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let m = Duration::minutes;
        assert_eq!(parse_duration("30s"), Some(Duration::seconds(30)));
        assert_eq!(parse_duration("5m"), Some(m(5)));
        assert_eq!(parse_duration("1h"), Some(Duration::hours(1)));
        assert_eq!(parse_duration("1h30m"), Some(m(90)));
        assert_eq!(parse_duration("2h5m10s"), Some(Duration::seconds(7_510)));
        assert_eq!(parse_duration("90m"), Some(m(90)));
        assert_eq!(parse_duration(" 15m "), Some(m(15)));
        assert_eq!(parse_duration("0"), Some(Duration::zero()));
        assert_eq!(parse_duration("0m"), Some(Duration::zero()));
        // Days, as in review imports (the one grammar), within the 100-day bound.
        assert_eq!(parse_duration("5d"), Some(Duration::days(5)));
    }

    #[test]
    fn rejects_everything_else() {
        for text in [
            "",
            "5",
            "5 minutes",
            "5min",
            "1M",
            "m",
            "1h 30m",
            "30m1h",
            "5m5m",
            "1.5h",
            "-5m",
            "101d",
            "99999999999999999999h",
            "2401h",
        ] {
            assert_eq!(parse_duration(text), None, "{text:?}");
        }
    }

    #[test]
    fn formats_round_trip() {
        for text in ["0s", "45s", "5m", "3m12s", "1h", "1h30m", "2h5m10s"] {
            assert_eq!(format_compact(parse_duration(text).unwrap()), text);
        }
        assert_eq!(format_offset(Duration::seconds(192)), "T+3m12s");
        assert_eq!(format_offset(Duration::zero()), "T+0s");
        assert_eq!(format_offset(Duration::seconds(-30)), "T-30s");
    }

    #[test]
    fn stored_seconds_beyond_a_duration_are_an_error_not_a_panic() {
        #[derive(serde::Deserialize, Debug)]
        struct Stored {
            #[serde(with = "seconds")]
            _at: Duration,
            #[serde(with = "seconds_opt")]
            _within: Option<Duration>,
        }
        let max = i64::MAX;
        let bad = serde_json::from_str::<Stored>(&format!(r#"{{"_at": {max}, "_within": null}}"#));
        assert!(bad.unwrap_err().to_string().contains("out of range"));
        let bad = serde_json::from_str::<Stored>(&format!(r#"{{"_at": 1, "_within": {}}}"#, i64::MIN));
        assert!(bad.unwrap_err().to_string().contains("out of range"));
        let good = serde_json::from_str::<Stored>(r#"{"_at": 60, "_within": 30}"#).unwrap();
        assert_eq!((good._at, good._within), (Duration::minutes(1), Some(Duration::seconds(30))));
    }

    #[test]
    fn describes_in_words() {
        assert_eq!(describe_duration(Duration::minutes(5)), "5 minutes");
        assert_eq!(describe_duration(Duration::minutes(1)), "1 minute");
        assert_eq!(describe_duration(Duration::minutes(90)), "1 hour 30 minutes");
        assert_eq!(describe_duration(Duration::seconds(30)), "30 seconds");
        assert_eq!(describe_duration(Duration::zero()), "0 seconds");
    }
}
