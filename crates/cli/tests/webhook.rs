//! Status updates posted to a Slack-style webhook and action items filed as GitHub
//! issues, checked by local HTTP servers that record each request: queued while the
//! other side is unreachable and sent once when it is back; a permanent refusal is given
//! up after three attempts and listed with its reason; two `comms flush` racing on one
//! data directory send each message once; an issue is filed once per action item; the
//! webhook address never reaches the database files or the output.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;
const CLI: common::Cli = common::Cli { now: "2026-11-23T15:00:00Z", user: "comms" };

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every byte of the data directory's database (main file and write-ahead log).
fn database_holds(dir: &Path, needle: &str) -> bool {
    ["firebreak.db", "firebreak.db-wal"]
        .iter()
        .flat_map(|f| std::fs::read(dir.join(f)).unwrap_or_default())
        .collect::<Vec<u8>>()
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn updates_wait_in_a_queue_while_offline_and_are_posted_once() {
    let d = tempfile::tempdir().unwrap();
    let dir: &Path = d.path();
    let port = free_port();
    let secret = "Wq3hookSecretTail";
    let url = format!("http://127.0.0.1:{port}/hooks/sre/{secret}");
    let human = CLI.ok(dir, &["incident", "declare", "--title", "API down", "--severity", "SEV1"]).trim().to_string();
    let o = CLI.run(dir, &["comms", "sent", &human, "--post"]);
    assert!(stderr(&o).contains("no webhook is set"), "needs a webhook first");
    let set = CLI.ok(dir, &["comms", "webhook", &url]);
    assert!(set.contains("webhook address stored") && !set.contains(secret), "{set}");
    assert!(!database_holds(dir, secret), "the address is kept in the vault, not the database");
    let f = dir.join("u.txt");
    std::fs::write(&f, "[Incident: X] investigating — «ünïcode» \"quotes\"").unwrap();
    CLI.ok(dir, &["comms", "sent", &human, "--file", f.to_str().unwrap(), "--post"]);
    // Offline: nothing listens yet. The update is logged and waits.
    let o = CLI.run(dir, &["comms", "flush"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("0 sent, 1 to retry, 0 failed, 1 waiting"), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot connect"), "{}", stderr(&o));
    assert!(!stderr(&o).contains(secret) && !String::from_utf8_lossy(&o.stdout).contains(secret));
    assert!(!database_holds(dir, secret), "not in the queue nor in the failure's reason");
    let inc = CLI.json(dir, &["incident", "show", &human]);
    assert!(inc["timeline"].as_array().unwrap().iter().any(|e| e["kind"] == "comms-update"));
    // Online: sent once.
    let seen = recorder(TcpListener::bind(("127.0.0.1", port)).unwrap(), Duration::ZERO, created);
    let path = |head: &str| head.split_whitespace().nth(1).unwrap_or("").to_string();
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "1 sent, 0 to retry, 0 failed, 0 waiting");
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "0 sent, 0 to retry, 0 failed, 0 waiting");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "posted exactly once");
    assert_eq!(path(&seen[0].0), format!("/hooks/sre/{secret}"));
    let body: serde_json::Value = serde_json::from_str(&seen[0].1).unwrap();
    assert_eq!(body, serde_json::json!({"text": "[Incident: X] investigating — «ünïcode» \"quotes\""}));
    assert!(!database_holds(dir, secret));
}

