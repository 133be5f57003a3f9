//! The server under test as its own process: the release `firebreak-server` binary on a
//! free loopback port, teams and tokens made through its own `admin` commands, and its
//! CPU time and peak memory read from `/proc` (Linux), so the figures are the server's
//! alone, not the benchmark's clients'.
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// The binary: `FIREBREAK_SERVER_BIN`, else the one cargo built beside this benchmark
/// (`$CARGO_TARGET_DIR/release/firebreak-server` under `cargo bench`).
pub fn server_bin() -> PathBuf {
    std::env::var_os("FIREBREAK_SERVER_BIN")
        .filter(|p| !p.is_empty())
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_firebreak-server")), PathBuf::from)
}

/// One team: its name and a token per member (`m0`, `m1`, …).
pub struct Team {
    pub name: String,
    pub tokens: Vec<String>,
}

pub fn member(j: usize) -> String {
    format!("m{j}")
}

/// Runs `firebreak-server --db DB admin ARGS…`; its stdout, or one line saying what failed.
fn admin(bin: &Path, db: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(bin)
        .args(["--db", db, "admin"])
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!("admin {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Creates `teams` teams named `<prefix>-t<i>` with `members` members and one token
/// each, through the admin commands (one process per command, as an admin would run
/// them). Returns the teams and how long it took.
pub fn create_teams(
    bin: &Path,
    db: &str,
    prefix: &str,
    teams: usize,
    members: usize,
) -> Result<(Vec<Team>, std::time::Duration), String> {
    let started = Instant::now();
    let mut out = Vec::with_capacity(teams);
    for i in 0..teams {
        let name = format!("{prefix}-t{i}");
        admin(bin, db, &["create-team", &name])?;
        let mut tokens = Vec::with_capacity(members);
        for j in 0..members {
            let person = member(j);
            admin(bin, db, &["add-member", &name, &person])?;
            let token = admin(bin, db, &["issue-token", &name, &person])?;
            if token.len() < 32 || token.contains(char::is_whitespace) {
                return Err(format!("issue-token {name} {person} printed {token:?}, not a token"));
            }
            tokens.push(token);
        }
        out.push(Team { name, tokens });
    }
    Ok((out, started.elapsed()))
}

/// A running server; stopped (SIGTERM, then SIGKILL) when dropped.
pub struct ServerProcess {
    child: Child,
    pub url: String,
    pub log: PathBuf,
}

impl ServerProcess {
    /// Starts `bin serve` on a free port with its log (default level: one line per
    /// request, as deployed) in `log`; with `soft_nofile`, from a shell that first sets
    /// that soft limit on open files, as a service manager does (systemd: 1,024).
    pub fn start(bin: &Path, db: &str, log: &Path, soft_nofile: Option<u64>) -> Result<Self, String> {
        let log_file = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let mut cmd = match soft_nofile {
            None => Command::new(bin),
            Some(n) => {
                let mut sh = Command::new("sh");
                sh.args(["-c", &format!("ulimit -Sn {n} && exec \"$0\" \"$@\"")]).arg(bin);
                sh
            }
        };
        let mut child = cmd
            .args(["--db", db, "--listen", "127.0.0.1:0", "serve"])
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let mut line = String::new();
        let read = child.stdout.take().map(|s| BufReader::new(s).read_line(&mut line));
        let url = line.trim().strip_prefix("listening on ").map(str::to_string);
        match (read, url) {
            (Some(Ok(_)), Some(url)) => Ok(ServerProcess { child, url, log: log.to_path_buf() }),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                let tail = std::fs::read_to_string(log).unwrap_or_default();
                Err(format!("the server did not start (first line {line:?}); its log: {}", tail.trim()))
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM and wait (the graceful path); the exit status.
    pub fn stop(&mut self) -> Result<std::process::ExitStatus, String> {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        self.child.wait().map_err(|e| format!("waiting for the server: {e}"))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// User + system CPU time of a process so far, in seconds (`/proc/<pid>/stat`).
pub fn cpu_seconds(pid: u32) -> Result<f64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).ok_or("/proc/<pid>/stat has no ')'")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
    let tick = |i: usize| -> Result<u64, String> {
        fields.get(i).and_then(|f| f.parse().ok()).ok_or_else(|| format!("/proc/{pid}/stat: no field {}", i + 3))
    };
    Ok((tick(11)? + tick(12)?) as f64 / clock_ticks_per_second())
}

/// `getconf CLK_TCK` (the unit of `/proc/<pid>/stat` times); 100, Linux's USER_HZ, if
/// getconf is missing.
fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .unwrap_or(100.0)
}

/// A `/proc/<pid>/status` line's number (`VmHWM` in kB, `Threads`).
pub fn status_number(pid: u32, key: &str) -> Result<u64, String> {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(':')))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("/proc/{pid}/status has no {key}"))
}

/// The first line of `/proc/loadavg`, for the record: other work on the machine shows
/// in every figure.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
