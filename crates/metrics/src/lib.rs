//! Firebreak's incident metrics: MTTA, MTTD, MTTR and the PIR completion rate (and the
//! on-time rate) over a period, overall, per severity and per week, judged against the
//! policy's targets (incident-management-and-pir-process.md, "Metrics & Tracking":
//! MTTA < 15 min, MTTD < 5 min, MTTR < 2 hours, PIR completion rate 100%).
//!
//! It exists apart from the store and the API so the rules are pure and testable: the
//! caller reads its incidents into [`IncidentRecord`]s and passes the period, the
//! policy's level order and its [`Targets`]; [`compute`] returns a [`MetricsReport`]
//! (which the CLI prints as JSON and the window charts) and [`to_csv`] turns it into CSV.
//! No I/O and no clock reads happen here.
//!
//! Drill incidents never count: they are only tallied in
//! [`MetricsReport::excluded_drills`]. Means with nothing to average are `None`, never
//! NaN.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use firebreak_metrics::{compute, IncidentRecord, Period, Targets};
//!
//! let at = |h, m| Utc.with_ymd_and_hms(2025, 10, 5, h, m, 0).unwrap();
//! let record = IncidentRecord {
//!     id: "1".into(),
//!     human_id: "INC-001".into(),
//!     severity: "P1".into(),
//!     drill: false,
//!     impact_started_at: Some(at(14, 27)),
//!     detected_at: at(14, 30),
//!     acknowledged_at: Some(at(14, 32)),
//!     mitigated_at: Some(at(15, 0)),
//!     resolved_at: Some(at(15, 15)),
//!     pir_required: true,
//!     pir_due: Some(at(15, 15) + chrono::Duration::hours(48)),
//!     pir_completed_at: None,
//! };
//! let levels = vec!["P1".to_string(), "P2".to_string()];
//! let report = compute(&[record], &Period::all(), None, &levels, &Targets::reference());
//! assert_eq!(report.overall.mtta_seconds, Some(120.0));
//! assert_eq!(report.overall.mttr_seconds, Some(48.0 * 60.0));
//! assert_eq!(report.overall.pir_completion_rate, Some(0.0));
//! assert_eq!(report.overall.pir_met, Some(false));
//! ```
mod compute;
mod csv_export;
mod model;

pub use compute::{compute, week_start};
pub use csv_export::{to_csv, CSV_COLUMNS};
pub use model::{Definitions, Figures, IncidentRecord, MetricsReport, Period, TargetFigures, Targets, WeekFigures};

use chrono::{DateTime, Utc};

/// What can go wrong building the inputs (the computation itself cannot fail).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("period: the start ({from}) must be before the end ({to})")]
    InvalidPeriod { from: DateTime<Utc>, to: DateTime<Utc> },
    #[error("targets.{field}: {message}")]
    InvalidTarget { field: &'static str, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
