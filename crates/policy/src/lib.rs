//! Firebreak's incident policy as data, and the clocks it sets.
//!
//! A team's policy (severity levels, their criteria, examples, clocks and requirements; the
//! RTO table per service tier; the business calendar; metric targets) is a TOML file the team
//! edits. Two presets transcribe the reference documents: `protocol`
//! (incident-management-protocol.md, SEV1–SEV4) and `matrix`
//! (incident-management-and-pir-process.md, P1–P4). Figures a reference does not give are
//! marked as team defaults.
//!
//! From a policy and an incident's recorded events, [`compute_deadlines`] derives every clock
//! (acknowledge, respond, next update, resolve, RTO per service, PIR due); the severity
//! helper ([`questionnaire`], [`suggest_level`]) turns criteria and examples into questions.
//!
//! The crate is pure: no I/O, no clock reads (the current time is always passed in), no
//! async. Every public type the interface shows derives `ts_rs::TS`; bindings are generated
//! elsewhere with `T::decl()`.

pub mod calendar;
pub mod deadlines;
pub mod helper;
pub mod policy;
pub mod presets;
pub mod target;
pub mod toml_io;
pub mod validate;

pub use calendar::{BusinessCalendar, ClockTime, Weekday};
pub use deadlines::{
    compute_deadlines, Deadline, DeadlineKind, DeadlineState, EarlierBreach, IncidentFacts,
    SEVERITY_REBASE_RULE,
};
pub use helper::{questionnaire, suggest_level, Answer, Question, Reply, Suggestion, TIE_RULE};
pub use policy::{
    MetricTargets, Policy, Requirements, Service, SeverityLevel, Tier, LEVEL_FIGURES,
    METRIC_FIGURES,
};
pub use target::{Target, TargetParseError, TargetUnit};
pub use toml_io::PolicyError;

/// Any error of this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A policy file or policy value is not usable.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A text is not a time target.
    #[error(transparent)]
    Target(#[from] TargetParseError),
    /// No built-in preset has this name.
    #[error("no built-in policy preset named {0:?} (presets: protocol, matrix)")]
    UnknownPreset(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Policy {
    /// A built-in preset by name, or [`Error::UnknownPreset`].
    pub fn preset_or_error(name: &str) -> Result<Policy> {
        match Policy::preset_toml(name) {
            Some(text) => Ok(Policy::from_toml_str(text)?),
            None => Err(Error::UnknownPreset(name.to_string())),
        }
    }
}
