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
    /// The severity the drill incident is declared at: where the situation starts, before
    /// the team has classified it.
    pub severity: String,
    /// The severity the team is expected to reach (classify or escalate to); the starting
    /// one when the file names none.
    pub expected_severity: String,
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
    /// case): the scenario's `severity`, `expected_severity` and every `severity_set` level
    /// must exist.
    pub fn check_levels(&self, levels: &[String]) -> Result<()> {
        let listed = levels.join(", ");
        self.map_levels(&|level: &str| levels.iter().find(|l| l.eq_ignore_ascii_case(level)).cloned(), &listed)
            .map(|_| ())
    }

    /// The scenario with every level read through `map` (a policy reading another preset's
    /// levels by rank): `severity`, `expected_severity` and each `severity_set`. An error
    /// names the first level `map` does not know; `listed` names the levels it does.
    pub fn map_levels(&self, map: &dyn Fn(&str) -> Option<String>, listed: &str) -> Result<Scenario> {
        let read = |field: String, level: &str| {
            map(level.trim())
                .ok_or_else(|| Error::invalid(field, format!("{level:?} is not a level of the policy ({listed})")))
        };
        let mut out = self.clone();
        out.severity = read("severity".into(), &self.severity)?;
        out.expected_severity = read("expected_severity".into(), &self.expected_severity)?;
        for (i, criterion) in out.success_criteria.iter_mut().enumerate() {
            let generated = criterion.description == criterion.check.describe();
            if let Check::SeveritySet { level, .. } = &mut criterion.check {
                *level = read(format!("success_criteria[{i}].severity_set"), level)?;
            }
            // Sentences name the levels as read: a generated one is made again, and in the
            // author's own each level the scenario names is replaced by its reading.
            if generated {
                criterion.description = criterion.check.describe();
            } else {
                for (from, to) in [(&self.severity, &out.severity), (&self.expected_severity, &out.expected_severity)] {
                    if from != to {
                        criterion.description = criterion.description.replace(from.as_str(), to);
                    }
                }
            }
        }
        Ok(out)
    }

    /// True when the drill starts below the level it expects: classification must be
    /// earned by a change, so the starting severity never meets a `severity_set`.
    pub fn expects_change(&self) -> bool {
        !self.severity.eq_ignore_ascii_case(&self.expected_severity)
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
