//! The cost of an op does not grow with its incident: counted in rows changed and in
//! bytes of projection rewritten, not in time.
use super::*;
use serde_json::json;

fn t(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_700_000_000_000 + ms).unwrap()
}

fn note(text: &str) -> OpPayload {
    serde_json::from_value(json!({"type": "add_entry", "kind": "note", "at": t(0), "text": text})).unwrap()
}

fn declare(store: &mut Store) -> IncidentId {
    let d = |human_id: String| Declare {
        human_id,
        title: "Checkout failing".into(),
        summary: "5xx".into(),
        severity: "SEV2".into(),
        services: vec!["api".into()],
        drill: false,
        detected_at: t(0),
        suggested: None,
    };
    store.declare(t(0), "ana", d).unwrap().0
}

fn pin(entry: OpId, pinned: bool) -> OpPayload {
    OpPayload::PinEntry { entry, pinned }
}

/// (rows changed, bytes of the incident's head) for one more note on an incident that
/// already has `entries` notes, each a pinned key event (as an imported review's are).
fn cost_of_a_note(entries: usize) -> (u64, usize) {
    let mut s = Store::in_memory().unwrap();
    let id = declare(&mut s);
    let mut ops: Vec<(Option<OpId>, IncidentId, OpPayload)> = Vec::new();
    for i in 0..entries {
        let entry = Store::new_op_id();
        ops.push((Some(entry), id, note(&format!("entry {i}"))));
        ops.push((None, id, pin(entry, true)));
    }
    s.commit_planned(t(1), "ana", ops).unwrap();
    let before = s.conn.total_changes();
    s.commit(t(2), "ana", id, note("one more")).unwrap();
    let changed = s.conn.total_changes() - before;
    let head: usize =
        s.conn.query_row("SELECT length(state) FROM incidents WHERE id = ?1", [id.to_string()], |r| r.get(0)).unwrap();
    assert_eq!(s.incident(id).unwrap().unwrap().timeline.len(), entries + 2, "every entry is still there");
    (changed, head)
}

#[test]
fn a_note_costs_the_same_on_an_empty_incident_and_on_one_with_two_thousand_entries() {
    let small = cost_of_a_note(0);
    let big = cost_of_a_note(2_000);
    assert_eq!(small.0, big.0, "rows changed per op");
    assert_eq!(small.0, 2, "op log, timeline row: no outbox row, clock or incident head is written");
    assert_eq!(small.1, big.1, "the rewritten head carries neither the timeline nor the pins");
}

#[test]
fn a_pin_merges_with_the_stored_register_and_rebuilds_to_the_same_state() {
    let mut s = Store::in_memory().unwrap();
    let id = declare(&mut s);
    let a = s.commit(t(1), "ana", id, note("failover done")).unwrap();
    let b = s.commit(t(2), "ana", id, note("cache warmed")).unwrap();
    s.commit(t(3), "ana", id, pin(a.op_id, true)).unwrap();
    s.commit(t(4), "ana", id, pin(b.op_id, true)).unwrap();
    s.commit(t(5), "bo", id, pin(a.op_id, false)).unwrap();
    // An older unpin arriving late loses to the newer pin of b (last writer wins).
    let mut late = s.commit(t(6), "bo", id, note("x")).unwrap();
    late.op_id = Store::new_op_id();
    late.hlc = Hlc { wall_ms: 1, counter: 0 };
    late.payload = pin(b.op_id, false);
    s.apply_remote(&[late], t(7)).unwrap();
    let inc = s.incident(id).unwrap().unwrap();
    assert!(!inc.response.is_pinned(a.op_id), "unpinned by the later op");
    assert!(inc.response.is_pinned(b.op_id), "the late, older unpin lost");
    let rows: i64 = s.conn.query_row("SELECT count(*) FROM pin_rows", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 2, "one row per pinned entry");
    s.rebuild_projections().unwrap();
    assert_eq!(s.incident(id).unwrap().unwrap(), inc, "the rebuild gives the same incident");
}

#[test]
fn rebuilt_projections_equal_incremental_ones_including_revisions() {
    let mut s = Store::in_memory().unwrap();
    let id = declare(&mut s);
    let a = s.commit(t(1), "ana", id, note("first")).unwrap();
    let revise = |text: &str| -> OpPayload {
        serde_json::from_value(json!({"type": "revise_entry", "entry": a.op_id.to_string(), "text": text})).unwrap()
    };
    s.commit(t(2), "bo", id, revise("first, corrected")).unwrap();
    s.commit(t(3), "ana", id, revise("first, corrected again")).unwrap();
    let before = s.incident(id).unwrap().unwrap();
    assert_eq!(before.current_text(&before.timeline[&a.op_id]), "first, corrected again");
    s.rebuild_projections().unwrap();
    assert_eq!(s.incident(id).unwrap().unwrap(), before);
    let folded = Incident::from_ops(id, &s.all_ops().unwrap());
    assert_eq!(folded, before, "the projection is exactly the fold of the log");
}

