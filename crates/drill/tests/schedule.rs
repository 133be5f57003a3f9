//! The drill clock's questions: injects due in a window, the commander's rotation, the
//! quarterly schedule; and the built-in scenarios.
use chrono::{DateTime, Duration, TimeZone, Utc};
use firebreak_drill::{
    builtin, commander_at, drill_overdue, due_injects, next_quarterly_drill, Check, InjectKind, Scenario,
    BUILTIN_SOURCES,
};

const SCENARIO: &str = r#"
title: Schedule test
severity: SEV2
participants: [Ann, Ben, Cy]
commander_rotation: [Ann, Ben, Cy]
rotate_every: 15m
duration: 60m
success_criteria:
  - id: ack
    acknowledged_within: 5m
injects:
  - {at: 0m, kind: alert, text: first}
  - {at: 5m, kind: note, text: five}
  - {at: 5m, kind: question, text: five again}
  - {at: 10m, kind: degraded, text: ten}
  - {at: 60m, kind: note, text: end}
"#;

fn scenario() -> Scenario {
    Scenario::from_yaml(SCENARIO).unwrap()
}

fn texts(s: &Scenario, before: Duration, now: Duration) -> Vec<String> {
    due_injects(s, before, now).iter().map(|i| i.text.clone()).collect()
}

fn m(n: i64) -> Duration {
    Duration::minutes(n)
}

#[test]
fn due_injects_windows_are_half_open_and_include_zero_on_the_first_step() {
    let s = scenario();
    // The first forward step from zero includes the inject at 0; standing still does not.
    assert_eq!(texts(&s, m(0), m(0)), Vec::<String>::new());
    assert_eq!(texts(&s, m(0), Duration::milliseconds(1)), ["first"]);
    assert_eq!(texts(&s, Duration::seconds(-1), m(0)), ["first"]);
    assert_eq!(texts(&s, Duration::seconds(1), m(5) - Duration::seconds(1)), Vec::<String>::new());
    assert_eq!(texts(&s, m(4), m(5)), ["five", "five again"]);
    assert_eq!(texts(&s, m(5), m(10)), ["ten"]);
    assert_eq!(texts(&s, m(0), m(60)), ["first", "five", "five again", "ten", "end"]);
    assert_eq!(texts(&s, m(60), m(90)), Vec::<String>::new());
    // Paused or going backwards: nothing.
    assert_eq!(texts(&s, m(7), m(7)), Vec::<String>::new());
    assert_eq!(texts(&s, m(10), m(4)), Vec::<String>::new());
}

#[test]
fn consecutive_ticks_deliver_each_inject_exactly_once() {
    let s = scenario();
    for step_seconds in [1, 7, 60, 299, 3600] {
        let mut delivered = Vec::new();
        let mut before = Duration::zero();
        loop {
            let now = before + Duration::seconds(step_seconds);
            delivered.extend(texts(&s, before, now));
            before = now;
            if now >= s.duration {
                break;
            }
        }
        assert_eq!(delivered, ["first", "five", "five again", "ten", "end"], "step {step_seconds}s");
    }
}

#[test]
fn commander_rotates_with_time_and_manual_handovers() {
    let s = scenario();
    let at = |elapsed: Duration, manual| commander_at(&s, elapsed, manual).unwrap();
    assert_eq!(at(m(0), 0), "Ann");
    assert_eq!(at(m(14) + Duration::seconds(59), 0), "Ann");
    assert_eq!(at(m(15), 0), "Ben");
    assert_eq!(at(m(30), 0), "Cy");
    assert_eq!(at(m(45), 0), "Ann"); // wraps around
    assert_eq!(at(m(0), 1), "Ben");
    assert_eq!(at(m(15), 2), "Ann");
    assert_eq!(at(m(-5), 0), "Ann");
    assert_eq!(at(m(0), usize::MAX), ["Ann", "Ben", "Cy"][usize::MAX % 3]);

    let mut manual_only = s.clone();
    manual_only.rotate_every = None;
    assert_eq!(commander_at(&manual_only, m(50), 0).as_deref(), Some("Ann"));
    assert_eq!(commander_at(&manual_only, m(50), 4).as_deref(), Some("Ben"));

    let mut nobody = s.clone();
    nobody.commander_rotation.clear();
    assert_eq!(commander_at(&nobody, m(5), 1), None);
}

fn day(y: i32, mo: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, 10, 0, 0).unwrap()
}

#[test]
fn next_drill_is_three_months_after_the_last_or_now() {
    let now = day(2025, 10, 5);
    assert_eq!(next_quarterly_drill(None, now), now);
    assert_eq!(next_quarterly_drill(Some(day(2025, 9, 1)), now), day(2025, 12, 1));
    assert_eq!(next_quarterly_drill(Some(day(2025, 7, 5)), now), now); // due exactly now
    assert_eq!(next_quarterly_drill(Some(day(2025, 1, 1)), now), now); // overdue
                                                                       // Month ends clamp: 30 November + 3 months is the end of February.
    let later = day(2025, 12, 1);
    assert_eq!(next_quarterly_drill(Some(day(2025, 11, 30)), later), day(2026, 2, 28));
    assert_eq!(next_quarterly_drill(Some(day(2023, 11, 30)), day(2023, 12, 1)), day(2024, 2, 29));
}

