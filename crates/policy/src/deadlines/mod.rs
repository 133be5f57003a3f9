//! Deadlines ("acknowledge by", "next update by", RTO, PIR due) computed from the policy and
//! an incident's recorded events.
//!
//! Nothing here keeps a running timer: [`compute_deadlines`] is a pure function of the
//! policy, the incident's stored facts and the `now` it is given, so the clocks are the same
//! after a restart or a reboot, on every laptop that has the same events.
//!
//! # Which event starts and meets each deadline
//!
//! | Deadline | Runs from | Met by |
//! |---|---|---|
//! | Acknowledge | declaration | the first of acknowledged, responded, mitigated, resolved |
//! | Respond | declaration | the first of responded (investigating reached), mitigated, resolved |
//! | Next update | the last status update sent, or declaration before the first one | never met while the incident is open: the next update starts the next interval; resolution (or closing) stops the clock, shown as met at resolution |
//! | Next customer update, levels with `customer_update_cadence` | the last customer notice or status-page post, or declaration before the first one | as the next update, with customer updates only (an internal update does not restart it, nor a customer update the internal one) |
//! | Resolve | declaration | resolved (or closed) |
//! | RTO, per affected service with a tier | declaration | the first of mitigated, resolved, closed (service restored) |
//! | PIR due, levels with `pir_required` | resolution (or closing) | PIR completed |
//!
//! A later lifecycle stage implies the earlier ones (an incident resolved without an explicit
//! acknowledgement was acknowledged by then at the latest). A service the policy does not
//! list, or whose tier has no RTO at the level, gets no RTO deadline. A late status update
//! leaves the missed interval in the next-update deadline's `earlier_breaches`.
//!
//! Severity changes follow [`SEVERITY_REBASE_RULE`].

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::policy::Policy;
use crate::target::Target;

mod clock;

use clock::{severity_timeline, Ctx, Spec};

/// How a severity change moves deadlines; shown in the interface as written.
pub const SEVERITY_REBASE_RULE: &str = "When the severity changes, every deadline not yet met \
restarts from the moment of the change with the new level's target, except that an upgrade \
never makes a running deadline later and a downgrade never makes it earlier. A deadline \
already breached at the change keeps that breach on record and gets a fresh due time from the \
change. Deadlines already met stay met. A deadline the new level does not have (an RTO or a \
PIR) is withdrawn, with its earlier breaches still on record.";

/// What the deadline computation needs to know about one incident: its recorded events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct IncidentFacts {
    /// When the incident was declared.
    pub declared_at: DateTime<Utc>,
    /// Severity over time: the first entry is the initial level at declaration, then each
    /// change (time, new level id).
    pub severity_changes: Vec<(DateTime<Utc>, String)>,
    /// When it was acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// When the response first started (investigating reached).
    pub responded_at: Option<DateTime<Utc>>,
    /// When each status update was sent.
    pub comms_updates: Vec<DateTime<Utc>>,
    /// When each customer notice or status-page post was sent.
    #[serde(default)]
    pub customer_updates: Vec<DateTime<Utc>>,
    /// When it was mitigated (service restored).
    pub mitigated_at: Option<DateTime<Utc>>,
    /// When it was resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Affected services, by name.
    pub services: Vec<String>,
    /// When the PIR was completed.
    pub pir_completed_at: Option<DateTime<Utc>>,
}

impl IncidentFacts {
    /// An incident declared at `declared_at` with severity `level` and nothing else yet.
    pub fn new(declared_at: DateTime<Utc>, level: impl Into<String>) -> Self {
        IncidentFacts {
            declared_at,
            severity_changes: vec![(declared_at, level.into())],
            acknowledged_at: None,
            responded_at: None,
            comms_updates: Vec::new(),
            customer_updates: Vec::new(),
            mitigated_at: None,
            resolved_at: None,
            closed_at: None,
            services: Vec::new(),
            pir_completed_at: None,
        }
    }
}

/// Which clock a deadline is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeadlineKind {
    /// Someone must acknowledge the incident.
    Acknowledge,
    /// The response must have started (investigating).
    Respond,
    /// The next status update must be sent.
    NextUpdate,
    /// The next customer notice or status-page post must be sent (levels with a
    /// `customer_update_cadence` only).
    NextCustomerUpdate,
    /// The incident must be resolved.
    Resolve,
    /// An affected service must be restored (recovery time objective of its tier).
    Rto {
        /// The service name.
        service: String,
        /// The tier id.
        tier: String,
    },
    /// The post-incident review must be completed.
    PirDue,
    /// A check-back promised to a responder ("I'll come back to you in N minutes").
    CheckBack {
        /// The task's id.
        task: String,
        /// Who was asked.
        owner: String,
    },
}

/// Where a deadline stands at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeadlineState {
    /// Not due yet, and not within the due-soon lead.
    Pending,
    /// Due within the due-soon lead.
    DueSoon,
    /// Not met, and the due time has passed.
    Breached {
        /// When it was breached (the due time).
        at: DateTime<Utc>,
    },
    /// Met by the event that satisfies it.
    Met {
        /// When it was met.
        at: DateTime<Utc>,
        /// Whether that was at or before the due time.
        on_time: bool,
    },
    /// No longer applies: a severity change moved the incident to a level without this target.
    Withdrawn {
        /// When the severity changed.
        at: DateTime<Utc>,
    },
}

