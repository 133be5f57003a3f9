//! The built-in presets against the reference documents: one table row per level with every
//! number the references give (response, update cadence, resolution, RTO per tier, PIR due),
//! checked both as figures and as computed due times.

use chrono::{DateTime, Duration, TimeZone, Utc};
use firebreak_policy::*;

fn t(s: &str) -> Target {
    s.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn monday_10() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 2, 10, 0, 0).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// One preset level as the reference states it. `None` = the reference gives no number.
struct Row {
    id: &'static str,
    name: &'static str,
    respond: &'static str,
    update_cadence: Option<&'static str>,
    resolve: Option<&'static str>,
    /// RTO per tier id, as the reference table states it.
    rto: &'static [(&'static str, &'static str)],
    pir_due: Option<&'static str>,
    /// Due times for a SEV declared Monday 2025-06-02 10:00 UTC: respond, update, RTO per tier.
    respond_due: &'static str,
    rto_due: &'static [(&'static str, &'static str)],
}

const PROTOCOL: &[Row] = &[
    Row {
        id: "SEV1",
        name: "Critical",
        respond: "15m",
        update_cadence: None,
        resolve: None,
        rto: &[("core-api", "30m"), ("database", "1h"), ("auxiliary", "4h"), ("non-critical", "24h")],
        pir_due: Some("48h"),
        respond_due: "2025-06-02T10:15:00Z",
        rto_due: &[
            ("core-api", "2025-06-02T10:30:00Z"),
            ("database", "2025-06-02T11:00:00Z"),
            ("auxiliary", "2025-06-02T14:00:00Z"),
            ("non-critical", "2025-06-03T10:00:00Z"),
        ],
    },
    Row {
        id: "SEV2",
        name: "High",
        respond: "1h",
        update_cadence: Some("2h"),
        resolve: None,
        rto: &[("core-api", "2h"), ("database", "4h"), ("auxiliary", "8h"), ("non-critical", "48h")],
        pir_due: Some("48h"),
        respond_due: "2025-06-02T11:00:00Z",
        rto_due: &[
            ("core-api", "2025-06-02T12:00:00Z"),
            ("database", "2025-06-02T14:00:00Z"),
            ("auxiliary", "2025-06-02T18:00:00Z"),
            ("non-critical", "2025-06-04T10:00:00Z"),
        ],
    },
    Row {
        id: "SEV3",
        name: "Medium",
        respond: "1 business day",
        // "Daily updates until resolved": one per business day.
        update_cadence: Some("1 business day"),
        resolve: None,
        rto: &[
            ("core-api", "1 business day"),
            ("database", "1 business day"),
            ("auxiliary", "2 business days"),
            ("non-critical", "5 business days"),
        ],
        pir_due: None,
        // Calendar Mon–Fri 09:00–17:00 UTC: 7 h on Monday, 1 h on Tuesday.
        respond_due: "2025-06-03T10:00:00Z",
        rto_due: &[
            ("core-api", "2025-06-03T10:00:00Z"),
            ("database", "2025-06-03T10:00:00Z"),
            ("auxiliary", "2025-06-04T10:00:00Z"),
            ("non-critical", "2025-06-09T10:00:00Z"),
        ],
    },
    Row {
        id: "SEV4",
        name: "Low",
        respond: "3 business days",
        update_cadence: None,
        resolve: None,
        rto: &[],
        pir_due: None,
        respond_due: "2025-06-05T10:00:00Z",
        rto_due: &[],
    },
];

const MATRIX: &[Row] = &[
    Row {
        id: "P1",
        name: "Critical",
        respond: "15m",
        update_cadence: None,
        resolve: Some("1h"),
        rto: &[],
        pir_due: Some("48h"),
        respond_due: "2025-06-02T10:15:00Z",
        rto_due: &[],
    },
    Row {
        id: "P2",
        name: "High",
        respond: "30m",
        update_cadence: None,
        resolve: Some("4h"),
        rto: &[],
        pir_due: Some("48h"),
        respond_due: "2025-06-02T10:30:00Z",
        rto_due: &[],
    },
    Row {
        id: "P3",
        name: "Medium",
        respond: "2h",
        update_cadence: None,
        resolve: Some("24h"),
        rto: &[],
        pir_due: None,
        respond_due: "2025-06-02T12:00:00Z",
        rto_due: &[],
    },
    Row {
        id: "P4",
        name: "Low",
        respond: "24h",
        update_cadence: None,
        resolve: Some("1w"),
        rto: &[],
        pir_due: None,
        respond_due: "2025-06-03T10:00:00Z",
        rto_due: &[],
    },
];

