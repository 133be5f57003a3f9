//! Hand-computed examples for `compute`: means, per-severity order, weekly buckets across
//! a year boundary, drills, inconsistent data, PIR rates, target verdicts, empty input.
use chrono::{DateTime, Duration, TimeZone, Utc};
use firebreak_metrics::{compute, week_start, Figures, IncidentRecord, Period, Targets};

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn levels() -> Vec<String> {
    ["SEV1", "SEV2", "SEV3", "SEV4"].iter().map(|s| s.to_string()).collect()
}

/// An incident detected at `detected`, acknowledged after `ack` minutes, resolved after
/// `resolve` minutes (from detection), no impact start, no PIR.
fn incident(id: &str, severity: &str, detected: DateTime<Utc>, ack: i64, resolve: i64) -> IncidentRecord {
    IncidentRecord {
        id: id.into(),
        human_id: format!("INC-{id}"),
        severity: severity.into(),
        drill: false,
        impact_started_at: None,
        detected_at: detected,
        acknowledged_at: Some(detected + Duration::minutes(ack)),
        mitigated_at: None,
        resolved_at: Some(detected + Duration::minutes(resolve)),
        pir_required: false,
        pir_due: None,
        pir_completed_at: None,
    }
}

fn run(records: &[IncidentRecord]) -> firebreak_metrics::MetricsReport {
    compute(records, &Period::all(), None, &levels(), &Targets::reference())
}

fn severity<'a>(report: &'a firebreak_metrics::MetricsReport, level: &str) -> &'a Figures {
    &report.per_severity.iter().find(|(l, _)| l == level).unwrap().1
}

#[test]
fn means_are_over_the_incidents_that_have_the_instant() {
    let t = at(2025, 10, 6, 9, 0);
    let mut a = incident("a", "SEV1", t, 2, 45);
    a.impact_started_at = Some(t - Duration::minutes(3));
    let mut b = incident("b", "SEV1", t, 10, 100);
    b.impact_started_at = Some(t - Duration::minutes(7));
    let mut c = incident("c", "SEV2", t, 6, 0);
    c.resolved_at = None;
    let r = run(&[a, b, c]);
    let o = &r.overall;
    assert_eq!(o.incidents, 3);
    // MTTA: (2 + 10 + 6) / 3 = 6 minutes.
    assert_eq!((o.mtta_seconds, o.mtta_count), (Some(360.0), 3));
    // MTTD: (3 + 7) / 2 = 5 minutes, only a and b have an impact start.
    assert_eq!((o.mttd_seconds, o.mttd_count), (Some(300.0), 2));
    // MTTR from impact start: a (3 + 45) = 48, b (7 + 100) = 107 → 77.5 minutes.
    assert_eq!((o.mttr_seconds, o.mttr_count), (Some(77.5 * 60.0), 2));
    assert_eq!(o.mtta_met, Some(true)); // 6 < 15
    assert_eq!(o.mttd_met, Some(false)); // 5 is not below 5
    assert_eq!(o.mttr_met, Some(true)); // 77.5 < 120
    assert_eq!(o.skipped_inconsistent, 0);
}

#[test]
fn mttr_falls_back_to_detection_when_impact_start_is_unknown() {
    let t = at(2025, 10, 6, 9, 0);
    let r = run(&[incident("a", "SEV1", t, 1, 150)]);
    assert_eq!(r.overall.mttr_seconds, Some(150.0 * 60.0));
    assert_eq!(r.overall.mttr_met, Some(false)); // 2.5 h is not below 2 h
    assert_eq!(r.overall.mttd_seconds, None);
    assert_eq!(r.overall.mttd_count, 0);
}

