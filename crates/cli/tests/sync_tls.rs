//! `firebreak remote set` with a team's own CA against a real `firebreak-server`
//! serving HTTPS (certificates made here with rcgen), then two laptops syncing through
//! it; and plain `http://` to a host off this machine refused before anything is saved
//! or sent.
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn server_bin() -> PathBuf {
    let p = Path::new(env!("CARGO_BIN_EXE_firebreak")).with_file_name("firebreak-server");
    assert!(p.exists(), "{} is built by `cargo test` of the workspace (scripts/test.sh)", p.display());
    p
}

fn admin(db: &str, args: &[&str]) -> String {
    let o = Command::new(server_bin()).args(["--db", db, "admin"]).args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// The server over HTTPS; killed when dropped.
struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve_tls(db: &str, cert: &Path, key: &Path) -> Server {
    let mut child = Command::new(server_bin())
        .args(["--db", db, "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").expect("the server says where it listens").to_string();
    Server(child, url)
}

fn fb(dir: &Path, user: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(args)
        .env("FIREBREAK_DATA_DIR", dir)
        .env("FIREBREAK_SECRETS", "file")
        .env("USER", user)
        .output()
        .unwrap()
}

fn json(dir: &Path, user: &str, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let o = fb(dir, user, &all);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// (ca.pem, server.pem, server.key) for localhost and 127.0.0.1, signed by a team CA.
fn team_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let paths = (dir.join("ca.pem"), dir.join("server.pem"), dir.join("server.key"));
    std::fs::write(&paths.0, ca_cert.pem()).unwrap();
    std::fs::write(&paths.1, cert.pem()).unwrap();
    std::fs::write(&paths.2, key.serialize_pem()).unwrap();
    paths
}

#[test]
fn two_laptops_sync_over_https_with_the_team_ca() {
    let tmp = tempfile::tempdir().unwrap();
    let (ca, cert, key) = team_ca(tmp.path());
    let db = format!("sqlite://{}", tmp.path().join("server.db").display());
    admin(&db, &["create-team", "sre"]);
    admin(&db, &["add-member", "sre", "ana"]);
    admin(&db, &["add-member", "sre", "bo"]);
    let (ana, bo) = (admin(&db, &["issue-token", "sre", "ana"]), admin(&db, &["issue-token", "sre", "bo"]));
    let server = serve_tls(&db, &cert, &key);
    assert!(server.1.starts_with("https://"), "{}", server.1);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let ca = ca.to_str().unwrap();

    // Without the CA the server's certificate is not trusted: the token cannot be
    // checked, so it is kept to be checked at the first sync, and that sync fails.
    let v = json(&a, "ana", &["remote", "set", &server.1, "--team", "sre", "--token", &ana]);
    assert!(v["notes"].to_string().contains("not reachable"), "{v}");
    let o = fb(&a, "ana", &["sync"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("certificate"), "{}", String::from_utf8_lossy(&o.stderr));

    // With it, the token is checked at once and both laptops sync.
    let v = json(&a, "ana", &["remote", "set", &server.1, "--team", "sre", "--token", &ana, "--ca", ca]);
    assert_eq!(v["remote"]["member"], "ana", "{v}");
    assert!(v["warning"].is_null(), "https carries no warning: {v}");
    json(&b, "bo", &["remote", "set", &server.1, "--team", "sre", "--token", &bo, "--ca", ca]);
    let declared = fb(&a, "ana", &["incident", "declare", "--title", "Checkout down over TLS", "--severity", "SEV2"]);
    assert!(declared.status.success(), "{}", String::from_utf8_lossy(&declared.stderr));
    let id = String::from_utf8(declared.stdout).unwrap().trim().to_string();
    assert_eq!(json(&a, "ana", &["sync"])["pushed"], 1);
    assert_eq!(json(&b, "bo", &["sync"])["pulled"], 1);
    let shown = json(&b, "bo", &["incident", "show", &id]);
    assert!(shown.to_string().contains("Checkout down over TLS"), "{shown}");

    // A --ca that is not a certificate is refused, and the remote stays as it was.
    let junk = tmp.path().join("junk.pem");
    std::fs::write(&junk, "hello").unwrap();
    let o =
        fb(&b, "bo", &["remote", "set", &server.1, "--team", "sre", "--token", &bo, "--ca", junk.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no PEM certificate"));
    assert_eq!(json(&b, "bo", &["sync"])["pulled"], 0, "still syncing with the kept CA");
}

#[test]
fn plain_http_to_another_host_is_refused_before_anything_is_saved() {
    let tmp = tempfile::tempdir().unwrap();
    // Refused before any connection: this address is never contacted.
    let o = fb(tmp.path(), "ana", &["remote", "set", "http://10.11.12.13:8787", "--team", "sre", "--token", "fbt_x"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("plain HTTP to 10.11.12.13") && err.contains("--allow-http"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    let shown = json(tmp.path(), "ana", &["remote", "show"]);
    assert!(shown["remote"].is_null(), "nothing saved: {shown}");
}
