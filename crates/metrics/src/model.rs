//! The shapes metrics are computed from and reported in. Inputs are plain records the
//! caller builds from its store (this crate never reads one); the report is what the
//! CLI prints as JSON and the window draws as charts, so its serde keys are a contract.
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One incident, reduced to the instants the metrics need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IncidentRecord {
    pub id: String,
    pub human_id: String,
    /// The severity level id (e.g. `SEV1`, `P2`) the incident has now.
    pub severity: String,
    /// Drill incidents never count in metrics; they are only tallied in
    /// [`MetricsReport::excluded_drills`].
    pub drill: bool,
    /// When the impact began, when known (back-dated by the responders). Needed for MTTD.
    pub impact_started_at: Option<DateTime<Utc>>,
    pub detected_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub mitigated_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Whether the policy requires a post-incident review for this incident (decided by
    /// the caller, e.g. SEV1/SEV2 once resolved).
    pub pir_required: bool,
    pub pir_due: Option<DateTime<Utc>>,
    pub pir_completed_at: Option<DateTime<Utc>>,
}

/// The policy's metric targets. The three times are upper bounds on the mean ("MTTA
/// < 15 min"); the completion rate is a lower bound in percent ("100%").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    pub mtta: Duration,
    pub mttd: Duration,
    pub mttr: Duration,
    /// Percent, 0–100.
    pub pir_completion_rate: f64,
}

impl Targets {
    /// Checked constructor: times must be positive, the rate within 0–100.
    pub fn new(mtta: Duration, mttd: Duration, mttr: Duration, pir_rate: f64) -> Result<Self> {
        for (field, value) in [("mtta", mtta), ("mttd", mttd), ("mttr", mttr)] {
            if value <= Duration::zero() {
                return Err(Error::InvalidTarget {
                    field,
                    message: format!("must be positive, got {}s", value.num_seconds()),
                });
            }
        }
        if !(0.0..=100.0).contains(&pir_rate) {
            return Err(Error::InvalidTarget {
                field: "pir_completion_rate",
                message: format!("must be a percentage between 0 and 100, got {pir_rate}"),
            });
        }
        Ok(Targets { mtta, mttd, mttr, pir_completion_rate: pir_rate })
    }

    /// The figures of incident-management-and-pir-process.md's "Metrics & Tracking"
    /// table: MTTA < 15 min, MTTD < 5 min, MTTR < 2 hours, PIR completion rate 100%.
    pub fn reference() -> Self {
        Targets {
            mtta: Duration::minutes(15),
            mttd: Duration::minutes(5),
            mttr: Duration::hours(2),
            pir_completion_rate: 100.0,
        }
    }
}

impl Default for Targets {
    fn default() -> Self {
        Targets::reference()
    }
}

/// A half-open range of detection times, `[from, to)`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Period {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl Period {
    /// Checked constructor: when both ends are given, `from` must be before `to`.
    pub fn new(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Result<Self> {
        if let (Some(f), Some(t)) = (from, to) {
            if f >= t {
                return Err(Error::InvalidPeriod { from: f, to: t });
            }
        }
        Ok(Period { from, to })
    }

    /// Every incident ever detected.
    pub fn all() -> Self {
        Period::default()
    }

    /// Whether an incident detected at `at` belongs to the period.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let after_start = match self.from {
            Some(from) => at >= from,
            None => true,
        };
        let before_end = match self.to {
            Some(to) => at < to,
            None => true,
        };
        after_start && before_end
    }
}

/// One sentence per figure, so a reader of the report (or CSV) knows what was measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Definitions {
    pub period: String,
    pub mtta: String,
    pub mttd: String,
    pub mttr: String,
    pub pir_completion_rate: String,
    pub pir_on_time_rate: String,
    pub targets: String,
    pub weeks: String,
    pub skipped_inconsistent: String,
}

impl Definitions {
    pub fn standard() -> Self {
        Definitions {
            period: "An incident belongs to the period when it was detected at or after the \
                     start and before the end; drill incidents never count."
                .into(),
            mtta: "Mean time to acknowledge: from detection to acknowledgement, over the \
                   incidents that were acknowledged."
                .into(),
            mttd: "Mean time to detect: from the start of impact to detection, over the \
                   incidents whose impact start is known."
                .into(),
            mttr: "Mean time to resolve: from the start of impact (or detection, where the \
                   start is not known) to resolution, over the resolved incidents."
                .into(),
            pir_completion_rate: "Post-incident reviews completed, as a percentage of the \
                                  reviews required."
                .into(),
            pir_on_time_rate: "Post-incident reviews completed by their due time (or \
                               completed, where no due time is set), as a percentage of the \
                               reviews required."
                .into(),
            targets: "A time target is met when the mean is below it; the PIR target is met \
                      when the completion rate is at or above it."
                .into(),
            weeks: "Weeks start on Monday at 00:00 UTC; an incident falls in the week of its \
                    detection."
                .into(),
            skipped_inconsistent: "Durations that came out negative (an end recorded before \
                                   its start) are left out of the means and counted here."
                .into(),
        }
    }
}

/// The figures of one scope (all incidents, one severity, or one week).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Figures {
    /// Incidents in scope (drills excluded).
    pub incidents: usize,
    pub mtta_seconds: Option<f64>,
    /// How many incidents the MTTA mean is taken over.
    pub mtta_count: usize,
    pub mttd_seconds: Option<f64>,
    pub mttd_count: usize,
    pub mttr_seconds: Option<f64>,
    pub mttr_count: usize,
    pub pir_required: usize,
    pub pir_completed: usize,
    pub pir_completed_on_time: usize,
    /// Percent; `None` when no review was required.
    pub pir_completion_rate: Option<f64>,
    /// Percent; `None` when no review was required.
    pub pir_on_time_rate: Option<f64>,
    /// Mean below target; `None` when there is no mean.
    pub mtta_met: Option<bool>,
    pub mttd_met: Option<bool>,
    pub mttr_met: Option<bool>,
    /// Completion rate at or above target; `None` when no review was required.
    pub pir_met: Option<bool>,
    /// Durations left out because they were negative (bad data), across the three means.
    pub skipped_inconsistent: usize,
}

/// The figures of one week, starting Monday 00:00 UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WeekFigures {
    pub week_start: DateTime<Utc>,
    pub figures: Figures,
}

/// The targets the figures were judged against, in seconds and percent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct TargetFigures {
    pub mtta_seconds: f64,
    pub mttd_seconds: f64,
    pub mttr_seconds: f64,
    pub pir_completion_rate: f64,
}

impl From<&Targets> for TargetFigures {
    fn from(t: &Targets) -> Self {
        TargetFigures {
            mtta_seconds: seconds(t.mtta),
            mttd_seconds: seconds(t.mttd),
            mttr_seconds: seconds(t.mttr),
            pir_completion_rate: t.pir_completion_rate,
        }
    }
}

/// Everything `firebreak metrics` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MetricsReport {
    pub period: Period,
    /// The severity filter, when one was given.
    pub severity: Option<String>,
    pub definitions: Definitions,
    pub overall: Figures,
    /// Every policy level in policy order (most severe first), then any other level
    /// found in the data, alphabetically. With a severity filter, only that level.
    pub per_severity: Vec<(String, Figures)>,
    /// Consecutive weeks, oldest first, empty weeks included (see [`crate::compute`]).
    pub weekly: Vec<WeekFigures>,
    pub targets: TargetFigures,
    /// Drill incidents in the period (and severity filter) that were left out.
    pub excluded_drills: usize,
}

/// A duration in seconds, to the millisecond.
pub(crate) fn seconds(d: Duration) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}
