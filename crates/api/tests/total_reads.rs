//! Read paths are total: incidents made of ops no validation would let through —
//! instants at the ends of chrono's range (`DateTime::<Utc>::MIN_UTC`/`MAX_UTC`), year
//! 9999, 1970, far-past check-backs, RTOs of 100,000 business days on a calendar at UTC+14,
//! a drill run stored with a start at the end of time, a notification lead of `i64::MAX`
//! minutes, a projection row whose detection time does not parse — are written straight
//! into the op log as an older build (one that validated nothing) would have left them,
//! and the projections are folded from it; then every read the CLI and the
//! window make (list, show, timers, metrics, the review and its exports in every format,
//! the due notifications, drills, comms and handoff drafts) must return `Ok` or a clear
//! one-line error, and never panic.
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use firebreak_api::comms::Template;
use firebreak_api::drill::DrillRun;
use firebreak_api::secrets::Preference;
use firebreak_api::{ApiError, Firebreak};
use firebreak_core::clock::FixedClock;
use firebreak_core::hlc::Hlc;
use firebreak_core::ids::{IncidentId, OpId};
use firebreak_core::incident::Status;
use firebreak_core::op::{Declare, Op, OpPayload};
use firebreak_core::review::{ActionItem, ReviewState};
use firebreak_core::timeline::EntryKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration as StdDuration, Instant};

const MIN: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;
const MAX: DateTime<Utc> = DateTime::<Utc>::MAX_UTC;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap()
}

fn y1970() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

fn y9999() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()
}

/// The protocol preset on a calendar at UTC+14 (local dates of `MAX_UTC` do not exist
/// there), with a tier whose RTOs are the largest a policy file may state.
fn hostile_policy(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = firebreak_policy::Policy::preset_toml("protocol").unwrap().to_string();
    text = text.replacen("time_zone = \"UTC\"", "time_zone = \"Pacific/Kiritimati\"", 1);
    text.push_str(
        "\n[[tiers]]\nid = \"glacial\"\nname = \"Glacial\"\n\
         rto = { SEV1 = \"100000w\", SEV2 = \"100000 business days\", SEV3 = \"100000 business days\" }\n\
         \n[[services]]\nname = \"archive\"\ntier = \"glacial\"\n",
    );
    let path = dir.join("hostile.toml");
    std::fs::write(&path, text).unwrap();
    path
}

struct Writer<'a> {
    fb: &'a mut Firebreak,
    dir: &'a std::path::Path,
    written: u128,
}

impl Writer<'_> {
    /// Writes an op straight into the log (no validation, as an older build did) and
    /// folds the projections again from the log.
    fn raw(&mut self, target: IncidentId, payload: OpPayload) -> OpId {
        // Unique across writers of one test run.
        static WRITTEN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        self.written = u128::from(WRITTEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) + 1;
        let op = Op {
            op_id: OpId(0xdead_0000_0000 + self.written),
            replica: self.fb.store().replica_id().unwrap(),
            hlc: Hlc { wall_ms: now().timestamp_millis() as u64, counter: self.written as u32 },
            author: "mallory".into(),
            target,
            v: 1,
            payload,
        };
        let db = rusqlite::Connection::open(firebreak_api::system::database_path(self.dir)).unwrap();
        db.execute(
            "INSERT INTO ops(op_id, replica, wall_ms, counter, author, target, kind, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                op.op_id.to_string(),
                op.replica.to_string(),
                op.hlc.wall_ms as i64,
                op.hlc.counter,
                op.author,
                op.target.to_string(),
                op.payload.name(),
                serde_json::to_string(&op).unwrap()
            ],
        )
        .unwrap();
        drop(db);
        self.fb.store_mut().rebuild_projections().unwrap();
        op.op_id
    }

    fn declare(&mut self, detected_at: DateTime<Utc>, severity: &str, services: &[&str], drill: bool) -> IncidentId {
        let services = services.iter().map(|s| s.to_string()).collect();
        let id = uuid::Uuid::new_v4();
        self.raw(
            id,
            OpPayload::Declare(Declare {
                human_id: format!("INC-RAW-{}", &id.simple().to_string()[..8]),
                title: format!("declared at {detected_at}"),
                summary: "written straight into the store".into(),
                severity: severity.into(),
                services,
                drill,
                detected_at,
                suggested: None,
            }),
        );
        id
    }

    fn op(&mut self, id: IncidentId, payload: OpPayload) -> OpId {
        self.raw(id, payload)
    }

    fn task(&mut self, id: IncidentId, check_back_at: DateTime<Utc>, at: DateTime<Utc>) {
        let payload = OpPayload::AddTask { owner: "bo".into(), text: "check the disks".into(), check_back_at, at };
        self.op(id, payload);
    }

    fn status(&mut self, id: IncidentId, from: Status, to: Status, at: DateTime<Utc>) {
        self.op(id, OpPayload::SetStatus { from, to, at });
    }

    fn entry(&mut self, id: IncidentId, kind: EntryKind, at: DateTime<Utc>) -> OpId {
        self.op(id, OpPayload::AddEntry { kind, at, text: format!("{kind} at {at}"), decision: None })
    }
}

