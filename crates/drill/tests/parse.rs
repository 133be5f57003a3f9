//! Scenario files: a good one parses into the expected values; each kind of error names
//! its field (and, for syntax and shape errors, the line and column).
use chrono::Duration;
use firebreak_drill::{Check, Error, InjectKind, Scenario, Status};

const GOOD: &str = r#"
title: Practice outage
description: |
  Two lines
  of description.
severity: SEV1
services: [api, database]
participants: [Ann, Ben, Cy]
commander_rotation: [Ann, Ben]
rotate_every: 15m
duration: 1h30m
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
    mitigation_logged:
  - id: resolved
    status_reached: {status: resolved, within: 60m}
  - id: closed
    status_reached: {status: Closed}
  - id: review
    review_drafted: true
    description: PIR drafted
injects:
  - at: 10m
    kind: question
    text: What is the impact?
  - at: 0
    kind: alert
    text: Error rate 30%
    service: api
  - at: 10m
    kind: degraded
    text: database slow
    service: database
  - at: 90m
    kind: note
    text: wrap up
  - at: 45s
    kind: customer-report
    text: a customer calls
"#;

fn good() -> Scenario {
    Scenario::from_yaml(GOOD).unwrap()
}

/// Replaces `from` (which must occur once) in the good file and returns the error.
fn error_after(from: &str, to: &str) -> Error {
    assert_eq!(GOOD.matches(from).count(), 1, "{from:?} must occur once");
    Scenario::from_yaml(&GOOD.replace(from, to)).expect_err("should be rejected")
}

fn invalid(from: &str, to: &str) -> (String, String) {
    match error_after(from, to) {
        Error::Invalid { field, message } => (field, message),
        other => panic!("expected a semantic error, got {other:?}"),
    }
}

