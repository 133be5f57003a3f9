//! Metrics over records no real incident has (instants at the ends of chrono's range,
//! year 1970 beside year 9999, a period ending at the first instant) come out as a report,
//! never a panic or a series of half a million weeks.
use chrono::{DateTime, TimeZone, Utc};
use firebreak_metrics::{compute, week_start, IncidentRecord, Period, Targets};

fn record(id: &str, detected: DateTime<Utc>, acknowledged: Option<DateTime<Utc>>) -> IncidentRecord {
    IncidentRecord {
        id: id.into(),
        human_id: format!("INC-{id}"),
        severity: "SEV1".into(),
        drill: false,
        impact_started_at: Some(DateTime::<Utc>::MIN_UTC),
        detected_at: detected,
        acknowledged_at: acknowledged,
        mitigated_at: None,
        resolved_at: Some(DateTime::<Utc>::MAX_UTC),
        pir_required: true,
        pir_due: Some(DateTime::<Utc>::MAX_UTC),
        pir_completed_at: Some(DateTime::<Utc>::MIN_UTC),
    }
}

fn levels() -> Vec<String> {
    vec!["SEV1".into(), "SEV2".into()]
}

#[test]
fn records_at_the_ends_of_time_give_a_sparse_weekly_series() {
    let (min, max) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    let y1970 = Utc.timestamp_opt(0, 0).unwrap();
    let y9999 = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
    let records = vec![
        record("a", min, Some(max)),
        record("b", max, Some(min)),
        record("c", y1970, None),
        record("d", y9999, None),
    ];
    let r = compute(&records, &Period::all(), None, &levels(), &Targets::reference());
    assert_eq!(r.overall.incidents, 4);
    // Only the four weeks that have incidents: the first instant's week has no Monday
    // before it, so it starts on its own first day.
    assert_eq!(r.weekly.len(), 4, "{:?}", r.weekly.iter().map(|w| w.week_start).collect::<Vec<_>>());
    assert_eq!(r.weekly[0].week_start, min.date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc());
    assert_eq!(r.weekly[1].week_start, week_start(y1970));
    assert!(r.weekly.iter().all(|w| w.figures.incidents == 1));
    // "b" was acknowledged before it was detected: skipped, not a panic or an overflow.
    assert_eq!(r.overall.mtta_count, 1);
    assert!(r.overall.skipped_inconsistent >= 1);
    assert!(r.overall.mtta_seconds.is_some_and(f64::is_finite));
}

#[test]
fn a_period_ending_at_the_first_instant_is_empty_not_a_panic() {
    let min = DateTime::<Utc>::MIN_UTC;
    let period = Period::new(None, Some(min)).unwrap();
    let records = vec![record("a", min, None)];
    let r = compute(&records, &period, None, &levels(), &Targets::reference());
    assert_eq!(r.overall.incidents, 0, "the period is [-∞, min): nothing is before the first instant");
    assert!(r.weekly.is_empty());

    let period = Period::new(Some(DateTime::<Utc>::MAX_UTC), None).unwrap();
    let r = compute(&[record("b", DateTime::<Utc>::MAX_UTC, None)], &period, None, &levels(), &Targets::reference());
    assert_eq!(r.overall.incidents, 1);
    assert_eq!(r.weekly.len(), 1);
}

#[test]
fn a_wide_but_real_spread_is_still_padded() {
    // 1970 and 2025 are 55 years apart: every week in between is listed, empty or not.
    let a = Utc.with_ymd_and_hms(1970, 1, 5, 12, 0, 0).unwrap();
    let b = Utc.with_ymd_and_hms(2025, 1, 6, 12, 0, 0).unwrap();
    let r =
        compute(&[record("a", a, None), record("b", b, None)], &Period::all(), None, &levels(), &Targets::reference());
    assert_eq!(r.weekly.len() as i64, (week_start(b) - week_start(a)).num_weeks() + 1);
}
