//! The outbound queue's bookkeeping: claims with leases (two senders never hold one
//! message; a crashed sender's claim runs out), backoff, giving up and retrying, one
//! message per action item, and erasing an address older versions stored.
use chrono::{DateTime, Duration, Utc};
use firebreak_core::op::{Declare, OpPayload};
use firebreak_core::timeline::EntryKind;
use firebreak_store::{Attempt, NewOutbound, OutboundState, Store};

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-05-04T12:00:00Z").unwrap().with_timezone(&Utc)
}

fn declare(store: &mut Store) -> uuid::Uuid {
    let at = t0();
    store
        .declare(at, "ana", |human_id| Declare {
            human_id,
            title: "API down".into(),
            summary: String::new(),
            severity: "SEV2".into(),
            services: vec![],
            drill: false,
            detected_at: at,
            suggested: None,
        })
        .unwrap()
        .0
}

fn queue(store: &mut Store, id: uuid::Uuid, msgs: &[NewOutbound<'_>]) {
    let note = OpPayload::AddEntry { kind: EntryKind::Note, at: t0(), text: "queued".into(), decision: None };
    store.commit_with_outbounds(t0(), "ana", id, note, msgs).unwrap();
}

fn webhook(body: &str) -> NewOutbound<'_> {
    NewOutbound { kind: "webhook", url: "", body, item_key: None }
}

const LEASE: i64 = 60;

fn claim(store: &mut Store, who: &str, at: DateTime<Utc>, due_only: bool) -> Option<i64> {
    store.claim_outbound(who, at, Duration::seconds(LEASE), 0, due_only).unwrap().map(|m| m.id)
}

#[test]
fn a_claimed_message_is_not_claimed_again_until_its_lease_runs_out() {
    let mut s = Store::in_memory().unwrap();
    let id = declare(&mut s);
    queue(&mut s, id, &[webhook("{\"text\":\"one\"}")]);
    let first = claim(&mut s, "window", t0(), true).expect("free at first");
    assert_eq!(claim(&mut s, "cli", t0() + Duration::seconds(LEASE - 1), true), None, "held by the window");
    // The window crashed mid-send: its lease runs out and the CLI takes the message.
    assert_eq!(claim(&mut s, "cli", t0() + Duration::seconds(LEASE), true), Some(first));
    // The window's late report does not touch what the CLI now holds.
    let late = Attempt::Retry { error: "late", retry_at: t0() + Duration::hours(1), rejected: true };
    s.finish_outbound(first, "window", t0(), &late).unwrap();
    let m = s.outbound(first).unwrap().unwrap();
    assert_eq!((m.attempts, m.rejections, m.last_error), (0, 0, None), "a stale claim records nothing");
    s.finish_outbound(first, "cli", t0(), &Attempt::Sent { result_url: None }).unwrap();
    let m = s.outbound(first).unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (OutboundState::Sent, 1));
    assert_eq!(claim(&mut s, "cli", t0() + Duration::days(1), false), None, "a sent message is never claimed");
    assert_eq!(s.outbound_waiting().unwrap(), 0);
}

#[test]
fn a_failed_attempt_waits_for_its_backoff_unless_a_person_flushes() {
    let mut s = Store::in_memory().unwrap();
    let id = declare(&mut s);
    queue(&mut s, id, &[webhook("{}")]);
    let m = claim(&mut s, "a", t0(), true).unwrap();
    let retry_at = t0() + Duration::minutes(5);
    s.finish_outbound(m, "a", t0(), &Attempt::Retry { error: "HTTP 503", retry_at, rejected: false }).unwrap();
    let row = s.outbound(m).unwrap().unwrap();
    assert_eq!((row.attempts, row.rejections, row.next_attempt_at), (1, 0, Some(retry_at)));
    assert_eq!(row.last_error.as_deref(), Some("HTTP 503"));
    assert_eq!(claim(&mut s, "a", t0() + Duration::minutes(4), true), None, "not due yet");
    assert_eq!(claim(&mut s, "b", t0() + Duration::minutes(4), false), Some(m), "`comms flush` sends now");
    s.release_outbound(m, "b").unwrap();
    assert_eq!(claim(&mut s, "a", retry_at, true), Some(m), "due");
    assert_eq!(s.outbound(m).unwrap().unwrap().attempts, 1, "a release counts no attempt");
}

