//! The transport through real sockets: HTTPS with a team CA's certificate (made here
//! with rcgen) served by the real binary and synced through by the real client; a
//! client that does not trust the CA gets nowhere; plain HTTP to a host off this
//! machine is refused before any connection; bad certificate files are one clear line
//! at start-up; a client that sends its headers too slowly is cut off; and a waiting
//! pull past the member's cap degrades to polling instead of failing.
// Tests against a real server stamp their ops with the real time, as a laptop does.
#![allow(clippy::disallowed_methods)]
mod common;

use chrono::Utc;
use common::{bin, op, team_with_member, ServerProcess};
use firebreak_core::clock::FixedClock;
use firebreak_server::serve::{serve, ServeOptions};
use firebreak_server::{app, AppState, Storage};
use firebreak_store::Store;
use firebreak_sync::wire::PushRequest;
use firebreak_sync::{HttpTransport, RemoteConfig, SyncClient, SyncError, SyncOptions, Transport};
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A team CA and a server certificate it signed for localhost and 127.0.0.1, written
/// as PEM files: (ca.pem, server.pem, server.key).
fn team_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "Firebreak test team CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let server_params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();
    let paths = (dir.join("ca.pem"), dir.join("server.pem"), dir.join("server.key"));
    std::fs::write(&paths.0, ca_cert.pem()).unwrap();
    std::fs::write(&paths.1, server_cert.pem()).unwrap();
    std::fs::write(&paths.2, server_key.serialize_pem()).unwrap();
    paths
}

fn remote(url: &str, token: &str, ca_pem: Option<String>) -> RemoteConfig {
    RemoteConfig { url: url.into(), team: "sre".into(), token: token.into(), ca_pem, allow_http: false }
}

fn note(store: &Mutex<Store>, author: &str, text: &str) {
    let payload = serde_json::from_value(
        serde_json::json!({"type": "add_entry", "kind": "note", "at": Utc::now(), "text": text}),
    )
    .unwrap();
    store.lock().unwrap().commit(Utc::now(), author, uuid::Uuid::now_v7(), payload).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_sync_over_https_with_the_team_ca_and_others_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = team_ca(dir.path());
    let db = format!("sqlite://{}", dir.path().join("server.db").display());
    let ana = team_with_member(&db, "sre", "ana");
    common::admin(&db, &["add-member", "sre", "bo"]);
    let bo = common::admin(&db, &["issue-token", "sre", "bo"]);
    let server =
        ServerProcess::start_with(&db, &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    assert!(server.url.starts_with("https://127.0.0.1:"), "{}", server.url);
    let ca_pem = std::fs::read_to_string(&ca).unwrap();
    let clock = || Arc::new(FixedClock(Utc::now()));
    let client = |token: &str| {
        let t = HttpTransport::new(&remote(&server.url, token, Some(ca_pem.clone()))).unwrap();
        SyncClient::new(t, clock(), SyncOptions::default())
    };
    let (a_store, b_store) = (Mutex::new(Store::in_memory().unwrap()), Mutex::new(Store::in_memory().unwrap()));
    note(&a_store, "ana", "over tls");
    let report = client(&ana).sync_once(&a_store).await.unwrap();
    assert_eq!(report.push.acknowledged, 1);
    let report = client(&bo).sync_once(&b_store).await.unwrap();
    assert_eq!(report.pull.applied, 1, "bo got ana's note through HTTPS");

    // Without the team CA the server's certificate is not trusted: nothing is sent.
    let untrusting = HttpTransport::new(&remote(&server.url, &ana, None)).unwrap();
    let err = untrusting.team_info().await.unwrap_err();
    assert!(matches!(err, SyncError::Network(_)), "{err}");
    assert!(err.to_string().to_lowercase().contains("certificate"), "{err}");
    // Plain HTTP to the TLS port is not an answer either.
    let plain = HttpTransport::new(&remote(&server.url.replace("https://", "http://"), &ana, None)).unwrap();
    assert!(plain.team_info().await.is_err());
    // A CA that holds no certificate is refused before anything is sent.
    let err = HttpTransport::new(&remote(&server.url, &ana, Some("not a certificate".into()))).unwrap_err();
    assert!(matches!(err, SyncError::InvalidRemote(_)), "{err}");
}

#[test]
fn plain_http_off_this_machine_is_refused_unless_allowed() {
    // Building a transport sends nothing: these addresses are never contacted.
    for url in ["http://10.20.30.40:8787", "http://fb.example", "http://[2001:db8::1]:80"] {
        let err = HttpTransport::new(&remote(url, "fbt_x", None)).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, SyncError::InvalidRemote(_)) && text.contains("plain HTTP"), "{url}: {text}");
        assert!(!err.is_transient(), "a refusal, not a network hiccup");
        let allowed = RemoteConfig { allow_http: true, ..remote(url, "fbt_x", None) };
        assert!(HttpTransport::new(&allowed).is_ok(), "{url} with --allow-http");
    }
    for url in ["http://127.0.0.1:8787", "http://localhost:1", "http://[::1]:8787", "https://fb.example"] {
        assert!(HttpTransport::new(&remote(url, "fbt_x", None)).is_ok(), "{url}");
    }
}

