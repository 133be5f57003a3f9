//! Running the real `firebreak` binary from tests: one data directory, a pinned clock,
//! a known user; `ok` fails the test with stderr, `json` parses the one JSON document.
#![allow(dead_code)]
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub struct Cli {
    /// FIREBREAK_NOW for every call.
    pub now: &'static str,
    pub user: &'static str,
}

impl Cli {
    pub fn run(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_firebreak"))
            .args(args)
            .env("FIREBREAK_DATA_DIR", dir)
            .env("FIREBREAK_NOW", self.now)
            .env("TZ", "UTC")
            .env("USER", self.user)
            .output()
            .expect("runs")
    }

    pub fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let o = self.run(dir, args);
        assert!(o.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    }

    pub fn json(&self, dir: &Path, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(dir, &all)).expect("one JSON document")
    }

    /// Asserts `args` is refused with one `error:` line containing `why`, and that no op
    /// was written.
    pub fn refused(&self, dir: &Path, args: &[&str], why: &str) {
        let before = op_count(dir);
        let o = self.run(dir, args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} should fail");
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("error: ") && err.contains(why), "{args:?}: {err}");
        assert_eq!(op_count(dir), before, "{args:?} wrote nothing");
    }
}

/// How many ops the data directory's database holds.
pub fn op_count(dir: &Path) -> i64 {
    let db = rusqlite::Connection::open(dir.join("firebreak.db")).unwrap();
    db.query_row("SELECT count(*) FROM ops", [], |r| r.get(0)).unwrap()
}

/// The team server binary, built beside `firebreak` by `cargo test` of the workspace.
pub fn server_bin() -> std::path::PathBuf {
    let p = Path::new(env!("CARGO_BIN_EXE_firebreak")).with_file_name("firebreak-server");
    assert!(p.exists(), "{} is built by `cargo test` of the workspace (scripts/test.sh)", p.display());
    p
}

/// `firebreak-server admin ARGS… --db DB`, its trimmed stdout.
pub fn admin(db: &str, args: &[&str]) -> String {
    let mut all = vec!["admin"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--db", db]);
    let o = Command::new(server_bin()).args(&all).output().unwrap();
    assert!(o.status.success(), "{all:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// Starts the server on `listen`; returns it and the URL it says it listens on.
pub fn serve(db: &str, listen: &str) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(server_bin())
        .args(["--db", db, "--listen", listen])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").expect("the server says where it listens").to_string();
    (child, url)
}
