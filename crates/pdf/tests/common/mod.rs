//! A deterministic, PIR-shaped sample document shared by the integration tests and the
//! benchmark: metadata, multilingual paragraphs, a timeline chart, a long timeline table,
//! action items, long words and a callout.
#![allow(dead_code)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use firebreak_pdf::{Align, Banner, Block, Column, Document, Rgb, Table, Timeline, TimelineEvent, Tone};

pub const MULTILINGUAL: &str = "Ελληνικά Кириллица 中文 日本語 한국어";

pub const SUMMARY: &str = "Between 14:02 and 14:44 UTC checkout requests failed for roughly \
    38% of customers after a configuration push disabled the payment provider's connection \
    pool. The on-call engineer acknowledged the page within three minutes; the rollback \
    restored service at 14:44. Customers in Greece (Ελληνικά), Serbia (Кириллица), China \
    (中文), Japan (日本語) and Korea (한국어) saw localized error pages.";

pub const CJK_PARAGRAPH: &str = "支付服务在配置推送后出现连接池耗尽，导致结账请求失败。\
    回滚后服务恢复正常。決済サービスは設定変更の後に接続プールが枯渇し、チェックアウト要求が\
    失敗しました。결제 서비스는 구성 변경 후 연결 풀이 고갈되어 결제 요청이 실패했습니다.";

pub const LONG_WORDS: &str = "The failing endpoint was \
    https://payments.internal.example.com/v2/checkout/sessions/authorize-and-capture-with-retry?region=eu-west-1&attempt=3 \
    and the trace id was 4bf92f3577b34da6a3ce929d0e0e47364bf92f3577b34da6a3ce929d0e0e47364bf92f3577b34da6a3ce929d0e0e4736ffff \
    in namespace production-eu-west-1.";

pub const REGION_IMPACT: [&str; 3] = [
    "EU: 41% of checkout attempts failed",
    "APAC (日本, 한국, 中国): 35% failed; localized error pages shown",
    "Americas: 29% failed",
];

pub fn created() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 30, 0).unwrap()
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 13, 14, 2, 0).unwrap()
}

const ACTORS: [&str; 5] = ["alerting", "Dana (IC)", "Sam (ops)", "Priya (comms)", "Лев (SRE)"];
const NOTES: [&str; 8] = [
    "Error rate on checkout above 30% for 5 minutes",
    "Acknowledged page; opened incident channel and started the timeline",
    "Rolled back config push 8812 on payments-gateway; watching error rate",
    "Status update sent to customers: payments degraded, next update in 30 minutes",
    "Connection pool exhausted on all gateway pods (max_connections=0 after push)",
    "Customer reports from Japan: 決済エラーが表示される",
    "Decision: freeze config pushes to payments until the validator ships",
    "Error rate back to baseline (0.2%); monitoring for 30 minutes before resolving",
];

/// The text of timeline row `i` (time, actor, kind, note), deterministic.
pub fn timeline_row(i: usize) -> Vec<String> {
    let at = start() + Duration::seconds(17 * i as i64);
    let note = NOTES[i % NOTES.len()];
    let note = if i % 7 == 3 {
        format!("{note}. Follow-up #{i}: checked dashboards, replica lag, queue depth and the payment provider's status page; no further anomalies found.")
    } else {
        format!("{note} (#{i})")
    };
    vec![
        at.format("%H:%M:%S").to_string(),
        ACTORS[i % ACTORS.len()].to_string(),
        ["alert", "action", "decision", "update", "note"][i % 5].to_string(),
        note,
    ]
}

/// Action item `i` (id, action, owner, due, priority, status).
pub fn action_row(i: usize) -> Vec<String> {
    let actions = [
        "Add a validator that rejects pool sizes of zero in config pushes",
        "Page the payments team when the gateway pool is exhausted",
        "Write a runbook for rolling back gateway configuration",
        "Add synthetic checkout probes per region (EU, APAC, 中国)",
        "Review alert thresholds for checkout error rate",
    ];
    vec![
        format!("AI-{:03}", i + 1),
        actions[i % actions.len()].to_string(),
        ["Dana", "Sam", "Priya", "Лев", "美咲"][i % 5].to_string(),
        (created() + Duration::days(7 + i as i64)).format("%Y-%m-%d").to_string(),
        ["P1", "P2", "P3"][i % 3].to_string(),
        ["Open", "In progress", "Done"][i % 3].to_string(),
    ]
}

pub fn key_events() -> Vec<TimelineEvent> {
    let at = |minutes: i64| start() + Duration::minutes(minutes);
    vec![
        TimelineEvent::new(at(0), "Checkout error alert fires"),
        TimelineEvent::new(at(3), "On-call acknowledges"),
        TimelineEvent::new(at(9), "Incident declared SEV1"),
        TimelineEvent::new(at(14), "Config push identified as trigger"),
        TimelineEvent::new(at(21), "Customer update sent"),
        TimelineEvent::new(at(31), "Rollback started"),
        TimelineEvent::new(at(42), "Service restored (error rate < 1%)"),
        TimelineEvent::new(at(75), "Incident resolved"),
    ]
}

