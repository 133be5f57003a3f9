//! Helpers shared by the server's integration tests: ops built from their wire JSON
//! (so tests do not break when payloads gain optional fields), a real server process
//! on a free port, and the admin CLI.
#![allow(dead_code)]
use firebreak_core::op::Op;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A note op by `author`; `n` makes the id and text unique.
pub fn op(author: &str, n: u128) -> Op {
    op_with_text(author, n, &format!("note {n}"))
}

pub fn op_with_text(author: &str, n: u128, text: &str) -> Op {
    serde_json::from_value(serde_json::json!({
        "op_id": format!("{:032x}", n),
        "replica": format!("{:032x}", 0xabcu128),
        "hlc": {"wall_ms": 1_700_000_000_000u64 + n as u64, "counter": 0},
        "author": author,
        "target": "0190c4a4-0000-7000-8000-000000000001",
        "payload": {"type": "add_entry", "kind": "note", "at": "2024-01-01T00:00:00Z", "text": text}
    }))
    .expect("a valid op")
}

/// The PostgreSQL URL for tests, when the environment provides one.
pub fn postgres_url() -> Option<String> {
    std::env::var("FIREBREAK_TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

/// A name no other test run uses (tests share one PostgreSQL database).
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{:x}", rand::random::<u32>())
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_firebreak-server")
}

/// Runs `firebreak-server --db DB admin ARGS…` and returns its stdout.
pub fn admin(db: &str, args: &[&str]) -> String {
    let out = Command::new(bin()).args(["--db", db, "admin"]).args(args).output().expect("run the admin CLI");
    assert!(out.status.success(), "admin {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Creates a team with one member and returns the member's token.
pub fn team_with_member(db: &str, team: &str, person: &str) -> String {
    admin(db, &["create-team", team]);
    admin(db, &["add-member", team, person]);
    admin(db, &["issue-token", team, person])
}

/// A running `firebreak-server` on a free loopback port.
pub struct ServerProcess {
    child: Child,
    pub url: String,
}

impl ServerProcess {
    pub fn start(db: &str) -> Self {
        Self::start_with(db, &[])
    }

    /// With more arguments (e.g. `--tls-cert`, `--tls-key`).
    pub fn start_with(db: &str, args: &[&str]) -> Self {
        let mut cmd = Command::new(bin());
        cmd.args(["--db", db, "--listen", "127.0.0.1:0"]).args(args);
        Self::spawn(cmd)
    }

    /// Started by a shell that first lowers the soft limit on open files to `soft`, as
    /// a service manager does (systemd's default is 1,024, its hard limit far higher).
    pub fn start_with_soft_open_files(db: &str, soft: u32, args: &[&str]) -> Self {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", &format!("ulimit -Sn {soft} && exec \"$0\" \"$@\""), bin()])
            .args(["--db", db, "--listen", "127.0.0.1:0"])
            .args(args);
        Self::spawn(cmd)
    }

    fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start firebreak-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read the listening line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        ServerProcess { child, url }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait: the graceful path.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        self.child.wait().expect("wait for the server")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}
