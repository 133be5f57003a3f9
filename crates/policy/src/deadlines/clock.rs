//! The clock engine behind [`super::compute_deadlines`]: runs one clock from its anchor
//! through the incident's severity changes (applying [`super::SEVERITY_REBASE_RULE`]) and turns
//! the outcome into a [`Deadline`] with its state and its one-sentence meaning.

use chrono::{DateTime, Duration, Utc};

use super::{Deadline, DeadlineKind, DeadlineState, EarlierBreach, IncidentFacts};
use crate::policy::{Policy, SeverityLevel};
use crate::target::Target;

/// The target of one clock at a level, and whether it is a reference figure.
pub(super) type TargetOf<'a> = dyn Fn(&SeverityLevel) -> Option<(Target, bool)> + 'a;

/// The severity levels in force over time: sorted, clamped to the declaration, unknown level
/// ids left out.
pub(super) fn severity_timeline<'p>(
    policy: &'p Policy,
    facts: &IncidentFacts,
) -> Vec<(DateTime<Utc>, &'p SeverityLevel)> {
    let mut changes: Vec<(DateTime<Utc>, &SeverityLevel)> = facts
        .severity_changes
        .iter()
        .filter_map(|(t, id)| policy.level(id).map(|l| ((*t).max(facts.declared_at), l)))
        .collect();
    changes.sort_by_key(|(t, _)| *t);
    changes
}

pub(super) struct Spec {
    pub(super) kind: DeadlineKind,
    pub(super) label: String,
    pub(super) what: String,
    pub(super) from: String,
}

impl Spec {
    pub(super) fn new(kind: DeadlineKind, label: &str, what: &str, from: &str) -> Self {
        Spec { kind, label: label.into(), what: what.into(), from: from.into() }
    }
}

pub(super) struct Ctx<'p> {
    pub(super) policy: &'p Policy,
    pub(super) changes: Vec<(DateTime<Utc>, &'p SeverityLevel)>,
    pub(super) now: DateTime<Utc>,
    pub(super) lead: Duration,
}

/// A clock's figure in force: which level set it, the target, and the due time.
#[derive(Clone)]
struct Figure<'p> {
    level: &'p SeverityLevel,
    target: Target,
    reference: bool,
    due: DateTime<Utc>,
    rebased_at: Option<DateTime<Utc>>,
    /// Why this figure was kept through a later severity change (the clamp of the rule).
    kept: Option<String>,
}

/// How a clock ends up after the severity changes.
enum End<'p> {
    /// It runs with this figure.
    Active(Figure<'p>),
    /// A change at this time moved to a level without the target; the last figure it had.
    Withdrawn(DateTime<Utc>, Figure<'p>),
}

/// The outcome of running one clock through the severity changes.
struct Run<'p> {
    end: End<'p>,
    earlier: Vec<EarlierBreach>,
}

