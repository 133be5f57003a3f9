//! Reading and writing the policy file (TOML), with errors that name the line and the field.
//!
//! A team edits the policy by hand, so a mistake must be easy to find: every error says the
//! 1-based line and the field path (`levels[1].respond`), whether it comes from TOML syntax,
//! from a value of the wrong shape, or from a cross-check (duplicate level id, unknown tier).
//! To locate a field, the text is read a second time into an index of field paths and byte
//! spans; a serde error's span is mapped to the innermost field containing it, and a
//! validation problem's path is mapped back to its line.
//!
//! A policy file may also come from someone else (a shared repository, a download), so it
//! is read within limits, each refused on one line saying what and why: at most
//! [`MAX_POLICY_BYTES`], at most [`MAX_LIST_ENTRIES`] entries in any one list, and arrays
//! and inline tables nested at most [`MAX_NESTING`] deep, checked by a scan before the
//! parser runs: the `toml` parser stops at 128 levels, but 200 nested arrays overflowed
//! a 2 MiB thread stack in a debug build before its check was reached (a crash, not
//! an error). Deep dotted keys are refused by the parser.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::policy::Policy;

/// A problem with a policy: where it is (line and field path) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct PolicyError {
    /// 1-based line in the policy file, when the policy came from a file.
    pub line: Option<usize>,
    /// Field path such as `levels[1].respond`; empty for file-wide problems (TOML syntax).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl PolicyError {
    /// A problem at a field path, with no line yet.
    pub fn at(field: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyError { line: None, field: field.into(), message: message.into() }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        if let Some(line) = self.line {
            out.push_str(&format!("line {line}: "));
        }
        if !self.field.is_empty() {
            out.push_str(&self.field);
            out.push_str(": ");
        }
        out.push_str(&self.message);
        out
    }
}

/// Largest policy file read, in bytes.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;
/// Most entries in any one list of a policy file (levels, holidays, checklist items, …).
pub const MAX_LIST_ENTRIES: usize = 10_000;
/// Deepest nesting of arrays and inline tables in a policy file.
pub const MAX_NESTING: usize = 32;

impl Policy {
    /// Read a policy file and check it (see [`Policy::validate`]). The error names the line
    /// and the field.
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError {
                line: None,
                field: String::new(),
                message: format!("the policy file is {} bytes; at most {MAX_POLICY_BYTES} are read", text.len()),
            });
        }
        check_nesting(text)?;
        let index = match toml::from_str::<Kind>(text) {
            Ok(root) => FieldIndex::build(root),
            Err(e) => return Err(syntax_error(text, &e)),
        };
        if let Some((field, span, len)) = &index.too_long {
            return Err(PolicyError {
                line: Some(line_of(text, span.start)),
                field: field.clone(),
                message: format!("{len} entries; a policy list has at most {MAX_LIST_ENTRIES}"),
            });
        }
        let policy: Policy = toml::from_str(text).map_err(|e| {
            let (line, mut field) = match e.span() {
                Some(span) => (Some(line_of(text, span.start)), index.field_at(span.start)),
                None => (None, String::new()),
            };
            let message = one_line(e.message());
            if let Some(name) = unknown_field_name(&message) {
                field = join(&field, name);
            }
            PolicyError { line, field, message }
        })?;
        policy.validate().map_err(|mut err| {
            err.line = index.span_of(&err.field).map(|s| line_of(text, s.start));
            err
        })?;
        Ok(policy)
    }

    /// The policy as TOML that [`Policy::from_toml_str`] reads back to an equal policy.
    pub fn to_toml_string(&self) -> String {
        match toml::to_string(self) {
            Ok(body) => format!("{HEADER}{body}"),
            // Only non-finite numbers can fail here, and validation rejects them.
            Err(e) => format!("# this policy could not be written as TOML: {e}\n"),
        }
    }
}

const HEADER: &str = "# Firebreak incident policy.\n\
# Targets: 15m, 2h, 2d, 1w (wall-clock time) or \"4 business hours\", \"1 business day\",\n\
# \"3 business days\" (working time on [calendar]). Levels are listed most severe first.\n\
# team_defaults names the figures the team chose where the reference gives none.\n\n";

fn syntax_error(text: &str, e: &toml::de::Error) -> PolicyError {
    PolicyError {
        line: e.span().map(|s| line_of(text, s.start)),
        field: String::new(),
        message: format!("not valid TOML: {}", one_line(e.message())),
    }
}

