//! The one duration grammar people write in files: review imports (`duration: 45m`) and
//! drill scenarios and scripts (`at: 3m`, `within: 1h30m`) read durations the same way.
//!
//! A duration is one or more `<digits><unit>` groups with units `d`, `h`, `m`, `s`, each
//! at most once and in that order (`90s`, `1h30m`, `1d4h`, `2h5m10s`), or a bare `0`.
//! Strict on purpose: "5 minutes", "5min", "1h 30m" and "30m1h" are refused, so a file
//! cannot say one thing many ways (and no capital `M` can mean a month). The arithmetic
//! is checked: a sum too large to hold is no duration, never a panic. Callers bound the
//! result for their own use (a drill lasts at most 100 days, a review's outage a year).
use chrono::Duration;

/// Parses a duration in the grammar above; `None` for anything else.
pub fn parse(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text == "0" {
        return Some(Duration::zero());
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut last_rank = 0;
    let mut groups = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let (rank, unit_seconds) = match c {
            'd' => (1, 86_400),
            'h' => (2, 3_600),
            'm' => (3, 60),
            's' => (4, 1),
            _ => return None,
        };
        if digits.is_empty() || rank <= last_rank {
            return None;
        }
        let value: i64 = digits.parse().ok()?;
        total = total.checked_add(value.checked_mul(unit_seconds)?)?;
        digits.clear();
        last_rank = rank;
        groups += 1;
    }
    if !digits.is_empty() || groups == 0 {
        return None;
    }
    Duration::try_seconds(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_groups_in_order() {
        let s = Duration::seconds;
        for (text, secs) in [
            ("0", 0),
            ("0m", 0),
            ("45s", 45),
            ("45m", 2_700),
            ("1h30m", 5_400),
            ("1d4h", 100_800),
            ("2h5m10s", 7_510),
            (" 15m ", 900),
        ] {
            assert_eq!(parse(text), Some(s(secs)), "{text:?}");
        }
    }

    #[test]
    fn refuses_every_other_form() {
        for text in [
            "",
            "5",
            "m",
            "5 minutes",
            "5min",
            "1M",
            "1h 30m",
            "30m1h",
            "5m5m",
            "1.5h",
            "-5m",
            "soon",
            "99999999999999999999h",
            "106751991167300d",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
