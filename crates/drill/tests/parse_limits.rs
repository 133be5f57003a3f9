//! Scenario files as hostile input: oversized files and lists are refused on one line
//! saying what and why, and no text (arbitrary, or a built-in scenario with one span
//! replaced) makes the parser panic.
use firebreak_drill::{Error, Scenario, BUILTIN_SOURCES, MAX_INJECTS};
use proptest::prelude::*;

const MINIMAL: &str = "title: t\nseverity: P2\nduration: 30m\nsuccess_criteria:\n  - id: a\n    review_drafted: true\n";

#[test]
fn too_many_injects_are_refused_with_the_field() {
    let injects = "  - {at: 1m, kind: note, text: n}\n".repeat(MAX_INJECTS + 1);
    let e = Scenario::from_yaml(&format!("{MINIMAL}injects:\n{injects}")).unwrap_err();
    assert_eq!(e.to_string(), format!("injects: {} entries; a scenario has at most {MAX_INJECTS}", MAX_INJECTS + 1));
    let injects = "  - {at: 1m, kind: note, text: n}\n".repeat(MAX_INJECTS);
    assert_eq!(Scenario::from_yaml(&format!("{MINIMAL}injects:\n{injects}")).unwrap().injects.len(), MAX_INJECTS);
}

#[test]
fn oversized_and_multi_document_files_are_syntax_errors_on_one_line() {
    let big = format!("{MINIMAL}description: {}\n", "x".repeat(1024 * 1024));
    match Scenario::from_yaml(&big).unwrap_err() {
        Error::Syntax { message, line: None, .. } => {
            assert!(message.starts_with("a scenario file is 10") && message.contains("at most 1048576"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let e = Scenario::from_yaml(&format!("{MINIMAL}---\n{MINIMAL}")).unwrap_err();
    assert!(e.to_string().contains("more than one YAML document"), "{e}");
}

#[test]
fn an_offset_past_any_duration_is_refused_not_overflowed() {
    let text = MINIMAL.replace("30m", "99999999999999999999h");
    let e = Scenario::from_yaml(&text).unwrap_err();
    assert!(e.to_string().starts_with("duration: \"99999999999999999999h\" is not a duration"), "{e}");
    let text = format!("{MINIMAL}injects:\n  - {{at: 9223372036854775807s, kind: note, text: n}}\n");
    assert!(Scenario::from_yaml(&text).unwrap_err().to_string().starts_with("injects[0].at"));
}

fn mutated() -> impl Strategy<Value = String> {
    let sources: Vec<&'static str> = BUILTIN_SOURCES.iter().map(|(_, y)| *y).collect();
    (
        proptest::sample::select(sources),
        any::<prop::sample::Index>(),
        0..40usize,
        "\\PC{0,30}|[-:\\[\\]{}&*!|>'\"#\n 0-9hms]{0,30}",
    )
        .prop_map(|(source, at, len, with)| {
            let start = at.index(source.len());
            let start = (0..=start).rev().find(|i| source.is_char_boundary(*i)).unwrap_or(0);
            let end = (start + len).min(source.len());
            let end = (end..=source.len()).find(|i| source.is_char_boundary(*i)).unwrap_or(source.len());
            format!("{}{with}{}", &source[..start], &source[end..])
        })
}

proptest! {
    // Bounded for CI (well under a second each); `scripts/fuzz.sh` runs the scenario
    // parser under cargo-fuzz for as long as one likes.
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_parses_or_is_refused_on_one_line(text in "\\PC{0,300}") {
        if let Err(e) = Scenario::from_yaml(&text) {
            prop_assert!(!e.to_string().contains('\n'), "{}", e);
        }
    }

    #[test]
    fn a_mutated_builtin_parses_or_is_refused_on_one_line(text in mutated()) {
        if let Err(e) = Scenario::from_yaml(&text) {
            prop_assert!(!e.to_string().contains('\n'), "{}", e);
        }
    }
}