/// A breach that a severity change left behind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EarlierBreach {
    /// The level whose target was breached.
    pub level: String,
    /// The due time that passed.
    pub due: DateTime<Utc>,
}

/// One running (or finished) clock of an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Deadline {
    /// Which clock.
    pub kind: DeadlineKind,
    /// Short label, e.g. "Acknowledge by".
    pub label: String,
    /// One sentence for a tooltip: the rule, the figure, and whether it is a reference
    /// figure or a team default.
    pub meaning: String,
    /// The level whose target set the due time.
    pub level: String,
    /// That target.
    pub target: Target,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// Where it stands.
    pub state: DeadlineState,
    /// Breaches left on record by severity changes and, for status updates, missed intervals.
    pub earlier_breaches: Vec<EarlierBreach>,
    /// True when the figure comes from the reference document, false for a team default.
    pub from_reference: bool,
}

impl DeadlineState {
    /// The state of a simple deadline due at `due`, met at `met` (if it was), at `now`.
    pub fn of(due: DateTime<Utc>, met: Option<DateTime<Utc>>, now: DateTime<Utc>, lead: Duration) -> Self {
        match met {
            Some(at) => DeadlineState::Met { at, on_time: at <= due },
            None if now >= due => DeadlineState::Breached { at: due },
            None if due - now <= lead => DeadlineState::DueSoon,
            None => DeadlineState::Pending,
        }
    }
}

impl Deadline {
    /// Time left until due; negative when overdue.
    pub fn remaining(&self, now: DateTime<Utc>) -> Duration {
        self.due - now
    }
}

/// Every deadline of an incident at `now`; `due_soon_lead` is how long before the due time a
/// deadline counts as due soon. Empty when the incident's initial level is not in the policy.
pub fn compute_deadlines(
    policy: &Policy,
    facts: &IncidentFacts,
    now: DateTime<Utc>,
    due_soon_lead: Duration,
) -> Vec<Deadline> {
    let changes = severity_timeline(policy, facts);
    if changes.is_empty() {
        return Vec::new();
    }
    let ctx = Ctx { policy, changes, now, lead: due_soon_lead };
    let first = |events: &[Option<DateTime<Utc>>]| events.iter().flatten().min().copied();
    let resolved = first(&[facts.resolved_at, facts.closed_at]);
    let restored = first(&[facts.mitigated_at, facts.resolved_at, facts.closed_at]);
    let responded = first(&[facts.responded_at, facts.mitigated_at, facts.resolved_at, facts.closed_at]);
    let acknowledged = first(&[facts.acknowledged_at, responded]);
    let declared = facts.declared_at;

    let mut out = Vec::new();
    let mut push = |d: Option<Deadline>| out.extend(d);
    push(ctx.deadline(
        Spec::new(DeadlineKind::Acknowledge, "Acknowledge by", "Acknowledge the incident", "declaration"),
        declared,
        acknowledged,
        &|l| Some((l.acknowledge, l.is_reference("acknowledge"))),
    ));
    push(ctx.deadline(
        Spec::new(DeadlineKind::Respond, "Respond by", "Start the response (investigating)", "declaration"),
        declared,
        responded,
        &|l| Some((l.respond, l.is_reference("respond"))),
    ));
    push(ctx.next_update(facts, resolved));
    push(ctx.next_customer_update(facts, resolved));
    push(ctx.deadline(
        Spec::new(DeadlineKind::Resolve, "Resolve by", "Resolve the incident", "declaration"),
        declared,
        resolved,
        &|l| l.resolve.map(|t| (t, l.is_reference("resolve"))),
    ));
    let mut seen: Vec<&str> = Vec::new();
    for service in &facts.services {
        if seen.contains(&service.as_str()) {
            continue;
        }
        seen.push(service);
        let Some(tier) = policy.tier_of_service(service) else {
            continue;
        };
        let what = format!("Restore {service} (RTO of {})", tier.name);
        let kind = DeadlineKind::Rto { service: service.clone(), tier: tier.id.clone() };
        push(ctx.deadline(
            Spec { kind, label: format!("Restore {service} by"), what, from: "declaration".into() },
            declared,
            restored,
            &|l| tier.rto.get(&l.id).map(|t| (*t, !tier.team_defaults.contains(&l.id))),
        ));
    }
    if let Some(resolved_at) = resolved {
        push(ctx.deadline(
            Spec::new(DeadlineKind::PirDue, "PIR due by", "Complete the post-incident review", "resolution"),
            resolved_at,
            facts.pir_completed_at,
            &|l| {
                let r = &l.requirements;
                let due = r.pir_due.filter(|_| r.pir_required)?;
                Some((due, l.is_reference("pir_due") && l.is_reference("pir_required")))
            },
        ));
    }
    out
}
