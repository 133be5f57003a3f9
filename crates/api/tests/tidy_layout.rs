//! Tidy (layout), in the spirit of rust-analyzer's tidy test: every Rust file under
//! `crates/` and `src-tauri/src` opens with a `//!` line saying why it exists, no file is
//! over [`MAX_FILE_LINES`] lines and no function over [`MAX_FN_LINES`], unless
//! `tests/tidy-layout-allow.txt` names it with a reason.
//!
//! Allow-list lines are `path  reason` (a long file) or `path#function  reason` (a long
//! function), separated by two or more spaces. An entry that no longer matches anything
//! (the file got shorter, the function was split or renamed) fails too, so the list only
//! shrinks. The scan is textual: comments, strings and char literals are blanked first,
//! then each `fn name` is measured from its line to its closing brace.
mod scan;

use scan::{is_ident, rust_files, strip};
use std::path::Path;

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 100;
const ALLOW_FILE: &str = "crates/api/tests/tidy-layout-allow.txt";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Finding {
    /// The first line is not a `//!` comment.
    NoModuleDoc,
    /// The file has this many lines.
    LongFile(usize),
    /// Function `name`, starting on `line`, spans `lines` lines.
    LongFn { name: String, line: usize, lines: usize },
}

/// Every function with a body: its name, first line and length in lines (from the
/// `fn` line to the line of its closing brace). Nested functions count on their own too.
fn functions(src: &str) -> Vec<(String, usize, usize)> {
    let code: Vec<char> = strip(src).chars().collect();
    let line_at = |pos: usize| code[..pos].iter().filter(|c| **c == '\n').count() + 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i + 3 < code.len() {
        let word = code[i] == 'f' && code[i + 1] == 'n' && code[i + 2] == ' ';
        if !word || (i > 0 && is_ident(code[i - 1])) {
            i += 1;
            continue;
        }
        let name_start = i + 3;
        let name: String = code[name_start..].iter().take_while(|c| is_ident(**c)).collect();
        if name.is_empty() {
            i += 1;
            continue;
        }
        // The body opens at the first `{` outside parentheses and brackets; a `;` first
        // means a declaration without a body (a trait method).
        let mut j = name_start + name.len();
        let mut depth = 0i32;
        let mut body = None;
        while j < code.len() {
            match code[j] {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                '{' if depth == 0 => {
                    body = Some(j);
                    break;
                }
                ';' if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        if let Some(open) = body {
            let mut depth = 0usize;
            let mut k = open;
            while k < code.len() {
                match code[k] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            let first = line_at(i);
            out.push((name, first, line_at(k.min(code.len() - 1)) - first + 1));
        }
        i = name_start;
    }
    out
}

/// Every finding in one file's source.
fn scan(src: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if !src.lines().next().is_some_and(|l| l.starts_with("//!")) {
        out.push(Finding::NoModuleDoc);
    }
    let lines = src.lines().count();
    if lines > MAX_FILE_LINES {
        out.push(Finding::LongFile(lines));
    }
    for (name, line, lines) in functions(src) {
        if lines > MAX_FN_LINES {
            out.push(Finding::LongFn { name, line, lines });
        }
    }
    out
}

/// One allow-list entry: the file, the function (none for a long file) and why.
#[derive(Debug)]
struct Allowed {
    path: String,
    function: Option<String>,
    entry: String,
}

fn parse_allow_list(text: &str) -> Result<Vec<Allowed>, String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (target, reason) = line.split_once("  ").ok_or_else(|| format!("`path  reason` expected, got: {line}"))?;
        if reason.trim().is_empty() {
            return Err(format!("an exception needs its reason: {line}"));
        }
        let (path, function) = match target.split_once('#') {
            Some((p, f)) => (p.to_string(), Some(f.to_string())),
            None => (target.to_string(), None),
        };
        out.push(Allowed { path, function, entry: line.to_string() });
    }
    Ok(out)
}

/// Every problem in the tree that the allow-list does not excuse, plus every stale entry.
fn problems(root: &Path, allowed: &[Allowed]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("src-tauri/src"), &mut files);
    files.sort();
    assert!(files.len() > 100, "the scan found only {} files: wrong root?", files.len());
    let mut used = vec![false; allowed.len()];
    let mut out = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(root).unwrap_or(file).to_string_lossy().replace('\\', "/");
        let src = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                out.push(format!("{rel}: unreadable: {e}"));
                continue;
            }
        };
        for f in scan(&src) {
            let function = match &f {
                Finding::LongFn { name, .. } => Some(name.as_str()),
                _ => None,
            };
            let excused = match f {
                Finding::NoModuleDoc => None,
                _ => allowed.iter().position(|a| a.path == rel && a.function.as_deref() == function),
            };
            match (excused, f) {
                (Some(k), _) => used[k] = true,
                (None, Finding::NoModuleDoc) => {
                    out.push(format!("{rel}:1: open the file with a `//!` line saying why the module exists"))
                }
                (None, Finding::LongFile(n)) => {
                    out.push(format!("{rel}: {n} lines (over {MAX_FILE_LINES}); split it by concern"))
                }
                (None, Finding::LongFn { name, line, lines }) => {
                    out.push(format!("{rel}:{line}: fn {name} is {lines} lines (over {MAX_FN_LINES}); split it"))
                }
            }
        }
    }
    for (a, used) in allowed.iter().zip(used) {
        if !used {
            out.push(format!("{ALLOW_FILE}: matches nothing any more, remove it: {}", a.entry));
        }
    }
    out
}

