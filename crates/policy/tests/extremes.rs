//! Deadlines and business-day arithmetic over instants no real incident has — the ends
//! of chrono's range, year 9999, a calendar at UTC+14 where the local date of the last
//! instant does not exist, the largest target a policy file may state — come out as
//! instants (saturated at the end of time where they run past it), quickly, and never
//! panic.
use chrono::{DateTime, Duration, TimeZone, Utc};
use chrono_tz::Tz;
use firebreak_policy::target::MAX_AMOUNT;
use firebreak_policy::{compute_deadlines, BusinessCalendar, IncidentFacts, Policy, Target};
use std::time::Instant;

const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;
const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;

fn calendars() -> Vec<BusinessCalendar> {
    [Tz::UTC, Tz::Pacific__Kiritimati, Tz::Pacific__Pago_Pago, Tz::Europe__Berlin]
        .into_iter()
        .map(|time_zone| BusinessCalendar { time_zone, ..BusinessCalendar::default() })
        .collect()
}

fn targets() -> Vec<Target> {
    vec![
        Target::minutes(15),
        Target::weeks(MAX_AMOUNT),
        Target::business_hours(1),
        Target::business_days(1),
        Target::business_days(MAX_AMOUNT),
        Target::business_hours(MAX_AMOUNT),
    ]
}

#[test]
fn adding_at_the_ends_of_time_saturates_instead_of_panicking() {
    let y9999 = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
    for cal in calendars() {
        for target in targets() {
            for start in [MIN, MAX, DateTime::UNIX_EPOCH, y9999, MAX - Duration::days(3)] {
                let due = cal.add(start, &target);
                assert!(due >= start, "{start} + {target} in {} gave {due}", cal.time_zone);
            }
            assert_eq!(cal.add(MAX, &target), MAX, "{target} after the last instant in {}", cal.time_zone);
            for t in [MIN, MAX] {
                // Whatever the answer, it is one (the local date of MAX does not exist at UTC+14).
                let _ = cal.is_working_time(t);
                assert_eq!(cal.working_time_between(t, t), Duration::zero());
            }
        }
    }
}

#[test]
fn business_days_from_far_dates_are_quick() {
    // The walk goes one local day at a time; from year 9999, or for the largest amount a
    // policy file may state (about 385 years of working days), it must still be quick.
    let cal = BusinessCalendar { time_zone: Tz::Europe__Berlin, ..BusinessCalendar::default() };
    let started = Instant::now();
    let y9999 = Utc.with_ymd_and_hms(9999, 6, 1, 12, 0, 0).unwrap();
    let due = cal.add(y9999, &Target::business_days(MAX_AMOUNT));
    assert!(due > y9999 + Duration::days(365 * 380), "{due}");
    let near_end = cal.add(MAX - Duration::days(10), &Target::business_days(MAX_AMOUNT));
    assert_eq!(near_end, MAX, "runs past the end of time: saturates");
    assert!(started.elapsed().as_secs() < 10, "took {:?}", started.elapsed());
}

#[test]
fn deadlines_from_extreme_facts_do_not_panic() {
    for name in Policy::preset_names() {
        let mut policy = Policy::preset(name).unwrap();
        policy.calendar.time_zone = Tz::Pacific__Kiritimati;
        for level in policy.levels.clone() {
            for (declared, now) in [(MIN, MAX), (MAX, MIN), (MAX, MAX), (MIN, MIN), (DateTime::UNIX_EPOCH, MAX)] {
                let mut facts = IncidentFacts::new(declared, level.id.clone());
                facts.severity_changes.push((MAX, policy.levels[0].id.clone()));
                facts.severity_changes.push((MIN, level.id.clone()));
                facts.comms_updates = vec![MIN, MAX, DateTime::UNIX_EPOCH];
                facts.resolved_at = Some(MAX);
                facts.acknowledged_at = Some(MIN);
                facts.services = policy.services.iter().map(|s| s.name.clone()).collect();
                for lead in [Duration::zero(), Duration::minutes(5), Duration::MAX] {
                    let deadlines = compute_deadlines(&policy, &facts, now, lead);
                    assert!(!deadlines.is_empty(), "{name} {}", level.id);
                }
            }
        }
    }
}
