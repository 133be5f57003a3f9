//! Firebreak's one way to read YAML that people bring: post-incident reviews
//! (`pir import`), drill scenarios and drill scripts. It exists so that every importer
//! gets the same three things without thinking about them:
//!
//! - **A maintained, panic-free parser.** `serde_yaml` is unmaintained (its C-to-Rust
//!   libyaml port too); `serde-saphyr` is pure Rust, actively developed, and built to
//!   return errors rather than panic on hostile input.
//! - **Limits.** A file larger than [`Limits::max_bytes`] is refused before it is parsed;
//!   nesting deeper than [`Limits::max_depth`], more than [`Limits::max_nodes`] values
//!   (aliases expanded, so an "alias bomb" is stopped too) and more than one document are
//!   refused while parsing. Counts that mean something to a caller (timeline rows,
//!   injects) are the caller's to bound, on the typed value.
//! - **One clear line.** An [`Error`] renders as `line 7: items[1].bye: unknown field
//!   `bye`, expected one of id, by`: the 1-based line where the parser gives one, the
//!   field path (tracked with `serde_path_to_error`) and the reason, never a multi-line
//!   snippet.
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;

/// One mebibyte, the size most importers allow.
pub const MIB: usize = 1024 * 1024;

/// How much a reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input, in bytes; larger text is refused before parsing.
    pub max_bytes: usize,
    /// Deepest nesting of lists and mappings.
    pub max_depth: usize,
    /// Most values (scalars, lists, mappings) in the document, aliases expanded.
    pub max_nodes: usize,
}

impl Limits {
    /// For files a person writes: 1 MiB, 32 levels, 500,000 values.
    pub const FILE: Limits = Limits { max_bytes: MIB, max_depth: 32, max_nodes: 500_000 };
}

/// A refusal: where (line, field path) and why, shown on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// 1-based line, when the parser knows it.
    pub line: Option<usize>,
    /// 1-based column, when the parser knows it.
    pub column: Option<usize>,
    /// Field path such as `timeline[3].time`; empty for the whole document.
    pub path: String,
    /// What is wrong, on one line.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Reads one YAML document into `T` within `limits`. `what` names the input in the
/// size refusal ("a review file").
pub fn from_str<T: DeserializeOwned>(text: &str, what: &str, limits: Limits) -> Result<T, Error> {
    if text.len() > limits.max_bytes {
        return Err(Error {
            line: None,
            column: None,
            path: String::new(),
            message: format!("{what} is {} bytes; at most {} are read", text.len(), limits.max_bytes),
        });
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: limits.max_depth,
            max_nodes: limits.max_nodes,
            max_total_scalar_bytes: limits.max_bytes,
            max_documents: 1,
        },
        with_snippet: false,
    };
    let mut path = String::new();
    serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            path = e.path().to_string();
            e.into_inner()
        })
    })
    .map_err(|e| describe(&e, path, limits))
}

/// Writes `value` as YAML (block style, as people write it).
pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    serde_saphyr::to_string(value).map_err(|e| one_line(&e.to_string()))
}

fn describe(e: &serde_saphyr::Error, path: String, limits: Limits) -> Error {
    let e = e.without_snippet();
    let location = e.location();
    let known = |n: u64| usize::try_from(n).ok().filter(|n| *n > 0);
    let line = location.as_ref().and_then(|l| known(l.line()));
    let column = location.as_ref().and_then(|l| known(l.column()));
    let mut message = one_line(&e.to_string());
    // The location is reported as our own `line N:` prefix, not as a suffix.
    if let Some(cut) = message.rfind(" at line ") {
        message.truncate(cut);
    }
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        message = match breach.split_whitespace().next() {
            Some("Nodes") => format!("more than {} values in one file", limits.max_nodes),
            Some("Depth") => format!("nested more than {} levels deep", limits.max_depth),
            Some("Documents") => "more than one YAML document (`---`); a file holds one".into(),
            _ => format!("too large to read ({breach})"),
        };
    } else if message.starts_with("multiple YAML documents") {
        message = "more than one YAML document (`---`); a file holds one".into();
    }
    let path = if path == "." || path == "?" { String::new() } else { printable(&path, MAX_PATH_CHARS) };
    Error { line, column, path, message: printable(&message, MAX_MESSAGE_CHARS) }
}

