//! The business calendar: when "1 business day" and "3 business days" run.
//!
//! The reference documents state some targets in business days ("Response within 1
//! business day", "5 business days" RTO) without defining a business day, so the policy
//! defines it, and this module is the one place that counts it.
//!
//! # Definition
//!
//! * **Working time** is every instant whose local date and time, in the calendar's
//!   [`time_zone`](BusinessCalendar::time_zone), falls on a working day (a weekday listed
//!   in `working_days` that is not in `holidays`) at or after `work_start` and before
//!   `work_end`. Holidays are local dates in that zone.
//! * **N business hours** = N hours of working time. **N business days** = N × the
//!   working-day length (`work_end − work_start`, e.g. 8 hours for 09:00–17:00) of working
//!   time.
//! * [`BusinessCalendar::add`] starts counting at the start instant, or at the next
//!   working-time instant when the start is outside working hours, and returns the instant
//!   at which the required working time has elapsed. Running out exactly at the end of a
//!   window gives that end (09:00 Monday + 1 business day = 17:00 Monday, not 09:00 Tuesday).
//! * Working windows are placed by local wall-clock time and measured in real elapsed time,
//!   so they follow daylight-saving changes: 09:00–17:00 in Europe/Berlin is 08:00–16:00 UTC
//!   in winter and 07:00–15:00 UTC in summer. A window that contains a DST change is an hour
//!   shorter or longer in real time; a local time that does not exist (the spring-forward
//!   gap) means the first instant after the gap; a repeated local time means its first
//!   occurrence for a window start and its second for a window end.
//! * Elapsed targets (`15m`, `48h`, `1w`) ignore the calendar: they add wall-clock time.
//! * A calendar with no working days or an empty working day (rejected when a policy file
//!   is loaded, but constructible in code) counts business time as wall-clock time.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;

use crate::target::{Target, TargetUnit};

/// A day of the week, written `mon` … `sun` in policy files (full names are accepted too).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    #[serde(alias = "monday")]
    Mon,
    #[serde(alias = "tuesday")]
    Tue,
    #[serde(alias = "wednesday")]
    Wed,
    #[serde(alias = "thursday")]
    Thu,
    #[serde(alias = "friday")]
    Fri,
    #[serde(alias = "saturday")]
    Sat,
    #[serde(alias = "sunday")]
    Sun,
}

impl From<chrono::Weekday> for Weekday {
    fn from(d: chrono::Weekday) -> Self {
        match d {
            chrono::Weekday::Mon => Weekday::Mon,
            chrono::Weekday::Tue => Weekday::Tue,
            chrono::Weekday::Wed => Weekday::Wed,
            chrono::Weekday::Thu => Weekday::Thu,
            chrono::Weekday::Fri => Weekday::Fri,
            chrono::Weekday::Sat => Weekday::Sat,
            chrono::Weekday::Sun => Weekday::Sun,
        }
    }
}

/// A local time of day, `HH:MM`, from `00:00` to `24:00` (the end of the day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(type = "string")]
pub struct ClockTime {
    minutes: u16,
}

impl ClockTime {
    /// `hour:minute`; `None` past 24:00.
    pub fn new(hour: u16, minute: u16) -> Option<Self> {
        let minutes = hour.checked_mul(60)?.checked_add(minute)?;
        (minute < 60 && minutes <= 24 * 60).then_some(ClockTime { minutes })
    }
    /// Minutes since local midnight (0 to 1440).
    pub fn minutes(self) -> u16 {
        self.minutes
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl FromStr for ClockTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a time of day (use HH:MM, e.g. 09:00 or 17:30)");
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return Err(bad());
        }
        let hour: u16 = h.parse().map_err(|_| bad())?;
        let minute: u16 = m.parse().map_err(|_| bad())?;
        ClockTime::new(hour, minute).ok_or_else(bad)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// When business-day targets run: time zone, working days, working hours, holidays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BusinessCalendar {
    /// IANA time zone name, e.g. `Europe/Berlin`; working hours and holidays are local to it.
    #[serde(with = "tz_name")]
    #[ts(type = "string")]
    pub time_zone: Tz,
    /// The working weekdays.
    pub working_days: Vec<Weekday>,
    /// Start of the working day, local time (`09:00`).
    pub work_start: ClockTime,
    /// End of the working day, local time (`17:00`).
    pub work_end: ClockTime,
    /// Local dates that are not working days (`2025-12-25`; TOML dates are accepted too).
    #[serde(default, with = "holiday_dates")]
    #[ts(type = "Array<string>")]
    pub holidays: Vec<NaiveDate>,
}

