//! The HTTP surface through `app().oneshot(..)`: authentication and team scoping on
//! every route, push idempotency and conflicts, validation errors, long-poll wake-up.
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::{op, op_with_text};
use firebreak_core::ids::OpId;
use firebreak_core::op::Op;
use firebreak_server::{app, AppState, Storage};
use firebreak_sync::wire::{AckStatus, PullResponse, PushRequest, PushResponse, TeamInfo};
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

struct Fixture {
    app: Router,
    storage: Arc<Storage>,
    ana: String,
    bo_other_team: String,
    _stop: tokio::sync::watch::Sender<bool>,
}

async fn fixture() -> Fixture {
    let storage = Arc::new(Storage::open("sqlite::memory:").await.unwrap());
    storage.create_team("sre").await.unwrap();
    storage.add_member("sre", "ana").await.unwrap();
    storage.create_team("payments").await.unwrap();
    storage.add_member("payments", "bo").await.unwrap();
    let ana = storage.issue_token("sre", "ana").await.unwrap();
    let bo_other_team = storage.issue_token("payments", "bo").await.unwrap();
    let (stop, rx) = tokio::sync::watch::channel(false);
    Fixture { app: app(AppState::new(storage.clone(), rx)), storage, ana, bo_other_team, _stop: stop }
}

async fn call(app: &Router, method: &str, uri: &str, token: Option<&str>, body: Option<String>) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    let req = req.body(body.map_or_else(Body::empty, Body::from)).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}

fn push_body(ops: Vec<firebreak_core::op::Op>) -> Option<String> {
    Some(serde_json::to_string(&PushRequest { ops }).unwrap())
}

const ROUTES: [(&str, &str); 3] =
    [("GET", "/v1/teams/sre"), ("GET", "/v1/teams/sre/ops?after=0"), ("POST", "/v1/teams/sre/ops")];

