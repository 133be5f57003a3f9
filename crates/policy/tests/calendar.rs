//! Business-day arithmetic: weekends, holidays, starts outside working hours, and the DST
//! changes of Europe/Berlin and America/New_York, checked as exact UTC instants.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use firebreak_policy::{BusinessCalendar, ClockTime, Target, Weekday};
use proptest::prelude::*;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn utc() -> BusinessCalendar {
    BusinessCalendar::default()
}

fn zoned(tz: Tz) -> BusinessCalendar {
    BusinessCalendar { time_zone: tz, ..BusinessCalendar::default() }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[track_caller]
fn check(cal: &BusinessCalendar, start: &str, target: &str, want: &str) {
    let target: Target = target.parse().unwrap();
    assert_eq!(cal.add(at(start), &target), at(want), "{start} + {target}");
}

#[test]
fn default_calendar_is_mon_to_fri_nine_to_five_utc() {
    let cal = utc();
    assert_eq!(cal.time_zone, Tz::UTC);
    assert_eq!(cal.working_days, [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]);
    assert_eq!((cal.work_start.to_string(), cal.work_end.to_string()), ("09:00".into(), "17:00".into()));
    assert_eq!(cal.day_length(), Duration::hours(8));
}

#[test]
fn within_one_day_and_exactly_at_the_end() {
    let cal = utc();
    // 2025-06-02 is a Monday.
    check(&cal, "2025-06-02T09:00:00Z", "1 business day", "2025-06-02T17:00:00Z");
    check(&cal, "2025-06-02T10:00:00Z", "4 business hours", "2025-06-02T14:00:00Z");
    check(&cal, "2025-06-02T10:00:00Z", "1 business day", "2025-06-03T10:00:00Z");
    check(&cal, "2025-06-02T10:00:00Z", "3 business days", "2025-06-05T10:00:00Z");
}

#[test]
fn friday_afternoon_runs_into_monday() {
    let cal = utc();
    // Friday 2025-06-06 15:00: 2 h on Friday, 6 h on Monday.
    check(&cal, "2025-06-06T15:00:00Z", "1 business day", "2025-06-09T15:00:00Z");
    check(&cal, "2025-06-06T15:00:00Z", "3 business days", "2025-06-11T15:00:00Z");
    check(&cal, "2025-06-06T16:30:00Z", "1 business hour", "2025-06-09T09:30:00Z");
}

#[test]
fn starts_outside_working_hours() {
    let cal = utc();
    // Before opening, after closing, on a weekend.
    check(&cal, "2025-06-03T07:00:00Z", "4 business hours", "2025-06-03T13:00:00Z");
    check(&cal, "2025-06-03T20:00:00Z", "1 business day", "2025-06-04T17:00:00Z");
    check(&cal, "2025-06-07T10:00:00Z", "1 business day", "2025-06-09T17:00:00Z");
    check(&cal, "2025-06-08T23:59:00Z", "1 business hour", "2025-06-09T10:00:00Z");
    check(&cal, "2025-06-06T17:00:00Z", "1 business hour", "2025-06-09T10:00:00Z");
}

#[test]
fn holidays_are_skipped() {
    let mut cal = utc();
    cal.holidays = vec![date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1)];
    // Wednesday 24 Dec 10:00: 7 h that day, Thu/Fri holidays, weekend, 1 h on Monday 29th.
    check(&cal, "2025-12-24T10:00:00Z", "1 business day", "2025-12-29T10:00:00Z");
    // Starting on a holiday counts from the next working day.
    check(&cal, "2025-12-25T12:00:00Z", "1 business hour", "2025-12-29T10:00:00Z");
    // 5 business days from Monday 29th skip New Year's Day.
    check(&cal, "2025-12-29T09:00:00Z", "5 business days", "2026-01-05T17:00:00Z");
    assert!(!cal.is_working_date(date(2025, 12, 25)));
    assert!(cal.is_working_date(date(2025, 12, 24)));
    // Elapsed targets ignore the calendar.
    check(&cal, "2025-12-24T10:00:00Z", "48h", "2025-12-26T10:00:00Z");
    check(&cal, "2025-12-24T10:00:00Z", "1w", "2025-12-31T10:00:00Z");
}

#[test]
fn holidays_are_local_dates_of_the_calendar_zone() {
    let mut cal = zoned(chrono_tz::Asia::Tokyo);
    cal.holidays = vec![date(2025, 6, 3)];
    // Monday 2 June 16:00 JST (07:00Z): 1 h Monday, Tuesday is a holiday, 7 h Wednesday.
    check(&cal, "2025-06-02T07:00:00Z", "1 business day", "2025-06-04T07:00:00Z");
}

#[test]
fn europe_berlin_spring_forward() {
    // Clocks go from 02:00 CET to 03:00 CEST on Sunday 2025-03-30.
    let cal = zoned(chrono_tz::Europe::Berlin);
    // Friday 28 Mar 15:00 CET (14:00Z) → Monday 31 Mar 15:00 CEST (13:00Z): 71 h elapsed.
    check(&cal, "2025-03-28T14:00:00Z", "1 business day", "2025-03-31T13:00:00Z");
    // Working hours of the Monday after: 09:00 CEST = 07:00Z.
    check(&cal, "2025-03-29T12:00:00Z", "1 business hour", "2025-03-31T08:00:00Z");
    // Working hours of the Friday before: 09:00 CET = 08:00Z.
    check(&cal, "2025-03-28T06:00:00Z", "1 business hour", "2025-03-28T09:00:00Z");
}