#[test]
fn bad_certificate_files_are_one_clear_line_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let (_, cert, key) = team_ca(dir.path());
    let (_, other_cert, _) = team_ca(&{
        let d = dir.path().join("other");
        std::fs::create_dir(&d).unwrap();
        d
    });
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "hello").unwrap();
    let missing = dir.path().join("missing.pem");
    let db = format!("sqlite://{}", dir.path().join("server.db").display());
    let cases: [(&Path, &Path, &str); 4] = [
        (&missing, &key, "--tls-cert"),
        (&junk, &key, "no certificate in it"),
        (&cert, &junk, "no PEM private key"),
        (&other_cert, &key, "do not make a usable pair"),
    ];
    for (c, k, expected) in cases {
        let out = Command::new(bin())
            // As a person runs it (a backtrace is a developer's opt-in).
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .args(["--db", &db, "--listen", "127.0.0.1:0", "--tls-cert"])
            .arg(c)
            .arg("--tls-key")
            .arg(k)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{expected}: the server did not start");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{expected}: one line, got {stderr}");
        assert!(lines[0].contains(expected), "{expected}: {stderr}");
        assert!(out.stdout.is_empty(), "nothing was served");
    }
    // A certificate without its key is refused by the argument parser.
    let out = Command::new(bin()).args(["--db", &db, "--tls-cert"]).arg(&cert).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"));
}

/// An in-process server on a loopback port with a short header-read timeout.
async fn in_process(timeout: Duration) -> (String, AppState, tokio::sync::watch::Sender<bool>) {
    let storage = Arc::new(Storage::open("sqlite::memory:").await.unwrap());
    storage.create_team("sre").await.unwrap();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let state =
        AppState::with_limits(storage, rx.clone(), firebreak_server::wake::PollLimits { per_member: 1, per_team: 10 });
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let options = ServeOptions { header_read_timeout: timeout, ..ServeOptions::default() };
    let router = app(state.clone());
    let mut stopped = rx;
    tokio::spawn(serve(listener, router, options, async move {
        let _ = stopped.wait_for(|s| *s).await;
    }));
    (format!("http://{addr}"), state, stop)
}

#[tokio::test]
async fn a_client_that_sends_its_headers_too_slowly_is_cut_off() {
    let (url, _state, _stop) = in_process(Duration::from_millis(300)).await;
    let addr = url.trim_start_matches("http://").to_string();
    // A whole request is answered.
    let mut ok = tokio::net::TcpStream::connect(&addr).await.unwrap();
    ok.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    ok.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Half a request, then silence: the server hangs up soon after the timeout.
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(250) && took < Duration::from_secs(3), "cut after {took:?}");
    assert!(!String::from_utf8_lossy(&rest).contains(" 200 "), "no answer to half a request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_pull_past_the_cap_polls_instead_of_failing() {
    let (url, state, _stop) = in_process(Duration::from_secs(10)).await;
    state.storage().add_member("sre", "ana").await.unwrap();
    let token = state.storage().issue_token("sre", "ana").await.unwrap();
    let t = || HttpTransport::new(&remote(&url, &token, None)).unwrap();
    // ana's one slot is taken by a pull held for a long time.
    let first = t();
    let held = tokio::spawn(async move { first.pull(0, 10, Some(Duration::from_secs(20))).await });
    while state.waiters().held(1) < 1 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A second waiting pull is declined by the server; the client waits a moment and
    // fetches the page without waiting: an answer, not an error.
    let started = Instant::now();
    let page = t().pull(0, 10, Some(Duration::from_secs(20))).await.unwrap();
    assert!(page.ops.is_empty());
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(4) && took < Duration::from_secs(10), "took {took:?}");
    t().push(&PushRequest { ops: vec![op("ana", 1)] }).await.unwrap();
    assert_eq!(held.await.unwrap().unwrap().ops.len(), 1);
}
