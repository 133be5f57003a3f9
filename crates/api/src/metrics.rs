//! Metrics over a period: the incidents of this data directory turned into the records
//! crates/metrics computes from (drills excluded there), with the policy's targets.
use crate::{clocks, ApiError, Firebreak, Result};
use chrono::{DateTime, NaiveDate, Utc};
use firebreak_metrics::{compute, IncidentRecord, MetricsReport, Period, Targets};
use firebreak_policy::{DeadlineKind, Target};

/// A period bound typed by a person: `2025-10-01` (midnight UTC) or RFC 3339.
pub fn parse_bound(s: &str, what: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ApiError::invalid(format!("{what} {s:?} is not a date (YYYY-MM-DD) or an RFC 3339 time")))
}

fn elapsed(t: &Target, what: &str) -> Result<chrono::Duration> {
    t.as_elapsed().ok_or_else(|| ApiError::invalid(format!("the policy's {what} target {t} is not a plain duration")))
}

impl Firebreak {
    /// Every declared incident as a metrics record (deadlines read at `now`).
    pub fn metric_records(&self) -> Result<Vec<IncidentRecord>> {
        let policy = self.policy()?;
        let (now, lead) = (self.now(), self.lead_minutes()?);
        let mut out = Vec::new();
        for row in self.store.list()? {
            let Some(inc) = self.store.incident(row.id)? else { continue };
            let Some(decl) = &inc.declaration else { continue };
            let m = inc.milestones();
            let level = policy.level(&inc.severity.value);
            let pir_due = clocks::deadlines(&policy, &inc, now, lead)
                .into_iter()
                .find(|d| d.kind == DeadlineKind::PirDue)
                .map(|d| d.due);
            out.push(IncidentRecord {
                id: inc.id.to_string(),
                human_id: decl.human_id.clone(),
                severity: level.map_or_else(|| inc.severity.value.clone(), |l| l.id.clone()),
                drill: decl.drill,
                impact_started_at: inc.response.impact_started_at.value,
                detected_at: inc.detected_at().unwrap_or(decl.detected_at),
                acknowledged_at: m.acknowledged_at,
                mitigated_at: m.mitigated_at,
                resolved_at: m.resolved_at,
                pir_required: level.is_some_and(|l| l.requirements.pir_required) && m.resolved_at.is_some(),
                pir_due,
                pir_completed_at: inc.review.completed_at(),
            });
        }
        Ok(out)
    }

    pub fn metrics(&self, from: Option<&str>, to: Option<&str>, severity: Option<&str>) -> Result<MetricsReport> {
        let policy = self.policy()?;
        let from = from.map(|s| parse_bound(s, "--from")).transpose()?;
        let to = to.map(|s| parse_bound(s, "--to")).transpose()?;
        let period = Period::new(from, to).map_err(|e| ApiError::invalid(e.to_string()))?;
        let severity = match severity {
            Some(s) => Some(
                policy
                    .levels
                    .iter()
                    .find(|l| l.id.eq_ignore_ascii_case(s.trim()))
                    .map(|l| l.id.clone())
                    .ok_or_else(|| ApiError::invalid(format!("unknown severity {s:?} for the policy in force")))?,
            ),
            None => None,
        };
        let t = &policy.targets;
        let targets = Targets::new(
            elapsed(&t.mtta, "MTTA")?,
            elapsed(&t.mttd, "MTTD")?,
            elapsed(&t.mttr, "MTTR")?,
            t.pir_completion_rate,
        )
        .map_err(|e| ApiError::invalid(e.to_string()))?;
        let levels: Vec<String> = policy.levels.iter().map(|l| l.id.clone()).collect();
        Ok(compute(&self.metric_records()?, &period, severity.as_deref(), &levels, &targets))
    }
}