#[test]
fn per_severity_follows_policy_order_then_unknown_levels() {
    let t = at(2025, 10, 6, 9, 0);
    let records = [
        incident("a", "SEV3", t, 4, 60),
        incident("b", "sev1", t, 2, 30),
        incident("c", "SEV1", t, 4, 50),
        incident("d", "Z-custom", t, 1, 10),
        incident("e", "A-custom", t, 1, 10),
    ];
    let r = run(&records);
    let order: Vec<&str> = r.per_severity.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(order, ["SEV1", "SEV2", "SEV3", "SEV4", "A-custom", "Z-custom"]);
    let sev1 = severity(&r, "SEV1");
    assert_eq!(sev1.incidents, 2);
    assert_eq!(sev1.mtta_seconds, Some(180.0));
    assert_eq!(sev1.mttr_seconds, Some(40.0 * 60.0));
    assert_eq!(severity(&r, "SEV2").incidents, 0);
    assert_eq!(severity(&r, "SEV2").mtta_seconds, None);
    assert_eq!(severity(&r, "SEV3").mtta_seconds, Some(240.0));
}

#[test]
fn severity_filter_narrows_every_scope() {
    let t = at(2025, 10, 6, 9, 0);
    let records = [incident("a", "SEV1", t, 2, 30), incident("b", "SEV2", t, 20, 300)];
    let r = compute(&records, &Period::all(), Some("sev2"), &levels(), &Targets::reference());
    assert_eq!(r.severity.as_deref(), Some("sev2"));
    assert_eq!(r.overall.incidents, 1);
    assert_eq!(r.overall.mtta_seconds, Some(1200.0));
    assert_eq!(r.per_severity.len(), 1);
    assert_eq!(r.per_severity[0].0, "SEV2");
    assert_eq!(r.weekly.len(), 1);
    assert_eq!(r.weekly[0].figures.incidents, 1);

    let none = compute(&records, &Period::all(), Some("P9"), &levels(), &Targets::reference());
    assert_eq!(none.per_severity, vec![("P9".to_string(), none.overall.clone())]);
    assert_eq!(none.overall.incidents, 0);
}

#[test]
fn period_is_half_open_on_detection_time() {
    let from = at(2025, 10, 1, 0, 0);
    let to = at(2025, 11, 1, 0, 0);
    let records = [
        incident("before", "SEV1", from - Duration::seconds(1), 1, 10),
        incident("first", "SEV1", from, 1, 10),
        incident("last", "SEV1", to - Duration::seconds(1), 1, 10),
        incident("after", "SEV1", to, 1, 10),
    ];
    let period = Period::new(Some(from), Some(to)).unwrap();
    let r = compute(&records, &period, None, &levels(), &Targets::reference());
    assert_eq!(r.overall.incidents, 2);
    assert_eq!(r.period, period);
}

#[test]
fn weekly_buckets_cross_the_year_boundary() {
    // 2024-12-30 is a Monday: it starts the week holding 2025-01-01.
    let records = [
        incident("a", "SEV1", at(2024, 12, 29, 23, 59), 2, 10), // Sunday: week of 12-23
        incident("b", "SEV1", at(2024, 12, 30, 0, 0), 4, 10),   // Monday 00:00
        incident("c", "SEV2", at(2025, 1, 1, 12, 0), 8, 10),    // Wednesday, same week
        incident("d", "SEV2", at(2025, 1, 14, 8, 0), 6, 10),    // two weeks later
    ];
    let r = run(&records);
    let weeks: Vec<String> = r.weekly.iter().map(|w| w.week_start.format("%Y-%m-%d %H:%M").to_string()).collect();
    assert_eq!(weeks, ["2024-12-23 00:00", "2024-12-30 00:00", "2025-01-06 00:00", "2025-01-13 00:00"]);
    let counts: Vec<usize> = r.weekly.iter().map(|w| w.figures.incidents).collect();
    assert_eq!(counts, [1, 2, 0, 1]);
    assert_eq!(r.weekly[1].figures.mtta_seconds, Some(360.0)); // (4 + 8) / 2 minutes
    assert_eq!(r.weekly[2].figures.mtta_seconds, None);
    assert_eq!(week_start(at(2025, 1, 5, 23, 59)), at(2024, 12, 30, 0, 0));
}

