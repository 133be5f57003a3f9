//! Time targets ("15m", "48h", "1w", "1 business day") as written in a policy file.
//!
//! A [`Target`] keeps the unit the policy author used, so the reference figure is shown the
//! way the reference document states it ("24 hours" stays "24h", not "1d"). Elapsed units
//! are wall-clock time; business units are working time on the policy's business calendar
//! (see [`crate::calendar`]). The text form is the serialized form, and it round-trips:
//! `t.to_string().parse::<Target>() == Ok(t)`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

/// The largest amount a [`Target`] read from text may have (keeps every computation bounded).
pub const MAX_AMOUNT: u32 = 100_000;

/// The unit of a [`Target`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TargetUnit {
    /// Wall-clock minutes (`m`).
    Minutes,
    /// Wall-clock hours (`h`).
    Hours,
    /// Wall-clock days of 24 hours (`d`).
    Days,
    /// Wall-clock weeks of 7 × 24 hours (`w`).
    Weeks,
    /// Hours of working time on the business calendar (`N business hours`).
    BusinessHours,
    /// Working days on the business calendar (`N business days`): N × the working-day length
    /// of working time.
    BusinessDays,
}

impl TargetUnit {
    /// True for units measured on the business calendar.
    pub fn is_business(self) -> bool {
        matches!(self, TargetUnit::BusinessHours | TargetUnit::BusinessDays)
    }

    /// Minutes in one unit, for elapsed units only.
    fn elapsed_minutes(self) -> Option<i64> {
        match self {
            TargetUnit::Minutes => Some(1),
            TargetUnit::Hours => Some(60),
            TargetUnit::Days => Some(24 * 60),
            TargetUnit::Weeks => Some(7 * 24 * 60),
            TargetUnit::BusinessHours | TargetUnit::BusinessDays => None,
        }
    }
}

/// A time target: an amount and a unit, e.g. 15 minutes, 48 hours or 3 business days.
///
/// Text form: `15m`, `2h`, `2d`, `1w`, `4 business hours`, `1 business day`,
/// `3 business days`. Serialized (TOML, JSON, TypeScript) as that string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, TS)]
#[ts(type = "string")]
pub struct Target {
    /// How many units; always at least 1.
    pub amount: u32,
    /// The unit.
    pub unit: TargetUnit,
}

impl Target {
    /// `n` wall-clock minutes.
    pub const fn minutes(n: u32) -> Self {
        Target { amount: n, unit: TargetUnit::Minutes }
    }
    /// `n` wall-clock hours.
    pub const fn hours(n: u32) -> Self {
        Target { amount: n, unit: TargetUnit::Hours }
    }
    /// `n` wall-clock days of 24 hours.
    pub const fn days(n: u32) -> Self {
        Target { amount: n, unit: TargetUnit::Days }
    }
    /// `n` wall-clock weeks.
    pub const fn weeks(n: u32) -> Self {
        Target { amount: n, unit: TargetUnit::Weeks }
    }
    /// `n` hours of working time.
    pub const fn business_hours(n: u32) -> Self {
        Target { amount: n, unit: TargetUnit::BusinessHours }
    }
    /// `n` working days.
    pub const fn business_days(n: u32) -> Self {
        Target { amount: n, unit: TargetUnit::BusinessDays }
    }

    /// True when this target is measured on the business calendar.
    pub fn is_business(&self) -> bool {
        self.unit.is_business()
    }

    /// The wall-clock length of an elapsed target; `None` for business targets, whose
    /// length depends on when they start (see [`crate::BusinessCalendar::add`]).
    pub fn as_elapsed(&self) -> Option<chrono::Duration> {
        self.unit
            .elapsed_minutes()
            .map(|m| chrono::Duration::try_minutes(m * i64::from(self.amount)).unwrap_or(chrono::Duration::MAX))
    }