/// Longest field path shown; keys come from the file and may be long.
const MAX_PATH_CHARS: usize = 120;
/// Longest message shown; messages may quote values from the file.
const MAX_MESSAGE_CHARS: usize = 300;

/// A message on one line ("a\nb" → "a; b").
fn one_line(message: &str) -> String {
    message.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

/// Text from the file made safe to show on one line: control characters escaped
/// (`\n`, `\u{1b}`), cut at `max` characters with `…`.
fn printable(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        title: String,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        id: String,
    }

    fn read(text: &str) -> Result<Doc, Error> {
        from_str(text, "a test file", Limits { max_bytes: 200, max_depth: 4, max_nodes: 30 })
    }

    #[test]
    fn reads_a_document() {
        let doc = read("title: t\nitems:\n  - id: a\n").unwrap();
        assert_eq!(doc, Doc { title: "t".into(), items: vec![Item { id: "a".into() }] });
    }

    #[test]
    fn errors_name_line_and_field_path_on_one_line() {
        let e = read("title: t\nitems:\n  - id: a\n  - id: b\n    bye: 1\n").unwrap_err();
        assert_eq!((e.line, e.path.as_str()), (Some(5), "items[1].bye"));
        assert!(e.message.starts_with("unknown field `bye`"), "{e}");
        assert!(e.to_string().starts_with("line 5: items[1].bye: unknown field `bye`"), "{e}");
        let e = read("items: []\n").unwrap_err();
        assert!(e.to_string().contains("missing field `title`"), "{e}");
        assert!(!e.to_string().contains('\n'));
        let e = read("title: [unclosed\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        // Keys and values from the file cannot break the line or flood it.
        let e = read("{\"a\\nb\\u001b\": 1}").unwrap_err();
        assert_eq!(e.path, "a\\nb\\u{1b}", "{e}");
        let long = format!("{{{}: 1}}", "k".repeat(150));
        assert!(read(&long).unwrap_err().path.ends_with("k…"));
    }

    #[test]
    fn limits_are_refused_with_what_and_why() {
        let e = read(&format!("title: {}\n", "x".repeat(300))).unwrap_err();
        assert_eq!(e.to_string(), "a test file is 308 bytes; at most 200 are read");
        let many = ["{id: a}"; 12].join(",");
        let e = read(&format!("title: t\nitems: [{many}]\n")).unwrap_err();
        assert!(e.message.contains("more than 30 values"), "{e}");
        let e = read("title: t\nitems: [[[[[[]]]]]]\n").unwrap_err();
        assert!(e.line == Some(2), "{e}");
        let e = read("title: t\n---\ntitle: u\n").unwrap_err();
        assert!(e.message.contains("more than one YAML document"), "{e}");
    }

    #[test]
    fn an_alias_bomb_is_stopped_by_the_value_count() {
        let bomb = "a: &a [x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b]\ntitle: *c\n";
        let e =
            from_str::<Doc>(bomb, "a test file", Limits { max_bytes: MIB, max_depth: 8, max_nodes: 100 }).unwrap_err();
        assert!(!e.message.is_empty(), "{e}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 1_000, ..Default::default() })]
        /// Any text gives a value or an error on one line, never a panic.
        #[test]
        fn any_text_is_read_or_refused_on_one_line(text in "\\PC{0,200}|[a-z:\\-\\[\\]{}&*!|>'\" \n]{0,200}") {
            if let Err(e) = read(&text) {
                proptest::prop_assert!(!e.to_string().contains('\n'), "{}", e);
            }
        }
    }
}