#[test]
fn weekly_series_is_padded_to_the_period() {
    let period = Period::new(Some(at(2025, 3, 1, 0, 0)), Some(at(2025, 4, 1, 0, 0))).unwrap();
    let records = [incident("a", "SEV1", at(2025, 3, 12, 10, 0), 2, 10)];
    let r = compute(&records, &period, None, &levels(), &Targets::reference());
    // 2025-03-01 is a Saturday (week of 02-24); 2025-03-31 is a Monday.
    assert_eq!(r.weekly.first().unwrap().week_start, at(2025, 2, 24, 0, 0));
    assert_eq!(r.weekly.last().unwrap().week_start, at(2025, 3, 31, 0, 0));
    assert_eq!(r.weekly.len(), 6);
    assert_eq!(r.weekly.iter().map(|w| w.figures.incidents).sum::<usize>(), 1);
}

#[test]
fn drills_never_count() {
    let t = at(2025, 10, 6, 9, 0);
    let mut drill = incident("drill", "SEV1", t, 50, 500);
    drill.drill = true;
    drill.pir_required = true;
    let mut out_of_period = drill.clone();
    out_of_period.detected_at = at(2020, 1, 1, 0, 0);
    let period = Period::new(Some(at(2025, 1, 1, 0, 0)), None).unwrap();
    let records = [incident("real", "SEV1", t, 2, 30), drill, out_of_period];
    let r = compute(&records, &period, None, &levels(), &Targets::reference());
    assert_eq!(r.excluded_drills, 1);
    assert_eq!(r.overall.incidents, 1);
    assert_eq!(r.overall.mtta_seconds, Some(120.0));
    assert_eq!(r.overall.pir_required, 0);
    assert_eq!(severity(&r, "SEV1").incidents, 1);
    assert_eq!(r.weekly.iter().map(|w| w.figures.incidents).sum::<usize>(), 1);
}

#[test]
fn negative_durations_are_skipped_and_counted() {
    let t = at(2025, 10, 6, 9, 0);
    let mut bad = incident("bad", "SEV1", t, -5, 30);
    bad.impact_started_at = Some(t + Duration::minutes(1)); // impact after detection
    let good = incident("good", "SEV1", t, 3, 60);
    let r = run(&[bad, good]);
    assert_eq!(r.overall.incidents, 2);
    assert_eq!((r.overall.mtta_seconds, r.overall.mtta_count), (Some(180.0), 1));
    assert_eq!(r.overall.mttd_seconds, None);
    // MTTR: bad from its impact start (29 min), good from detection (60 min).
    assert_eq!((r.overall.mttr_seconds, r.overall.mttr_count), (Some(44.5 * 60.0), 2));
    assert_eq!(r.overall.skipped_inconsistent, 2);
    assert_eq!(severity(&r, "SEV1").skipped_inconsistent, 2);
}

#[test]
fn pir_completion_and_on_time_rates() {
    let t = at(2025, 10, 6, 9, 0);
    let resolved = t + Duration::hours(1);
    let due = resolved + Duration::hours(48);
    let pir = |id: &str, completed: Option<DateTime<Utc>>, due: Option<DateTime<Utc>>| {
        let mut r = incident(id, "SEV1", t, 2, 60);
        r.pir_required = true;
        r.pir_due = due;
        r.pir_completed_at = completed;
        r
    };
    let mut not_required = incident("x", "SEV3", t, 2, 60);
    not_required.pir_completed_at = Some(resolved); // done voluntarily: not counted
    let records = [
        pir("on-time", Some(due - Duration::hours(1)), Some(due)),
        pir("exactly-due", Some(due), Some(due)),
        pir("late", Some(due + Duration::minutes(1)), Some(due)),
        pir("no-due", Some(resolved), None),
        pir("missing", None, Some(due)),
        not_required,
    ];
    let r = run(&records);
    let o = &r.overall;
    assert_eq!((o.pir_required, o.pir_completed, o.pir_completed_on_time), (5, 4, 3));
    assert_eq!(o.pir_completion_rate, Some(80.0));
    assert_eq!(o.pir_on_time_rate, Some(60.0));
    assert_eq!(o.pir_met, Some(false)); // 80% < 100%
    assert_eq!(severity(&r, "SEV3").pir_completion_rate, None);
    assert_eq!(severity(&r, "SEV3").pir_met, None);

    let relaxed = Targets { pir_completion_rate: 80.0, ..Targets::reference() };
    let r = compute(&records, &Period::all(), None, &levels(), &relaxed);
    assert_eq!(r.overall.pir_met, Some(true)); // at or above the target
}