/// Refuses arrays or inline tables nested deeper than [`MAX_NESTING`]: a linear scan
/// that counts open `[` and `{` outside comments and TOML's four string forms.
fn check_nesting(text: &str) -> Result<(), PolicyError> {
    #[derive(Clone, Copy, PartialEq)]
    enum In {
        Code,
        Comment,
        Basic,
        Literal,
        MultiBasic,
        MultiLiteral,
    }
    let bytes = text.as_bytes();
    let (mut state, mut depth, mut line, mut i) = (In::Code, 0usize, 1usize, 0usize);
    let starts = |i: usize, quote: &[u8]| bytes.get(i..i + quote.len()) == Some(quote);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
            if matches!(state, In::Comment | In::Basic | In::Literal) {
                state = In::Code;
            }
            i += 1;
            continue;
        }
        match state {
            In::Code => match b {
                b'#' => state = In::Comment,
                b'"' if starts(i, b"\"\"\"") => {
                    state = In::MultiBasic;
                    i += 2;
                }
                b'\'' if starts(i, b"'''") => {
                    state = In::MultiLiteral;
                    i += 2;
                }
                b'"' => state = In::Basic,
                b'\'' => state = In::Literal,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(PolicyError {
                            line: Some(line),
                            field: String::new(),
                            message: format!("arrays or inline tables nested more than {MAX_NESTING} deep"),
                        });
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
            In::Comment => {}
            // An escape hides the next character (but a line end still counts as one).
            In::Basic | In::MultiBasic if b == b'\\' && bytes.get(i + 1) != Some(&b'\n') => i += 1,
            In::Basic if b == b'"' => state = In::Code,
            In::Literal if b == b'\'' => state = In::Code,
            In::MultiBasic if starts(i, b"\"\"\"") => {
                state = In::Code;
                i += 2;
            }
            In::MultiLiteral if starts(i, b"'''") => {
                state = In::Code;
                i += 2;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// A message on one line ("a\nb" → "a; b").
fn one_line(message: &str) -> String {
    message.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count()
}

fn unknown_field_name(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Field paths of a TOML document and the byte span of each value.
struct FieldIndex {
    entries: Vec<(String, Range<usize>)>,
    /// The first list longer than [`MAX_LIST_ENTRIES`]: its path, span and length.
    too_long: Option<(String, Range<usize>, usize)>,
}

impl FieldIndex {
    fn build(root: Kind) -> Self {
        let mut index = FieldIndex { entries: Vec::new(), too_long: None };
        index.walk("", root);
        index
    }

    fn walk(&mut self, path: &str, kind: Kind) {
        match kind {
            Kind::Table(entries) => {
                for (key, node) in entries {
                    let child = join(path, &key);
                    self.entries.push((child.clone(), node.span));
                    self.walk(&child, node.kind);
                }
            }
            Kind::Array(items) => {
                if items.len() > MAX_LIST_ENTRIES && self.too_long.is_none() {
                    let span = self.entries.iter().rev().find(|(p, _)| p == path).map_or(0..0, |(_, s)| s.clone());
                    self.too_long = Some((path.to_string(), span, items.len()));
                }
                for (i, node) in items.into_iter().enumerate() {
                    let child = format!("{path}[{i}]");
                    self.entries.push((child.clone(), node.span));
                    self.walk(&child, node.kind);
                }
            }
            Kind::Leaf => {}
        }
    }

    /// The innermost field whose value contains `offset`; empty for the top level.
    fn field_at(&self, offset: usize) -> String {
        self.entries
            .iter()
            .filter(|(_, span)| span.start <= offset && offset < span.end.max(span.start + 1))
            .min_by_key(|(_, span)| span.end - span.start)
            .map(|(path, _)| path.clone())
            .unwrap_or_default()
    }

    /// The span of a field, or of its nearest parent present in the file.
    fn span_of(&self, field: &str) -> Option<Range<usize>> {
        let mut path = field;
        loop {
            if let Some((_, span)) = self.entries.iter().find(|(p, _)| p == path) {
                return Some(span.clone());
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

/// A TOML value with its span, read through toml's `Spanned` support.
struct Node {
    span: Range<usize>,
    kind: Kind,
}

enum Kind {
    Table(Vec<(String, Node)>),
    Array(Vec<Node>),
    Leaf,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = toml::Spanned::<Kind>::deserialize(deserializer)?;
        let span = spanned.span();
        Ok(Node { span, kind: spanned.into_inner() })
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any TOML value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Kind, E> {
        Ok(Kind::Leaf)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Kind, E> {
        Ok(Kind::Leaf)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Kind, E> {
        Ok(Kind::Leaf)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Kind, E> {
        Ok(Kind::Leaf)
    }
    fn visit_str<E>(self, _: &str) -> Result<Kind, E> {
        Ok(Kind::Leaf)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(node) = seq.next_element::<Node>()? {
            items.push(node);
        }
        Ok(Kind::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key.starts_with("$__toml_private") {
                // A date/time literal: a leaf.
                map.next_value::<IgnoredAny>()?;
                return Ok(Kind::Leaf);
            }
            entries.push((key, map.next_value::<Node>()?));
        }
        Ok(Kind::Table(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }

    #[test]
    fn index_finds_nested_fields() {
        let text = "name = \"x\"\n[[levels]]\nid = \"A\"\n[[levels]]\nid = \"B\"\nrespond = \"1h\"\n";
        let root: Kind = toml::from_str(text).expect("valid toml");
        let index = FieldIndex::build(root);
        let at = text.find("\"1h\"").expect("present");
        assert_eq!(index.field_at(at), "levels[1].respond");
        let span = index.span_of("levels[1].respond").expect("found");
        assert_eq!(line_of(text, span.start), 6);
        let span = index.span_of("levels[1].resolve").expect("parent found");
        assert_eq!(line_of(text, span.start), 4);
    }

    #[test]
    fn oversized_files_are_refused_before_parsing() {
        let text = format!("name = \"{}\"\n", "x".repeat(MAX_POLICY_BYTES));
        let e = Policy::from_toml_str(&text).unwrap_err();
        assert_eq!(e.line, None);
        assert!(e.message.starts_with("the policy file is 1048586 bytes; at most 1048576"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused_with_its_line_before_it_can_overflow_the_stack() {
        // 200 nested arrays overflowed this 2 MiB test thread's stack inside the parser.
        let arrays = format!("name = \"x\"\nx = {}{}\n", "[".repeat(200), "]".repeat(200));
        let e = Policy::from_toml_str(&arrays).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (Some(2), "arrays or inline tables nested more than 32 deep"));
        let across_lines = format!("x = {}{}\n", "[\n".repeat(40), "]\n".repeat(40));
        assert_eq!(Policy::from_toml_str(&across_lines).unwrap_err().line, Some(33));
        let inline = format!("x = {}1{}\n", "{a=".repeat(40), "}".repeat(40));
        assert!(Policy::from_toml_str(&inline).unwrap_err().message.contains("nested more than 32"));
        // Brackets in strings and comments do not count; [[tables]] close again.
        let brackets = "[".repeat(100);
        let harmless = format!(
            "# {brackets}\nname = \"{brackets}\"\ndescription = '{brackets}'\nsource = \"\"\"\n{brackets}\\\"\"\"\n"
        );
        assert!(check_nesting(&harmless).is_ok());
        assert!(check_nesting(&"[[levels]]\nid = \"A\"\n".repeat(100)).is_ok());
        // Deep dotted keys are the parser's to refuse (its recursion limit), with the line.
        let deep = format!("name = \"x\"\n[{}]\nb = 1\n", vec!["a"; 10_000].join("."));
        let e = Policy::from_toml_str(&deep).unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("recursion limit exceeded"), "{e}");
    }

    #[test]
    fn long_lists_are_refused_with_their_field_and_line() {
        let many = vec!["\"d\""; MAX_LIST_ENTRIES + 1].join(",");
        let e = Policy::from_toml_str(&format!("name = \"x\"\nholidays = [{many}]\n")).unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (Some(2), "holidays"), "{e}");
        assert!(e.message.contains("10001 entries; a policy list has at most 10000"), "{e}");
    }

    #[test]
    fn display_with_and_without_line() {
        let mut e = PolicyError::at("levels[1].respond", "bad");
        assert_eq!(e.to_string(), "levels[1].respond: bad");
        e.line = Some(12);
        assert_eq!(e.to_string(), "line 12: levels[1].respond: bad");
    }
}
