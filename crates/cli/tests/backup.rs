//! `firebreak backup` and `firebreak restore` through the real binary: a backup taken while
//! another process keeps committing restores to a database that opens and holds every op
//! committed before the backup started; files that are not this laptop's Firebreak
//! record are refused with one line and leave the current database byte for byte as it was.
use firebreak_store::Store;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

mod common;
const CLI: common::Cli = common::Cli { now: "2026-11-23T15:00:00Z", user: "tester" };

fn db(dir: &Path) -> PathBuf {
    dir.join("firebreak.db")
}

/// The op ids in a data directory's log, read as another process would.
fn op_ids(dir: &Path) -> BTreeSet<String> {
    let store = Store::open(&db(dir)).unwrap();
    store.all_ops().unwrap().iter().map(|op| op.op_id.to_string()).collect()
}

fn declare(dir: &Path) -> String {
    CLI.ok(dir, &["incident", "declare", "--title", "Checkout failing", "--severity", "SEV2"]).trim().to_string()
}

/// A shell loop adding timeline notes through `firebreak` until `stop` exists.
struct Writer {
    child: Child,
    stop: PathBuf,
}

impl Writer {
    fn start(dir: &Path, incident: &str) -> Writer {
        let stop = dir.with_extension("stop");
        let script = "i=0; while [ ! -e \"$STOP\" ]; do \"$FB\" timeline add \"$INC\" --kind note --text \"note $i\" \
                      >/dev/null || exit 1; i=$((i+1)); done";
        let child = Command::new("sh")
            .args(["-c", script])
            .env("FB", env!("CARGO_BIN_EXE_firebreak"))
            .env("INC", incident)
            .env("STOP", &stop)
            .env("FIREBREAK_DATA_DIR", dir)
            .env("FIREBREAK_NOW", CLI.now)
            .env("USER", CLI.user)
            .spawn()
            .unwrap();
        Writer { child, stop }
    }

    fn finish(mut self) {
        std::fs::write(&self.stop, b"").unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the writer failed");
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.stop, b"");
        let _ = self.child.wait();
    }
}

fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_backup_taken_while_another_process_writes_restores_every_op_committed_before_it() {
    let t = tempfile::tempdir().unwrap();
    let (live, fresh) = (t.path().join("live"), t.path().join("fresh"));
    let incident = declare(&live);
    let writer = Writer::start(&live, &incident);
    wait_for("the writer's first notes", || op_ids(&live).len() >= 6);

    let before = op_ids(&live);
    let file = t.path().join("laptop.fbk");
    let out = CLI.ok(&live, &["backup", "-o", file.to_str().unwrap()]);
    assert!(out.contains("the team server token is not in the backup"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let in_backup = {
        let probe = t.path().join("probe");
        std::fs::create_dir(&probe).unwrap();
        std::fs::copy(&file, db(&probe)).unwrap();
        op_ids(&probe)
    };
    // The writer went on writing during and after the backup.
    wait_for("notes written after the backup", || op_ids(&live).len() > in_backup.len());
    writer.finish();
    assert!(before.is_subset(&in_backup), "every op committed before the backup started is in it");

    // Restored into an empty data directory (a laptop replacing this one).
    let said = CLI.ok(&fresh, &["restore", file.to_str().unwrap()]);
    assert!(said.contains(&format!("restored {} ops", in_backup.len())), "{said}");
    assert!(said.contains("now continues as replica"), "{said}");
    assert_eq!(op_ids(&fresh), in_backup);
    let shown = CLI.json(&fresh, &["incident", "show", &incident]);
    assert_eq!(shown["title"], "Checkout failing");
    let notes = shown["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "note").count();
    assert_eq!(notes, in_backup.len() - 1, "the timeline shows every restored note");

    // Restored onto this laptop: its replica and its incident counter are kept, so the
    // next declaration does not reuse a human id issued after the backup.
    let later = declare(&live);
    let said = CLI.ok(&live, &["restore", file.to_str().unwrap()]);
    assert!(said.contains("this laptop keeps its replica"), "{said}");
    assert_eq!(op_ids(&live), in_backup, "ops made after the backup are gone from this laptop");
    let next = declare(&live);
    assert_ne!(next, later, "the counter did not go back");
    assert!(next.ends_with("-3"), "{next} follows {later}");
}

/// Refused with exactly one line naming the file and the reason; the current database's
/// bytes are unchanged and no temporary file is left in the data directory.
fn refused(dir: &Path, file: &Path, why: &str) {
    let before = std::fs::read(db(dir)).unwrap();
    let listing = |d: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
        v.sort();
        v
    };
    let files = listing(dir);
    let o = CLI.run(dir, &["restore", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{} should be refused", file.display());
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: ") && err.contains(why), "{err}");
    assert_eq!(std::fs::read(db(dir)).unwrap(), before, "the current database is untouched");
    assert_eq!(listing(dir), files, "nothing left behind");
}

#[test]
fn restore_refuses_what_is_not_this_laptops_firebreak_record_and_touches_nothing() {
    let t = tempfile::tempdir().unwrap();
    let live = t.path().join("live");
    let incident = declare(&live);
    CLI.ok(&live, &["timeline", "add", &incident, "--kind", "note", "--text", "still here"]);

    let random = t.path().join("random.db");
    let noise: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&random, &noise).unwrap();
    refused(&live, &random, "not a Firebreak backup: it is not an SQLite database");

    // An SQLite header followed by garbage.
    let damaged = t.path().join("damaged.db");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend_from_slice(&noise);
    std::fs::write(&damaged, bytes).unwrap();
    refused(&live, &damaged, "not a Firebreak backup");

    let foreign = t.path().join("foreign.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT); PRAGMA user_version = 3;")
        .unwrap();
    refused(&live, &foreign, "an SQLite database without Firebreak's tables");

    let newer = t.path().join("newer.db");
    CLI.ok(&live, &["backup", "-o", newer.to_str().unwrap()]);
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 999).unwrap();
    refused(&live, &newer, "written by a newer Firebreak (schema 999");

    let empty = t.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    refused(&live, &empty, "not an SQLite database");

    // Another laptop's backup onto a laptop with changes of its own.
    let other = t.path().join("other");
    declare(&other);
    let theirs = t.path().join("theirs.db");
    CLI.ok(&other, &["backup", "-o", theirs.to_str().unwrap()]);
    refused(&live, &theirs, "is a backup of another laptop");

    let o = CLI.run(&live, &["restore", t.path().join("missing.db").to_str().unwrap()]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("is not a file"));
    let shown = CLI.json(&live, &["incident", "show", &incident]);
    assert!(shown.to_string().contains("still here"));
}

#[test]
fn a_backup_to_an_unwritable_place_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let live = t.path().join("live");
    declare(&live);
    let target = t.path().join("no-such-folder").join("b.db");
    let o = CLI.run(&live, &["backup", "-o", target.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("cannot write in"), "{err}");
    assert!(!target.exists());
    let o = CLI.run(&live, &["backup", "-o", t.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a folder"));
}

#[test]
fn version_is_the_workspace_version() {
    let o = Command::new(env!("CARGO_BIN_EXE_firebreak")).arg("--version").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), format!("firebreak {}", env!("CARGO_PKG_VERSION")));
}