#[test]
fn targets_met_and_missed_and_echoed_in_seconds() {
    let t = at(2025, 10, 6, 9, 0);
    let mut slow = incident("slow", "SEV1", t, 15, 121);
    slow.impact_started_at = Some(t - Duration::minutes(4));
    let r = run(&[slow]);
    assert_eq!(r.overall.mtta_met, Some(false)); // exactly 15 min is not below 15
    assert_eq!(r.overall.mttd_met, Some(true)); // 4 < 5
    assert_eq!(r.overall.mttr_met, Some(false)); // 125 min
    assert_eq!(r.targets.mtta_seconds, 900.0);
    assert_eq!(r.targets.mttd_seconds, 300.0);
    assert_eq!(r.targets.mttr_seconds, 7200.0);
    assert_eq!(r.targets.pir_completion_rate, 100.0);
}

#[test]
fn empty_input_gives_none_not_nan() {
    let r = run(&[]);
    let o = &r.overall;
    assert_eq!(o.incidents, 0);
    assert_eq!((o.mtta_seconds, o.mttd_seconds, o.mttr_seconds), (None, None, None));
    assert_eq!((o.pir_completion_rate, o.pir_on_time_rate), (None, None));
    assert_eq!((o.mtta_met, o.mttd_met, o.mttr_met, o.pir_met), (None, None, None, None));
    assert_eq!(r.per_severity.len(), 4);
    assert!(r.weekly.is_empty());
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("NaN"), "{json}");
    assert!(json.contains("\"mtta_seconds\":null"));
}

#[test]
fn serde_keys_are_stable() {
    let t = at(2025, 10, 6, 9, 0);
    let r = run(&[incident("a", "SEV1", t, 2, 30)]);
    let json: serde_json::Value = serde_json::to_value(&r).unwrap();
    for key in ["mtta_seconds", "mttd_seconds", "mttr_seconds", "pir_completion_rate"] {
        assert!(json["overall"].get(key).is_some(), "overall.{key}");
        assert!(json["targets"].get(key).is_some(), "targets.{key}");
    }
    assert_eq!(json["per_severity"][0][0], "SEV1");
    assert_eq!(json["per_severity"][0][1]["mtta_seconds"], 120.0);
    assert_eq!(json["weekly"][0]["week_start"], "2025-10-06T00:00:00Z");
    assert_eq!(json["excluded_drills"], 0);
    let back: firebreak_metrics::MetricsReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn input_constructors_reject_bad_values() {
    let t = at(2025, 1, 1, 0, 0);
    let err = Period::new(Some(t), Some(t)).unwrap_err();
    assert!(err.to_string().starts_with("period: the start"), "{err}");
    let err = Targets::new(Duration::zero(), Duration::minutes(5), Duration::hours(2), 100.0).unwrap_err();
    assert_eq!(err.to_string(), "targets.mtta: must be positive, got 0s");
    let err = Targets::new(Duration::minutes(1), Duration::minutes(5), Duration::hours(2), 101.0).unwrap_err();
    assert!(err.to_string().starts_with("targets.pir_completion_rate:"), "{err}");
    assert_eq!(
        Targets::new(Duration::minutes(15), Duration::minutes(5), Duration::hours(2), 100.0),
        Ok(Targets::reference())
    );
}

#[test]
fn typescript_declarations_use_numbers_not_bigints() {
    use ts_rs::TS;
    let figures = Figures::decl();
    assert!(figures.contains("mtta_seconds: number | null"), "{figures}");
    assert!(!figures.contains("bigint"), "{figures}");
    let report = firebreak_metrics::MetricsReport::decl();
    assert!(report.contains("per_severity: Array<[string, Figures]>"), "{report}");
    assert!(report.contains("weekly: Array<WeekFigures>"), "{report}");
}
