//! The CSV's shape (header, one row per scope, plain numbers, quoting) and a property:
//! whatever the records, every scope's counts add up and no mean is NaN.
use chrono::{DateTime, Duration, TimeZone, Utc};
use firebreak_metrics::{compute, to_csv, IncidentRecord, Period, Targets, CSV_COLUMNS};
use proptest::prelude::*;

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn record(id: &str, severity: &str, detected: DateTime<Utc>, ack_secs: i64) -> IncidentRecord {
    IncidentRecord {
        id: id.into(),
        human_id: id.into(),
        severity: severity.into(),
        drill: false,
        impact_started_at: None,
        detected_at: detected,
        acknowledged_at: Some(detected + Duration::seconds(ack_secs)),
        mitigated_at: None,
        resolved_at: None,
        pir_required: false,
        pir_due: None,
        pir_completed_at: None,
    }
}

#[test]
fn csv_has_a_header_and_one_row_per_scope() {
    let levels = vec!["SEV1".to_string(), "SEV2, custom".to_string()];
    let records = [
        record("a", "SEV1", at(2024, 12, 31, 10, 0), 100),
        record("b", "SEV1", at(2025, 1, 7, 10, 0), 201),
        record("c", "SEV2, custom", at(2025, 1, 7, 11, 0), 61),
    ];
    let report = compute(&records, &Period::all(), None, &levels, &Targets::reference());
    let csv = to_csv(&report);
    assert!(csv.ends_with("\r\n"));
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    // header + overall + 2 severities + 2 weeks
    assert_eq!(lines.len(), 6, "{csv}");
    assert_eq!(lines[0], CSV_COLUMNS.join(","));
    assert_eq!(lines[1], "overall,,3,120.667,3,,0,,0,0,0,0,,,true,,,,0");
    assert_eq!(lines[2], "severity,SEV1,2,150.5,2,,0,,0,0,0,0,,,true,,,,0");
    assert_eq!(lines[3], "severity,\"SEV2, custom\",1,61,1,,0,,0,0,0,0,,,true,,,,0");
    assert!(lines[4].starts_with("week,2024-12-30,1,100,"), "{}", lines[4]);
    assert!(lines[5].starts_with("week,2025-01-06,2,131,"), "{}", lines[5]);
    let columns = CSV_COLUMNS.len();
    assert!(lines[1..].iter().filter(|l| !l.contains('"')).all(|l| l.split(',').count() == columns));
}

#[test]
fn csv_of_an_empty_report_is_header_overall_and_levels() {
    let levels = vec!["P1".to_string()];
    let report = compute(&[], &Period::all(), None, &levels, &Targets::reference());
    let csv = to_csv(&report);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1], "overall,,0,,0,,0,,0,0,0,0,,,,,,,0");
    assert_eq!(lines[2], "severity,P1,0,,0,,0,,0,0,0,0,,,,,,,0");
    assert!(!csv.contains("NaN"));
}

proptest! {
    #[test]
    fn counts_add_up_and_means_are_finite(
        specs in prop::collection::vec(
            (0i64..60 * 24 * 90, -600i64..7_200, 0usize..5, any::<bool>(), any::<bool>()),
            0..60,
        )
    ) {
        let levels: Vec<String> = ["SEV1", "SEV2", "SEV3"].iter().map(|s| s.to_string()).collect();
        let names = ["SEV1", "SEV2", "SEV3", "P9", "sev1"];
        let start = at(2024, 11, 1, 0, 0);
        let records: Vec<IncidentRecord> = specs
            .iter()
            .enumerate()
            .map(|(i, &(minute, ack, level, drill, pir))| {
                let mut r = record(&i.to_string(), names[level], start + Duration::minutes(minute), ack);
                r.drill = drill;
                r.pir_required = pir;
                r.pir_completed_at = (ack % 2 == 0).then_some(r.detected_at);
                r
            })
            .collect();
        let report = compute(&records, &Period::all(), None, &levels, &Targets::reference());
        let drills = records.iter().filter(|r| r.drill).count();
        prop_assert_eq!(report.excluded_drills, drills);
        prop_assert_eq!(report.overall.incidents, records.len() - drills);
        let by_level: usize = report.per_severity.iter().map(|(_, f)| f.incidents).sum();
        let by_week: usize = report.weekly.iter().map(|w| w.figures.incidents).sum();
        prop_assert_eq!(by_level, report.overall.incidents);
        prop_assert_eq!(by_week, report.overall.incidents);
        let o = &report.overall;
        prop_assert_eq!(o.mtta_count + o.skipped_inconsistent, o.incidents);
        for f in std::iter::once(o).chain(report.per_severity.iter().map(|(_, f)| f)) {
            for v in [f.mtta_seconds, f.pir_completion_rate, f.pir_on_time_rate].into_iter().flatten() {
                prop_assert!(v.is_finite() && v >= 0.0);
            }
        }
        for pair in report.weekly.windows(2) {
            prop_assert_eq!(pair[1].week_start - pair[0].week_start, Duration::weeks(1));
        }
    }
}
