//! A drill scenario as the program uses it: validated, durations parsed, injects in time
//! order, every criterion with a human sentence. Built from YAML by
//! [`Scenario::from_yaml`] (see `parse.rs` for the file shape and its checks); serialized
//! as JSON for the window, with durations in whole seconds.
use crate::offset::{describe_duration, format_offset, seconds, seconds_opt};
use crate::{Error, Result};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Scenario {
    pub title: String,
    pub description: String,
    /// The severity level id the scenario's incident should be classified as.
    pub severity: String,
    pub services: Vec<String>,
    pub participants: Vec<String>,
    /// Who holds the incident-commander role, in turn (each one of the participants).
    pub commander_rotation: Vec<String>,
    /// Seconds between automatic hand-overs of the commander role; `null`: manual only.
    #[serde(with = "seconds_opt")]
    #[ts(type = "number | null")]
    pub rotate_every: Option<Duration>,
    /// Planned length of the drill, in seconds.
    #[serde(with = "seconds")]
    #[ts(type = "number")]
    pub duration: Duration,
    pub success_criteria: Vec<Criterion>,
    /// Ordered by `at` (stable for equal times).
    pub injects: Vec<Inject>,
}

impl Scenario {
    /// Parses and validates a scenario file. Syntax errors carry the line and column;
    /// semantic errors name the field path, e.g. `success_criteria[2].within`.
    pub fn from_yaml(text: &str) -> Result<Scenario> {
        crate::parse::scenario_from_yaml(text)
    }

    /// Checks the scenario's severities against a policy's level ids (ignoring ASCII
    /// case): the scenario's `severity` and every `severity_set` level must exist.
    pub fn check_levels(&self, levels: &[String]) -> Result<()> {
        let known = |level: &str| levels.iter().any(|l| l.eq_ignore_ascii_case(level));
        let listed = levels.join(", ");
        if !known(&self.severity) {
            return Err(Error::invalid(
                "severity",
                format!("{:?} is not a level of the policy ({listed})", self.severity),
            ));
        }
        for (i, criterion) in self.success_criteria.iter().enumerate() {
            if let Check::SeveritySet { level, .. } = &criterion.check {
                if !known(level) {
                    return Err(Error::invalid(
                        format!("success_criteria[{i}].severity_set"),
                        format!("{level:?} is not a level of the policy ({listed})"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One success criterion: an id (unique in the scenario), the sentence shown in reports,
/// and what is checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Criterion {
    pub id: String,
    pub description: String,
    pub check: Check,
}

/// What a criterion checks, against offsets from the drill's start. Limits are seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    /// The incident was acknowledged within the limit.
    AcknowledgedWithin {
        #[serde(with = "seconds")]
        #[ts(type = "number")]
        within: Duration,
    },
    /// The first comms update was sent within the limit.
    FirstUpdateWithin {
        #[serde(with = "seconds")]
        #[ts(type = "number")]
        within: Duration,
    },
    /// The incident's severity was `level` at some point (from the start, or changed to
    /// it), optionally by a limit.
    SeveritySet {
        level: String,
        #[serde(with = "seconds_opt")]
        #[ts(type = "number | null")]
        by: Option<Duration>,
    },
    /// A mitigation was logged (an action entry, or the status reached mitigated),
    /// optionally within a limit.
    MitigationLogged {
        #[serde(with = "seconds_opt")]
        #[ts(type = "number | null")]
        within: Option<Duration>,
    },
    /// The lifecycle reached `status` (or a later one), optionally within a limit.
    StatusReached {
        status: Status,
        #[serde(with = "seconds_opt")]
        #[ts(type = "number | null")]
        within: Option<Duration>,
    },
    /// A post-incident review draft existed by the end of the drill.
    ReviewDrafted,
}

impl Check {
    /// The sentence for reports, e.g. "Acknowledged within 5 minutes".
    pub fn describe(&self) -> String {
        let within = |limit: &Option<Duration>| match limit {
            Some(d) => format!(" within {}", describe_duration(*d)),
            None => String::new(),
        };
        match self {
            Check::AcknowledgedWithin { within: d } => {
                format!("Acknowledged within {}", describe_duration(*d))
            }
            Check::FirstUpdateWithin { within: d } => {
                format!("First status update sent within {}", describe_duration(*d))
            }
            Check::SeveritySet { level, by } => format!("Severity set to {level}{}", within(by)),
            Check::MitigationLogged { within: d } => format!("Mitigation logged{}", within(d)),
            Check::StatusReached { status, within: d } => {
                format!("Status reached {status}{}", within(d))
            }
            Check::ReviewDrafted => "Post-incident review drafted by the end of the drill".into(),
        }
    }

    /// The time limit, if the criterion has one.
    pub fn limit(&self) -> Option<Duration> {
        match self {
            Check::AcknowledgedWithin { within } | Check::FirstUpdateWithin { within } => Some(*within),
            Check::SeveritySet { by: limit, .. }
            | Check::MitigationLogged { within: limit }
            | Check::StatusReached { within: limit, .. } => *limit,
            Check::ReviewDrafted => None,
        }
    }
}

/// The incident lifecycle, in order: the core's one `Status` (criteria name it, the
/// evaluation compares it with the statuses the incident went through).
pub use firebreak_core::incident::Status;

/// A timed event the facilitator injects into the drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Inject {
    /// Seconds from the drill's start.
    #[serde(with = "seconds")]
    #[ts(type = "number")]
    pub at: Duration,
    pub kind: InjectKind,
    pub text: String,
    pub service: Option<String>,
}

impl Inject {
    /// One line for the drill screen: `T+5m alert (api-gateway): error rate 30%`.
    pub fn headline(&self) -> String {
        let service = self.service.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
        format!("{} {}{service}: {}", format_offset(self.at), self.kind, self.text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum InjectKind {
    Alert,
    CustomerReport,
    Degraded,
    Question,
    Note,
}

impl InjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InjectKind::Alert => "alert",
            InjectKind::CustomerReport => "customer-report",
            InjectKind::Degraded => "degraded",
            InjectKind::Question => "question",
            InjectKind::Note => "note",
        }
    }
}

impl fmt::Display for InjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
