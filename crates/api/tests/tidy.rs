//! Tidy: the crates that handle stored or received data (store, api, sync, server,
//! policy, metrics, drill, the desktop shell) hold no `.unwrap()` / `.expect(` outside
//! tests, and no unchecked `+`/`-` between an instant and a duration — chrono panics when
//! such a sum leaves its range, and a synced op can carry an instant at that edge. Use
//! `checked_add_signed`/`checked_sub_signed` or `firebreak_core::instant`.
//!
//! The scan is textual: comments, string and char literals and `#[cfg(test)]` items are
//! blanked first; then a `+`, `-`, `+=` or `-=` counts as instant arithmetic when its
//! right operand is a duration — built on the spot (`Duration::minutes(5)`,
//! `TimeDelta::…`, `chrono::Duration::…`) or a variable or field this codebase uses for
//! durations ([`DURATION_NAMES`]: `lead`, `duration`, `inject.at` is not one, so name
//! durations plainly) — and its left operand is not a duration itself.
//!
//! Justified exceptions are listed in `tests/tidy-allow.txt`, one per line:
//! `path | code on the line | why`. An entry that no longer matches anything fails the
//! test too, so the list only shrinks.
mod scan;

use scan::{is_ident, strip};
use std::path::{Path, PathBuf};

/// The crates whose `src/` is scanned.
const SCANNED: &[&str] = &[
    "crates/store",
    "crates/api",
    "crates/sync",
    "crates/server",
    "crates/policy",
    "crates/metrics",
    "crates/drill",
    "src-tauri",
];

/// Variable and field names that hold a `Duration` in this codebase.
const DURATION_NAMES: &[&str] = &[
    "lead",
    "duration",
    "remaining",
    "available",
    "needed",
    "boundary",
    "step",
    "elapsed",
    "offset",
    "limit",
    "delta",
    "cadence",
    "rto",
    "span",
    "tolerance",
    "interval",
    "skew",
    "backoff",
    "ran_for",
    "within",
];

/// Paths (before `::`) that build a duration.
const DURATION_TYPES: &[&str] = &["Duration", "TimeDelta", "ChronoDuration", "chrono::Duration", "chrono::TimeDelta"];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Finding {
    line: usize,
    rule: &'static str,
    code: String,
}

/// Blanks every item marked `#[cfg(test)]` (a module, function or `use`) in stripped text.
fn blank_test_items(stripped: &str) -> String {
    let mut b: Vec<char> = stripped.chars().collect();
    let marker: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + marker.len() <= b.len() {
        if b[i..i + marker.len()] != marker[..] {
            i += 1;
            continue;
        }
        // The item runs to its matching `}` or, without a body, its `;`.
        let mut j = i + marker.len();
        let mut depth = 0usize;
        while j < b.len() {
            match b[j] {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                ';' if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        let end = j.min(b.len() - 1);
        for c in &mut b[i..=end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = j + 1;
    }
    b.into_iter().collect()
}

/// The operand text right after position `i`: a path of identifiers, `::` and `.`.
fn operand_after(line: &[char], mut i: usize) -> String {
    while i < line.len() && (line[i] == ' ' || line[i] == '&' || line[i] == '*') {
        i += 1;
    }
    let start = i;
    while i < line.len() && (is_ident(line[i]) || line[i] == '.' || line[i] == ':') {
        i += 1;
    }
    line[start..i].iter().collect()
}

/// The operand text right before position `end` (exclusive): identifiers, `::`, `.` and
/// balanced `(…)` / `[…]`, e.g. `self.now()` or `run.started_at`.
fn operand_before(line: &[char], end: usize) -> String {
    let mut i = end;
    while i > 0 && line[i - 1] == ' ' {
        i -= 1;
    }
    let stop = i;
    while i > 0 {
        let c = line[i - 1];
        if is_ident(c) || c == '.' || c == ':' {
            i -= 1;
        } else if c == ')' || c == ']' {
            let (open, close) = if c == ')' { ('(', ')') } else { ('[', ']') };
            let mut depth = 0;
            while i > 0 {
                i -= 1;
                if line[i] == close {
                    depth += 1;
                } else if line[i] == open {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
        } else {
            break;
        }
    }
    line[i..stop].iter().collect()
}

/// The last identifier of an operand, ignoring what is inside parentheses or brackets:
/// `self.now()` → `now`, `run.started_at` → `started_at`.
fn last_ident(operand: &str) -> String {
    let mut depth = 0usize;
    let mut outside = String::new();
    for c in operand.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => outside.push(c),
            _ => {}
        }
    }
    outside.rsplit(['.', ':']).find(|p| !p.is_empty()).unwrap_or("").to_string()
}

fn is_duration(operand: &str) -> bool {
    DURATION_TYPES.iter().any(|t| operand.starts_with(&format!("{t}::")))
        || DURATION_NAMES.contains(&last_ident(operand).as_str())
}

/// Every finding in one file's source.
fn scan(src: &str) -> Vec<Finding> {
    let code = blank_test_items(&strip(src));
    let original: Vec<&str> = src.lines().collect();
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let shown = original.get(n).map_or("", |l| l.trim()).to_string();
        let push = |out: &mut Vec<Finding>, rule| out.push(Finding { line: n + 1, rule, code: shown.clone() });
        if line.contains(".unwrap()") {
            push(&mut out, "unwrap");
        }
        if line.contains(".expect(") {
            push(&mut out, "expect");
        }
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let binary = (c == '+' || c == '-')
                && next != Some('>')
                && i > 0
                && chars[..i].iter().rev().find(|c| **c != ' ').is_some_and(|p| is_ident(*p) || *p == ')' || *p == ']');
            if binary {
                let rhs_at = if next == Some('=') { i + 2 } else { i + 1 };
                let (lhs, rhs) = (operand_before(&chars, i), operand_after(&chars, rhs_at));
                if is_duration(&rhs) && !is_duration(&lhs) && !lhs.chars().all(|c| c.is_ascii_digit() || c == '_') {
                    push(&mut out, "instant-arith");
                    break;
                }
            }
            i += 1;
        }
    }
    out
}

struct Allowed {
    path: String,
    code: String,
    line: String,
}

fn allow_list(root: &Path) -> Vec<Allowed> {
    let path = root.join("crates/api/tests/tidy-allow.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (path, rest) =
                l.split_once(" | ").unwrap_or_else(|| panic!("tidy-allow.txt: `path | code | why`: {l}"));
            let (code, why) = rest.rsplit_once(" | ").unwrap_or_else(|| panic!("tidy-allow.txt: no reason in: {l}"));
            assert!(!why.trim().is_empty(), "tidy-allow.txt: an exception needs its reason: {l}");
            Allowed { path: path.trim().into(), code: code.trim().into(), line: l.into() }
        })
        .collect()
}

