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
}
