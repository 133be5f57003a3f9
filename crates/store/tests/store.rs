//! Store behaviour: durability across reopen and kill -9, rebuild from ops, idempotent
//! remote application, lookups.
use chrono::{DateTime, Duration, Utc};
use firebreak_core::incident::Status;
use firebreak_core::op::{Declare, OpPayload};
use firebreak_core::timeline::EntryKind;
use firebreak_store::Store;
use proptest::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-05-04T12:00:00Z").unwrap().with_timezone(&Utc)
}

fn declare(store: &mut Store, title: &str, at: DateTime<Utc>) -> uuid::Uuid {
    store
        .declare(at, "ana", |human_id| Declare {
            human_id,
            title: title.into(),
            summary: String::new(),
            severity: "SEV2".into(),
            services: vec!["api".into()],
            drill: false,
            detected_at: at,
            suggested: None,
        })
        .unwrap()
        .0
}

fn note(store: &mut Store, id: uuid::Uuid, text: &str, at: DateTime<Utc>) {
    store
        .commit(at, "ana", id, OpPayload::AddEntry { kind: EntryKind::Note, at, text: text.into(), decision: None })
        .unwrap();
}

#[test]
fn everything_is_there_after_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firebreak.db");
    let id;
    let replica;
    {
        let mut s = Store::open(&path).unwrap();
        replica = s.replica_id().unwrap();
        id = declare(&mut s, "API down", t0());
        note(&mut s, id, "paged the DBA", t0() + Duration::minutes(1));
        s.commit(t0(), "ana", id, OpPayload::SetStatus { from: Status::Detected, to: Status::Investigating, at: t0() })
            .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.replica_id().unwrap(), replica, "the replica id is stable");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600, "the database (it holds the sync token) is the owner's alone");
        assert_eq!(mode(dir.path()), 0o700);
    }
    let inc = s.find(&format!("inc-{}-1", replica.tag())).unwrap();
    assert_eq!(inc.id, id);
    assert_eq!(inc.title.value, "API down");
    assert_eq!(inc.status.value, Status::Investigating);
    let texts: Vec<&str> = inc.entries().iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, vec!["Declared SEV2: API down", "Status: detected → investigating", "paged the DBA"]);
    assert_eq!(s.outbox_len().unwrap(), 3);
}

#[test]
fn human_ids_count_up_per_replica_and_lookups_explain_misses() {
    let mut s = Store::in_memory().unwrap();
    let tag = s.replica_id().unwrap().tag();
    declare(&mut s, "one", t0());
    declare(&mut s, "two", t0() + Duration::minutes(5));
    let rows = s.list().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].title, "two", "newest first");
    assert_eq!(rows[0].human_id, format!("INC-{tag}-2"));
    assert_eq!(rows[1].human_id, format!("INC-{tag}-1"));
    let err = s.find("INC-NOPE-9").unwrap_err().to_string();
    assert_eq!(err, "no incident \"INC-NOPE-9\" in this data directory");
    let by_prefix = s.find(&rows[0].id.to_string()[..13]).unwrap();
    assert_eq!(by_prefix.title.value, "two");
}

