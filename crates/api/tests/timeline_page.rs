//! The timeline a page at a time: pages laid end to end are the whole timeline (newest
//! first, derived policy notes in place), every filter gives what filtering the whole
//! timeline gives, and a paged detail reads no whole incident once its clock view is
//! cached. Counted and compared, not timed.
use chrono::{DateTime, Duration, Utc};
use firebreak_api::dto::*;
use firebreak_api::timeline_page::TimelineQuery;
use firebreak_api::Firebreak;
use firebreak_core::clock::SteppingClock;
use firebreak_core::op::OpPayload;
use firebreak_core::timeline::EntryKind;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T14:30:00Z").unwrap().with_timezone(&Utc)
}

fn add(fb: &mut Firebreak, incident: &str, kind: EntryKind, text: &str, at: Option<DateTime<Utc>>) -> String {
    let input = EntryInput { incident: incident.into(), kind, text: text.into(), at: at.map(|t| t.to_rfc3339()) };
    fb.add_entry(input).unwrap().entry.id
}

/// An incident of `notes` notes (some back-dated, so recording and event order differ),
/// decisions, corrections, pins, a status update and a teammate's level of another preset.
fn incident(notes: usize) -> (Firebreak, String) {
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = Firebreak::in_memory(Box::new(clock.clone())).unwrap();
    let inc = fb
        .declare(DeclareInput { title: "replica lag".into(), severity: "SEV1".into(), ..Default::default() })
        .unwrap();
    let id = inc.human_id.clone();
    let mut ids = Vec::new();
    for i in 0..notes {
        clock.advance(Duration::seconds(7));
        let back = (i % 5 == 0).then(|| t0() + Duration::seconds(i as i64));
        let kind = if i % 50 == 7 { EntryKind::Decision } else { EntryKind::Note };
        ids.push(add(&mut fb, &id, kind, &format!("Step {i}. Checked shard {}", i % 97), back));
    }
    add(&mut fb, &id, EntryKind::Note, "Ünïcode café note", None);
    fb.revise_entry(ReviseInput {
        incident: id.clone(),
        entry: ids[3].clone(),
        text: "Step 3. Corrected: shard 3 was fine".into(),
    })
    .unwrap();
    fb.pin_entry(PinInput { incident: id.clone(), entry: ids[10].clone(), pinned: true }).unwrap();
    let comms = CommsInput {
        incident: id.clone(),
        text: "Replicas are lagging.".into(),
        at: None,
        post: false,
        template: None,
    };
    fb.comms_sent(comms).unwrap();
    let target = inc.id.parse().unwrap();
    let payload = OpPayload::SetSeverity { from: "SEV1".into(), to: "P2".into(), at: t0() + Duration::minutes(1) };
    fb.store_mut().commit(t0(), "teammate", target, payload).unwrap();
    (fb, id)
}

fn pages(fb: &Firebreak, id: &str, kind: &str, text: &str, size: u32) -> (Vec<EntryView>, u32) {
    let mut out = Vec::new();
    loop {
        let q = TimelineQuery {
            incident: id.into(),
            offset: out.len() as u32,
            limit: size,
            kind: kind.into(),
            text: text.into(),
        };
        let page = fb.timeline_page(&q).unwrap();
        assert_eq!(page.offset as usize, out.len());
        if page.entries.is_empty() {
            return (out, page.total);
        }
        out.extend(page.entries);
    }
}

/// The window's own filter, applied to the whole timeline (newest first).
fn filtered(whole: &[EntryView], kind: &str, text: &str) -> Vec<EntryView> {
    let q = text.trim().to_lowercase();
    whole
        .iter()
        .rev()
        .filter(|e| kind.is_empty() || serde_json::to_value(e.kind).unwrap() == kind)
        .filter(|e| q.is_empty() || format!("{} {}", e.text, e.author).to_lowercase().contains(&q))
        .cloned()
        .collect()
}

#[test]
fn pages_end_to_end_are_the_whole_timeline_for_every_filter() {
    let (fb, id) = incident(600);
    let whole = fb.show(&id).unwrap().timeline;
    assert!(whole.iter().any(|e| e.id.starts_with("policy-note:")), "the derived note is there");
    let cases = [
        ("", ""),
        ("decision", ""),
        ("", "shard 4"),
        ("", "STEP 12."),
        ("note", "shard 9"),
        ("", "café"),
        ("", "ÜNÏCODE"),
        ("", "corrected: shard 3"),
        ("", "Step 3. Checked"),
        ("", "read as sev2"),
        ("", "ana"),
        ("", "nothing matches this"),
    ];
    for (kind, text) in cases {
        let want = filtered(&whole, kind, text);
        for size in [1_000, 137] {
            let (got, total) = pages(&fb, &id, kind, text, size);
            assert_eq!(total as usize, want.len(), "total for {kind:?} {text:?}");
            assert_eq!(got, want, "entries for {kind:?} {text:?} in pages of {size}");
        }
    }
    // The corrected entry is found by its current text only.
    assert_eq!(filtered(&whole, "", "Step 3. Checked").len(), 0);
    assert_eq!(filtered(&whole, "", "corrected: shard 3").len(), 1);
    let bad = TimelineQuery { incident: id, offset: 0, limit: 10, kind: "gossip".into(), text: String::new() };
    assert!(fb.timeline_page(&bad).unwrap_err().message.contains("\"gossip\" is not an entry kind"));
}

#[test]
fn a_paged_detail_carries_the_newest_entries_and_reads_no_whole_incident() {
    let (mut fb, id) = incident(400);
    let whole = fb.show(&id).unwrap();
    fb.page_timelines(100);
    let paged = fb.show(&id).unwrap();
    assert_eq!(paged.timeline_total as usize, whole.timeline.len());
    assert_eq!(paged.timeline, whole.timeline[whole.timeline.len() - 100..].to_vec(), "the newest 100, oldest first");
    assert_eq!(paged.updates_sent, 1);
    assert_eq!(whole.updates_sent, 1);
    let mut rest = whole.clone();
    rest.timeline = paged.timeline.clone();
    rest.timeline_total = paged.timeline_total;
    assert_eq!(paged, rest, "everything but the timeline is the whole incident's");
    // Cached now: showing it again, and reading a page deep in it, reads no whole incident.
    let before = fb.store().incidents_read();
    fb.show(&id).unwrap();
    let q = TimelineQuery { incident: id.clone(), offset: 300, limit: 50, kind: String::new(), text: "shard".into() };
    assert_eq!(fb.timeline_page(&q).unwrap().entries.len(), 50);
    assert_eq!(fb.store().incidents_read(), before, "no whole incident read");
    // A change made in the window answers with a paged detail too.
    let shown = fb
        .set_status(StatusInput { incident: id, status: firebreak_core::incident::Status::Acknowledged, at: None })
        .unwrap();
    assert_eq!(shown.timeline.len(), 100);
    assert_eq!(shown.timeline_total, paged.timeline_total + 1);
}