fn syntax(from: &str, to: &str) -> (String, Option<usize>) {
    match error_after(from, to) {
        Error::Syntax { message, line, .. } => (message, line),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn a_good_file_parses() {
    let s = good();
    assert_eq!(s.title, "Practice outage");
    assert_eq!(s.description, "Two lines\nof description.");
    assert_eq!(s.severity, "SEV1");
    assert_eq!(s.services, ["api", "database"]);
    assert_eq!(s.participants, ["Ann", "Ben", "Cy"]);
    assert_eq!(s.commander_rotation, ["Ann", "Ben"]);
    assert_eq!(s.rotate_every, Some(Duration::minutes(15)));
    assert_eq!(s.duration, Duration::minutes(90));
    let checks: Vec<&Check> = s.success_criteria.iter().map(|c| &c.check).collect();
    assert_eq!(
        checks,
        [
            &Check::AcknowledgedWithin { within: Duration::minutes(5) },
            &Check::FirstUpdateWithin { within: Duration::minutes(15) },
            &Check::SeveritySet { level: "SEV1".into(), by: Some(Duration::minutes(20)) },
            &Check::SeveritySet { level: "SEV2".into(), by: None },
            &Check::MitigationLogged { within: Some(Duration::minutes(30)) },
            &Check::MitigationLogged { within: None },
            &Check::StatusReached { status: Status::Resolved, within: Some(Duration::hours(1)) },
            &Check::StatusReached { status: Status::Closed, within: None },
            &Check::ReviewDrafted,
        ]
    );
    let descriptions: Vec<&str> = s.success_criteria.iter().map(|c| c.description.as_str()).collect();
    assert_eq!(
        descriptions,
        [
            "Acknowledged within 5 minutes",
            "First status update sent within 15 minutes",
            "Severity set to SEV1 within 20 minutes",
            "Severity set to SEV2",
            "Mitigation logged within 30 minutes",
            "Mitigation logged",
            "Status reached resolved within 1 hour",
            "Status reached closed",
            "PIR drafted",
        ]
    );
    // Injects come out in time order, stable for equal times.
    let order: Vec<(i64, InjectKind)> = s.injects.iter().map(|i| (i.at.num_seconds(), i.kind)).collect();
    assert_eq!(
        order,
        [
            (0, InjectKind::Alert),
            (45, InjectKind::CustomerReport),
            (600, InjectKind::Question),
            (600, InjectKind::Degraded),
            (5400, InjectKind::Note),
        ]
    );
    assert_eq!(s.injects[0].headline(), "T+0s alert (api): Error rate 30%");
    assert_eq!(s.injects[2].headline(), "T+10m question: What is the impact?");
}

#[test]
fn the_minimal_file_needs_title_severity_duration_and_a_criterion() {
    let s = Scenario::from_yaml(
        "title: t\nseverity: P2\nduration: 30m\nsuccess_criteria:\n  - id: a\n    review_drafted: true\n",
    )
    .unwrap();
    assert!(s.injects.is_empty() && s.participants.is_empty() && s.rotate_every.is_none());
    let (message, _) = syntax("title: Practice outage\n", "");
    assert!(message.contains("missing field `title`"), "{message}");
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let err = Scenario::from_yaml("title: [unclosed\nseverity: SEV1\n").unwrap_err();
    match &err {
        Error::Syntax { line, column, .. } => assert!(line.is_some() && column.is_some()),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("line"), "{err}");
}

#[test]
fn unknown_fields_are_rejected_with_their_place() {
    let (message, line) = syntax("rotate_every: 15m", "rotate_evry: 15m");
    assert!(message.contains("unknown field `rotate_evry`"), "{message}");
    assert_eq!(line, Some(10)); // GOOD starts with a blank line
    let (message, _) = syntax("    by: 20m", "    by: 20m\n    bye: 1m");
    assert!(message.contains("success_criteria[2]"), "{message}");
    assert!(message.contains("unknown field `bye`"), "{message}");
    let (message, _) = syntax("    text: wrap up", "    text: wrap up\n    colour: red");
    assert!(message.contains("injects[3]") && message.contains("`colour`"), "{message}");
}

#[test]
fn unknown_inject_kind_is_rejected() {
    let (message, _) = syntax("kind: question", "kind: rumour");
    assert!(message.contains("injects[0].kind"), "{message}");
    assert!(message.contains("unknown variant `rumour`"), "{message}");
}

#[test]
fn durations_must_be_durations() {
    let (field, message) = invalid("    within: 30m", "    within: 5 minutes");
    assert_eq!(field, "success_criteria[4].within");
    assert_eq!(message, "\"5 minutes\" is not a duration (use e.g. 5m, 1h30m)");
    assert_eq!(
        error_after("    within: 30m", "    within: 5 minutes").to_string(),
        "success_criteria[4].within: \"5 minutes\" is not a duration (use e.g. 5m, 1h30m)"
    );
    assert_eq!(invalid("duration: 1h30m", "duration: 90").0, "duration");
    assert_eq!(invalid("rotate_every: 15m", "rotate_every: 1M").0, "rotate_every");
    assert_eq!(
        invalid("acknowledged_within: 5m", "acknowledged_within: soon").0,
        "success_criteria[0].acknowledged_within"
    );
    assert_eq!(
        invalid("{status: resolved, within: 60m}", "{status: resolved, within: 1.5}").0,
        "success_criteria[6].status_reached.within"
    );
    assert_eq!(invalid("at: 45s", "at: 45 s").0, "injects[4].at");
}

#[test]
fn limits_must_be_positive_and_inside_the_drill() {
    let (field, message) = invalid("acknowledged_within: 5m", "acknowledged_within: 0s");
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("success_criteria[0].acknowledged_within", "must be longer than 0")
    );
    let (field, message) = invalid("    by: 20m", "    by: 2h");
    assert_eq!(field, "success_criteria[2].by");
    assert_eq!(message, "2h is after the drill ends (duration 1h30m)");
    let (field, _) = invalid("at: 90m", "at: 91m");
    assert_eq!(field, "injects[3].at");
    assert_eq!(invalid("duration: 1h30m", "duration: 0m").0, "duration");
}

#[test]
fn each_criterion_has_one_kind_and_its_own_modifiers() {
    let (field, message) = invalid("    review_drafted: true\n", "");
    assert_eq!(field, "success_criteria[8]");
    assert!(message.starts_with("give one kind of criterion: acknowledged_within"), "{message}");
    let (field, message) =
        invalid("    acknowledged_within: 5m", "    acknowledged_within: 5m\n    review_drafted: true");
    assert_eq!(field, "success_criteria[0]");
    assert_eq!(message, "give one kind of criterion per entry, not acknowledged_within and review_drafted");
    let (field, message) = invalid("first_update_within: 15m", "first_update_within: 15m\n    by: 5m");
    assert_eq!((field.as_str(), message.as_str()), ("success_criteria[1].by", "only goes with severity_set"));
    let (field, message) = invalid("{status: resolved, within: 60m}", "{status: resolved}\n    within: 60m");
    assert_eq!(field, "success_criteria[6].within");
    assert!(message.contains("inside status_reached"), "{message}");
    let (field, message) = invalid("review_drafted: true", "review_drafted: false");
    assert_eq!(field, "success_criteria[8].review_drafted");
    assert!(message.starts_with("must be true"), "{message}");
    let (field, _) = invalid("severity_set: SEV2", "severity_set: ' '");
    assert_eq!(field, "success_criteria[3].severity_set");
}

#[test]
fn status_must_be_a_lifecycle_status() {
    let (field, message) = invalid("{status: Closed}", "{status: fixed}");
    assert_eq!(field, "success_criteria[7].status_reached.status");
    assert_eq!(
        message,
        "\"fixed\" is not a status (one of detected, acknowledged, investigating, mitigated, resolved, closed)"
    );
}

#[test]
fn ids_are_required_and_unique() {
    assert_eq!(invalid("  - id: update\n", "  - description: x\n").0, "success_criteria[1].id");
    let (field, message) = invalid("  - id: update\n", "  - id: ack\n");
    assert_eq!(field, "success_criteria[1].id");
    assert_eq!(message, "\"ack\" is used by an earlier criterion");
    let (field, message) = invalid("success_criteria:\n  - id: ack\n    acknowledged_within: 5m\n  - id: update\n    first_update_within: 15m\n  - id: sev\n    severity_set: SEV1\n    by: 20m\n  - id: sev-any\n    severity_set: SEV2\n  - id: mitigation\n    mitigation_logged: true\n    within: 30m\n  - id: mitigation-any\n    mitigation_logged:\n  - id: resolved\n    status_reached: {status: resolved, within: 60m}\n  - id: closed\n    status_reached: {status: Closed}\n  - id: review\n    review_drafted: true\n    description: PIR drafted\n", "success_criteria: []\n");
    assert_eq!((field.as_str(), message.as_str()), ("success_criteria", "list at least one criterion"));
}

#[test]
fn people_and_services_are_checked() {
    let (field, message) = invalid("commander_rotation: [Ann, Ben]", "commander_rotation: [Ann, Dee]");
    assert_eq!(field, "commander_rotation[1]");
    assert_eq!(message, "\"Dee\" is not one of the participants");
    let (field, message) = invalid("participants: [Ann, Ben, Cy]", "participants: [Ann, Ben, Ann]");
    assert_eq!((field.as_str(), message.as_str()), ("participants[2]", "\"Ann\" is listed twice"));
    assert_eq!(invalid("services: [api, database]", "services: [api, '']").0, "services[1]");
    let (field, message) = invalid("    service: database", "    service: payments");
    assert_eq!(field, "injects[2].service");
    assert_eq!(message, "\"payments\" is not one of the scenario's services (one of: api, database)");
    let (field, message) = invalid("commander_rotation: [Ann, Ben]\n", "");
    assert_eq!((field.as_str(), message.as_str()), ("rotate_every", "needs a commander_rotation to rotate"));
    assert_eq!(invalid("title: Practice outage", "title: '  '").0, "title");
    assert_eq!(invalid("severity: SEV1", "severity: ''").0, "severity");
    assert_eq!(invalid("text: wrap up", "text: ''").0, "injects[3].text");
}

#[test]
fn severities_can_be_checked_against_a_policy() {
    let s = good();
    let sev: Vec<String> = (1..=4).map(|n| format!("SEV{n}")).collect();
    assert_eq!(s.check_levels(&sev), Ok(()));
    let p: Vec<String> = (1..=4).map(|n| format!("P{n}")).collect();
    assert_eq!(
        s.check_levels(&p).unwrap_err().to_string(),
        "severity: \"SEV1\" is not a level of the policy (P1, P2, P3, P4)"
    );
    let only_sev1 = vec!["sev1".to_string()];
    assert_eq!(
        s.check_levels(&only_sev1).unwrap_err().to_string(),
        "success_criteria[3].severity_set: \"SEV2\" is not a level of the policy (sev1)"
    );
}

#[test]
fn scenario_json_uses_seconds_and_tagged_checks() {
    let json = serde_json::to_value(good()).unwrap();
    assert_eq!(json["duration"], 5400);
    assert_eq!(json["rotate_every"], 900);
    assert_eq!(json["success_criteria"][2]["check"]["kind"], "severity_set");
    assert_eq!(json["success_criteria"][2]["check"]["by"], 1200);
    assert_eq!(json["success_criteria"][8]["check"]["kind"], "review_drafted");
    assert_eq!(json["injects"][1]["kind"], "customer-report");
    let back: Scenario = serde_json::from_value(json).unwrap();
    assert_eq!(back, good());
}