impl Default for BusinessCalendar {
    /// Team default: Monday to Friday, 09:00–17:00 UTC, no holidays.
    fn default() -> Self {
        BusinessCalendar {
            time_zone: Tz::UTC,
            working_days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
            work_start: ClockTime { minutes: 9 * 60 },
            work_end: ClockTime { minutes: 17 * 60 },
            holidays: Vec::new(),
        }
    }
}

impl BusinessCalendar {
    /// The nominal length of one working day (`work_end − work_start`).
    pub fn day_length(&self) -> Duration {
        Duration::minutes(i64::from(self.work_end.minutes) - i64::from(self.work_start.minutes))
    }

    /// True when the calendar has working time at all.
    fn is_usable(&self) -> bool {
        !self.working_days.is_empty() && self.work_end > self.work_start
    }

    /// True when `date` (local to the calendar's zone) is a working day.
    pub fn is_working_date(&self, date: NaiveDate) -> bool {
        self.working_days.contains(&Weekday::from(date.weekday())) && !self.holidays.contains(&date)
    }

    /// True when `t` is working time.
    pub fn is_working_time(&self, t: DateTime<Utc>) -> bool {
        let date = self.local_date(t);
        self.window(date).is_some_and(|(s, e)| s <= t && t < e)
    }

    /// The instant `target` after `start`: wall-clock time for elapsed targets, working time
    /// for business targets (see the module documentation for the definition).
    pub fn add(&self, start: DateTime<Utc>, target: &Target) -> DateTime<Utc> {
        let needed = match (target.as_elapsed(), target.unit) {
            (Some(elapsed), _) => return saturating_add(start, elapsed),
            (None, TargetUnit::BusinessDays) => {
                minutes_duration(self.day_length().num_minutes() * i64::from(target.amount))
            }
            (None, _) => minutes_duration(60 * i64::from(target.amount)),
        };
        if !self.is_usable() {
            return saturating_add(start, needed);
        }
        let mut remaining = needed;
        if remaining <= Duration::zero() {
            return start;
        }
        // Working time never runs faster than wall-clock time: what does not fit before
        // the end of time as elapsed time does not fit as working time either.
        if start.checked_add_signed(needed).is_none() {
            return DateTime::<Utc>::MAX_UTC;
        }
        let first = self.local_date(start);
        let mut date = first.pred_opt().unwrap_or(first);
        loop {
            if let Some((window_start, window_end)) = self.window(date) {
                let from = window_start.max(start);
                if window_end > from {
                    let available = window_end - from;
                    if remaining <= available {
                        return from.checked_add_signed(remaining).unwrap_or(window_end);
                    }
                    remaining -= available;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => return DateTime::<Utc>::MAX_UTC,
            }
        }
    }

    /// Working time between `from` and `to` (zero when `to` is not after `from`).
    pub fn working_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from || !self.is_usable() {
            return if to > from { to - from } else { Duration::zero() };
        }
        let mut total = Duration::zero();
        let first = self.local_date(from);
        let last = self.local_date(to);
        let mut date = first.pred_opt().unwrap_or(first);
        while date <= last {
            if let Some((s, e)) = self.window(date) {
                let (s, e) = (s.max(from), e.min(to));
                if e > s {
                    total += e - s;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total
    }

    /// The working window of a local date, as UTC instants; `None` on non-working days.
    fn window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.is_working_date(date) {
            return None;
        }
        let start = self.local_instant(date, self.work_start, true)?;
        let end = self.local_instant(date, self.work_end, false)?;
        Some((start, end))
    }

    /// The local date of `t` in the calendar zone; at the very ends of chrono's range,
    /// where the local time cannot be represented, the UTC date.
    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        let offset = self.time_zone.offset_from_utc_datetime(&t.naive_utc()).fix();
        t.naive_utc().checked_add_offset(offset).map_or_else(|| t.date_naive(), |local| local.date())
    }

    /// The instant of a local date and time of day in the calendar zone; `None` past the
    /// ends of chrono's range.
    fn local_instant(&self, date: NaiveDate, at: ClockTime, earliest: bool) -> Option<DateTime<Utc>> {
        let naive = date.and_time(NaiveTime::MIN).checked_add_signed(Duration::minutes(i64::from(at.minutes)))?;
        match self.time_zone.from_local_datetime(&naive) {
            LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(first, second) => Some(if earliest { first } else { second }.with_timezone(&Utc)),
            // In a spring-forward gap: the first local minute after the gap.
            LocalResult::None => (1..=24 * 60).find_map(|m| {
                let later = naive.checked_add_signed(Duration::minutes(m))?;
                self.time_zone.from_local_datetime(&later).earliest().map(|t| t.with_timezone(&Utc))
            }),
        }
    }
}

fn minutes_duration(minutes: i64) -> Duration {
    Duration::try_minutes(minutes).unwrap_or(Duration::MAX)
}

fn saturating_add(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Serde for [`Tz`] as its IANA name, with a message naming the bad value.
mod tz_name {
    use super::*;

    pub fn serialize<S: Serializer>(tz: &Tz, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(tz.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tz, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse::<Tz>().map_err(|_| {
            serde::de::Error::custom(format!(
                "{name:?} is not a known time zone (use an IANA name such as Europe/Berlin, America/New_York or UTC)"
            ))
        })
    }
}

/// Serde for holiday dates: written as `"YYYY-MM-DD"`; TOML date literals are read too.
mod holiday_dates {
    use super::*;
    use serde::de::{MapAccess, SeqAccess, Visitor};
    use serde::ser::SerializeSeq;

    pub fn serialize<S: Serializer>(dates: &[NaiveDate], serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(dates.len()))?;
        for d in dates {
            seq.serialize_element(&d.format("%Y-%m-%d").to_string())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<NaiveDate>, D::Error> {
        struct Dates;
        impl<'de> Visitor<'de> for Dates {
            type Value = Vec<NaiveDate>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of dates")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(HolidayDate(d)) = seq.next_element()? {
                    out.push(d);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_seq(Dates)
    }

    struct HolidayDate(NaiveDate);

    fn parse<E: serde::de::Error>(text: &str) -> Result<NaiveDate, E> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| E::custom(format!("{text:?} is not a date (use YYYY-MM-DD, e.g. 2025-12-25)")))
    }

    impl<'de> Deserialize<'de> for HolidayDate {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct One;
            impl<'de> Visitor<'de> for One {
                type Value = HolidayDate;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a date such as 2025-12-25")
                }
                fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<HolidayDate, E> {
                    parse(v).map(HolidayDate)
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<HolidayDate, A::Error> {
                    // A TOML date literal arrives as toml's datetime map.
                    let dt = toml::value::Datetime::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                    match (dt.date, dt.time) {
                        (Some(_), None) => parse(&dt.to_string()).map(HolidayDate),
                        _ => Err(serde::de::Error::custom(format!(
                            "{dt} is not a date (use YYYY-MM-DD, e.g. 2025-12-25)"
                        ))),
                    }
                }
            }
            deserializer.deserialize_any(One)
        }
    }
}