/// The Rust files below `dir` but `foo/tests.rs`, the body of a `#[cfg(test)] mod
/// tests;` (unit tests kept beside their module), skipped like inline `#[cfg(test)]` items.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut all = Vec::new();
    scan::rust_files(dir, &mut all);
    out.extend(all.into_iter().filter(|p| !p.ends_with("tests.rs")));
}

#[test]
fn no_unwrap_expect_or_unchecked_instant_arithmetic_on_outside_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let allowed = allow_list(&root);
    let mut used = vec![false; allowed.len()];
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for krate in SCANNED {
        rust_files(&root.join(krate).join("src"), &mut files);
    }
    files.sort();
    assert!(files.len() > 50, "the scan found only {} files: wrong root?", files.len());
    for file in &files {
        let rel = file.strip_prefix(&root).unwrap_or(file).to_string_lossy().replace('\\', "/");
        let src = std::fs::read_to_string(file).unwrap_or_default();
        for f in scan(&src) {
            match allowed.iter().position(|a| a.path == rel && f.code.contains(&a.code)) {
                Some(k) => used[k] = true,
                None => problems.push(format!("{rel}:{}: {} in `{}`", f.line, f.rule, f.code)),
            }
        }
    }
    for (a, used) in allowed.iter().zip(&used) {
        if !*used {
            problems.push(format!("tidy-allow.txt: this exception matches nothing any more, remove it: {}", a.line));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s); use checked arithmetic (checked_add_signed, firebreak_core::instant) and handle the \
         error, or add a justified line to crates/api/tests/tidy-allow.txt:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_scanner_catches_deliberate_violations() {
    let sample = r#"
fn due(at: DateTime<Utc>, d: &Deadline, lead: Duration) -> DateTime<Utc> {
    let later = at + Duration::minutes(5);
    let soon = d.due - lead;
    let mut t = self.now();
    t += chrono::Duration::weeks(1);
    let end = run.started_at + sc.duration;
    let x: Settings = serde_json::from_str(text).unwrap();
    let y = parse(text).expect("valid");
    later
}
"#;
    let found: Vec<(usize, &str)> = scan(sample).iter().map(|f| (f.line, f.rule)).collect();
    assert_eq!(
        found,
        vec![
            (3, "instant-arith"),
            (4, "instant-arith"),
            (6, "instant-arith"),
            (7, "instant-arith"),
            (8, "unwrap"),
            (9, "expect")
        ]
    );
}

#[test]
fn the_scanner_leaves_tests_comments_strings_and_checked_code_alone() {
    let sample = r##"
//! Docs: `t + Duration::minutes(5)` and `.unwrap()` in a comment.
fn ok(at: DateTime<Utc>, now: DateTime<Utc>, lead: Duration, remaining: Duration, available: Duration) {
    let later = at.checked_add_signed(Duration::minutes(5)).unwrap_or(at);
    let left = at - now; // two instants: a Duration, cannot overflow
    let fewer = remaining - available;
    let scaled = lead - lead / 2;
    let n = items.len() - 1;
    let s = "a + Duration::minutes(1) .unwrap() .expect(";
    let r = r#"x - lead"#;
    let c = '-';
    let v = maybe.unwrap_or_default() + maybe.unwrap_or(0);
    /* block .unwrap() */
}

#[cfg(test)]
mod tests {
    #[test]
    fn t() {
        let x = "1".parse::<u8>().unwrap();
        let t = at + Duration::minutes(x.into());
    }
}

#[cfg(test)]
fn helper() -> u8 { Some(1).expect("one") }
"##;
    assert_eq!(scan(sample), vec![]);
}

#[test]
fn the_allow_list_format_is_path_code_why() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for a in allow_list(&root) {
        assert!(root.join(&a.path).is_file(), "tidy-allow.txt names a missing file: {}", a.line);
        assert!(!a.code.is_empty(), "{}", a.line);
    }
}
