//! The policy reader as hostile input meets it: arbitrary text and the presets with
//! one span replaced are read or refused with one line, never a panic or a stack
//! overflow. Bounded for CI (about a second each); `scripts/fuzz.sh` runs the same
//! entry point under cargo-fuzz for longer.
use firebreak_policy::Policy;
use proptest::prelude::*;

const PRESETS: [&str; 2] = [include_str!("../src/presets/matrix.toml"), include_str!("../src/presets/protocol.toml")];

fn mutated() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(PRESETS.to_vec()),
        any::<prop::sample::Index>(),
        0..40usize,
        "\\PC{0,30}|[-.=\\[\\]{}\"'#\n 0-9a-z]{0,30}",
    )
        .prop_map(|(source, at, len, with)| {
            let start = at.index(source.len());
            let start = (0..=start).rev().find(|i| source.is_char_boundary(*i)).unwrap_or(0);
            let end = (start + len).min(source.len());
            let end = (end..=source.len()).find(|i| source.is_char_boundary(*i)).unwrap_or(source.len());
            format!("{}{with}{}", &source[..start], &source[end..])
        })
}

fn read_or_refuse(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = Policy::from_toml_str(text) {
        prop_assert!(!e.to_string().contains('\n'), "{}", e);
    }
    Ok(())
}

#[test]
fn the_presets_read_back() {
    for text in PRESETS {
        Policy::from_toml_str(text).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 250, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_is_read_or_refused_on_one_line(text in "\\PC{0,300}|[-.=\\[\\]{}\"'#\n a-z0-9]{0,300}") {
        read_or_refuse(&text)?;
    }

    #[test]
    fn a_mutated_preset_is_read_or_refused_on_one_line(text in mutated()) {
        read_or_refuse(&text)?;
    }
}