#[test]
fn a_database_with_whole_incident_projections_is_rebuilt_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fb.db");
    let id = {
        let mut s = Store::open(&path).unwrap();
        let id = declare(&mut s);
        s.commit(t(1), "ana", id, note("kept")).unwrap();
        // As an older layout left it: no rows, the timeline inside the state.
        let whole = serde_json::to_string(&Incident::from_ops(id, &s.all_ops().unwrap())).unwrap();
        s.conn.execute_batch("DELETE FROM timeline_rows; DELETE FROM meta WHERE key = 'projection_format';").unwrap();
        s.conn.execute("UPDATE incidents SET state = ?1", [whole]).unwrap();
        id
    };
    let s = Store::open(&path).unwrap();
    assert_eq!(s.incident(id).unwrap().unwrap().timeline.len(), 2);
    let rows: i64 = s.conn.query_row("SELECT count(*) FROM timeline_rows", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 2);
}

/// The pages each of `notes` more notes writes (WAL frames, each synced before its commit
/// returns) on an incident of `entries` notes.
fn pages_per_note(entries: usize, notes: usize) -> Vec<u64> {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("fb.db")).unwrap();
    let id = declare(&mut s);
    s.commit_all(t(1), "ana", (0..entries).map(|i| (id, note(&format!("entry {i}")))).collect()).unwrap();
    s.conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    s.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    let wal = dir.path().join("fb.db-wal");
    let frames = || std::fs::metadata(&wal).map_or(0, |m| m.len().saturating_sub(32) / (4096 + 24));
    let mut pages = Vec::new();
    for i in 0..notes {
        let before = frames();
        s.commit(t(2), "ana", id, note(&format!("one more {i}"))).unwrap();
        pages.push(frames() - before);
    }
    pages
}

#[test]
fn a_note_writes_three_pages_whatever_the_size_of_its_incident() {
    for entries in [0, 3_000] {
        let mut pages = pages_per_note(entries, 200);
        let mean = pages.iter().sum::<u64>() as f64 / pages.len() as f64;
        pages.sort_unstable();
        // Most notes write the op log's page and its op id index's, and the timeline's;
        // now and then a page fills and the tree grows a page.
        assert_eq!(pages[pages.len() / 2], 3, "the usual note, on an incident of {entries} entries: {pages:?}");
        // The timeline rows are keyed by the op's number in the log, so they grow at one
        // end (with an outbox row, and both keyed by the random op id: 7.1 on 3,000 entries).
        assert!(mean < 5.5, "{mean} pages per note on average, on an incident of {entries} entries");
    }
}

fn ms(at: DateTime<Utc>) -> u64 {
    at.timestamp_millis() as u64
}

/// Local stamps keep increasing although a local op does not write the clock: past ops
/// from elsewhere stamped earlier and later, a wall clock that went back, and a reopen.
#[test]
fn the_clock_follows_the_newest_op_and_what_was_taken_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fb.db");
    let mut s = Store::open(&path).unwrap();
    let id = declare(&mut s);
    let a = s.commit(t(10), "ana", id, note("a")).unwrap();
    let from_elsewhere = |wall_ms: u64, counter: u32| {
        let mut op = a.clone();
        op.op_id = Store::new_op_id();
        op.replica = ReplicaId(7);
        op.hlc = Hlc { wall_ms, counter };
        op
    };
    // Taken in last, so the newest op in the log, but stamped before `a`.
    s.apply_remote(&[from_elsewhere(ms(t(1)), 0)], t(10)).unwrap();
    let b = s.commit(t(5), "ana", id, note("b")).unwrap();
    assert!(b.hlc > a.hlc, "{:?} after {:?}", b.hlc, a.hlc);
    let later = from_elsewhere(ms(t(50_000)), 3);
    s.apply_remote(std::slice::from_ref(&later), t(10)).unwrap();
    let c = s.commit(t(11), "ana", id, note("c")).unwrap();
    assert!(c.hlc > later.hlc, "{:?} after {:?}", c.hlc, later.hlc);
    drop(s);
    let mut s = Store::open(&path).unwrap();
    let d = s.commit(t(0), "ana", id, note("d")).unwrap();
    assert_eq!(d.hlc, Hlc { wall_ms: c.hlc.wall_ms, counter: c.hlc.counter + 1 }, "read from the log after a reopen");
    let saved: String = s.conn.query_row("SELECT value FROM meta WHERE key = ?1", [META_HLC], |r| r.get(0)).unwrap();
    assert_eq!(serde_json::from_str::<HlcState>(&saved).unwrap().last, later.hlc, "saved only when taking ops in");
}

/// A clock state pushed far ahead (as an older version could leave it) starts again from
/// the wall clock once; the new start is saved, so the next op follows it.
#[test]
fn a_clock_pushed_far_ahead_starts_again_once() {
    let mut s = Store::in_memory().unwrap();
    let id = declare(&mut s);
    let far = HlcState { last: Hlc { wall_ms: ms(t(0)) + 30 * 24 * 3_600_000, counter: 0 } };
    s.conn
        .execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![META_HLC, serde_json::to_string(&far).unwrap()],
        )
        .unwrap();
    let a = s.commit(t(1), "ana", id, note("a")).unwrap();
    assert_eq!(a.hlc, Hlc { wall_ms: ms(t(1)), counter: 1 }, "started again");
    let b = s.commit(t(1), "ana", id, note("b")).unwrap();
    assert_eq!(b.hlc, Hlc { wall_ms: ms(t(1)), counter: 2 }, "and went on from there");
}
