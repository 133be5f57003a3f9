//! The evaluation: each criterion kind met and missed, improvement areas, the timeline's
//! offsets, speed independence (1× and 60× give the same evaluation), and the Markdown.
use chrono::{DateTime, Duration, TimeZone, Utc};
use firebreak_drill::{evaluate, evaluation_markdown, DrillEntry, DrillEvents, Evaluation, Scenario, Status};

const SCENARIO: &str = r#"
title: Evaluation test
severity: SEV1
participants: [Ann, Ben]
duration: 60m
success_criteria:
  - id: ack
    acknowledged_within: 5m
  - id: update
    first_update_within: 15m
  - id: sev
    severity_set: SEV1
    by: 20m
  - id: sev-any
    severity_set: SEV2
  - id: mitigation
    mitigation_logged: true
    within: 30m
  - id: mitigation-any
    mitigation_logged: true
  - id: resolved
    status_reached: {status: resolved, within: 50m}
  - id: review
    review_drafted: true
"#;

fn scenario() -> Scenario {
    Scenario::from_yaml(SCENARIO).unwrap()
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 10, 5, 14, 30, 0).unwrap()
}

fn t(minutes: i64, seconds: i64) -> DateTime<Utc> {
    start() + Duration::minutes(minutes) + Duration::seconds(seconds)
}

/// A drill where everything went to plan.
fn good_events() -> DrillEvents {
    DrillEvents {
        started_at: start(),
        ended_at: t(60, 0),
        initial_severity: "SEV2".into(),
        acknowledged_at: Some(t(3, 12)),
        first_update_at: Some(t(12, 0)),
        severity_changes: vec![(t(8, 0), "SEV1".into())],
        mitigation_at: Some(t(25, 0)),
        statuses: vec![
            (t(3, 12), Status::Acknowledged),
            (t(10, 0), Status::Investigating),
            (t(28, 0), Status::Mitigated),
            (t(45, 0), Status::Resolved),
        ],
        review_drafted_at: Some(t(55, 0)),
        facilitator_notes: vec!["Good hand-over at T+15m".into(), "  ".into()],
        improvement_areas: vec!["Update the rollback runbook".into()],
        timeline: vec![
            DrillEntry {
                at: t(12, 0),
                kind: "comms-update".into(),
                author: "Ben".into(),
                text: "Investigating".into(),
            },
            DrillEntry { at: t(0, 30), kind: "alert".into(), author: "drill".into(), text: "Error rate | 100%".into() },
            DrillEntry { at: t(25, 0), kind: "action".into(), author: "Ann".into(), text: "Rolled back".into() },
        ],
    }
}

fn result<'a>(e: &'a Evaluation, id: &str) -> &'a firebreak_drill::CriterionResult {
    e.criteria.iter().find(|c| c.id == id).unwrap()
}

#[test]
fn everything_met() {
    let e = evaluate(&scenario(), &good_events());
    assert_eq!((e.met_count, e.total), (8, 8), "{:#?}", e.criteria);
    let ack = result(&e, "ack");
    assert_eq!(ack.description, "Acknowledged within 5 minutes");
    assert_eq!(ack.at, Some(t(3, 12)));
    assert_eq!(ack.elapsed_seconds, Some(192));
    assert_eq!(ack.detail, "acknowledged at T+3m12s");
    assert_eq!(result(&e, "sev").detail, "severity set to SEV1 at T+8m");
    // The initial severity counts as set at the start.
    assert_eq!(result(&e, "sev-any").detail, "severity set to SEV2 at T+0s");
    assert_eq!(result(&e, "mitigation").detail, "mitigation logged at T+25m");
    assert_eq!(result(&e, "resolved").detail, "reached resolved at T+45m");
    assert_eq!(result(&e, "review").detail, "review drafted at T+55m");
    assert_eq!(e.improvement_areas, ["Update the rollback runbook"]);
    assert_eq!(e.facilitator_notes, ["Good hand-over at T+15m"]);
    assert_eq!(e.ran_for, Duration::hours(1));
    assert_eq!(e.scenario, "Evaluation test");
}

