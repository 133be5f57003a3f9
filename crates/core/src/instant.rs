//! Checked arithmetic on instants that came from outside (an op, a stored setting, a
//! scenario, a policy figure). chrono's `+`/`-` between a `DateTime` and a `TimeDelta`
//! panic when the result leaves chrono's range (about ±262,000 years), and a synced op may
//! carry an instant at that edge (`DateTime::<Utc>::MAX_UTC`). Read paths must stay total,
//! so they use these helpers: the `saturating_*` ones clamp to the ends of time (a deadline
//! past the end of time is "never due"; a due-soon moment before its start is "always"),
//! and [`minutes`] builds a duration from a stored count without the panic of
//! `TimeDelta::minutes`. `crates/api/tests/tidy.rs` keeps unchecked `+`/`-` out of the
//! crates that read stored or received data.
use chrono::{DateTime, Duration, Utc};

/// `t + d`, clamped to the ends of chrono's range instead of panicking.
pub fn saturating_add(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(if d < Duration::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// `t - d`, clamped to the ends of chrono's range instead of panicking.
pub fn saturating_sub(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_sub_signed(d).unwrap_or(if d < Duration::zero() {
        DateTime::<Utc>::MAX_UTC
    } else {
        DateTime::<Utc>::MIN_UTC
    })
}

/// `n` minutes, clamped to the longest duration chrono has (a stored count may be any
/// `i64`; `TimeDelta::minutes` panics past about ±1.5 × 10^11 minutes).
pub fn minutes(n: i64) -> Duration {
    Duration::try_minutes(n).unwrap_or(if n < 0 { Duration::MIN } else { Duration::MAX })
}

/// `n` seconds, clamped like [`minutes`].
pub fn seconds(n: i64) -> Duration {
    Duration::try_seconds(n).unwrap_or(if n < 0 { Duration::MIN } else { Duration::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn in_range_arithmetic_is_exact() {
        let t = Utc.with_ymd_and_hms(2025, 10, 5, 14, 0, 0).single().unwrap_or_default();
        assert_eq!(saturating_add(t, minutes(5)), Utc.with_ymd_and_hms(2025, 10, 5, 14, 5, 0).unwrap());
        assert_eq!(saturating_sub(t, minutes(5)), Utc.with_ymd_and_hms(2025, 10, 5, 13, 55, 0).unwrap());
        assert_eq!(saturating_add(t, minutes(-5)), saturating_sub(t, minutes(5)));
        assert_eq!(seconds(90), Duration::seconds(90));
    }

    #[test]
    fn the_ends_of_time_clamp_instead_of_panicking() {
        let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert_eq!(saturating_add(max, minutes(1)), max);
        assert_eq!(saturating_sub(min, minutes(1)), min);
        assert_eq!(saturating_add(min, minutes(-1)), min);
        assert_eq!(saturating_sub(max, minutes(-1)), max);
        assert_eq!(saturating_add(min, Duration::MAX), max, "min + the longest duration is past the end");
        assert_eq!(saturating_sub(max, Duration::MAX), min);
        assert_eq!(minutes(i64::MAX), Duration::MAX);
        assert_eq!(minutes(i64::MIN), Duration::MIN);
        assert_eq!(seconds(i64::MAX), Duration::MAX);
    }
}