#[test]
fn a_message_given_up_is_listed_until_retried_and_a_new_address_makes_all_due() {
    let mut s = Store::in_memory().unwrap();
    let id = declare(&mut s);
    queue(&mut s, id, &[webhook("{\"text\":\"a\"}"), webhook("{\"text\":\"b\"}")]);
    let a = claim(&mut s, "x", t0(), true).unwrap();
    s.finish_outbound(a, "x", t0(), &Attempt::GiveUp { error: "HTTP 404 Not Found: no_service" }).unwrap();
    let failed = s.failed_outbound().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].id, failed[0].state, failed[0].last_error.as_deref()),
        (a, OutboundState::Failed, Some("HTTP 404 Not Found: no_service"))
    );
    assert_eq!(s.outbound_waiting().unwrap(), 1, "a failed message is not waiting");
    let b = claim(&mut s, "x", t0(), false).unwrap();
    assert_ne!(a, b, "a failed message is never claimed");
    s.release_outbound(b, "x").unwrap();
    assert!(!s.retry_outbound(b).unwrap(), "only a failed message can be retried");
    assert!(s.retry_outbound(a).unwrap());
    assert!(s.failed_outbound().unwrap().is_empty());
    assert_eq!(s.outbound_waiting().unwrap(), 2);
    // Given up again, then the webhook address changes: due again at once.
    let a2 = claim(&mut s, "x", t0(), true).unwrap();
    s.finish_outbound(a2, "x", t0(), &Attempt::GiveUp { error: "HTTP 410 Gone" }).unwrap();
    assert_eq!(s.retry_outbound_kind("github").unwrap(), 0, "other kinds are untouched");
    assert_eq!(s.failed_outbound().unwrap().len(), 1);
    assert_eq!(s.retry_outbound_kind("webhook").unwrap(), 2);
    assert!(s.failed_outbound().unwrap().is_empty());
}

#[test]
fn an_action_item_has_one_message_which_is_queued_again_after_failing() {
    let mut s = Store::in_memory().unwrap();
    let id = declare(&mut s);
    let issue =
        |body| NewOutbound { kind: "github", url: "https://api.example/repos/a/b/issues", body, item_key: Some("k1") };
    queue(&mut s, id, &[issue("{\"title\":\"first\"}")]);
    let m = claim(&mut s, "x", t0(), true).unwrap();
    s.finish_outbound(m, "x", t0(), &Attempt::GiveUp { error: "HTTP 401 Unauthorized" }).unwrap();
    queue(&mut s, id, &[issue("{\"title\":\"second\"}")]);
    let rows = s.outbound_for_items(id).unwrap();
    assert_eq!(rows.len(), 1, "the same row, queued again");
    assert_eq!(
        (rows[0].id, rows[0].state, rows[0].body.as_str()),
        (m, OutboundState::Waiting, "{\"title\":\"second\"}")
    );
    let m = claim(&mut s, "x", t0(), true).unwrap();
    let url = "https://github.example/a/b/issues/7";
    s.finish_outbound(m, "x", t0(), &Attempt::Sent { result_url: Some(url) }).unwrap();
    let unlinked = s.unlinked_results().unwrap();
    assert_eq!(unlinked.len(), 1);
    assert_eq!((unlinked[0].item_key.as_deref(), unlinked[0].result_url.as_deref()), (Some("k1"), Some(url)));
    s.mark_result_linked(m, t0()).unwrap();
    assert!(s.unlinked_results().unwrap().is_empty());
}

#[test]
fn an_address_an_older_version_stored_is_erased_from_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firebreak.db");
    let secret = "https://hooks.example/services/T0/B0/Zq8secretpart1234";
    {
        let mut s = Store::open(&path).unwrap();
        let id = declare(&mut s);
        s.set_setting("comms.webhook", secret).unwrap();
        queue(&mut s, id, &[NewOutbound { kind: "webhook", url: secret, body: "{}", item_key: None }]);
        s.set_setting("other", "kept").unwrap();
    }
    let bytes = |dir: &std::path::Path| -> Vec<u8> {
        ["firebreak.db", "firebreak.db-wal"]
            .iter()
            .flat_map(|f| std::fs::read(dir.join(f)).unwrap_or_default())
            .collect()
    };
    let holds = |b: &[u8]| b.windows(16).any(|w| w == &b"Zq8secretpart123"[..]);
    assert!(holds(&bytes(dir.path())), "control: the old version's bytes are there");
    let mut s = Store::open(&path).unwrap();
    assert!(s.outbound_urls_stored("webhook").unwrap());
    s.erase_stored_address("comms.webhook", "webhook").unwrap();
    assert!(!s.outbound_urls_stored("webhook").unwrap());
    assert_eq!(s.setting("comms.webhook").unwrap(), None);
    assert_eq!(s.setting("other").unwrap().as_deref(), Some("kept"));
    assert_eq!(s.outbound_waiting().unwrap(), 1, "the message itself stays queued");
    drop(s);
    assert!(!holds(&bytes(dir.path())), "no copy left in the database or its log");
}