#[test]
fn everything_missed_when_nothing_happened() {
    let events = DrillEvents {
        started_at: start(),
        ended_at: t(60, 0),
        initial_severity: "SEV3".into(),
        ..DrillEvents::default()
    };
    let e = evaluate(&scenario(), &events);
    assert_eq!(e.met_count, 0);
    assert!(e.criteria.iter().all(|c| c.at.is_none() && c.elapsed_seconds.is_none()));
    assert_eq!(result(&e, "ack").detail, "not acknowledged before the drill ended");
    assert_eq!(result(&e, "review").detail, "no review drafted before the drill ended");
    assert_eq!(result(&e, "update").detail, "no status update sent before the drill ended");
    assert_eq!(result(&e, "sev").detail, "severity not set to SEV1 before the drill ended");
    assert_eq!(result(&e, "mitigation").detail, "no mitigation logged before the drill ended");
    assert_eq!(result(&e, "resolved").detail, "did not reach resolved before the drill ended");
    assert_eq!(e.improvement_areas.len(), 8);
    assert_eq!(
        e.improvement_areas[0],
        "Acknowledge within 5 minutes: check paging, escalation and who holds the pager \
         (not acknowledged before the drill ended)."
    );
    assert!(e.improvement_areas[2].starts_with("Classify the incident as SEV1 within 20 minutes:"));
}

#[test]
fn late_events_miss_and_say_by_how_much() {
    let mut events = good_events();
    events.acknowledged_at = Some(t(7, 30));
    events.first_update_at = Some(t(15, 1));
    events.severity_changes = vec![(t(25, 0), "sev1".into())];
    events.mitigation_at = Some(t(31, 0));
    events.statuses.retain(|(_, s)| *s != Status::Mitigated);
    events.statuses.push((t(52, 0), Status::Closed));
    events.statuses.retain(|(_, s)| *s != Status::Resolved);
    events.review_drafted_at = Some(t(61, 0));
    let e = evaluate(&scenario(), &events);
    let missed: Vec<&str> = e.criteria.iter().filter(|c| !c.met).map(|c| c.id.as_str()).collect();
    assert_eq!(missed, ["ack", "update", "sev", "mitigation", "resolved", "review"]);
    assert_eq!(result(&e, "ack").detail, "acknowledged at T+7m30s, 2m30s past the 5m limit");
    assert_eq!(result(&e, "ack").elapsed_seconds, Some(450));
    assert_eq!(result(&e, "update").detail, "first update sent at T+15m1s, 1s past the 15m limit");
    assert_eq!(result(&e, "sev").detail, "severity set to SEV1 at T+25m, 5m past the 20m limit");
    assert_eq!(result(&e, "mitigation").detail, "mitigation logged at T+31m, 1m past the 30m limit");
    // Reaching closed also reaches resolved.
    assert_eq!(result(&e, "resolved").detail, "reached resolved at T+52m, 2m past the 50m limit");
    assert_eq!(result(&e, "review").detail, "review drafted at T+1h1m, after the drill ended at T+1h");
    // Without a limit, late within the drill still counts.
    assert!(result(&e, "mitigation-any").met);
    assert_eq!(e.improvement_areas.len(), 7); // six missed + the facilitator's
    assert_eq!(e.improvement_areas.last().unwrap(), "Update the rollback runbook");
}

#[test]
fn mitigation_also_counts_the_mitigated_status() {
    let mut events = good_events();
    events.mitigation_at = None;
    let e = evaluate(&scenario(), &events);
    assert_eq!(result(&e, "mitigation").detail, "mitigation logged at T+28m");
    events.statuses = vec![(t(20, 0), Status::Resolved)];
    let e = evaluate(&scenario(), &events);
    assert_eq!(result(&e, "mitigation").detail, "mitigation logged at T+20m");
}

#[test]
fn timeline_is_in_time_order_with_offsets() {
    let e = evaluate(&scenario(), &good_events());
    let lines: Vec<(&str, &str, i64)> =
        e.timeline.iter().map(|l| (l.offset.as_str(), l.kind.as_str(), l.offset_seconds)).collect();
    assert_eq!(lines, [("T+30s", "alert", 30), ("T+12m", "comms-update", 720), ("T+25m", "action", 1500)]);
}

/// A drill clock: drill time = `drill_start` + (wall − `wall_start`) × `speed`.
fn drill_clock(
    drill_start: DateTime<Utc>,
    wall_start: DateTime<Utc>,
    speed: i32,
) -> impl Fn(DateTime<Utc>) -> DateTime<Utc> {
    move |wall| drill_start + (wall - wall_start) * speed
}

