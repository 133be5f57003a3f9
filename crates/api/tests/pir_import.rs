//! The review importer as a hostile file would meet it: traversal and unsafe incident
//! ids, absurd durations and dates, oversized files and lists. Each is refused on one
//! line naming the line and the field, nothing is half-imported, and nothing panics
//! (property tests feed it arbitrary text and mutations of the reference file). Exports
//! of an incident whose id came from elsewhere stay inside the export folder.
use chrono::{DateTime, Utc};
use firebreak_api::pir_io::{MAX_DURATION_DAYS, MAX_TIMELINE_ROWS};
use firebreak_api::Firebreak;
use firebreak_core::clock::FixedClock;
use firebreak_core::op::{Declare, OpPayload};
use proptest::prelude::*;

const REFERENCE: &str = include_str!("../../../tests/fixtures/INC-001.yaml");

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-10-06T09:00:00Z").unwrap().with_timezone(&Utc)
}

fn firebreak() -> Firebreak {
    let mut fb = Firebreak::in_memory(Box::new(FixedClock(now()))).unwrap();
    fb.set_author("manager").unwrap();
    fb.use_policy("matrix").unwrap();
    fb
}

/// The refusal's text, checked to be one line, and that nothing was written.
fn refused(fb: &mut Firebreak, text: &str) -> String {
    let before = fb.store().all_ops().unwrap().len();
    let e = fb.pir_import_yaml(text).expect_err("should be refused");
    assert_eq!(fb.store().all_ops().unwrap().len(), before, "nothing half-imported: {}", e.message);
    assert!(!e.message.contains('\n'), "one line: {}", e.message);
    e.message
}

#[test]
fn the_reference_file_imports() {
    let mut fb = firebreak();
    assert_eq!(fb.pir_import_yaml(REFERENCE).unwrap(), "INC-001");
}

#[test]
fn traversal_and_unsafe_incident_ids_are_refused_with_their_line() {
    let mut fb = firebreak();
    for id in ["../../etc/passwd", "..", "a/b", "INC..1", "INC 1", "ИНЦ-1", "C:\\x", ".", ".hidden", "-rf", "\"\""] {
        let text = REFERENCE.replace("incident_id: INC-001", &format!("incident_id: {id}"));
        let why = refused(&mut fb, &text);
        assert!(why.starts_with("line 2: incident_id"), "{id:?}: {why}");
    }
    let long = format!("incident_id: {}", "A".repeat(65));
    assert!(refused(&mut fb, &REFERENCE.replace("incident_id: INC-001", &long)).contains("longer than 64"));
    // The whole safe set is accepted.
    let ok = REFERENCE.replace("incident_id: INC-001", "incident_id: Team_A.inc-42");
    assert_eq!(fb.pir_import_yaml(&ok).unwrap(), "Team_A.inc-42");
}

#[test]
fn absurd_durations_and_dates_are_one_line_errors_not_panics() {
    let mut fb = firebreak();
    let why = refused(&mut fb, &REFERENCE.replace("duration: 45m", "duration: 99999999d"));
    assert_eq!(why, format!("line 5: duration \"99999999d\" is longer than {MAX_DURATION_DAYS} days"));
    let why = refused(&mut fb, &REFERENCE.replace("duration: 45m", "duration: 99999999999999999999d"));
    assert!(why.starts_with("line 5: duration") && why.contains("is not a duration"), "{why}");
    let why = refused(&mut fb, &REFERENCE.replace("duration: 45m", "duration: 106751991167300d"));
    assert!(why.starts_with("line 5: duration"), "{why}");
    let last_day = REFERENCE.replace("date: 2025-10-05", "date: 9999-12-31").replace("duration: 45m", "duration: 1d");
    let why = refused(&mut fb, &last_day);
    assert_eq!(why, "line 5: duration \"1d\" ends after the year 9999");
    let why = refused(&mut fb, &REFERENCE.replace("date: 2025-10-05", "date: 0001-01-01"));
    assert!(why.starts_with("line 4: date \"0001-01-01\" is not between 1970 and 9999"), "{why}");
    // 366 days is still a (long) incident.
    let ok = REFERENCE.replace("duration: 45m", &format!("duration: {MAX_DURATION_DAYS}d"));
    assert_eq!(fb.pir_import_yaml(&ok).unwrap(), "INC-001");
}

