//! Delivering the outbound queue against a local HTTP server: two senders on one
//! database deliver each message exactly once; permanent refusals are given up after a
//! bounded number of attempts with a secret-free reason; server errors and rate limits
//! keep being retried with a growing, capped backoff; a created issue's address is kept.
use chrono::{DateTime, Utc};
use firebreak_core::clock::FixedClock;
use firebreak_core::op::{Declare, OpPayload};
use firebreak_core::timeline::EntryKind;
use firebreak_store::{NewOutbound, OutboundState, Store};
use firebreak_sync::outbound::{MAX_BACKOFF, MAX_REJECTIONS};
use firebreak_sync::{deliver_outbound, DeliveryOptions, KnownSecrets};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    head: String,
    body: String,
}

type Responder = dyn Fn(&Seen) -> (u16, String) + Send + Sync;

/// A local HTTP server: records every request and answers with `respond`, after `delay`.
fn serve(delay: Duration, respond: Arc<Responder>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let out = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (out, respond) = (out.clone(), respond.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut head, mut len) = (String::new(), 0);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                    head.push_str(&line);
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                let req = Seen { head, body: String::from_utf8(body).unwrap() };
                out.lock().unwrap().push(req.clone());
                std::thread::sleep(delay);
                let (status, text) = respond(&req);
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = (&stream).write_all(answer.as_bytes());
            });
        }
    });
    (base, seen)
}

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-05-04T12:00:00Z").unwrap().with_timezone(&Utc)
}

fn queue(store: &mut Store, msgs: &[NewOutbound<'_>]) {
    let at = t0();
    let (id, _) = store
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
        .unwrap();
    let note = OpPayload::AddEntry { kind: EntryKind::Note, at, text: "queued".into(), decision: None };
    store.commit_with_outbounds(at, "ana", id, note, msgs).unwrap();
}

fn webhook_secrets(url: &str) -> KnownSecrets {
    KnownSecrets { webhook_url: Some(url.to_string()), github_token: None }
}

fn flush_options() -> DeliveryOptions {
    DeliveryOptions { due_only: false, timeout: Duration::from_secs(5), ..DeliveryOptions::default() }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn two_senders_on_one_database_deliver_each_message_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("firebreak.db");
    const N: usize = 40;
    let bodies: Vec<String> = (0..N).map(|i| format!("{{\"text\":\"update {i}\"}}")).collect();
    {
        let mut s = Store::open(&path).unwrap();
        let msgs: Vec<NewOutbound<'_>> =
            bodies.iter().map(|b| NewOutbound { kind: "webhook", url: "", body: b, item_key: None }).collect();
        queue(&mut s, &msgs);
    }
    let (base, seen) = serve(Duration::from_millis(15), Arc::new(|_: &Seen| (200, "ok".to_string())));
    let url = format!("{base}/hooks/sre");
    // Two processes' worth: each its own connection to the file, its own runtime.
    let senders: Vec<_> = (0..2)
        .map(|_| {
            let (path, url) = (path.clone(), url.clone());
            std::thread::spawn(move || {
                let store = Mutex::new(Store::open(&path).unwrap());
                let clock = FixedClock(t0());
                let r = runtime().block_on(deliver_outbound(&store, &clock, &webhook_secrets(&url), &flush_options()));
                r.unwrap().sent
            })
        })
        .collect();
    let sent: Vec<usize> = senders.into_iter().map(|t| t.join().unwrap()).collect();
    let seen = seen.lock().unwrap().clone();
    let mut got: Vec<&str> = seen.iter().map(|r| r.body.as_str()).collect();
    got.sort_unstable();
    let mut want: Vec<&str> = bodies.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(got, want, "every message arrived, none twice");
    assert_eq!(sent.iter().sum::<usize>(), N, "{sent:?}");
    assert!(sent.iter().all(|&n| n > 0), "both senders took part: {sent:?}");
    let s = Store::open(&path).unwrap();
    assert_eq!(s.outbound_waiting().unwrap(), 0);
}

#[test]
fn a_permanent_refusal_is_given_up_after_a_few_attempts_with_a_reason_free_of_secrets() {
    let mut store = Store::in_memory().unwrap();
    queue(&mut store, &[NewOutbound { kind: "webhook", url: "", body: "{\"text\":\"hi\"}", item_key: None }]);
    let echo: Arc<Responder> = Arc::new(|req: &Seen| {
        let path = req.head.split_whitespace().nth(1).unwrap_or_default().to_string();
        (404, format!("no_service: nothing at {path} (key K9secretWebhookKey)"))
    });
    let (base, seen) = serve(Duration::ZERO, echo);
    let url = format!("{base}/services/T01/B02/K9secretWebhookKey");
    let store = Mutex::new(store);
    let clock = FixedClock(t0());
    let rt = runtime();
    for attempt in 1..=MAX_REJECTIONS {
        let r = rt.block_on(deliver_outbound(&store, &clock, &webhook_secrets(&url), &flush_options())).unwrap();
        let last = attempt == MAX_REJECTIONS;
        assert_eq!((r.sent, r.retrying, r.failed), (0, usize::from(!last), usize::from(last)), "attempt {attempt}");
        assert_eq!(r.waiting, u64::from(!last));
        let reason = &r.failures[0].reason;
        assert!(reason.starts_with("HTTP 404 Not Found: no_service: nothing at [hidden]"), "{reason}");
        assert!(!reason.contains("K9secret") && !reason.contains("/services/"), "{reason}");
    }
    let r = rt.block_on(deliver_outbound(&store, &clock, &webhook_secrets(&url), &flush_options())).unwrap();
    assert_eq!((r.sent, r.failed, r.waiting), (0, 0, 0), "a failed message is not tried again");
    assert_eq!(seen.lock().unwrap().len(), MAX_REJECTIONS as usize, "three requests, no more");
    let s = store.lock().unwrap();
    let failed = s.failed_outbound().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].state, failed[0].attempts, failed[0].rejections), (OutboundState::Failed, 3, 3));
    assert!(failed[0].last_error.as_deref().unwrap().starts_with("HTTP 404"));
}

