//! The built-in presets: the two reference documents as policies.
//!
//! `protocol` is incident-management-protocol.md (SEV1–SEV4, RTO table, post-mortem within
//! 48 hours for SEV1/SEV2); `matrix` is incident-management-and-pir-process.md (P1–P4,
//! severity examples, metric targets). They are kept as TOML files beside this module
//! (`presets/*.toml`), in the same format a team edits, with comments citing the reference;
//! figures the references do not give are listed in `team_defaults`.

use crate::policy::Policy;

const PROTOCOL: &str = include_str!("presets/protocol.toml");
const MATRIX: &str = include_str!("presets/matrix.toml");

const NAMES: &[&str] = &["protocol", "matrix"];

impl Policy {
    /// The names of the built-in presets: `["protocol", "matrix"]`.
    pub fn preset_names() -> &'static [&'static str] {
        NAMES
    }

    /// A built-in preset by name; `None` for an unknown name.
    pub fn preset(name: &str) -> Option<Policy> {
        Policy::preset_toml(name).and_then(|text| Policy::from_toml_str(text).ok())
    }

    /// The TOML text of a built-in preset (with its comments), e.g. to start a team's own
    /// policy file from.
    pub fn preset_toml(name: &str) -> Option<&'static str> {
        match name {
            "protocol" => Some(PROTOCOL),
            "matrix" => Some(MATRIX),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_loads() {
        for name in Policy::preset_names() {
            let text = Policy::preset_toml(name).expect("listed preset has text");
            if let Err(e) = Policy::from_toml_str(text) {
                panic!("preset {name}: {e}");
            }
        }
        assert!(Policy::preset("nope").is_none());
    }
}