    /// Words for sentences shown to people: "15 minutes", "1 hour", "3 business days".
    pub fn human(&self) -> String {
        let (one, many) = match self.unit {
            TargetUnit::Minutes => ("minute", "minutes"),
            TargetUnit::Hours => ("hour", "hours"),
            TargetUnit::Days => ("day", "days"),
            TargetUnit::Weeks => ("week", "weeks"),
            TargetUnit::BusinessHours => ("business hour", "business hours"),
            TargetUnit::BusinessDays => ("business day", "business days"),
        };
        format!("{} {}", self.amount, if self.amount == 1 { one } else { many })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.amount;
        match self.unit {
            TargetUnit::Minutes => write!(f, "{n}m"),
            TargetUnit::Hours => write!(f, "{n}h"),
            TargetUnit::Days => write!(f, "{n}d"),
            TargetUnit::Weeks => write!(f, "{n}w"),
            TargetUnit::BusinessHours | TargetUnit::BusinessDays => f.write_str(&self.human()),
        }
    }
}

/// Why a text is not a [`Target`]. Its message is what the policy error shows after the
/// line and field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a duration (use e.g. 15m, 2h, 1 business day){detail}")]
pub struct TargetParseError {
    /// The text as given.
    pub text: String,
    /// Extra explanation (starts with "; "), or empty.
    pub detail: String,
}

impl TargetParseError {
    fn new(text: &str, detail: &str) -> Self {
        TargetParseError { text: text.to_string(), detail: detail.to_string() }
    }
}

impl FromStr for Target {
    type Err = TargetParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let digits_end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
        if digits_end == 0 {
            return Err(TargetParseError::new(s, ""));
        }
        let amount: u32 = text[..digits_end]
            .parse()
            .map_err(|_| TargetParseError::new(s, "; the number is too large (at most 100000)"))?;
        let rest = &text[digits_end..];
        let unit = match rest {
            "m" => TargetUnit::Minutes,
            "h" => TargetUnit::Hours,
            "d" => TargetUnit::Days,
            "w" => TargetUnit::Weeks,
            _ => {
                let words: Vec<&str> = rest.split_whitespace().collect();
                match words.as_slice() {
                    ["business", "day" | "days"] if rest.starts_with(' ') => TargetUnit::BusinessDays,
                    ["business", "hour" | "hours"] if rest.starts_with(' ') => TargetUnit::BusinessHours,
                    _ => return Err(TargetParseError::new(s, "")),
                }
            }
        };
        if amount == 0 {
            return Err(TargetParseError::new(s, "; it must be greater than zero"));
        }
        if amount > MAX_AMOUNT {
            return Err(TargetParseError::new(s, "; the number is too large (at most 100000)"));
        }
        Ok(Target { amount, unit })
    }
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays_every_unit() {
        for (text, target) in [
            ("15m", Target::minutes(15)),
            ("1h", Target::hours(1)),
            ("48h", Target::hours(48)),
            ("2d", Target::days(2)),
            ("1w", Target::weeks(1)),
            ("1 business day", Target::business_days(1)),
            ("3 business days", Target::business_days(3)),
            ("4 business hours", Target::business_hours(4)),
            ("1 business hour", Target::business_hours(1)),
        ] {
            assert_eq!(text.parse::<Target>(), Ok(target), "{text}");
            assert_eq!(target.to_string(), text);
        }
    }

    #[test]
    fn lenient_plural_and_spacing() {
        assert_eq!(" 1 business days ".parse::<Target>(), Ok(Target::business_days(1)));
        assert_eq!("2 business  day".parse::<Target>(), Ok(Target::business_days(2)));
    }

    #[test]
    fn rejects_other_text() {
        for bad in ["", "15", "15 minutes", "m", "1.5h", "-1h", "0m", "1 day", "15 m", "2businessdays"] {
            let err = bad.parse::<Target>().expect_err(bad);
            assert!(err.to_string().contains("is not a duration"), "{err}");
        }
        assert_eq!(
            "15 minutes".parse::<Target>().map_err(|e| e.to_string()),
            Err("\"15 minutes\" is not a duration (use e.g. 15m, 2h, 1 business day)".into())
        );
    }

    #[test]
    fn human_words() {
        assert_eq!(Target::minutes(15).human(), "15 minutes");
        assert_eq!(Target::hours(1).human(), "1 hour");
        assert_eq!(Target::business_days(1).human(), "1 business day");
        assert_eq!(Target::weeks(1).as_elapsed(), Some(chrono::Duration::days(7)));
        assert_eq!(Target::business_days(1).as_elapsed(), None);
    }
}
