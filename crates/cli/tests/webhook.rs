//! Status updates posted to a Slack-style webhook: queued while it is unreachable, sent
//! once when it is back, checked by a local HTTP server that records each request.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

mod common;
const CLI: common::Cli = common::Cli { now: "2026-11-23T15:00:00Z", user: "comms" };

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn updates_wait_in_a_queue_while_offline_and_are_posted_once() {
    let d = tempfile::tempdir().unwrap();
    let dir: &Path = d.path();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/hooks/sre");
    let human = CLI.ok(dir, &["incident", "declare", "--title", "API down", "--severity", "SEV1"]).trim().to_string();
    let o = CLI.run(dir, &["comms", "sent", &human, "--post"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no webhook is set"), "needs a webhook first");
    CLI.ok(dir, &["comms", "webhook", &url]);
    let f = dir.join("u.txt");
    std::fs::write(&f, "[Incident: X] investigating — «ünïcode» \"quotes\"").unwrap();
    CLI.ok(dir, &["comms", "sent", &human, "--file", f.to_str().unwrap(), "--post"]);
    // Offline: nothing listens yet. The update is logged and waits.
    let o = CLI.run(dir, &["comms", "flush"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("0 sent, 1 failed, 1 waiting"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let inc = CLI.json(dir, &["incident", "show", &human]);
    assert!(inc["timeline"].as_array().unwrap().iter().any(|e| e["kind"] == "comms-update"));
    // Online: sent once.
    let seen = recorder(TcpListener::bind(("127.0.0.1", port)).unwrap());
    let path = |head: &str| head.split_whitespace().nth(1).unwrap_or("").to_string();
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "1 sent, 0 failed, 0 waiting");
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "0 sent, 0 failed, 0 waiting");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "posted exactly once");
    assert_eq!(path(&seen[0].0), "/hooks/sre");
    let body: serde_json::Value = serde_json::from_str(&seen[0].1).unwrap();
    assert_eq!(body, serde_json::json!({"text": "[Incident: X] investigating — «ünïcode» \"quotes\""}));
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
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a GitHub repository"));
    CLI.ok(dir, &["pir", "github", &human, "--repo", "acme/platform", "--api", &api]);
    // No token yet and offline: both wait.
    assert!(!CLI.run(dir, &["comms", "flush"]).status.success());
    CLI.ok(dir, &["pir", "github-token", "ghp_test_secret"]);
    let seen = recorder(TcpListener::bind(("127.0.0.1", port)).unwrap());
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "2 sent, 0 failed, 0 waiting");
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "0 sent, 0 failed, 0 waiting");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "each item once");
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
}

/// Accepts connections until dropped; records (request head, body) of each request and
/// answers 201.
fn recorder(listener: TcpListener) -> Arc<Mutex<Vec<(String, String)>>> {
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
            out.lock().unwrap().push((head, String::from_utf8(body).unwrap()));
            let mut s = stream;
            s.write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}").unwrap();
        }
    });
    seen
}