fn check_rows(preset: &str, rows: &[Row]) {
    let policy = Policy::preset(preset).expect("preset");
    let ids: Vec<&str> = policy.levels.iter().map(|l| l.id.as_str()).collect();
    let expected: Vec<&str> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, expected, "{preset}: levels, most severe first");
    for row in rows {
        let level = policy.level(row.id).expect("level");
        let ctx = format!("{preset} {}", row.id);
        assert_eq!(level.name, row.name, "{ctx}");
        assert_eq!(level.respond, t(row.respond), "{ctx} respond");
        assert!(level.is_reference("respond"), "{ctx} respond is a reference figure");
        match row.update_cadence {
            Some(c) => {
                assert_eq!(level.update_cadence, t(c), "{ctx} update cadence");
                assert!(level.is_reference("update_cadence"), "{ctx}");
            }
            None => assert!(!level.is_reference("update_cadence"), "{ctx}: invented cadence must be a team default"),
        }
        match row.resolve {
            Some(r) => {
                assert_eq!(level.resolve, Some(t(r)), "{ctx} resolve");
                assert!(level.is_reference("resolve"), "{ctx}");
            }
            None => assert!(!level.is_reference("resolve"), "{ctx}: invented resolution must be a team default"),
        }
        // The references give a single "response time": acknowledge is always a team default.
        assert!(!level.is_reference("acknowledge"), "{ctx}");
        assert!(
            level.acknowledge.as_elapsed().unwrap_or(Duration::MAX)
                <= level.respond.as_elapsed().unwrap_or(Duration::MAX)
                || level.respond.is_business(),
            "{ctx}: acknowledge before respond"
        );
        for tier in &policy.tiers {
            let want = row.rto.iter().find(|(id, _)| *id == tier.id).map(|(_, r)| t(r));
            assert_eq!(policy.rto_for(&tier.id, row.id), want, "{ctx} RTO {}", tier.id);
        }
        assert_eq!(level.requirements.pir_due, row.pir_due.map(t), "{ctx} PIR due");
        assert_eq!(level.requirements.pir_required, row.pir_due.is_some(), "{ctx} PIR required");
        if preset == "protocol" {
            assert!(level.is_reference("pir_due") && level.is_reference("pir_required"), "{ctx}");
        }

        // The same figures as computed due times.
        let mut facts = IncidentFacts::new(monday_10(), row.id);
        facts.services = policy.services.iter().map(|s| s.name.clone()).collect();
        let deadlines = compute_deadlines(&policy, &facts, monday_10(), Duration::minutes(5));
        let respond = deadlines.iter().find(|d| d.kind == DeadlineKind::Respond).expect("respond");
        assert_eq!(respond.due, at(row.respond_due), "{ctx} respond due");
        assert!(respond.from_reference, "{ctx}");
        for (tier, due) in row.rto_due {
            let d = deadlines
                .iter()
                .find(|d| matches!(&d.kind, DeadlineKind::Rto { tier: t, .. } if t == tier))
                .unwrap_or_else(|| panic!("{ctx}: RTO deadline for {tier}"));
            assert_eq!(d.due, at(due), "{ctx} RTO {tier} due");
            assert!(d.from_reference, "{ctx} RTO {tier} is a reference figure");
        }
        // PIR due 48 hours after resolution, only for the levels that require one.
        let resolved = monday_10() + Duration::hours(3);
        facts.resolved_at = Some(resolved);
        let after = compute_deadlines(&policy, &facts, resolved, Duration::minutes(5));
        let pir = after.iter().find(|d| d.kind == DeadlineKind::PirDue);
        assert_eq!(pir.map(|d| d.due), row.pir_due.map(|_| resolved + Duration::hours(48)), "{ctx} PIR due time");
        let rto_count = deadlines.iter().filter(|d| matches!(d.kind, DeadlineKind::Rto { .. })).count();
        let tiers_with_rto = policy.services.iter().filter(|s| row.rto.iter().any(|(id, _)| *id == s.tier)).count();
        assert_eq!(rto_count, tiers_with_rto, "{ctx}: one RTO per listed service whose tier has one");
    }
}

#[test]
fn protocol_levels_match_the_reference() {
    check_rows("protocol", PROTOCOL);
}

#[test]
fn matrix_levels_match_the_reference() {
    check_rows("matrix", MATRIX);
}

#[test]
fn protocol_requirements_and_criteria() {
    let p = Policy::preset("protocol").unwrap();
    let r = |id: &str| p.level(id).unwrap().requirements.clone();
    let sev1 = r("SEV1");
    assert!(sev1.all_hands && sev1.executive_notification && sev1.continuous_work);
    let sev2 = r("SEV2");
    assert!(sev2.dedicated_team && !sev2.all_hands && !sev2.executive_notification && !sev2.continuous_work);
    for id in ["SEV3", "SEV4"] {
        let x = r(id);
        assert!(!x.all_hands && !x.executive_notification && !x.dedicated_team && !x.continuous_work, "{id}");
    }
    assert!(r("SEV3").checklist.contains(&"Resolution within standard working hours".to_string()));
    assert!(r("SEV4").checklist.contains(&"Addressed in next sprint".to_string()));
    assert!(r("SEV4").checklist.contains(&"Standard update frequency".to_string()));
    assert_eq!(p.level("SEV1").unwrap().title, "Complete System Outage");
    assert_eq!(p.level("SEV4").unwrap().criteria.len(), 4);
    assert!(p.level("SEV1").unwrap().criteria.contains(&"Security breach with significant impact".to_string()));
    // The protocol sets no metric targets: all team defaults.
    assert!(METRIC_FIGURES.iter().all(|f| !p.targets.is_reference(f)));
    // The calendar the business-day rows above rely on.
    assert_eq!(p.calendar, BusinessCalendar::default());
}