#[test]
fn remote_ops_apply_once_and_another_replica_converges() {
    let mut a = Store::in_memory().unwrap();
    let mut b = Store::in_memory().unwrap();
    let id = declare(&mut a, "db slow", t0());
    note(&mut a, id, "from a", t0());
    let ops = a.all_ops().unwrap();
    assert_eq!(b.apply_remote(&ops, t0()).unwrap().applied, 2);
    assert_eq!(b.apply_remote(&ops, t0()).unwrap().applied, 0, "duplicates are skipped");
    assert_eq!(b.outbox_len().unwrap(), 0, "remote ops are not queued for upload");
    note(&mut b, id, "from b", t0() + Duration::seconds(1));
    a.apply_remote(&b.all_ops().unwrap(), t0()).unwrap();
    let sa = serde_json::to_string(&a.incident(id).unwrap().unwrap()).unwrap();
    let sb = serde_json::to_string(&b.incident(id).unwrap().unwrap()).unwrap();
    assert_eq!(sa, sb);
    assert_eq!(a.incident(id).unwrap().unwrap().timeline.len(), 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// The projections equal a fold of the op log alone, whatever was written.
    #[test]
    fn projections_rebuild_from_the_op_log(steps in prop::collection::vec((0u8..4, 0usize..3, 0i64..500), 1..30)) {
        let mut s = Store::in_memory().unwrap();
        let mut ids = vec![declare(&mut s, "first", t0())];
        for (what, which, secs) in steps {
            let at = t0() + Duration::seconds(secs);
            let id = ids[which % ids.len()];
            match what {
                0 => ids.push(declare(&mut s, "another", at)),
                1 => note(&mut s, id, "n", at),
                2 => { s.commit(at, "bo", id, OpPayload::SetSeverity { from: "SEV2".into(), to: "SEV1".into(), at }).unwrap(); }
                _ => { s.commit(at, "bo", id, OpPayload::EditIncident { title: Some(format!("t{secs}")), summary: None, services: None, impact_started_at: None, detected_at: None }).unwrap(); }
            }
        }
        let before: Vec<String> = ids.iter().map(|i| serde_json::to_string(&s.incident(*i).unwrap().unwrap()).unwrap()).collect();
        s.rebuild_projections().unwrap();
        let after: Vec<String> = ids.iter().map(|i| serde_json::to_string(&s.incident(*i).unwrap().unwrap()).unwrap()).collect();
        prop_assert_eq!(before, after);
    }
}

const CHILD_ENV: &str = "FIREBREAK_CRASH_WRITER_DB";

/// Runs only as the child of `acknowledged_writes_survive_kill_9`: writes notes as fast
/// as it can and prints "ack N" after each commit returned.
#[test]
fn crash_writer_child() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut s = Store::open(std::path::Path::new(&path)).unwrap();
    let id = declare(&mut s, "crash test", t0());
    // libtest prints "test … " without a newline first: start on a fresh line.
    println!("\nincident {id}");
    for n in 0.. {
        note(&mut s, id, &format!("entry {n}"), t0());
        println!("ack {n}");
    }
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_writer_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut incident = None;
    let mut last_ack = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("incident ") {
            incident = Some(uuid::Uuid::parse_str(id).unwrap());
        } else if let Some(n) = line.strip_prefix("ack ") {
            let n: u64 = n.parse().unwrap();
            last_ack = Some(n);
            if n >= 200 {
                break;
            }
        }
    }
    // SIGKILL mid-stream: the child is still writing.
    child.kill().unwrap();
    child.wait().unwrap();
    let last_ack = last_ack.expect("the writer acknowledged writes");
    let s = Store::open(&path).unwrap();
    let inc = s.incident(incident.unwrap()).unwrap().expect("declared incident survives");
    for n in 0..=last_ack {
        let want = format!("entry {n}");
        assert!(inc.timeline.values().any(|e| e.text == want), "acknowledged {want:?} was lost");
    }
    // The log and the projection agree after the crash.
    let ops = s.all_ops().unwrap();
    assert_eq!(ops.len(), inc.timeline.len(), "one entry per op (the declaration included)");
}

fn cached(store: &Store, id: uuid::Uuid) -> Option<String> {
    store.list().unwrap().into_iter().find(|r| r.id == id).unwrap().clock_view
}

/// The clock-view cache: a view is served only at the incident version it was made
/// from, any later op on the incident makes it stale, and it survives a reopen but not a
/// rebuild of the projections (which may fold differently).
#[test]
fn a_clock_view_is_served_at_its_version_only_and_survives_a_reopen_not_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firebreak.db");
    let mut s = Store::open(&path).unwrap();
    let (a, b) = (declare(&mut s, "a", t0()), declare(&mut s, "b", t0()));
    assert_eq!(cached(&s, a), None, "nothing cached yet");
    let rows = s.list().unwrap();
    let version = |id| rows.iter().find(|r| r.id == id).unwrap().last_seq;
    assert!(version(b) > version(a), "each incident's version is its newest op");
    s.save_clock_views(&[(a, version(a), "view of a".into()), (b, version(b), "view of b".into())]).unwrap();
    assert_eq!(cached(&s, a).as_deref(), Some("view of a"));

    note(&mut s, a, "a changed", t0());
    assert_eq!(cached(&s, a), None, "a later op on the incident makes its view stale");
    assert_eq!(cached(&s, b).as_deref(), Some("view of b"), "another incident's view stands");
    // A view saved for an older version is not served either.
    s.save_clock_views(&[(a, version(a), "old view of a".into())]).unwrap();
    assert_eq!(cached(&s, a), None);

    drop(s);
    let mut s = Store::open(&path).unwrap();
    assert_eq!(cached(&s, b).as_deref(), Some("view of b"), "kept across a reopen");
    s.rebuild_projections().unwrap();
    assert_eq!(cached(&s, b), None, "a rebuild empties the cache");
}
