//! Status updates posted to a Slack-style webhook: queued while it is unreachable, sent
//! once when it is back, checked by a local HTTP server that records each request.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

mod common;
const CLI: common::Cli = common::Cli { now: "2026-11-23T15:00:00Z", user: "comms" };

/// Accepts connections until dropped; records (path, body) of each POST and answers 200.
fn recorder(listener: TcpListener) -> Arc<Mutex<Vec<(String, String)>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let out = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap();
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
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
            out.lock().unwrap().push((path, String::from_utf8(body).unwrap()));
            let mut s = stream;
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").unwrap();
        }
    });
    seen
}

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
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "1 sent, 0 failed, 0 waiting");
    assert_eq!(CLI.ok(dir, &["comms", "flush"]).trim(), "0 sent, 0 failed, 0 waiting");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "posted exactly once");
    assert_eq!(seen[0].0, "/hooks/sre");
    let body: serde_json::Value = serde_json::from_str(&seen[0].1).unwrap();
    assert_eq!(body, serde_json::json!({"text": "[Incident: X] investigating — «ünïcode» \"quotes\""}));
}
