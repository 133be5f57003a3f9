//! An append through the api costs the same on any incident: it reads no incident
//! (only its id) and returns only the new entry. Counted (incidents read, bytes
//! returned), not timed.
use chrono::{DateTime, Utc};
use firebreak_api::dto::{DeclareInput, EntryInput};
use firebreak_api::Firebreak;
use firebreak_core::clock::SteppingClock;
use firebreak_core::timeline::EntryKind;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T14:30:00Z").unwrap().with_timezone(&Utc)
}

fn note(fb: &mut Firebreak, incident: &str, text: &str) -> firebreak_api::dto::EntryAdded {
    let input = EntryInput { incident: incident.into(), kind: EntryKind::Note, text: text.into(), at: None };
    fb.add_entry(input).unwrap()
}

/// (incidents read, bytes of the answer) for one more note on an incident of `entries`.
fn cost_of_a_note(entries: usize) -> (u64, usize) {
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = Firebreak::in_memory(Box::new(clock)).unwrap();
    let inc = fb.declare(DeclareInput { title: "api down".into(), severity: "SEV2".into(), ..Default::default() });
    let human = inc.unwrap().human_id;
    for i in 0..entries {
        note(&mut fb, &human, &format!("entry {i:05}"));
    }
    let before = fb.store().incidents_read();
    let added = note(&mut fb, &human, "the replica caught up");
    let read = fb.store().incidents_read() - before;
    assert_eq!(added.human_id, human);
    assert_eq!(added.entry.text, "the replica caught up");
    assert_eq!(added.entry.kind, EntryKind::Note);
    // Control: the counter counts, and the entry is on the incident's timeline.
    let shown = fb.show(&human).unwrap();
    assert!(fb.store().incidents_read() > before + read, "showing the incident reads it");
    assert_eq!(shown.timeline.len(), entries + 2, "the declaration, the notes and this one");
    assert!(shown.timeline.iter().any(|e| e.id == added.entry.id && e.text == added.entry.text));
    (read, serde_json::to_string(&added).unwrap().len())
}

#[test]
fn a_note_reads_nothing_and_answers_the_same_on_a_small_and_a_large_incident() {
    let small = cost_of_a_note(0);
    let large = cost_of_a_note(1_500);
    assert_eq!(small.0, 0, "an append reads no incident");
    assert_eq!(large.0, 0, "not even a large one");
    assert_eq!(small.1, large.1, "the answer is the new entry only");
}

#[test]
fn an_append_to_an_unknown_incident_or_of_a_program_kind_is_refused_and_writes_nothing() {
    let mut fb = Firebreak::in_memory(Box::new(Arc::new(SteppingClock::new(t0())))).unwrap();
    let human = fb
        .declare(DeclareInput { title: "api down".into(), severity: "SEV2".into(), ..Default::default() })
        .unwrap()
        .human_id;
    let cursor = fb.change_cursor().unwrap();
    let unknown = EntryInput { incident: "INC-404".into(), kind: EntryKind::Note, text: "x".into(), at: None };
    assert!(fb.add_entry(unknown).unwrap_err().message.contains("INC-404"));
    let automatic = EntryInput { incident: human.clone(), kind: EntryKind::StatusChange, text: "x".into(), at: None };
    assert!(fb.add_entry(automatic).unwrap_err().message.contains("written by the program"));
    let empty = EntryInput { incident: human, kind: EntryKind::Note, text: "  ".into(), at: None };
    assert!(fb.add_entry(empty).unwrap_err().message.contains("empty"));
    assert_eq!(fb.incidents_changed_since(cursor).unwrap().1, Vec::<String>::new(), "nothing written");
}
