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
//!
//! # The policy file
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use firebreak_policy::{compute_deadlines, DeadlineKind, IncidentFacts, Policy};
//!
//! let text = r#"
//! name = "Our policy"
//!
//! [calendar]                      # optional; this is the default but for the zone
//! time_zone = "Europe/Berlin"
//! working_days = ["mon", "tue", "wed", "thu", "fri"]
//! work_start = "09:00"
//! work_end = "17:00"
//! holidays = ["2025-12-25", 2025-12-26]
//!
//! [[levels]]                      # most severe first
//! id = "SEV1"
//! name = "Critical"
//! criteria = ["Production system completely unavailable"]
//! acknowledge = "5m"
//! respond = "15m"
//! update_cadence = "30m"
//! resolve = "24h"
//! team_defaults = ["acknowledge", "update_cadence", "resolve"]
//! requirements = { all_hands = true, pir_required = true, pir_due = "48h" }
//!
//! [[levels]]
//! id = "SEV3"
//! name = "Medium"
//! acknowledge = "4 business hours"
//! respond = "1 business day"
//! update_cadence = "1 business day"
//!
//! [[tiers]]
//! id = "core-api"
//! name = "Core API Services"
//! rto = { SEV1 = "30m", SEV3 = "1 business day" }
//!
//! [[services]]
//! name = "api"
//! tier = "core-api"
//! "#;
//! let policy = Policy::from_toml_str(text)?;
//! assert_eq!(policy.rto_for("core-api", "SEV1").map(|t| t.to_string()), Some("30m".into()));
//!
//! // Friday 16:00 in Berlin (15:00 UTC): one business day runs to Monday 16:00 (15:00 UTC).
//! let declared = Utc.with_ymd_and_hms(2025, 6, 6, 14, 0, 0).unwrap();
//! let mut facts = IncidentFacts::new(declared, "SEV3");
//! facts.services = vec!["api".into()];
//! let deadlines = compute_deadlines(&policy, &facts, declared, Duration::minutes(15));
//! let respond = deadlines.iter().find(|d| d.kind == DeadlineKind::Respond).unwrap();
//! assert_eq!(respond.due, Utc.with_ymd_and_hms(2025, 6, 9, 14, 0, 0).unwrap());
//!
//! // A mistake names the line and the field.
//! let bad = text.replace("respond = \"15m\"", "respond = \"15 minutes\"");
//! assert_eq!(
//!     Policy::from_toml_str(&bad).unwrap_err().to_string(),
//!     "line 16: levels[0].respond: \"15 minutes\" is not a duration (use e.g. 15m, 2h, 1 business day)"
//! );
//! # Ok::<(), firebreak_policy::PolicyError>(())
//! ```

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
    compute_deadlines, Deadline, DeadlineKind, DeadlineState, EarlierBreach, IncidentFacts, SEVERITY_REBASE_RULE,
};
pub use helper::{questionnaire, suggest_level, Answer, Question, Reply, Suggestion, TIE_RULE};
pub use policy::{
    builtin_levels, LevelMatch, MetricTargets, Policy, Requirements, RunbookAction, RunbookParam, Service,
    SeverityLevel, Tier, LEVEL_FIGURES, METRIC_FIGURES,
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
