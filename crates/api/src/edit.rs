//! Editing an incident after its declaration: title, summary, affected services, when
//! the impact started and a corrected detection time. Each changed field is its own
//! `edit_incident` op (its author and time on the timeline), all written in one
//! transaction after the whole input has been checked, so bad input writes nothing.
use crate::dto::IncidentDetail;
use crate::service::{human, MAX_TITLE_CHARS};
use crate::{ApiError, Firebreak, Result};
use chrono::{DateTime, SecondsFormat, Utc};
use firebreak_core::incident::Incident;
use firebreak_core::op::OpPayload;
use firebreak_core::timeline::Change;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What to change; absent fields stay as they are. Times are RFC 3339 text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EditInput {
    pub incident: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// The whole new list of affected services (an empty list clears it).
    #[serde(default)]
    pub services: Option<Vec<String>>,
    /// When the impact began (used for MTTD and as the start of MTTR).
    #[serde(default)]
    pub impact_started_at: Option<String>,
    /// A correction of when the incident was detected.
    #[serde(default)]
    pub detected_at: Option<String>,
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn edit(
    title: Option<String>,
    summary: Option<String>,
    services: Option<Vec<String>>,
    impact: Option<DateTime<Utc>>,
    detected: Option<DateTime<Utc>>,
) -> OpPayload {
    OpPayload::EditIncident { title, summary, services, impact_started_at: impact, detected_at: detected }
}

/// The earliest status or severity change: a corrected detection may not come after it.
fn first_change(inc: &Incident) -> Option<DateTime<Utc>> {
    inc.timeline
        .values()
        .filter(|e| matches!(e.change, Some(Change::Status { .. } | Change::Severity { .. })))
        .map(|e| e.event_time)
        .min()
}

fn present(t: &Option<String>) -> Option<&str> {
    t.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Firebreak {
    /// Applies the changes in `input` that differ from the incident as it stands.
    pub fn edit_incident(&mut self, input: EditInput) -> Result<IncidentDetail> {
        let inc = self.find(&input.incident)?;
        let name = human(&inc);
        let mut ops: Vec<OpPayload> = Vec::new();
        let mut asked = false;
        if let Some(t) = &input.title {
            asked = true;
            let t = t.trim();
            if t.is_empty() {
                return Err(ApiError::invalid("the title must not be empty: say in a few words what is wrong"));
            }
            if t.chars().count() > MAX_TITLE_CHARS {
                return Err(ApiError::invalid(format!("the title is longer than {MAX_TITLE_CHARS} characters")));
            }
            if t != inc.title.value {
                ops.push(edit(Some(t.to_string()), None, None, None, None));
            }
        }
        if let Some(s) = &input.summary {
            asked = true;
            let s = s.trim();
            if s != inc.summary.value {
                ops.push(edit(None, Some(s.to_string()), None, None, None));
            }
        }
        if let Some(list) = &input.services {
            asked = true;
            let mut services: Vec<String> = Vec::new();
            for s in list.iter().map(|s| s.trim()) {
                if s.is_empty() {
                    return Err(ApiError::invalid("a service name must not be empty"));
                }
                if !services.iter().any(|x| x == s) {
                    services.push(s.to_string());
                }
            }
            if services != inc.services.value {
                ops.push(edit(None, None, Some(services), None, None));
            }
        }
        let detected_now = inc.detected_at().ok_or_else(|| ApiError::invalid(format!("{name} is not declared")))?;
        let mut detected = detected_now;
        if let Some(text) = present(&input.detected_at) {
            asked = true;
            let t = self.event_time_for(inc.id, Some(text), "the detection time")?;
            if let Some(first) = first_change(&inc).filter(|first| t > *first) {
                return Err(ApiError::invalid(format!(
                    "the detection time {} would be after the incident's first status or severity change ({})",
                    rfc(t),
                    rfc(first)
                )));
            }
            if t != detected_now {
                detected = t;
                ops.push(edit(None, None, None, None, Some(t)));
            }
        }
        let impact_now = inc.response.impact_started_at.value;
        let mut impact = impact_now;
        if let Some(text) = present(&input.impact_started_at) {
            asked = true;
            let t = self.event_time_for(inc.id, Some(text), "the impact start")?;
            if impact_now != Some(t) {
                impact = Some(t);
                ops.push(edit(None, None, None, Some(t), None));
            }
        }
        if let Some(start) = impact.filter(|start| *start > detected) {
            return Err(ApiError::invalid(format!(
                "the impact start {} would be after {name} was detected ({}); impact starts at or before detection",
                rfc(start),
                rfc(detected)
            )));
        }
        if !asked {
            return Err(ApiError::invalid(
                "nothing to change: give a title, summary, services, impact start or detection time",
            ));
        }
        if ops.is_empty() {
            return Err(ApiError::invalid(format!("nothing to change: {name} already has these values")));
        }
        let author = self.author()?;
        let now = self.now();
        self.store.commit_all(now, &author, ops.into_iter().map(|p| (inc.id, p)).collect())?;
        self.detail(inc.id)
    }
}

#[cfg(test)]
mod tests;
