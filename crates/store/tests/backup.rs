//! Restoring under an open connection (the window keeps running): the restore is one
//! write transaction on the live database, so the open connection simply reads the
//! restored record and goes on writing into it; the laptop's counter and clock never
//! go back, and where its secrets are kept is this laptop's, not the backup's.
use chrono::{DateTime, Duration, Utc};
use firebreak_core::op::Declare;
use firebreak_store::{backup, Store};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-05-04T12:00:00Z").unwrap().with_timezone(&Utc)
}

fn declare(store: &mut Store, title: &str, at: DateTime<Utc>) -> String {
    let (id, _) = store
        .declare(at, "ana", |human_id| Declare {
            human_id,
            title: title.into(),
            summary: String::new(),
            severity: "SEV2".into(),
            services: vec![],
            drill: false,
            detected_at: at,
            suggested: None,
        })
        .unwrap();
    store.list().unwrap().into_iter().find(|r| r.id == id).unwrap().human_id
}

fn titles(store: &Store) -> Vec<String> {
    let mut v: Vec<String> = store.list().unwrap().into_iter().map(|r| r.title).collect();
    v.sort();
    v
}

#[test]
fn a_window_with_the_database_open_reads_the_restored_record_and_keeps_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firebreak.db");
    let mut window = Store::open(&path).unwrap();
    let first = declare(&mut window, "before the backup", t0());
    window.set_setting("secret.where.sync-token", "file").unwrap();
    let file = dir.path().join("b.db");
    window.backup_to(&file).unwrap();
    let second = declare(&mut window, "after the backup", t0() + Duration::minutes(1));
    window.set_setting("secret.where.sync-token", "keyring").unwrap();
    assert_eq!(titles(&window), ["after the backup", "before the backup"]);

    let done = backup::restore(&path, &file).unwrap();
    assert!(!done.adopted);
    assert_eq!(done.replica, window.replica_id().unwrap());
    assert_eq!(done.ops, 1);
    // The open connection sees the restored record at its next read.
    assert_eq!(titles(&window), ["before the backup"]);
    assert_eq!(window.setting("secret.where.sync-token").unwrap().as_deref(), Some("keyring"));
    let third = declare(&mut window, "after the restore", t0() + Duration::minutes(2));
    assert!(first.ends_with("-1") && second.ends_with("-2"), "{first} {second}");
    assert!(third.ends_with("-3"), "the counter stays past {second}: {third}");
    let stamps: Vec<_> = window.all_ops().unwrap().iter().map(|o| o.hlc).collect();
    assert!(stamps[1] > stamps[0], "the clock did not go back");
    drop(window);
    // Nothing of the restore is left in the data directory.
    let mut left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, ["b.db", "firebreak.db"]);
}

#[test]
fn a_backup_is_a_single_file_without_the_bytes_of_deleted_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firebreak.db");
    let mut store = Store::open(&path).unwrap();
    declare(&mut store, "kept", t0());
    store.set_setting("scratch", &"gone-gone-gone ".repeat(400)).unwrap();
    store.delete_setting("scratch").unwrap();
    // The live files still hold the deleted text (in the WAL or in free pages) ...
    let mut live = std::fs::read(&path).unwrap();
    live.extend(std::fs::read(dir.path().join("firebreak.db-wal")).unwrap_or_default());
    assert!(live.windows(14).any(|w| w == b"gone-gone-gone"), "the control: deleted bytes linger in the live files");
    // ... the backup does not.
    let file = dir.path().join("b.db");
    let bytes = store.backup_to(&file).unwrap();
    let data = std::fs::read(&file).unwrap();
    assert_eq!(data.len() as u64, bytes);
    assert!(!data.windows(14).any(|w| w == b"gone-gone-gone"), "free pages are not copied");
    let copy = Store::open(&file).unwrap();
    assert_eq!(titles(&copy), ["kept"]);
}
