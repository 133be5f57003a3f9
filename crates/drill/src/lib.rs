//! Firebreak's incident drills: "Quarterly incident drills ... Drill Planning (scenario
//! development, participant selection, success criteria definition), Drill Execution
//! (simulated incident response, rotating incident commander role, documentation
//! practice), Drill Evaluation (review of response effectiveness, identification of
//! improvement areas, update to response procedures)" (incident-management-protocol.md).
//!
//! This crate is the pure part: the scenario file and its validation
//! ([`Scenario::from_yaml`]), the built-in scenarios ([`builtin`]), what the drill clock
//! asks as it runs ([`due_injects`], [`commander_at`]), the quarterly schedule
//! ([`next_quarterly_drill`], [`drill_overdue`]) and the evaluation ([`evaluate`],
//! [`evaluation_markdown`]). Reading files, running the clock and storing the drill
//! incident belong to the caller; nothing here does I/O or reads a clock. Every time is
//! an offset from the drill's start on the drill clock, so a run sped up 60× evaluates
//! exactly like one at 1×.
//!
//! # The scenario file
//!
//! Durations are written `30s`, `5m`, `1h`, `1h30m` (units `h`, `m`, `s`, largest first)
//! and are offsets from the drill's start. Unknown fields are rejected.
//!
//! ```yaml
//! title: Complete API outage             # required
//! description: >                         # optional, free text
//!   Every request to the public API fails at the gateway.
//! severity: SEV2                         # required: the level the drill incident is
//!                                        #   declared at (where the situation starts)
//! expected_severity: SEV1                # optional: the level the team should reach
//!                                        #   (default: `severity`); when it differs, a
//!                                        #   severity_set is met only by a change
//! services: [api, api-gateway]           # optional: the services an inject may name
//! participants: [Alex, Blake, Casey]     # optional: who takes part
//! commander_rotation: [Alex, Blake]      # optional: incident commanders in turn,
//!                                        #   each one of the participants
//! rotate_every: 15m                      # optional: hand over automatically this often
//! duration: 60m                          # required: planned length of the drill
//! success_criteria:                      # required: at least one; each has a unique id
//!   - id: ack                            #   and exactly one kind:
//!     acknowledged_within: 5m            # acknowledged within 5 minutes
//!   - id: first-update
//!     first_update_within: 15m           # first comms update sent within 15 minutes
//!   - id: classified
//!     severity_set: SEV1                 # severity was SEV1 at some point ...
//!     by: 10m                            # ... optionally by T+10m
//!   - id: mitigated
//!     mitigation_logged: true            # an action logged or status mitigated ...
//!     within: 30m                        # ... optionally within 30 minutes
//!   - id: resolved
//!     status_reached: {status: resolved, within: 60m}   # `within` optional
//!   - id: review
//!     review_drafted: true               # a PIR draft exists by the end
//!     description: PIR drafted before we wrap up   # optional on any criterion:
//!                                        #   replaces the generated sentence
//! injects:                               # optional: timed events, any order
//!   - at: 0m                             # 0 is delivered at the start
//!     kind: alert                        # alert | customer-report | degraded |
//!                                        #   question | note
//!     text: "API error rate 100%"
//!     service: api-gateway               # optional: one of `services`
//!   - at: 5m
//!     kind: customer-report
//!     text: Customers report 503 errors on every call
//! ```
//!
//! The same format is used by the built-in scenarios in `scenarios/*.yaml`.
//!
//! # Running and evaluating a drill
//!
//! ```
//! use chrono::{Duration, TimeZone, Utc};
//! use firebreak_drill::{builtin, commander_at, due_injects, evaluate, evaluation_markdown, DrillEvents};
//!
//! let scenario = &builtin()[0]; // Complete API outage
//! // The runner asks on each tick, passing the previous tick's offset.
//! let due = due_injects(scenario, Duration::zero(), Duration::seconds(1));
//! assert_eq!(due[0].headline(), "T+0s alert (api-gateway): API error rate 100%: every health check on api-gateway is failing");
//! assert_eq!(commander_at(scenario, Duration::minutes(25), 0).as_deref(), Some("Blake"));
//!
//! // At the end, what happened (on the drill clock) is judged against the criteria.
//! let start = Utc.with_ymd_and_hms(2025, 10, 5, 14, 30, 0).unwrap();
//! let events = DrillEvents {
//!     started_at: start,
//!     ended_at: start + Duration::minutes(60),
//!     initial_severity: "SEV2".into(), // where the scenario starts
//!     acknowledged_at: Some(start + Duration::seconds(192)),
//!     severity_changes: vec![(start + Duration::minutes(6), "SEV1".into())], // classified
//!     ..DrillEvents::default()
//! };
//! let evaluation = evaluate(scenario, &events);
//! assert_eq!((evaluation.met_count, evaluation.total), (2, 6));
//! assert_eq!(evaluation.criteria[0].detail, "acknowledged at T+3m12s");
//! assert!(evaluation_markdown(&evaluation).contains("**2 of 6 criteria met**"));
//! // Declared at SEV2 and never changed: SEV1 is not given at T+0.
//! let idle = DrillEvents { severity_changes: vec![], ..events };
//! assert_eq!(evaluate(scenario, &idle).met_count, 1);
//! ```
mod builtin;
mod evaluate;
mod markdown;
mod offset;
mod parse;
mod scenario;
mod schedule;

pub use builtin::{builtin, BUILTIN_SOURCES};
pub use evaluate::{evaluate, CriterionResult, DrillEntry, DrillEvents, Evaluation, TimelineLine};
pub use markdown::evaluation_markdown;
pub use offset::{describe_duration, format_compact, format_offset, parse_duration};
pub use parse::{MAX_CRITERIA, MAX_INJECTS, MAX_NAMES};
pub use scenario::{Check, Criterion, Inject, InjectKind, Scenario, Status};
pub use schedule::{commander_at, drill_overdue, due_injects, next_quarterly_drill, DRILL_INTERVAL_MONTHS};

/// A scenario that cannot be used, with where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Not valid YAML, a missing or unknown field, or a value of the wrong type. The
    /// message names the field path and the line and column.
    #[error("{message}")]
    Syntax { message: String, line: Option<usize>, column: Option<usize> },
    /// A value that reads fine but makes no sense; `field` is its path, e.g.
    /// `success_criteria[2].within`.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
}

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), message: message.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