/// The same script (wall offsets at 1×) run at `speed`: every event happens after
/// `offset / speed` of wall time, and is stamped by the drill clock.
fn scripted_run(speed: i32, wall_start: DateTime<Utc>) -> DrillEvents {
    let clock = drill_clock(start(), wall_start, speed);
    let happen = |m: i64, s: i64| clock(wall_start + (Duration::minutes(m) + Duration::seconds(s)) / speed);
    DrillEvents {
        started_at: clock(wall_start),
        ended_at: happen(60, 0),
        initial_severity: "SEV2".into(),
        acknowledged_at: Some(happen(6, 0)),
        first_update_at: Some(happen(14, 0)),
        severity_changes: vec![(happen(9, 0), "SEV1".into())],
        mitigation_at: Some(happen(24, 0)),
        statuses: vec![(happen(6, 0), Status::Acknowledged), (happen(50, 0), Status::Resolved)],
        review_drafted_at: None,
        facilitator_notes: vec!["IC hand-over was smooth".into()],
        improvement_areas: vec![],
        timeline: vec![DrillEntry {
            at: happen(24, 0),
            kind: "action".into(),
            author: "Ann".into(),
            text: "Rollback".into(),
        }],
    }
}

#[test]
fn a_scripted_run_evaluates_identically_at_any_speed() {
    let wall_1x = Utc.with_ymd_and_hms(2025, 11, 3, 9, 0, 0).unwrap();
    let wall_60x = Utc.with_ymd_and_hms(2026, 2, 17, 16, 42, 7).unwrap();
    let at_1x = scripted_run(1, wall_1x);
    let at_60x = scripted_run(60, wall_60x);
    assert_eq!(at_1x, at_60x, "the drill clock gives the same instants");
    let e1 = evaluate(&scenario(), &at_1x);
    let e60 = evaluate(&scenario(), &at_60x);
    assert_eq!(e1, e60);
    assert_eq!(evaluation_markdown(&e1), evaluation_markdown(&e60));
    assert_eq!((e1.met_count, e1.total), (6, 8)); // ack late, no review
    assert_eq!(result(&e1, "ack").detail, "acknowledged at T+6m, 1m past the 5m limit");
}

#[test]
fn only_offsets_matter() {
    // Shifting every instant moves `at` and `started_at`, and changes nothing else.
    let shift = Duration::days(400) + Duration::seconds(17);
    let events = good_events();
    let mut shifted = events.clone();
    shifted.started_at += shift;
    shifted.ended_at += shift;
    for at in [
        &mut shifted.acknowledged_at,
        &mut shifted.first_update_at,
        &mut shifted.mitigation_at,
        &mut shifted.review_drafted_at,
    ] {
        *at = at.map(|t| t + shift);
    }
    shifted.severity_changes.iter_mut().for_each(|(at, _)| *at += shift);
    shifted.statuses.iter_mut().for_each(|(at, _)| *at += shift);
    shifted.timeline.iter_mut().for_each(|e| e.at += shift);
    let a = evaluate(&scenario(), &events);
    let mut b = evaluate(&scenario(), &shifted);
    b.started_at -= shift;
    b.criteria.iter_mut().for_each(|c| c.at = c.at.map(|t| t - shift));
    assert_eq!(a, b);
}

#[test]
fn markdown_report_shape() {
    let mut events = good_events();
    events.acknowledged_at = Some(t(9, 0));
    events.facilitator_notes = vec!["Line one\nline two".into()];
    let e = evaluate(&scenario(), &events);
    let md = evaluation_markdown(&e);
    let expected_head = "# Drill evaluation: Evaluation test\n\n\
        > **DRILL** — a rehearsal, not a real incident. It counts in no production metric.\n\n\
        **7 of 8 criteria met** · severity SEV1 · started 2025-10-05 14:30 UTC · ran 1h\n\n\
        ## Success criteria\n\n\
        | Result | Criterion | When | Detail |\n\
        | --- | --- | --- | --- |\n\
        | **Missed** | Acknowledged within 5 minutes | T+9m | acknowledged at T+9m, 4m past the 5m limit |\n\
        | Met | First status update sent within 15 minutes | T+12m | first update sent at T+12m |\n";
    assert!(md.starts_with(expected_head), "{md}");
    assert!(md.contains("\n## Timeline\n\n| Time | Kind | Author | Entry |\n| --- | --- | --- | --- |\n| T+30s | alert | drill | Error rate \\| 100% |\n"), "{md}");
    assert!(md.contains("\n## Facilitator notes\n\n- Line one\n  line two\n"), "{md}");
    assert!(md.contains("\n## Improvement areas\n\n1. Acknowledge within 5 minutes: "), "{md}");
    assert!(md.ends_with("2. Update the rollback runbook\n"), "{md}");
    // Every table row has the same number of unescaped pipes.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        assert_eq!(line.replace("\\|", "").matches('|').count(), 5, "{line}");
    }
}