/// Runs one read; a panic is recorded as a failure, an error must be one clear line.
fn read<T>(failures: &mut Vec<String>, what: &str, f: impl FnOnce() -> Result<T, ApiError>) -> Option<T> {
    let started = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(f));
    if started.elapsed() > StdDuration::from_secs(20) {
        failures.push(format!("{what}: took {:?}", started.elapsed()));
    }
    match outcome {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            if e.message.trim().is_empty() || e.message.contains('\n') {
                failures.push(format!("{what}: unclear error {e:?}"));
            }
            None
        }
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{what}: PANIC {msg}"));
            None
        }
    }
}

#[test]
fn every_read_survives_extreme_stored_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut fb = Firebreak::open_with_secrets(dir.path(), Box::new(FixedClock(now())), Preference::File).unwrap();
    fb.use_policy(hostile_policy(dir.path()).to_str().unwrap()).unwrap();
    let mut w = Writer { fb: &mut fb, dir: dir.path(), written: 0 };

    // At the end of time: a check-back due at MAX (the scheduler once subtracted its lead
    // from it under the state lock), everything else at MAX too.
    let at_max = w.declare(MAX, "SEV3", &["archive", "api"], false);
    w.task(at_max, MAX, y1970());
    w.status(at_max, Status::Detected, Status::Acknowledged, MAX);
    w.entry(at_max, EntryKind::CommsUpdate, MAX);
    w.entry(at_max, EntryKind::Action, MAX);
    w.op(at_max, OpPayload::ScheduleReview { at: Some(MAX), attendees: vec![] });
    w.op(at_max, OpPayload::SetReviewState { state: ReviewState::InReview, at: MAX });
    let item = ActionItem {
        id: "AI-4294967295".into(),
        action: "raise the limits".into(),
        owner: "bo".into(),
        due: Some(NaiveDate::MAX),
        priority: "high".into(),
        status: "open".into(),
        link: String::new(),
        deleted: false,
    };
    w.op(at_max, OpPayload::SetActionItem { key: None, item });

    // At the beginning of time: resolved at MIN, impact started at MAX, a check-back at MIN.
    let at_min = w.declare(MIN, "SEV1", &["archive"], false);
    w.task(at_min, MIN, MIN);
    let edit = OpPayload::EditIncident {
        title: None,
        summary: None,
        services: None,
        impact_started_at: Some(MAX),
        detected_at: Some(MIN),
    };
    w.op(at_min, edit);
    w.op(at_min, OpPayload::SetSeverity { from: "SEV1".into(), to: "SEV2".into(), at: MAX });
    w.entry(at_min, EntryKind::Note, MIN);
    w.entry(at_min, EntryKind::CommsUpdate, MIN);
    w.status(at_min, Status::Detected, Status::Resolved, MIN);

    // 1970 with a check-back due far in the past, resolved in 9999 and closed at MAX.
    let at_1970 = w.declare(y1970(), "SEV2", &["archive"], false);
    w.task(at_1970, Utc.with_ymd_and_hms(-200_000, 1, 1, 0, 0, 0).unwrap(), y1970());
    w.status(at_1970, Status::Detected, Status::Resolved, y9999());
    w.op(at_1970, OpPayload::SetReviewState { state: ReviewState::Closed, at: MAX });
    w.status(at_1970, Status::Resolved, Status::Closed, MAX);

    // A drill in 9999 whose run (local settings) starts at the end of time.
    let drill = w.declare(y9999(), "SEV3", &["archive"], true);
    w.entry(drill, EntryKind::Note, MAX);
    let run = DrillRun {
        incident: drill.to_string(),
        scenario_yaml: firebreak_drill::BUILTIN_SOURCES[0].1.to_string(),
        speed: u32::MAX,
        started_at: MAX,
        ended_at: None,
        facilitator_notes: vec![],
        improvement_areas: vec![],
        delivered: usize::MAX,
        last_commander: None,
        rotations: usize::MAX,
    };
    fb.store().set_setting(&format!("drill.run.{drill}"), &serde_json::to_string(&run).unwrap()).unwrap();

    // A real incident beside them: it must still be listed with its clock.
    let mut w = Writer { fb: &mut fb, dir: dir.path(), written: 0 };
    let real = w.declare(now(), "SEV2", &["api"], false);
    // A lead no dialog allows, as another version or a hand edit might store it.
    fb.store().set_setting("notify.lead_minutes", &i64::MAX.to_string()).unwrap();

    let incidents = [at_max, at_min, at_1970, drill, real];
    let mut failures = Vec::new();
    let started = Instant::now();
    let list = read(&mut failures, "list", || fb.list());
    for id in incidents {
        let key = id.to_string();
        let f = &mut failures;
        read(f, &format!("show {key}"), || fb.show(&key));
        read(f, &format!("timers {key}"), || fb.timers(&key, None));
        read(f, &format!("timers {key} at 9999"), || fb.timers(&key, Some("9999-12-31T23:59:59Z")));
        read(f, &format!("timers {key} at 0000"), || fb.timers(&key, Some("0000-01-01T00:00:00Z")));
        read(f, &format!("pir {key}"), || fb.pir(&key));
        read(f, &format!("pir markdown {key}"), || fb.pir_markdown(&key));
        read(f, &format!("pir yaml {key}"), || fb.pir_export_yaml(&key));
        read(f, &format!("pir ics {key}"), || fb.pir_ics(&key, None));
        read(f, &format!("pir pdf {key}"), || fb.pir_pdf(&key));
        use firebreak_api::dto::ExportFormat;
        for format in [ExportFormat::Pdf, ExportFormat::Md, ExportFormat::Yaml, ExportFormat::Ics] {
            let out = dir.path().join("exports");
            read(f, &format!("export {} {key}", format.ext()), || fb.export_pir_to(&key, format, &out));
        }
        read(f, &format!("checklists {key}"), || fb.checklists(&key));
        read(f, &format!("runbook {key}"), || fb.runbook(&key));
        for t in [Template::Initial, Template::Update, Template::Resolution] {
            read(f, &format!("comms {t:?} {key}"), || fb.comms_draft(&key, t));
        }
        read(f, &format!("handoff {key}"), || fb.handoff_draft(&key));
    }
    read(&mut failures, "metrics", || fb.metrics(None, None, None));
    read(&mut failures, "metrics 0001–9999", || fb.metrics(Some("0001-01-01"), Some("9999-12-31"), None));
    read(&mut failures, "metrics SEV3", || fb.metrics(None, None, Some("SEV3")));
    read(&mut failures, "drills", || fb.drills());
    read(&mut failures, "drill evaluation", || fb.drill_evaluation(&drill.to_string()));
    let mut applied = 0;
    let script = firebreak_api::drill::Script::default();
    read(&mut failures, "drill tick", || fb.drill_tick(&drill.to_string(), &script, &mut applied));
    let batch = read(&mut failures, "due notifications", || fb.due_notifications());
    read(&mut failures, "due notifications again", || fb.due_notifications());
    let elapsed = started.elapsed();

    assert!(failures.is_empty(), "reads that were not total:\n{}", failures.join("\n"));
    assert!(elapsed < StdDuration::from_secs(60), "the reads took {elapsed:?}");

    // The extreme data really is in the store, and the real incident still reads normally.
    let list = list.unwrap();
    assert_eq!(list.len(), incidents.len(), "every incident is listed");
    let by_id = |id: IncidentId| list.iter().find(|s| s.id == id.to_string()).unwrap();
    // The projection keeps milliseconds: MAX to the millisecond.
    assert!(MAX - by_id(at_max).detected_at < chrono::Duration::milliseconds(1));
    assert_eq!(by_id(at_min).detected_at, MIN);
    assert!(by_id(real).next_deadline.is_some(), "the real incident keeps its clock");
    let shown = fb.show(&at_max.to_string()).unwrap();
    assert!(shown.tasks.iter().any(|t| t.check_back_at == MAX), "the check-back at MAX was stored");
    let breached: Vec<_> = batch.unwrap().notifications;
    assert!(!breached.is_empty(), "the long-breached clocks of 1970 and earlier notify");
    // A meeting whose agenda would run past the end of time reads as not scheduled.
    assert_eq!(fb.pir(&at_max.to_string()).unwrap().meeting_at, None);
}

