//! The built-in scenarios, grounded in the reference documents (a complete API outage,
//! a database degradation, a security vulnerability). They ship as YAML files in
//! `scenarios/`, compiled in, so they double as examples of the file format and can be
//! saved as a starting point for a team's own scenario.
use crate::scenario::Scenario;

/// `(name, YAML)` of every built-in scenario, in the order [`builtin`] returns them.
pub const BUILTIN_SOURCES: &[(&str, &str)] = &[
    ("api-outage", include_str!("../scenarios/api-outage.yaml")),
    ("database-degradation", include_str!("../scenarios/database-degradation.yaml")),
    ("security-vulnerability", include_str!("../scenarios/security-vulnerability.yaml")),
];

/// The built-in scenarios, parsed and validated.
pub fn builtin() -> Vec<Scenario> {
    BUILTIN_SOURCES
        .iter()
        .map(|(name, yaml)| {
            Scenario::from_yaml(yaml)
                .unwrap_or_else(|e| panic!("built-in scenario {name} is invalid (a test checks this): {e}"))
        })
        .collect()
}
