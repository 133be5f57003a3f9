//! Customer-facing updates: the protocol's "External Communication" (customer
//! notifications, regular status updates on the service status page, a final resolution
//! notification). Each draft has a customer notice and a shorter status-page post, in plain
//! words: which services are affected and what customers see, never the internal team,
//! severity or root-cause detail. The next-update promise follows the level's
//! `customer_update_cadence` where the policy gives one.
use crate::comms::{duration_words, Template};
use crate::dto::IncidentDetail;
use chrono::{DateTime, Utc};
use firebreak_policy::Policy;

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn affected(inc: &IncidentDetail) -> String {
    if inc.services.is_empty() {
        "some of our services".to_string()
    } else {
        inc.services.join(", ")
    }
}

fn what_customers_see(inc: &IncidentDetail) -> String {
    let s = inc.summary.trim();
    if s.is_empty() {
        "Some requests may fail or be slow.".to_string()
    } else {
        s.to_string()
    }
}

fn next_update(inc: &IncidentDetail, policy: &Policy) -> String {
    match policy.level(&inc.severity).and_then(|l| l.customer_update_cadence.as_ref()) {
        Some(t) => match t.as_elapsed() {
            Some(d) => format!("We will post the next update within {}.", duration_words(d)),
            None => format!("We will post the next update within {}.", t.human()),
        },
        None => "We will post the next update as soon as we know more.".to_string(),
    }
}

/// The customer notice and status-page post for `template` (one of the customer ones).
pub fn draft(template: Template, inc: &IncidentDetail, policy: &Policy, now: DateTime<Utc>) -> String {
    let drill = if inc.drill { "[DRILL] " } else { "" };
    let since = utc(inc.impact_started_at.unwrap_or(inc.detected_at));
    let services = affected(inc);
    let (notice, status, post) = match template {
        Template::CustomerResolution => {
            let end = inc.milestones.resolved_at.unwrap_or(now);
            let lasted = duration_words(end - inc.impact_started_at.unwrap_or(inc.detected_at));
            (
                format!(
                    "{drill}Resolved: {services}\n\nThe issue affecting {services} has been resolved. It began at {since} and lasted {lasted}. \
                     Everything is working normally again.\n\nWe are reviewing what happened to prevent it from happening again. \
                     We apologise for the disruption."
                ),
                "Resolved",
                format!("This incident has been resolved. {services} are operating normally since {}.", utc(end)),
            )
        }
        Template::CustomerUpdate => (
            format!(
                "{drill}Update: {services}\n\nWe are still working on the issue affecting {services} since {since}.\n{}\n\n{}",
                what_customers_see(inc),
                next_update(inc, policy)
            ),
            if inc.status.as_str() == "mitigated" { "Monitoring" } else { "Identified" },
            format!("We are continuing to work on a fix for {services}. {}", next_update(inc, policy)),
        ),
        _ => (
            format!(
                "{drill}Investigating: {services}\n\nSince {since} some customers may have trouble with {services}.\n{}\n\n\
                 Our team is investigating. {}",
                what_customers_see(inc),
                next_update(inc, policy)
            ),
            "Investigating",
            format!("We are investigating an issue affecting {services}. {}", next_update(inc, policy)),
        ),
    };
    format!(
        "Customer notice\n---------------\n{notice}\n\nStatus page post\n----------------\n{drill}{status}: {post}\n"
    )
}