#[test]
fn one_unreadable_row_does_not_break_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut fb = Firebreak::open_with_secrets(dir.path(), Box::new(FixedClock(now())), Preference::File).unwrap();
    let mut w = Writer { fb: &mut fb, dir: dir.path(), written: 0 };
    let good = w.declare(now(), "SEV2", &[], false);
    let bad = w.declare(now(), "SEV1", &[], false);
    let worse = w.declare(now(), "SEV3", &[], false);
    drop(fb);
    // What an older build stored for a detection time past year 9999, and a status no
    // build knows: both unreadable columns of the projection.
    let db = rusqlite::Connection::open(firebreak_api::system::database_path(dir.path())).unwrap();
    db.execute("UPDATE incidents SET detected_at = '+275760-09-13T00:00:00.000Z' WHERE id = ?1", [bad.to_string()])
        .unwrap();
    db.execute(
        "UPDATE incidents SET detected_at = 'yesterday', status = 'exploded' WHERE id = ?1",
        [worse.to_string()],
    )
    .unwrap();
    drop(db);
    let fb = Firebreak::open_with_secrets(dir.path(), Box::new(FixedClock(now())), Preference::File).unwrap();
    let list = fb.list().unwrap();
    assert_eq!(list.len(), 3, "{list:?}");
    for id in [good, bad, worse] {
        let row = list.iter().find(|s| s.id == id.to_string()).unwrap();
        // The fold of the incident's ops still knows when it was detected and its status.
        assert_eq!(row.detected_at, now(), "{row:?}");
        assert_eq!(row.status, Status::Detected);
        assert!(row.next_deadline.is_some());
    }
    let rows = fb.store().list().unwrap();
    let row = |id: IncidentId| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row(good).detected_at, Some(now()));
    assert_eq!(row(bad).detected_at, None, "unknown, not an error for every row");
    assert_eq!(row(worse).detected_at, None);
}