impl<'p> Ctx<'p> {
    /// The level in force at `t`.
    fn level_at(&self, t: DateTime<Utc>) -> Option<&'p SeverityLevel> {
        let mut level = self.changes.first().map(|(_, l)| *l);
        for (at, l) in &self.changes {
            if *at <= t {
                level = Some(*l);
            }
        }
        level
    }

    /// Run a clock that starts at `anchor` and is met at `met`, applying
    /// [`super::SEVERITY_REBASE_RULE`] at every severity change after the anchor and before it is
    /// met. `None` when no level in force ever has the target.
    fn run(&self, anchor: DateTime<Utc>, met: Option<DateTime<Utc>>, target_of: &TargetOf<'_>) -> Option<Run<'p>> {
        let cal = &self.policy.calendar;
        let mut level = self.level_at(anchor)?;
        let figure = |level: &'p SeverityLevel, from: DateTime<Utc>, rebased: bool| {
            target_of(level).map(|(target, reference)| Figure {
                level,
                target,
                reference,
                due: cal.add(from, &target),
                rebased_at: rebased.then_some(from),
                kept: None,
            })
        };
        let mut current = figure(level, anchor, false);
        let mut withdrawn: Option<(DateTime<Utc>, Figure<'p>)> = None;
        let mut earlier = Vec::new();
        for (at, next) in self.changes.iter().filter(|(at, _)| *at > anchor) {
            if met.is_some_and(|m| m <= *at) {
                break;
            }
            if next.id == level.id {
                continue;
            }
            let fresh = figure(next, *at, true);
            current = match (current.take(), fresh) {
                (Some(old), fresh) if old.due <= *at => {
                    earlier.push(EarlierBreach { level: old.level.id.clone(), due: old.due });
                    if fresh.is_none() {
                        withdrawn = Some((*at, old));
                    }
                    fresh
                }
                (Some(mut old), Some(fresh)) => {
                    let upgrade = self.policy.is_more_severe(&next.id, &level.id);
                    if upgrade && old.due < fresh.due {
                        old.kept = Some(format!(
                            "kept at the change to {} because an upgrade never makes a deadline later",
                            next.id
                        ));
                        Some(old)
                    } else if !upgrade && old.due > fresh.due {
                        old.kept = Some(format!(
                            "kept at the change to {} because a downgrade never makes a deadline earlier",
                            next.id
                        ));
                        Some(old)
                    } else {
                        Some(fresh)
                    }
                }
                (Some(old), None) => {
                    withdrawn = Some((*at, old));
                    None
                }
                (None, fresh) => fresh,
            };
            if current.is_some() {
                withdrawn = None;
            }
            level = next;
        }
        let end = match (current, withdrawn) {
            (Some(f), _) => End::Active(f),
            (None, Some((at, f))) => End::Withdrawn(at, f),
            (None, None) => return None,
        };
        Some(Run { end, earlier })
    }

    pub(super) fn deadline(
        &self,
        spec: Spec,
        anchor: DateTime<Utc>,
        met: Option<DateTime<Utc>>,
        target_of: &TargetOf<'_>,
    ) -> Option<Deadline> {
        let run = self.run(anchor, met, target_of)?;
        Some(self.finish(spec, run, met, Vec::new()))
    }

    fn finish(
        &self,
        spec: Spec,
        run: Run<'p>,
        met: Option<DateTime<Utc>>,
        mut earlier: Vec<EarlierBreach>,
    ) -> Deadline {
        earlier.extend(run.earlier);
        let (figure, state, meaning) = match run.end {
            End::Active(f) => {
                let state = match met {
                    Some(at) => DeadlineState::Met { at, on_time: at <= f.due },
                    None if self.now >= f.due => DeadlineState::Breached { at: f.due },
                    None if f.due - self.now <= self.lead => DeadlineState::DueSoon,
                    None => DeadlineState::Pending,
                };
                let meaning = meaning(&spec, &f);
                (f, state, meaning)
            }
            End::Withdrawn(at, f) => {
                let meaning = format!(
                    "No longer applies: the severity changed to {} at {}, a level with no such target.",
                    self.level_at(at).map_or("another level", |l| l.id.as_str()),
                    stamp(at)
                );
                (f, DeadlineState::Withdrawn { at }, meaning)
            }
        };
        Deadline {
            kind: spec.kind,
            label: spec.label,
            meaning,
            level: figure.level.id.clone(),
            target: figure.target,
            due: figure.due,
            state,
            earlier_breaches: earlier,
            from_reference: figure.reference,
        }
    }

    /// The status-update clock: one interval per update sent, each due one cadence after its
    /// start; missed intervals stay on record.
    pub(super) fn next_update(&self, facts: &IncidentFacts, resolved: Option<DateTime<Utc>>) -> Option<Deadline> {
        let cadence: &TargetOf<'_> = &|l| Some((l.update_cadence, l.is_reference("update_cadence")));
        let spec = |first: bool| {
            let from =
                if first { "declaration (no status update has been sent yet)" } else { "the last status update" };
            Spec::new(DeadlineKind::NextUpdate, "Next update by", "Send the next status update", from)
        };
        self.cadence_clock(facts.declared_at, &facts.comms_updates, resolved, cadence, &spec)
    }

    /// The customer-update clock: as [`Self::next_update`] over customer notices and
    /// status-page posts, at the level's `customer_update_cadence`; none at levels without.
    pub(super) fn next_customer_update(
        &self,
        facts: &IncidentFacts,
        resolved: Option<DateTime<Utc>>,
    ) -> Option<Deadline> {
        let cadence: &TargetOf<'_> =
            &|l| l.customer_update_cadence.map(|t| (t, l.is_reference("customer_update_cadence")));
        let spec = |first: bool| {
            let from =
                if first { "declaration (no customer update has been sent yet)" } else { "the last customer update" };
            let what = "Send the next customer notice or status-page post";
            Spec::new(DeadlineKind::NextCustomerUpdate, "Next customer update by", what, from)
        };
        self.cadence_clock(facts.declared_at, &facts.customer_updates, resolved, cadence, &spec)
    }

    /// A clock restarted by each of `sent` (after `declared`, before `resolved`): one
    /// interval per send, each due one cadence after its start; missed intervals stay on
    /// record; resolution stops the last one.
    fn cadence_clock(
        &self,
        declared: DateTime<Utc>,
        sent: &[DateTime<Utc>],
        resolved: Option<DateTime<Utc>>,
        cadence: &TargetOf<'_>,
        spec: &dyn Fn(bool) -> Spec,
    ) -> Option<Deadline> {
        let mut starts = vec![declared];
        let mut updates: Vec<DateTime<Utc>> =
            sent.iter().copied().filter(|u| *u > declared && resolved.is_none_or(|r| *u < r)).collect();
        updates.sort();
        updates.dedup();
        starts.extend(updates);
        let mut earlier = Vec::new();
        let last = starts.len() - 1;
        for (i, start) in starts.iter().enumerate() {
            let end = if i == last { resolved } else { Some(starts[i + 1]) };
            let mut run = self.run(*start, end, cadence)?;
            if i == last {
                return Some(self.finish(spec(i == 0), run, end, earlier));
            }
            earlier.append(&mut run.earlier);
            if let (End::Active(f), Some(sent)) = (&run.end, end) {
                if sent > f.due {
                    earlier.push(EarlierBreach { level: f.level.id.clone(), due: f.due });
                }
            }
        }
        None
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn meaning(spec: &Spec, f: &Figure<'_>) -> String {
    let from = match f.rebased_at {
        Some(at) => format!("the severity change to {} at {}", f.level.id, stamp(at)),
        None => spec.from.clone(),
    };
    let source = if f.reference { "reference figure" } else { "team default, not a reference figure" };
    let kept = f.kept.as_ref().map(|k| format!("; {k}")).unwrap_or_default();
    format!("{} within {} of {} ({} {source}{kept}).", spec.what, f.target.human(), from, f.level.id)
}