/// A PIR-like document with `timeline_rows` rows in the timeline table and `actions`
/// action items.
pub fn pir_document(timeline_rows: usize, actions: usize) -> Document {
    let timeline_columns = vec![
        Column::new("Time (UTC)", 1.1),
        Column::new("Who", 1.3),
        Column::new("Kind", 1.0),
        Column::new("What happened", 5.0),
    ];
    let action_columns = vec![
        Column::new("ID", 0.9),
        Column::new("Action", 4.2),
        Column::new("Owner", 1.1),
        Column::new("Due", 1.3).align(Align::Right),
        Column::new("Priority", 1.0).align(Align::Center),
        Column::new("Status", 1.2),
    ];
    Document {
        title: "Checkout outage: payments connection pool exhausted".into(),
        subtitle: Some("Post-incident review · SEV1".into()),
        author: "Dana Okafor".into(),
        subject: "Post-incident review of INC-7KQ2M-1".into(),
        keywords: vec!["incident".into(), "PIR".into(), "INC-7KQ2M-1".into()],
        created: created(),
        running_header: "INC-7KQ2M-1 · Post-incident review".into(),
        banner: None,
        blocks: vec![
            Block::KeyValue(vec![
                ("Incident".into(), "INC-7KQ2M-1".into()),
                ("Severity".into(), "SEV1 — critical".into()),
                ("Date".into(), "2025-03-13".into()),
                ("Duration".into(), "42 minutes (14:02–14:44 UTC)".into()),
                (
                    "Impact".into(),
                    "About 38% of checkout attempts failed in all regions; 12,400 orders delayed.".into(),
                ),
            ]),
            Block::heading(1, "Summary"),
            Block::paragraph(SUMMARY),
            Block::paragraph(CJK_PARAGRAPH),
            Block::heading(2, "Impact by region · 影响范围"),
            Block::Bullets(REGION_IMPACT.iter().map(|s| s.to_string()).collect()),
            Block::callout(
                "Primary root cause",
                "A configuration push set max_connections=0 for the payments gateway; the validator did not check pool sizes.",
                Tone::Critical,
            ),
            Block::heading(1, "Timeline"),
            Block::Timeline(Timeline::utc(key_events())),
            Block::Table(Table {
                columns: timeline_columns,
                rows: (0..timeline_rows).map(timeline_row).collect(),
            }),
            Block::heading(1, "Root cause"),
            Block::heading(2, "Contributing factors"),
            Block::Bullets(vec![
                "Technical: the config validator had no rule for pool sizes.".into(),
                "Process: config pushes to payments skip the canary stage on Fridays.".into(),
                format!("Communication: status page updated late; languages {MULTILINGUAL}."),
            ]),
            Block::paragraph(LONG_WORDS),
            Block::heading(1, "Action items"),
            Block::Table(Table {
                columns: action_columns,
                rows: (0..actions).map(action_row).collect(),
            }),
            Block::heading(1, "Lessons learned"),
            Block::paragraph("Rollbacks were fast because the runbook was current.\nDetection was fast; diagnosis took longer than it should have."),
            Block::callout("Follow-up review", "Review the action items at the weekly operations meeting.", Tone::Info),
        ],
    }
}

/// A drill evaluation report: a DRILL banner, a few timed injects (a sparse chart, so each
/// event gets a flag) and the success criteria.
pub fn drill_document() -> Document {
    let start = Utc.with_ymd_and_hms(2025, 4, 2, 10, 0, 0).unwrap();
    let at = |minutes: i64| start + Duration::minutes(minutes);
    Document {
        title: "Drill: database failover".into(),
        subtitle: Some("Evaluation report".into()),
        author: "Facilitator: Priya Raman".into(),
        subject: "Drill evaluation DRL-3F9A".into(),
        keywords: vec!["drill".into()],
        created: start + Duration::hours(2),
        running_header: "DRL-3F9A · Drill evaluation".into(),
        banner: Some(Banner { text: "DRILL — NOT A REAL INCIDENT".into(), colour: Rgb::hex(0x7A4BC2) }),
        blocks: vec![
            Block::KeyValue(vec![
                ("Scenario".into(), "Primary database unavailable".into()),
                ("Participants".into(), "Dana, Sam, Priya, Лев".into()),
                ("Drill clock".into(), "2× speed, 60 minutes of scenario time".into()),
            ]),
            Block::heading(1, "Injects"),
            Block::Timeline(Timeline::utc(vec![
                TimelineEvent::new(at(0), "T+0 alert: replication lag 30 s"),
                TimelineEvent::new(at(12), "T+12 primary stops accepting writes"),
                TimelineEvent::new(at(30), "T+30 customer reports checkout errors"),
                TimelineEvent::new(at(55), "T+55 failover complete"),
            ])),
            Block::heading(1, "Success criteria"),
            Block::Table(Table {
                columns: vec![
                    Column::new("Criterion", 4.0),
                    Column::new("Target", 1.2),
                    Column::new("Measured", 1.2),
                    Column::new("Met", 0.8).align(Align::Center),
                ],
                rows: vec![
                    vec!["Acknowledge the page".into(), "5 min".into(), "2 min".into(), "Yes".into()],
                    vec!["Declare SEV and assign roles".into(), "10 min".into(), "14 min".into(), "No".into()],
                    vec!["Fail over to the replica".into(), "45 min".into(), "55 min".into(), "No".into()],
                ],
            }),
            Block::callout(
                "Not counted in metrics",
                "Drill incidents never count towards MTTA, MTTD or MTTR.",
                Tone::Neutral,
            ),
        ],
    }
}
