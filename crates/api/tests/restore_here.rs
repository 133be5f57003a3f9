//! The window's restore: over the database this instance holds open, then re-opened.
//! What was declared after the backup is gone, what the backup held reads back, the
//! change cursor names every incident again (the log was replaced, not appended to), and
//! new acts after it are written to the restored record. A refused file changes nothing.
use chrono::{DateTime, Utc};
use firebreak_api::dto::DeclareInput;
use firebreak_api::Firebreak;
use firebreak_core::clock::FixedClock;

fn open(dir: &std::path::Path) -> Firebreak {
    let now: DateTime<Utc> = "2026-11-30T12:00:00Z".parse().unwrap();
    Firebreak::open(dir, Box::new(FixedClock(now))).unwrap()
}

fn declare(fb: &mut Firebreak, title: &str) -> String {
    fb.declare(DeclareInput { title: title.into(), severity: "SEV2".into(), ..Default::default() }).unwrap().id
}

fn titles(fb: &Firebreak) -> Vec<String> {
    let mut t: Vec<String> = fb.list().unwrap().into_iter().map(|i| i.title).collect();
    t.sort();
    t
}

#[test]
fn restoring_over_the_open_database_reopens_it_and_a_refused_file_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let mut fb = open(data.path());
    declare(&mut fb, "kept");
    let backup = files.path().join("b.db");
    fb.backup_to(&backup).unwrap();
    declare(&mut fb, "after the backup");
    declare(&mut fb, "also after");
    let cursor = fb.change_cursor().unwrap();

    let bad = files.path().join("not-a-backup.db");
    std::fs::write(&bad, b"hello").unwrap();
    let err = fb.restore_here(&bad).unwrap_err();
    assert_eq!(err.message.lines().count(), 1, "{}", err.message);
    assert_eq!(titles(&fb), ["after the backup", "also after", "kept"], "a refused file changes nothing");

    let report = fb.restore_here(&backup).unwrap();
    assert_eq!(report.ops, 1, "{report:?}");
    assert_eq!(titles(&fb), ["kept"]);
    let (_, named) = fb.incidents_changed_since(cursor).unwrap();
    assert_eq!(named.len(), 1, "the replaced log names its incidents again");

    // Acts after the restore go into the restored record, and another process sees them.
    declare(&mut fb, "new");
    drop(fb);
    assert_eq!(titles(&open(data.path())), ["kept", "new"]);
}
