//! Reading and writing the policy file (TOML), with errors that name the line and the field.
//!
//! A team edits the policy by hand, so a mistake must be easy to find: every error says the
//! 1-based line and the field path (`levels[1].respond`), whether it comes from TOML syntax,
//! from a value of the wrong shape, or from a cross-check (duplicate level id, unknown tier).
//! To locate a field, the text is read a second time into an index of field paths and byte
//! spans; a serde error's span is mapped to the innermost field containing it, and a
//! validation problem's path is mapped back to its line.

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

impl Policy {
    /// Read a policy file and check it (see [`Policy::validate`]). The error names the line
    /// and the field.
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        let index = match toml::from_str::<Kind>(text) {
            Ok(root) => FieldIndex::build(root),
            Err(e) => return Err(syntax_error(text, &e)),
        };
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
}

impl FieldIndex {
    fn build(root: Kind) -> Self {
        let mut index = FieldIndex { entries: Vec::new() };
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
    fn display_with_and_without_line() {
        let mut e = PolicyError::at("levels[1].respond", "bad");
        assert_eq!(e.to_string(), "levels[1].respond: bad");
        e.line = Some(12);
        assert_eq!(e.to_string(), "line 12: levels[1].respond: bad");
    }
}
