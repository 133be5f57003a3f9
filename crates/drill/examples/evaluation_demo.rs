//! Prints the Markdown evaluation of a made-up run of the first built-in scenario, to
//! see the report as a reader would (`cargo run --example evaluation_demo`).
use chrono::{Duration, TimeZone, Utc};
use firebreak_drill::{builtin, evaluate, evaluation_markdown, DrillEntry, DrillEvents, Status};

fn main() {
    let scenario = &builtin()[1];
    let start = Utc.with_ymd_and_hms(2025, 10, 5, 14, 30, 0).unwrap();
    let t = |m: i64| start + Duration::minutes(m);
    let events = DrillEvents {
        started_at: start,
        ended_at: t(88),
        initial_severity: "SEV3".into(),
        acknowledged_at: Some(t(4)),
        first_update_at: Some(t(33)),
        severity_changes: vec![(t(24), "SEV2".into())],
        mitigation_at: Some(t(41)),
        statuses: vec![(t(4), Status::Acknowledged), (t(41), Status::Mitigated), (t(70), Status::Resolved)],
        review_drafted_at: None,
        facilitator_notes: vec!["Casey took over as IC at T+30m | clean hand-over".into()],
        improvement_areas: vec!["Add connection pool metrics to the API dashboard".into()],
        timeline: vec![
            DrillEntry {
                at: t(0), kind: "alert".into(), author: "drill".into(), text: "p95 latency 2× normal".into()
            },
            DrillEntry {
                at: t(24),
                kind: "severity-change".into(),
                author: "Blake".into(),
                text: "SEV3 → SEV2".into(),
            },
            DrillEntry {
                at: t(41),
                kind: "action".into(),
                author: "Drew".into(),
                text: "Pool size 50 → 100, recycling on".into(),
            },
        ],
    };
    print!("{}", evaluation_markdown(&evaluate(scenario, &events)));
}