#[test]
fn oversized_files_and_lists_are_refused_with_what_and_why() {
    let mut fb = firebreak();
    let big = format!("{REFERENCE}\n# {}\n", "x".repeat(1024 * 1024));
    let why = refused(&mut fb, &big);
    assert!(why.starts_with("a review file is 1049") && why.ends_with("at most 1048576 are read"), "{why}");
    // The reference has 5 rows; these make one too many.
    let rows = "  - {time: \"10:00\", event: e}\n".repeat(MAX_TIMELINE_ROWS - 4);
    let text = REFERENCE.replacen("timeline:\n", &format!("timeline:\n{rows}"), 1);
    let why = refused(&mut fb, &text);
    assert_eq!(
        why,
        format!("line 8: timeline has {} entries; a review has at most {MAX_TIMELINE_ROWS}", MAX_TIMELINE_ROWS + 1)
    );
    // Rows made by aliases count too: a few lines cannot expand into millions of rows.
    let bomb = "incident_id: X\nseverity: P1\ndate: 2025-10-05\nduration: 1h\nimpact: i\n\
                a: &a [{time: \"10:00\", event: e}, {time: \"10:00\", event: e}, {time: \"10:00\", event: e}]\n";
    let mut text = bomb.to_string();
    for level in 0..12 {
        let prev = if level == 0 { "a".to_string() } else { format!("l{}", level - 1) };
        text.push_str(&format!("l{level}: &l{level} [*{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    text.push_str("timeline: *l11\nroot_cause: r\ncontributing_factors: []\naction_items: []\nlessons_learned: []\n");
    assert!(!refused(&mut fb, &text).is_empty());
}

#[test]
fn exports_of_an_incident_with_a_hostile_id_stay_in_the_export_folder() {
    // As an older build (one that validated nothing) could have stored it from a synced
    // `declare`: the store and the importer refuse it now.
    let data = tempfile::tempdir().unwrap();
    let mut fb = Firebreak::open_with_secrets(
        data.path(),
        Box::new(FixedClock(now())),
        firebreak_api::secrets::Preference::File,
    )
    .unwrap();
    fb.use_policy("matrix").unwrap();
    let id = firebreak_store::Store::new_incident_id(now());
    let declare = OpPayload::Declare(Declare {
        human_id: "../../../escaped".into(),
        title: "t".into(),
        summary: String::new(),
        severity: "P1".into(),
        services: Vec::new(),
        drill: false,
        detected_at: now(),
        suggested: None,
    });
    let refused = fb.store_mut().commit_planned(now(), "manager", vec![(None, id, declare.clone())]);
    assert!(refused.unwrap_err().to_string().contains("human_id"), "the store refuses it today");
    let op = firebreak_core::op::Op {
        op_id: firebreak_core::ids::OpId(0xbad),
        replica: fb.store().replica_id().unwrap(),
        hlc: firebreak_core::hlc::Hlc { wall_ms: now().timestamp_millis() as u64, counter: 0 },
        author: "manager".into(),
        target: id,
        v: 1,
        payload: declare,
    };
    let db = rusqlite::Connection::open(firebreak_api::system::database_path(data.path())).unwrap();
    db.execute(
        "INSERT INTO ops(op_id, replica, wall_ms, counter, author, target, kind, body) VALUES (?1, ?2, ?3, 0, ?4, ?5, 'declare', ?6)",
        rusqlite::params![op.op_id.to_string(), op.replica.to_string(), op.hlc.wall_ms as i64, op.author, id.to_string(), serde_json::to_string(&op).unwrap()],
    )
    .unwrap();
    drop(db);
    fb.store_mut().rebuild_projections().unwrap();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("a").join("b").join("exports");
    for format in ["md", "yaml", "ics", "pdf"] {
        let path = fb.export_pir_to(&id.to_string(), format.parse().unwrap(), &dir).unwrap();
        assert_eq!(path.parent(), Some(dir.as_path()), "{}", path.display());
        assert_eq!(path.file_name().unwrap().to_str().unwrap(), format!("_.._.._escaped-review.{format}"));
    }
    let outside: Vec<_> = std::fs::read_dir(root.path().join("a")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(outside, vec![std::ffi::OsString::from("b")], "nothing written above the export folder");
    assert!(!root.path().join("escaped-review.md").exists());
    let yaml = std::fs::read_to_string(dir.join("_.._.._escaped-review.yaml")).unwrap();
    assert!(yaml.starts_with("# pir/_.._.._escaped.yaml\n"), "{yaml}");
}

/// Text near the reference file: one span replaced by arbitrary text.
fn mutated() -> impl Strategy<Value = String> {
    (0..REFERENCE.len(), 0..40usize, "\\PC{0,40}|[-:\\[\\]{}&*!|>'\"#\n 0-9dhms]{0,40}").prop_map(|(at, len, with)| {
        let start = (0..=at).rev().find(|i| REFERENCE.is_char_boundary(*i)).unwrap_or(0);
        let end = (start + len).min(REFERENCE.len());
        let end = (end..=REFERENCE.len()).find(|i| REFERENCE.is_char_boundary(*i)).unwrap_or(REFERENCE.len());
        format!("{}{with}{}", &REFERENCE[..start], &REFERENCE[end..])
    })
}

/// Bounded so the suite stays fast in CI (a second or two each); `scripts/fuzz.sh`
/// runs the same entry point under cargo-fuzz for as long as one likes. One instance
/// serves every case (opening one is most of a case's cost); imports that succeed
/// simply update it (about 25 ms each, hence fewer cases for near-valid files).
fn never_panics(cases: u32, strategy: impl Strategy<Value = String>) {
    let fb = std::cell::RefCell::new(firebreak());
    proptest!(ProptestConfig { cases, ..ProptestConfig::default() }, |(text in strategy)| {
        match fb.borrow_mut().pir_import_yaml(&text) {
            Ok(human) => prop_assert!(firebreak_api::pir_io::check_incident_id(&human).is_ok()),
            Err(e) => prop_assert!(!e.message.contains('\n'), "{}", e.message),
        }
    });
}

#[test]
fn arbitrary_text_is_imported_or_refused_on_one_line() {
    never_panics(400, "\\PC{0,300}".prop_map(String::from));
}

#[test]
fn a_mutated_reference_is_imported_or_refused_on_one_line() {
    never_panics(120, mutated());
}

/// The reference's own P1 template under the default policy (SEV1–4): read as SEV1 by
/// rank, with a note on the timeline; the clocks and the review requirement are SEV1's.
#[test]
fn the_reference_p1_template_imports_under_the_default_policy_as_sev1() {
    let mut fb = Firebreak::in_memory(Box::new(FixedClock(now()))).unwrap();
    fb.set_author("manager").unwrap();
    assert_eq!(fb.policy_view().unwrap().source, "preset:protocol");
    assert_eq!(fb.pir_import_yaml(REFERENCE).unwrap(), "INC-001");
    let inc = fb.show("INC-001").unwrap();
    assert_eq!(inc.severity, "SEV1");
    let note = inc.timeline.iter().find(|e| e.text.contains("Severity P1")).expect("a note says how P1 was read");
    assert!(note.text.contains("read as SEV1"), "{}", note.text);
    assert_eq!(note.event_time.to_rfc3339(), "2025-10-05T14:30:00+00:00", "at the incident's start");
    assert!(fb.pir("INC-001").unwrap().required, "SEV1 requires a review");
    // A level neither policy knows is still refused, on one line, nothing written.
    let why = refused(&mut fb, &REFERENCE.replace("severity: P1", "severity: P9"));
    assert!(why.starts_with("line 3: severity \"P9\" is not a level"), "{why}");
}

/// A teammate on the matrix preset sets P2 on an incident this laptop reads under SEV1–4:
/// shown as SEV2 with a note derived on the timeline (nothing is written for it).
#[test]
fn a_synced_level_of_the_other_preset_is_read_by_rank_with_a_note() {
    let mut fb = Firebreak::in_memory(Box::new(FixedClock(now()))).unwrap();
    let inc = fb
        .declare(firebreak_api::dto::DeclareInput {
            title: "api down".into(),
            severity: "SEV1".into(),
            ..Default::default()
        })
        .unwrap();
    let target = inc.id.parse().unwrap();
    let payload = OpPayload::SetSeverity { from: "SEV1".into(), to: "P2".into(), at: now() };
    fb.store_mut().commit(now(), "teammate", target, payload).unwrap();
    let ops = fb.store().all_ops().unwrap().len();
    let shown = fb.show(&inc.id).unwrap();
    assert_eq!(shown.severity, "SEV2");
    let notes: Vec<_> = shown.timeline.iter().filter(|e| e.id.starts_with("policy-note:")).collect();
    assert_eq!(notes.len(), 1, "one note, after the change that named P2");
    assert!(notes[0].text.contains("Severity P2") && notes[0].text.contains("read as SEV2"), "{}", notes[0].text);
    assert_eq!(fb.list().unwrap()[0].severity, "SEV2");
    assert_eq!(fb.store().all_ops().unwrap().len(), ops, "reading wrote nothing");
    // SEV2's respond-by (1 h) runs, not an unknown level's nothing.
    assert!(shown.deadlines.iter().any(|d| d.label.to_lowercase().contains("respond")), "{:?}", shown.deadlines);
}

/// An imported review records no acknowledge or mitigate time (it goes from detected to
/// resolved in one change): they are unknown, not the whole duration; the resolution
/// figure is the file's 45 minutes. The Markdown says "unknown".
#[test]
fn an_imported_review_shows_unknown_times_as_unknown() {
    let mut fb = firebreak();
    fb.pir_import_yaml(REFERENCE).unwrap();
    let p = fb.pir("INC-001").unwrap();
    assert_eq!(p.figures.time_to_acknowledge, None);
    assert_eq!(p.figures.time_to_mitigate, None);
    assert_eq!(p.figures.time_to_resolve, Some(45 * 60));
    let md = fb.pir_markdown("INC-001").unwrap();
    assert!(md.contains("unknown"), "{md}");
    let records = fb.metric_records().unwrap();
    assert_eq!((records[0].acknowledged_at, records[0].mitigated_at), (None, None), "MTTA leaves it out");
    assert!(records[0].resolved_at.is_some());
}