#[test]
fn every_module_is_documented_and_no_file_or_function_is_too_long() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join(ALLOW_FILE)).unwrap_or_else(|e| panic!("{ALLOW_FILE}: {e}"));
    let allowed = parse_allow_list(&text).unwrap_or_else(|e| panic!("{ALLOW_FILE}: {e}"));
    let found = problems(&root, &allowed);
    assert!(
        found.is_empty(),
        "{} layout problem(s); fix them or add `path[#function]  reason` to {ALLOW_FILE}:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_scanner_flags_deliberate_violations() {
    let body: String = (0..100).map(|n| format!("    let x{n} = {n};\n")).collect();
    let src = format!("// a plain comment, not a module doc\nfn long() {{\n{body}}}\n\nfn short() {{}}\n");
    assert_eq!(scan(&src), vec![Finding::NoModuleDoc, Finding::LongFn { name: "long".into(), line: 2, lines: 102 }]);
    let long_file = format!("//! Docs.\n{}", "const A: u8 = 1;\n".repeat(MAX_FILE_LINES));
    assert_eq!(scan(&long_file), vec![Finding::LongFile(MAX_FILE_LINES + 1)]);
    // A method in an impl, with a where clause and a brace inside a string and a char.
    let body: String = (0..99).map(|_| "        let _ = \"}\"; let _ = '{';\n").collect();
    let src = format!(
        "//! Docs.\nimpl S {{\n    pub(crate) async fn method<T>(&self, t: [u8; 2]) -> T\n    where T: Default\n    {{\n{body}    }}\n}}\n"
    );
    assert_eq!(scan(&src), vec![Finding::LongFn { name: "method".into(), line: 3, lines: 103 }]);
}

#[test]
fn the_scanner_leaves_exact_limits_comments_and_declarations_alone() {
    // Exactly 100 lines, a bodiless trait method, a `fn` in a comment and a string, a fn
    // pointer type, and a raw string holding braces.
    let body: String = (0..98).map(|n| format!("    let x{n} = {n};\n")).collect();
    let src = format!(
        "//! Docs.\ntrait T {{ fn decl(&self); }}\n// fn commented() {{\nfn edge(f: fn(u8) -> u8) {{\n{body}}}\nconst S: &str = r#\"fn raw() {{\"#;\nconst Q: &str = \"fn quoted() {{\";\n"
    );
    assert_eq!(functions(&src).iter().find(|f| f.0 == "edge").map(|f| f.2), Some(100));
    assert_eq!(scan(&src), vec![]);
    assert_eq!(functions(&src).len(), 1, "{:?}", functions(&src));
}

#[test]
fn the_allow_list_excuses_only_what_it_names_and_goes_stale() {
    let dir = std::env::temp_dir().join(format!("fb-tidy-layout-{}", std::process::id()));
    let file = dir.join("crates/x/src/lib.rs");
    std::fs::create_dir_all(file.parent().unwrap_or(&dir)).unwrap_or_default();
    let body: String = (0..120).map(|n| format!("    let x{n} = {n};\n")).collect();
    std::fs::write(&file, format!("//! Docs.\nfn big() {{\n{body}}}\n")).unwrap_or_default();
    // Enough files for the scan's sanity check.
    for n in 0..101 {
        std::fs::write(dir.join(format!("crates/x/src/m{n}.rs")), "//! Docs.\n").unwrap_or_default();
    }
    let list = |t: &str| parse_allow_list(t).unwrap_or_default();
    assert_eq!(
        problems(&dir, &list("")),
        vec!["crates/x/src/lib.rs:2: fn big is 122 lines (over 100); split it".to_string()]
    );
    assert_eq!(problems(&dir, &list("crates/x/src/lib.rs#big  generated table")), Vec::<String>::new());
    // Naming the file excuses a long file, not a long function; a stale entry is reported.
    let found = problems(&dir, &list("crates/x/src/lib.rs  too long\ncrates/x/src/lib.rs#gone  was long"));
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[1].ends_with("remove it: crates/x/src/lib.rs  too long"), "{found:?}");
    assert!(parse_allow_list("crates/x/src/lib.rs").is_err(), "an entry without a reason is refused");
    let _ = std::fs::remove_dir_all(&dir);
}