#[test]
fn a_refused_post_is_given_up_after_three_attempts_listed_with_its_reason_and_retried_on_request() {
    let d = tempfile::tempdir().unwrap();
    let dir: &Path = d.path();
    let port = free_port();
    let secret = "Pz5refusedHookKey";
    let human = CLI.ok(dir, &["incident", "declare", "--title", "API down", "--severity", "SEV2"]).trim().to_string();
    CLI.ok(dir, &["comms", "webhook", &format!("http://127.0.0.1:{port}/services/{secret}")]);
    CLI.ok(dir, &["comms", "sent", &human, "--post"]);
    // The service echoes the address it was called at, as some do in their errors.
    let seen = recorder(TcpListener::bind(("127.0.0.1", port)).unwrap(), Duration::ZERO, |head, _| {
        let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
        (404, format!("no_service (no hook at {path})"))
    });
    for n in 1..=3 {
        let o = CLI.run(dir, &["comms", "flush"]);
        assert!(!o.status.success(), "attempt {n} is not a success");
        let err = stderr(&o);
        let want =
            if n < 3 { "0 sent, 1 to retry, 0 failed, 1 waiting" } else { "0 sent, 0 to retry, 1 failed, 0 waiting" };
        assert!(err.contains(want), "attempt {n}: {err}");
        assert!(err.contains("HTTP 404 Not Found: no_service (no hook at [hidden])"), "{err}");
        assert!(!err.contains(secret), "{err}");
    }
    // Given up: not tried again, listed with its reason.
    let v = CLI.json(dir, &["comms", "flush"]);
    assert_eq!((v["sent"].as_u64(), v["waiting"].as_u64()), (Some(0), Some(0)));
    let failed = v["failed_messages"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["kind"], "webhook");
    assert_eq!(failed[0]["attempts"], 3);
    assert_eq!(failed[0]["reason"], "HTTP 404 Not Found: no_service (no hook at [hidden])");
    assert!(failed[0]["about"].as_str().unwrap().starts_with("status update “"), "{}", failed[0]);
    let text = CLI.ok(dir, &["comms", "flush"]);
    assert!(text.contains("failed #1 status update") && text.contains("firebreak comms retry 1"), "{text}");
    assert_eq!(seen.lock().unwrap().len(), 3, "three requests, no more");
    assert!(!database_holds(dir, secret));
    let o = CLI.run(dir, &["comms", "retry", "7"]);
    assert!(stderr(&o).contains("no message #7"), "{}", stderr(&o));
    let v = CLI.json(dir, &["comms", "retry", "1"]);
    assert_eq!((v["waiting"].as_u64(), v["failed"].as_array().map(Vec::len)), (Some(1), Some(0)));
    assert!(!CLI.run(dir, &["comms", "flush"]).status.success());
    assert_eq!(seen.lock().unwrap().len(), 4, "sent again after the retry");
}

#[test]
fn two_flushes_racing_on_one_data_directory_post_each_update_once() {
    let d = tempfile::tempdir().unwrap();
    let dir: &Path = d.path();
    let port = free_port();
    let human = CLI.ok(dir, &["incident", "declare", "--title", "API down", "--severity", "SEV2"]).trim().to_string();
    CLI.ok(dir, &["comms", "webhook", &format!("http://127.0.0.1:{port}/hook")]);
    const N: usize = 12;
    for i in 0..N {
        let f = dir.join(format!("u{i}.txt"));
        std::fs::write(&f, format!("update {i}")).unwrap();
        CLI.ok(dir, &["comms", "sent", &human, "--file", f.to_str().unwrap(), "--post"]);
    }
    let seen = recorder(TcpListener::bind(("127.0.0.1", port)).unwrap(), Duration::from_millis(40), created);
    let flush = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_firebreak"))
            .args(["comms", "flush"])
            .env("FIREBREAK_DATA_DIR", dir)
            .env("FIREBREAK_NOW", CLI.now)
            .env("USER", CLI.user)
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (flush(), flush());
    a.wait().unwrap();
    b.wait().unwrap();
    let mut texts: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, body)| serde_json::from_str::<serde_json::Value>(body).unwrap()["text"].as_str().unwrap().to_string())
        .collect();
    texts.sort_unstable();
    let mut want: Vec<String> = (0..N).map(|i| format!("update {i}")).collect();
    want.sort_unstable();
    assert_eq!(texts, want, "each update posted exactly once");
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "0 sent, 0 to retry, 0 failed, 0 waiting");
}