#[test]
fn server_errors_and_rate_limits_are_retried_with_a_growing_capped_backoff() {
    let mut store = Store::in_memory().unwrap();
    queue(&mut store, &[NewOutbound { kind: "webhook", url: "", body: "{}", item_key: None }]);
    let answers = Arc::new(Mutex::new(vec![(503, "busy"), (429, "slow down"), (500, "oops")].into_iter().cycle()));
    let (base, seen) = serve(Duration::ZERO, {
        let answers = answers.clone();
        Arc::new(move |_: &Seen| {
            let (status, text) = answers.lock().unwrap().next().unwrap();
            (status, text.to_string())
        })
    });
    let url = format!("{base}/hook");
    let store = Mutex::new(store);
    let rt = runtime();
    let due = DeliveryOptions { due_only: true, timeout: Duration::from_secs(5), ..DeliveryOptions::default() };
    let mut now = t0();
    let mut waits = Vec::new();
    for _ in 0..12 {
        let r = rt.block_on(deliver_outbound(&store, &FixedClock(now), &webhook_secrets(&url), &due)).unwrap();
        assert_eq!((r.sent, r.retrying, r.failed, r.waiting), (0, 1, 0, 1), "never given up");
        let next = store.lock().unwrap().outbound(1).unwrap().unwrap().next_attempt_at.unwrap();
        // Not due a moment before its time, with the backoff honoured.
        let early = FixedClock(next - chrono::Duration::milliseconds(1));
        let r = rt.block_on(deliver_outbound(&store, &early, &webhook_secrets(&url), &due)).unwrap();
        assert_eq!(r.retrying + r.sent, 0, "not retried before its time");
        waits.push((next - now).num_seconds());
        now = next;
    }
    assert_eq!(seen.lock().unwrap().len(), 12, "one request per due attempt");
    let cap = MAX_BACKOFF.as_secs() as i64;
    assert!(waits.iter().all(|&w| (2..=cap).contains(&w)), "{waits:?}");
    assert!(waits[5] > waits[0] * 4, "grows: {waits:?}");
    assert!(waits[9..].iter().all(|&w| w >= cap / 2), "reaches the cap: {waits:?}");
    let row = store.lock().unwrap().outbound(1).unwrap().unwrap();
    assert_eq!((row.state, row.rejections, row.attempts), (OutboundState::Waiting, 0, 12));
}

#[test]
fn a_created_issue_keeps_its_address_and_the_token_goes_only_in_the_header() {
    let mut store = Store::in_memory().unwrap();
    let (base, seen) = serve(
        Duration::ZERO,
        Arc::new(|_: &Seen| (201, r#"{"number": 12, "html_url": "https://github.example/acme/p/issues/12"}"#.into())),
    );
    let url = format!("{base}/repos/acme/p/issues");
    queue(
        &mut store,
        &[NewOutbound { kind: "github", url: &url, body: "{\"title\":\"AI-001 x\"}", item_key: Some("k") }],
    );
    let store = Mutex::new(store);
    let none = KnownSecrets::default();
    let r = runtime().block_on(deliver_outbound(&store, &FixedClock(t0()), &none, &flush_options())).unwrap();
    assert_eq!((r.sent, r.retrying), (0, 1));
    assert!(r.failures[0].reason.contains("no GitHub token"), "{:?}", r.failures);
    assert!(seen.lock().unwrap().is_empty(), "nothing is sent without a token");
    let token = KnownSecrets { webhook_url: None, github_token: Some("ghp_sekrit".into()) };
    let r = runtime().block_on(deliver_outbound(&store, &FixedClock(t0()), &token, &flush_options())).unwrap();
    assert_eq!(r.sent, 1);
    let seen = seen.lock().unwrap().clone();
    assert!(seen[0].head.to_ascii_lowercase().contains("authorization: bearer ghp_sekrit"));
    let s = store.lock().unwrap();
    let row = s.outbound(1).unwrap().unwrap();
    assert_eq!(row.result_url.as_deref(), Some("https://github.example/acme/p/issues/12"));
    assert_eq!(s.unlinked_results().unwrap().len(), 1);
}

#[test]
fn an_unreachable_webhook_is_retried_and_its_address_is_not_in_the_reason() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/services/Tx/Bx/UnreachableSecret99");
    let mut store = Store::in_memory().unwrap();
    queue(&mut store, &[NewOutbound { kind: "webhook", url: "", body: "{}", item_key: None }]);
    let store = Mutex::new(store);
    let r = runtime().block_on(deliver_outbound(&store, &FixedClock(t0()), &webhook_secrets(&url), &flush_options()));
    let r = r.unwrap();
    assert_eq!((r.sent, r.retrying, r.waiting), (0, 1, 1));
    let reason = &r.failures[0].reason;
    assert!(reason.starts_with("cannot connect"), "{reason}");
    assert!(!reason.contains("UnreachableSecret99") && !reason.contains("127.0.0.1"), "{reason}");
    let stored = store.lock().unwrap().outbound(1).unwrap().unwrap();
    assert_eq!(stored.last_error.as_deref(), Some(reason.as_str()));
    assert_eq!(stored.url, "", "the queued row never carries the address");
}