#[tokio::test]
async fn health_needs_no_token_and_every_other_route_does() {
    let f = fixture().await;
    let (status, body) = call(&f.app, "GET", "/health", None, None).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")));
    for (method, uri) in ROUTES {
        let body = (method == "POST").then(|| push_body(vec![op("ana", 1)])).flatten();
        let (status, err) = call(&f.app, method, uri, None, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {uri} without a token");
        assert_eq!(err["code"], "missing_token");
        let (status, err) = call(&f.app, method, uri, Some("fbt_nope"), body.clone()).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
        let (status, err) = call(&f.app, method, uri, Some(&f.bo_other_team), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {uri} with another team's token");
        assert_eq!(err["code"], "wrong_team");
    }
    assert_eq!(f.storage.max_seq(1).await.unwrap(), 0, "nothing was stored by refused pushes");
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let f = fixture().await;
    let (status, info) = call(&f.app, "GET", "/v1/teams/sre", Some(&f.ana), None).await;
    assert_eq!(status, StatusCode::OK);
    let info: TeamInfo = serde_json::from_value(info).unwrap();
    assert_eq!((info.team.as_str(), info.member.as_str(), info.max_seq), ("sre", "ana", 0));
    assert_eq!(f.storage.revoke_tokens("sre", "ana").await.unwrap(), 1);
    let (status, _) = call(&f.app, "GET", "/v1/teams/sre", Some(&f.ana), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn push_is_idempotent_flags_conflicts_and_pull_pages_in_order() {
    let f = fixture().await;
    let ops: Vec<_> = (1..=5).map(|n| op("ana", n)).collect();
    let (status, resp) = call(&f.app, "POST", "/v1/teams/sre/ops", Some(&f.ana), push_body(ops.clone())).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    let resp: PushResponse = serde_json::from_value(resp).unwrap();
    let seqs: Vec<i64> = resp.acks.iter().map(|a| a.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5]);
    assert!(resp.acks.iter().all(|a| a.status == AckStatus::Stored));

    // A retry of the same ops, plus one new op and one op id reused with other content.
    let mut retry = ops[..2].to_vec();
    retry.push(op("ana", 6));
    retry.push(op_with_text("ana", 3, "tampered"));
    let (_, resp) = call(&f.app, "POST", "/v1/teams/sre/ops", Some(&f.ana), push_body(retry)).await;
    let resp: PushResponse = serde_json::from_value(resp).unwrap();
    let got: Vec<(i64, AckStatus)> = resp.acks.iter().map(|a| (a.seq, a.status)).collect();
    assert_eq!(
        got,
        vec![(1, AckStatus::Duplicate), (2, AckStatus::Duplicate), (6, AckStatus::Stored), (3, AckStatus::Conflict)]
    );
    assert_eq!(resp.max_seq, 6);
    assert_eq!(f.storage.conflict_count(1).await.unwrap().stored, 1, "the conflicting op is kept");

    let (_, page) = call(&f.app, "GET", "/v1/teams/sre/ops?after=2&limit=3", Some(&f.ana), None).await;
    let page: PullResponse<Op> = serde_json::from_value(page).unwrap();
    let seqs: Vec<i64> = page.ops.iter().map(|s| s.seq).collect();
    assert_eq!((seqs, page.more, page.max_seq), (vec![3, 4, 5], true, 6));
    assert_eq!(page.ops[0].op, ops[2], "the stored op is unchanged by the conflicting push");
    let (_, page) = call(&f.app, "GET", "/v1/teams/sre/ops?after=5", Some(&f.ana), None).await;
    let page: PullResponse<Op> = serde_json::from_value(page).unwrap();
    assert_eq!((page.ops.len(), page.more, page.epoch), (1, false, resp.epoch));
}

#[tokio::test]
async fn ops_by_someone_else_and_malformed_requests_are_refused_with_clear_errors() {
    let f = fixture().await;
    let pushed = vec![op("mallory", 1), op("ana", 2), op("mallory", 3)];
    let (status, resp) = call(&f.app, "POST", "/v1/teams/sre/ops", Some(&f.ana), push_body(pushed.clone())).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    let resp: PushResponse = serde_json::from_value(resp).unwrap();
    let got: Vec<(OpId, i64, AckStatus)> = resp.acks.iter().map(|a| (a.op_id, a.seq, a.status)).collect();
    assert_eq!(
        got,
        vec![
            (pushed[0].op_id, 0, AckStatus::Rejected),
            (pushed[1].op_id, 1, AckStatus::Stored),
            (pushed[2].op_id, 0, AckStatus::Rejected)
        ],
        "one ack per op, in request order; only ana's op is stored"
    );
    let reason = resp.acks[0].reason.as_deref().unwrap_or_default();
    assert!(reason.contains("mallory") && reason.contains("ana"), "{reason}");
    assert_eq!(f.storage.max_seq(1).await.unwrap(), 1, "refused ops are not stored");
    let (_, page) = call(&f.app, "GET", "/v1/teams/sre/ops?after=0", Some(&f.ana), None).await;
    let page: PullResponse<Op> = serde_json::from_value(page).unwrap();
    assert_eq!(page.ops.iter().map(|s| s.op.author.as_str()).collect::<Vec<_>>(), vec!["ana"]);

    let (status, err) =
        call(&f.app, "POST", "/v1/teams/sre/ops", Some(&f.ana), Some("{\"ops\": [{\"op_id\": 5}]}".into())).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_request")));
    assert!(!err["message"].as_str().unwrap().is_empty());

    let many: Vec<_> = (0..1_001).map(|n| op("ana", n)).collect();
    let (status, err) = call(&f.app, "POST", "/v1/teams/sre/ops", Some(&f.ana), push_body(many)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")));

    let huge = op_with_text("ana", 1, &"x".repeat(9 * 1024 * 1024));
    let (status, err) = call(&f.app, "POST", "/v1/teams/sre/ops", Some(&f.ana), push_body(vec![huge])).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")));

    for bad in ["after=-1", "after=x", "wait=soon"] {
        let (status, err) = call(&f.app, "GET", &format!("/v1/teams/sre/ops?{bad}"), Some(&f.ana), None).await;
        assert_eq!(
            (status, err["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_request")),
            "{bad}"
        );
    }
    let (status, err) = call(&f.app, "GET", "/nowhere", Some(&f.ana), None).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[tokio::test]
async fn a_held_pull_returns_as_soon_as_an_op_arrives() {
    let f = fixture().await;
    let started = Instant::now();
    let app = f.app.clone();
    let token = f.ana.clone();
    let waiter =
        tokio::spawn(async move { call(&app, "GET", "/v1/teams/sre/ops?after=0&wait=10s", Some(&token), None).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, _) = call(&f.app, "POST", "/v1/teams/sre/ops", Some(&f.ana), push_body(vec![op("ana", 1)])).await;
    assert_eq!(status, StatusCode::OK);
    let (status, page) = waiter.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["ops"].as_array().unwrap().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());

    // With nothing new, the wait runs out and the page is empty.
    let started = Instant::now();
    let (_, page) = call(&f.app, "GET", "/v1/teams/sre/ops?after=1&wait=300ms", Some(&f.ana), None).await;
    assert!(page["ops"].as_array().unwrap().is_empty());
    assert!(started.elapsed() >= Duration::from_millis(300));
}

/// A held pull reads its page once when it starts and once per wake-up. With a
/// thousand laptops waiting, every push wakes a team's pulls and each comes straight
/// back: a second read up front would be a third more of the server's busiest query.
#[tokio::test]
async fn a_held_pull_reads_its_page_once_to_start_and_once_per_wake_up() {
    let storage = Arc::new(Storage::open("sqlite::memory:").await.unwrap());
    storage.create_team("sre").await.unwrap();
    storage.add_member("sre", "ana").await.unwrap();
    let token = storage.issue_token("sre", "ana").await.unwrap();
    let (_stop, rx) = tokio::sync::watch::channel(false);
    let state = AppState::new(storage.clone(), rx);
    let app = app(state.clone());
    call(&app, "GET", "/v1/teams/sre/ops?after=0", Some(&token), None).await;
    assert_eq!(state.page_reads(), 1, "a plain pull reads once");
    let waiter = {
        let (app, token) = (app.clone(), token.clone());
        tokio::spawn(async move { call(&app, "GET", "/v1/teams/sre/ops?after=0&wait=10s", Some(&token), None).await })
    };
    for _ in 0..500 {
        if state.waiters().held(1) == 1 && state.page_reads() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!((state.waiters().held(1), state.page_reads()), (1, 2), "held after one read");
    call(&app, "POST", "/v1/teams/sre/ops", Some(&token), push_body(vec![op("ana", 1)])).await;
    let (status, page) = waiter.await.unwrap();
    assert_eq!((status, page["ops"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    assert_eq!(state.page_reads(), 3, "woken once, read once more");
}

/// Waiting pulls past the member's or the team's cap are answered at once with 429
/// `too_many_polls` and `Retry-After`; a pull that finds news or does not wait is never
/// refused, and a slot is given back when its pull ends.
#[tokio::test]
async fn waiting_pulls_are_capped_per_member_and_per_team() {
    use firebreak_server::wake::PollLimits;
    let storage = Arc::new(Storage::open("sqlite::memory:").await.unwrap());
    storage.create_team("sre").await.unwrap();
    let mut tokens = Vec::new();
    for person in ["ana", "bo", "cy"] {
        storage.add_member("sre", person).await.unwrap();
        tokens.push(storage.issue_token("sre", person).await.unwrap());
    }
    let (_stop, rx) = tokio::sync::watch::channel(false);
    let state = AppState::with_limits(storage.clone(), rx, PollLimits { per_member: 2, per_team: 3 });
    let app = app(state.clone());
    let hold = |token: &str| {
        let (app, token) = (app.clone(), token.to_string());
        tokio::spawn(async move { call(&app, "GET", "/v1/teams/sre/ops?after=0&wait=10s", Some(&token), None).await })
    };
    let held = vec![hold(&tokens[0]), hold(&tokens[0]), hold(&tokens[1])];
    while state.waiters().held(1) < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let refuse = |token: String| {
        let app = app.clone();
        async move {
            let req = Request::builder()
                .uri("/v1/teams/sre/ops?after=0&wait=10s")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            let started = Instant::now();
            let resp = app.oneshot(req).await.unwrap();
            let retry = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
            let status = resp.status();
            let body: Value =
                serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap_or(Value::Null);
            assert!(started.elapsed() < Duration::from_secs(1), "refused at once");
            (status, body["code"].as_str().map(str::to_string), body["message"].as_str().map(str::to_string), retry)
        }
    };
    // ana holds two already: her own cap.
    let (status, code, message, retry) = refuse(tokens[0].clone()).await;
    assert_eq!(
        (status, code.as_deref(), retry.as_deref()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_polls"), Some("5"))
    );
    assert!(message.unwrap_or_default().contains("ana already has 2"));
    // cy holds none, but the team is full.
    let (status, _, message, _) = refuse(tokens[2].clone()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(message.unwrap_or_default().contains("team sre already has 3"));
    // Not waiting is never refused.
    let (status, _) = call(&app, "GET", "/v1/teams/sre/ops?after=0", Some(&tokens[2]), None).await;
    assert_eq!(status, StatusCode::OK);
    // A push answers the held pulls and their slots come back.
    let (status, _) = call(&app, "POST", "/v1/teams/sre/ops", Some(&tokens[2]), push_body(vec![op("cy", 1)])).await;
    assert_eq!(status, StatusCode::OK);
    for h in held {
        let (status, page) = h.await.unwrap();
        assert_eq!((status, page["ops"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    }
    assert_eq!(state.waiters().held(1), 0);
    // With news waiting, a pull is answered even past the cap (it need not wait).
    let (status, page) = call(&app, "GET", "/v1/teams/sre/ops?after=0&wait=10s", Some(&tokens[0]), None).await;
    assert_eq!((status, page["ops"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
}

#[tokio::test]
async fn a_pulled_page_stays_within_its_byte_cap() {
    use firebreak_sync::wire::MAX_PULL_PAGE_BYTES;
    let f = fixture().await;
    // Notes as long as an op may carry (64 K characters): 80 of them pass 4 MiB.
    let big = |n| op_with_text("ana", n, &"x".repeat(60_000));
    for chunk in [(1..=40).map(big).collect::<Vec<_>>(), (41..=80).map(big).collect()] {
        let (status, _) = call(&f.app, "POST", "/v1/teams/sre/ops", Some(&f.ana), push_body(chunk)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, page) = call(&f.app, "GET", "/v1/teams/sre/ops?after=0&limit=5000", Some(&f.ana), None).await;
    let page: PullResponse = serde_json::from_value(page).unwrap();
    let one = serde_json::to_string(&page.ops[0].op).unwrap().len();
    let bytes: usize = page.ops.iter().map(|o| serde_json::to_string(&o.op).unwrap().len()).sum();
    assert!(bytes <= MAX_PULL_PAGE_BYTES, "{bytes}");
    assert!(bytes + one > MAX_PULL_PAGE_BYTES, "the page stops only when one more op would pass the cap");
    assert!(page.ops.len() < 80 && page.more);
    assert_eq!(page.ops.iter().map(|o| o.seq).collect::<Vec<_>>(), (1..=page.ops.len() as i64).collect::<Vec<_>>());
}