#[test]
fn action_items_become_github_issues_once_with_the_token_and_label() {
    let d = tempfile::tempdir().unwrap();
    let dir: &Path = d.path();
    let port = free_port();
    let human = CLI.ok(dir, &["incident", "declare", "--title", "DB pool", "--severity", "SEV2"]).trim().to_string();
    CLI.ok(
        dir,
        &["pir", "item", &human, "--action", "Add pool metrics", "--owner", "@platform", "--due", "2026-12-01"],
    );
    CLI.ok(dir, &["pir", "item", &human, "--action", "Query performance tests", "--owner", "@qa"]);
    let api = format!("http://127.0.0.1:{port}");
    let o = CLI.run(dir, &["pir", "github", &human, "--repo", "not a repo", "--api", &api]);
    assert!(stderr(&o).contains("is not a GitHub repository"));
    CLI.ok(dir, &["pir", "github", &human, "--repo", "acme/platform", "--api", &api]);
    let o = CLI.run(dir, &["pir", "github", &human, "--repo", "acme/platform", "--api", &api]);
    assert!(stderr(&o).contains("already filed"), "queued once: {}", stderr(&o));
    // No token yet and offline: both wait.
    assert!(!CLI.run(dir, &["comms", "flush"]).status.success());
    CLI.ok(dir, &["pir", "github-token", "ghp_test_secret"]);
    let seen = recorder(TcpListener::bind(("127.0.0.1", port)).unwrap(), Duration::ZERO, created);
    let out = CLI.ok(dir, &["comms", "flush"]);
    assert!(out.starts_with("2 sent, 0 to retry, 0 failed, 0 waiting"), "{out}");
    assert!(out.contains("2 created issue address(es) written into their action items"), "{out}");
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "0 sent, 0 to retry, 0 failed, 0 waiting");
    // The created issues' addresses are in the items: filing again creates nothing.
    let review = CLI.json(dir, &["pir", "show", &human]);
    let links: Vec<&str> =
        review["action_items"].as_array().unwrap().iter().map(|a| a["item"]["link"].as_str().unwrap()).collect();
    assert_eq!(
        links,
        vec!["https://github.example/acme/platform/issues/1", "https://github.example/acme/platform/issues/2"]
    );
    let o = CLI.run(dir, &["pir", "github", &human, "--repo", "acme/platform", "--api", &api]);
    assert!(stderr(&o).contains("no open action items without a tracker link"), "{}", stderr(&o));
    CLI.ok(dir, &["comms", "flush"]);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "each item created once");
    for (head, body) in &seen {
        assert!(head.starts_with("POST /repos/acme/platform/issues HTTP/1.1"), "{head}");
        assert!(head.to_ascii_lowercase().contains("authorization: bearer ghp_test_secret"), "{head}");
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["labels"], serde_json::json!(["incident-followup"]));
    }
    let titles: Vec<String> = seen
        .iter()
        .map(|(_, b)| serde_json::from_str::<serde_json::Value>(b).unwrap()["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, vec!["AI-001 Add pool metrics", "AI-002 Query performance tests"]);
    let shown = CLI.ok(dir, &["incident", "show", &human]);
    assert!(!shown.contains("ghp_test_secret"), "the token is never shown");
    assert!(!database_holds(dir, "ghp_test_secret"));
}

/// Answers 201 with an issue's address, numbered by arrival (GitHub's shape).
fn created(_head: &str, n: usize) -> (u16, String) {
    (201, format!(r#"{{"number": {n}, "html_url": "https://github.example/acme/platform/issues/{n}"}}"#))
}

/// Accepts connections until dropped; records (request head, body) of each request and
/// answers what `answer(head, number)` says, after `delay`, one connection at a time.
fn recorder(
    listener: TcpListener,
    delay: Duration,
    answer: impl Fn(&str, usize) -> (u16, String) + Send + 'static,
) -> Arc<Mutex<Vec<(String, String)>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let out = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            let mut len = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
                head.push_str(&line);
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let n = {
                let mut seen = out.lock().unwrap();
                seen.push((head.clone(), String::from_utf8(body).unwrap()));
                seen.len()
            };
            std::thread::sleep(delay);
            let (status, text) = answer(&head, n);
            let mut s = stream;
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                text.len()
            );
            s.write_all(reply.as_bytes()).unwrap();
        }
    });
    seen
}