#[test]
fn overdue_means_never_drilled_or_past_three_months() {
    let now = day(2025, 10, 5);
    assert!(drill_overdue(None, now));
    assert!(!drill_overdue(Some(day(2025, 9, 1)), now));
    assert!(!drill_overdue(Some(day(2025, 7, 5)), now)); // due today, not yet overdue
    assert!(drill_overdue(Some(day(2025, 7, 4)), now));
}

#[test]
fn builtins_parse_validate_and_follow_the_brief() {
    let all = builtin();
    assert_eq!(all.len(), BUILTIN_SOURCES.len());
    assert!(all.len() >= 3);
    let levels: Vec<String> = (1..=4).map(|n| format!("SEV{n}")).collect();
    for s in &all {
        s.check_levels(&levels).unwrap();
        assert!((4..=8).contains(&s.injects.len()), "{}: {} injects", s.title, s.injects.len());
        assert!((4..=6).contains(&s.success_criteria.len()), "{}: {} criteria", s.title, s.success_criteria.len());
        assert!(!s.description.is_empty() && s.commander_rotation.len() >= 2);
        assert!(s.injects.first().unwrap().at == Duration::zero(), "{}: something happens at T+0", s.title);
        assert!(s.injects.iter().any(|i| i.kind == InjectKind::Alert || i.kind == InjectKind::CustomerReport));
        assert!(s.success_criteria.iter().any(|c| matches!(c.check, Check::AcknowledgedWithin { .. })));
        assert!(s.success_criteria.iter().any(|c| matches!(c.check, Check::ReviewDrafted)));
        // Each starts below what it expects, and some criterion asks for the expected level,
        // so classification is earned by a change.
        assert!(s.expects_change(), "{}: starts at {}", s.title, s.severity);
        assert!(s
            .success_criteria
            .iter()
            .any(|c| matches!(&c.check, Check::SeveritySet { level, .. } if *level == s.expected_severity)));
    }
    let find = |needle: &str| all.iter().find(|s| s.title.contains(needle)).unwrap();
    let outage = find("API outage");
    assert_eq!((outage.severity.as_str(), outage.expected_severity.as_str()), ("SEV2", "SEV1"));
    assert!(outage.description.contains("API\ncompletely down") || outage.description.contains("API completely down"));
    let db = find("Database degradation");
    assert!(db.services.contains(&"database".to_string()));
    assert!(db.injects.iter().any(|i| i.text.contains("2× the normal")));
    assert!(db.injects.iter().any(|i| i.text.contains("pool exhausted")));
    let security = find("Security vulnerability");
    assert_eq!((security.severity.as_str(), security.expected_severity.as_str()), ("SEV3", "SEV2"));
    assert_eq!((db.severity.as_str(), db.expected_severity.as_str()), ("SEV3", "SEV2"));
    assert!(security.title.contains("potential for exploitation"));
}

#[test]
fn the_crate_doc_example_is_a_valid_scenario() {
    let lib = include_str!("../src/lib.rs");
    let yaml: String = lib
        .lines()
        .skip_while(|l| !l.starts_with("//! ```yaml"))
        .skip(1)
        .take_while(|l| !l.starts_with("//! ```"))
        .map(|l| l.strip_prefix("//! ").unwrap_or("").to_owned() + "\n")
        .collect();
    assert!(yaml.contains("success_criteria"), "found the example");
    let s = Scenario::from_yaml(&yaml).unwrap();
    assert_eq!(s.success_criteria.len(), 6);
    assert_eq!(s.injects.len(), 2);
}

mod properties {
    use super::*;
    use firebreak_drill::{format_compact, parse_duration};
    use proptest::prelude::*;

    proptest! {
        /// However the runner's ticks fall (irregular steps, pauses), every inject up to
        /// the last tick is delivered once, in order.
        #[test]
        fn ticks_deliver_every_inject_once(
            steps in prop::collection::vec(prop_oneof![Just(0i64), 0i64..900], 1..40)
        ) {
            let s = scenario();
            let mut before = Duration::zero();
            let mut delivered = Vec::new();
            for step in steps {
                let now = before + Duration::seconds(step);
                delivered.extend(due_injects(&s, before, now).into_iter().cloned());
                before = now;
            }
            let started = before > Duration::zero();
            let expected: Vec<_> =
                s.injects.iter().filter(|i| started && i.at <= before).cloned().collect();
            prop_assert_eq!(delivered, expected);
        }

        #[test]
        fn compact_durations_round_trip(seconds in 0i64..100 * 24 * 3600) {
            let d = Duration::seconds(seconds);
            prop_assert_eq!(parse_duration(&format_compact(d)), Some(d));
        }
    }
}