#[test]
fn europe_berlin_fall_back() {
    // Clocks go from 03:00 CEST back to 02:00 CET on Sunday 2025-10-26.
    let cal = zoned(chrono_tz::Europe::Berlin);
    // Friday 24 Oct 15:00 CEST (13:00Z) → Monday 27 Oct 15:00 CET (14:00Z): 73 h elapsed.
    check(&cal, "2025-10-24T13:00:00Z", "1 business day", "2025-10-27T14:00:00Z");
    check(&cal, "2025-10-25T12:00:00Z", "1 business hour", "2025-10-27T09:00:00Z");
}

#[test]
fn america_new_york_spring_forward() {
    // Clocks go from 02:00 EST to 03:00 EDT on Sunday 2025-03-09.
    let cal = zoned(chrono_tz::America::New_York);
    // Friday 7 Mar 15:00 EST (20:00Z) → Monday 10 Mar 15:00 EDT (19:00Z).
    check(&cal, "2025-03-07T20:00:00Z", "1 business day", "2025-03-10T19:00:00Z");
    // 3 business days from Friday 09:00 EST (14:00Z) end Tuesday 17:00 EDT (21:00Z).
    check(&cal, "2025-03-07T14:00:00Z", "3 business days", "2025-03-11T21:00:00Z");
}

#[test]
fn america_new_york_fall_back() {
    // Clocks go from 02:00 EDT back to 01:00 EST on Sunday 2025-11-02.
    let cal = zoned(chrono_tz::America::New_York);
    // Friday 31 Oct 15:00 EDT (19:00Z) → Monday 3 Nov 15:00 EST (20:00Z).
    check(&cal, "2025-10-31T19:00:00Z", "1 business day", "2025-11-03T20:00:00Z");
    check(&cal, "2025-11-01T12:00:00Z", "4 business hours", "2025-11-03T18:00:00Z");
}

#[test]
fn a_window_containing_the_change_is_measured_in_real_time() {
    // Working every day around the clock in Berlin: 30 March 2025 has 23 real hours.
    let mut cal = zoned(chrono_tz::Europe::Berlin);
    cal.working_days =
        vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
    cal.work_start = ClockTime::new(0, 0).unwrap();
    cal.work_end = ClockTime::new(24, 0).unwrap();
    // From Saturday 00:00 CET (Fri 23:00Z), two 24-hour business days = 48 real hours.
    check(&cal, "2025-03-28T23:00:00Z", "2 business days", "2025-03-30T23:00:00Z");
    check(&cal, "2025-10-25T22:00:00Z", "2 business days", "2025-10-27T22:00:00Z");

    // Working hours that start inside the spring-forward gap begin after it.
    let mut cal = zoned(chrono_tz::Europe::Berlin);
    cal.working_days = vec![Weekday::Sun];
    cal.work_start = ClockTime::new(2, 30).unwrap();
    cal.work_end = ClockTime::new(6, 0).unwrap();
    // 02:30 does not exist on 30 March; the window is 03:00–06:00 CEST (01:00Z–04:00Z).
    check(&cal, "2025-03-29T12:00:00Z", "1 business hour", "2025-03-30T02:00:00Z");
    assert!(!cal.is_working_time(at("2025-03-30T00:59:00Z")));
    assert!(cal.is_working_time(at("2025-03-30T01:00:00Z")));
}

#[test]
fn working_time_between_counts_only_windows() {
    let cal = utc();
    assert_eq!(cal.working_time_between(at("2025-06-06T15:00:00Z"), at("2025-06-09T15:00:00Z")), Duration::hours(8));
    assert_eq!(cal.working_time_between(at("2025-06-09T15:00:00Z"), at("2025-06-06T15:00:00Z")), Duration::zero());
    assert!(cal.is_working_time(at("2025-06-09T09:00:00Z")));
    assert!(!cal.is_working_time(at("2025-06-09T17:00:00Z")));
}

#[test]
fn unusable_calendar_counts_wall_time() {
    let mut cal = utc();
    cal.working_days.clear();
    check(&cal, "2025-06-07T10:00:00Z", "1 business day", "2025-06-07T18:00:00Z");
}

fn zone(i: u8) -> Tz {
    [chrono_tz::UTC, chrono_tz::Europe::Berlin, chrono_tz::America::New_York][usize::from(i % 3)]
}

proptest! {
    #[test]
    fn adding_working_time_adds_exactly_that_much(
        start_secs in 1_735_689_600i64..1_798_761_600, // 2025-01-01 .. 2027-01-01
        hours in 1u32..60,
        z in 0u8..3,
    ) {
        let cal = zoned(zone(z));
        let start = DateTime::from_timestamp(start_secs, 0).unwrap();
        let end = cal.add(start, &Target::business_hours(hours));
        prop_assert!(end > start);
        prop_assert_eq!(cal.working_time_between(start, end), Duration::hours(i64::from(hours)));
        // The deadline itself falls inside a working window (or at its end).
        prop_assert!(cal.is_working_time(end - Duration::seconds(1)));
        // And a business day is the working-day length.
        let day = cal.add(start, &Target::business_days(1));
        prop_assert_eq!(cal.working_time_between(start, day), cal.day_length());
    }
}