#[test]
fn markdown_of_an_empty_drill_says_so() {
    let events = DrillEvents { started_at: start(), ended_at: t(30, 0), ..DrillEvents::default() };
    let md = evaluation_markdown(&evaluate(&scenario(), &events));
    assert!(md.contains("**0 of 8 criteria met**"), "{md}");
    assert!(
        md.contains("| **Missed** | Acknowledged within 5 minutes | — | not acknowledged before the drill ended |"),
        "{md}"
    );
    assert!(md.contains("## Timeline\n\n_No timeline entries._\n"), "{md}");
    assert!(md.contains("## Facilitator notes\n\n_None._\n"), "{md}");

    let all_met =
        evaluation_markdown(&Evaluation { improvement_areas: vec![], ..evaluate(&scenario(), &good_events()) });
    assert!(all_met.ends_with("## Improvement areas\n\n_None: every criterion was met._\n"), "{all_met}");
}

#[test]
fn evaluation_json_for_the_window() {
    let json = serde_json::to_value(evaluate(&scenario(), &good_events())).unwrap();
    assert_eq!(json["ran_for"], 3600);
    assert_eq!(json["criteria"][0]["elapsed_seconds"], 192);
    assert_eq!(json["criteria"][0]["at"], "2025-10-05T14:33:12Z");
    assert_eq!(json["timeline"][0]["offset"], "T+30s");
}

#[test]
fn typescript_declarations_use_numbers_not_bigints() {
    use ts_rs::TS;
    for decl in [
        Evaluation::decl(),
        firebreak_drill::CriterionResult::decl(),
        firebreak_drill::TimelineLine::decl(),
        Scenario::decl(),
        firebreak_drill::Check::decl(),
        firebreak_drill::Inject::decl(),
        DrillEvents::decl(),
    ] {
        assert!(!decl.contains("bigint"), "{decl}");
    }
    assert!(firebreak_drill::Check::decl().contains("\"kind\": \"review_drafted\""));
}

/// A scenario that starts below what it expects: the starting level never meets a
/// `severity_set`; only a change does.
#[test]
fn classification_is_earned_when_the_drill_starts_below_its_expected_level() {
    let text = SCENARIO.replace("severity: SEV1\n", "severity: SEV2\nexpected_severity: SEV1\n");
    let s = Scenario::from_yaml(&text).unwrap();
    assert!(s.expects_change());
    let idle = DrillEvents { severity_changes: vec![], ..good_events() };
    let e = evaluate(&s, &idle);
    let met = |e: &Evaluation, id: &str| e.criteria.iter().find(|c| c.id == id).unwrap().met;
    assert!(!met(&e, "sev"), "SEV1 was never set");
    assert!(!met(&e, "sev-any"), "declared SEV2 is given, not earned");
    assert_eq!(e.expected_severity, "SEV1");
    // Escalating at T+8m earns SEV1; a de-escalation back to SEV2 earns the other.
    let acted =
        DrillEvents { severity_changes: vec![(t(8, 0), "SEV1".into()), (t(40, 0), "SEV2".into())], ..good_events() };
    let e = evaluate(&s, &acted);
    assert!(met(&e, "sev") && met(&e, "sev-any"));
    // A scenario expecting its starting level still counts the start (confirming it).
    let same = Scenario::from_yaml(&SCENARIO.replace("severity: SEV1\n", "severity: SEV2\n")).unwrap();
    assert!(!same.expects_change());
    assert!(met(&evaluate(&same, &idle), "sev-any"));
}

#[test]
fn levels_are_read_through_a_policy_map() {
    let s = scenario();
    let to_p = |l: &str| l.strip_prefix("SEV").map(|n| format!("P{n}"));
    let mapped = s.map_levels(&to_p, "P1, P2, P3, P4").unwrap();
    assert_eq!((mapped.severity.as_str(), mapped.expected_severity.as_str()), ("P1", "P1"));
    let sev = mapped.success_criteria.iter().find(|c| c.id == "sev").unwrap();
    assert_eq!(sev.description, "Severity set to P1 within 20 minutes");
    let err = s.map_levels(&|_| None, "P1, P2").unwrap_err().to_string();
    assert!(err.contains("severity") && err.contains("P1, P2"), "{err}");
}