#[test]
fn matrix_examples_targets_and_commander() {
    let p = Policy::preset("matrix").unwrap();
    let examples = [
        ("API completely down", "P1"),
        ("Workflow processing stopped", "P1"),
        ("Agent pool >50% unhealthy", "P2"),
        ("Single region degraded", "P2"),
        ("Slow response times (2× normal)", "P3"),
        ("Dashboard unavailable", "P3"),
        ("Minor UI bug", "P4"),
    ];
    let total: usize = p.levels.iter().map(|l| l.examples.len()).sum();
    assert_eq!(total, examples.len());
    for (example, level) in examples {
        assert!(p.level(level).unwrap().examples.contains(&example.to_string()), "{example} → {level}");
    }
    let criteria = [
        ("P1", ["Complete service outage", "Data loss risk"]),
        ("P2", ["Major feature unavailable", ">50% users affected"]),
        ("P3", ["Minor feature degraded", "<50% users affected"]),
        ("P4", ["Cosmetic issues", "No user impact"]),
    ];
    for (level, want) in criteria {
        assert_eq!(p.level(level).unwrap().criteria, want, "{level}");
    }
    assert_eq!(p.targets.mtta, Target::minutes(15));
    assert_eq!(p.targets.mttd, Target::minutes(5));
    assert_eq!(p.targets.mttr, Target::hours(2));
    assert_eq!(p.targets.pir_completion_rate, 100.0);
    assert!(METRIC_FIGURES.iter().all(|f| p.targets.is_reference(f)));
    for (id, ic, pir) in [("P1", true, true), ("P2", true, true), ("P3", false, false), ("P4", false, false)] {
        let l = p.level(id).unwrap();
        assert_eq!(l.requirements.incident_commander_required, ic, "{id}");
        assert!(l.is_reference("incident_commander_required"), "{id}");
        assert_eq!(l.requirements.pir_required, pir, "{id}");
        // PIR for P1/P2 within 48h of resolution comes from the product brief: team default.
        assert!(!l.is_reference("pir_required"), "{id}");
        if pir {
            assert_eq!(l.requirements.pir_due, Some(Target::hours(48)), "{id}");
            assert!(!l.is_reference("pir_due"), "{id}");
        }
    }
}

#[test]
fn preset_toml_round_trips() {
    for name in Policy::preset_names() {
        let policy = Policy::preset(name).expect("preset");
        let text = policy.to_toml_string();
        let back = Policy::from_toml_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        assert_eq!(back, policy, "{name}");
        assert_eq!(back.to_toml_string(), text, "{name}: writing is stable");
    }
    assert_eq!(Policy::preset_names(), &["protocol", "matrix"]);
    assert!(Policy::preset("other").is_none());
    assert!(matches!(Policy::preset_or_error("other"), Err(Error::UnknownPreset(_))));
}

#[test]
fn json_round_trip_and_typescript_declarations() {
    use ts_rs::TS;
    let policy = Policy::preset("protocol").unwrap();
    let json = serde_json::to_string(&policy).unwrap();
    assert!(json.contains(r#""time_zone":"UTC""#), "{json}");
    assert!(json.contains(r#""respond":"15m""#));
    let back: Policy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, policy);

    assert_eq!(Target::decl(), "type Target = string;");
    assert_eq!(ClockTime::decl(), "type ClockTime = string;");
    let decls = [
        Policy::decl(),
        SeverityLevel::decl(),
        Requirements::decl(),
        Tier::decl(),
        Service::decl(),
        BusinessCalendar::decl(),
        MetricTargets::decl(),
        Weekday::decl(),
        Deadline::decl(),
        DeadlineKind::decl(),
        DeadlineState::decl(),
        EarlierBreach::decl(),
        IncidentFacts::decl(),
        Question::decl(),
        Answer::decl(),
        Reply::decl(),
        Suggestion::decl(),
        TargetUnit::decl(),
    ];
    assert!(decls[5].contains("time_zone: string"), "{}", decls[5]);
    assert!(decls[5].contains("holidays: Array<string>"), "{}", decls[5]);
    assert!(decls[10].contains(r#""type": "breached""#), "{}", decls[10]);
    assert!(decls[9].contains(r#""type": "rto""#), "{}", decls[9]);
}
