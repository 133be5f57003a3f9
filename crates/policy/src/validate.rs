//! Cross-checks a policy must pass before it is used.
//!
//! Serde already rejects values of the wrong shape (a bad duration, an unknown time zone, an
//! unknown field). What remains are checks across fields: ids are unique, references point
//! at things that exist, working hours make sense, a required PIR has a due time. A policy
//! that fails is never put in force; the previous one stays.

use std::collections::HashSet;

use crate::policy::{Policy, LEVEL_FIGURES, METRIC_FIGURES};
use crate::toml_io::PolicyError;

impl Policy {
    /// The first problem found, or `Ok` when the policy can be used.
    pub fn validate(&self) -> Result<(), PolicyError> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Every problem found, section by section (without line numbers; [`Policy::from_toml_str`]
    /// adds them).
    pub fn problems(&self) -> Vec<PolicyError> {
        let mut out = Vec::new();
        let mut push = |field: String, message: String| out.push(PolicyError::at(field, message));

        if self.name.trim().is_empty() {
            push("name".into(), "the policy needs a name".into());
        }
        for (i, action) in self.runbook.iter().enumerate() {
            if action.id.trim().is_empty() || action.command.trim().is_empty() {
                push(format!("runbook[{i}]"), "a runbook action needs an id and a command".into());
            }
            for name in action.placeholders() {
                if !action.params.iter().any(|p| p.name == name) {
                    push(
                        format!("runbook[{i}].command"),
                        format!("the placeholder {{{name}}} has no matching [[runbook.params]] entry"),
                    );
                }
            }
            if self.runbook[..i].iter().any(|a| a.id == action.id) {
                push(format!("runbook[{i}].id"), format!("duplicate runbook action id {:?}", action.id));
            }
        }

        let cal = &self.calendar;
        if cal.working_days.is_empty() {
            push("calendar.working_days".into(), "list at least one working day".into());
        }
        let mut seen_days = HashSet::new();
        for (i, day) in cal.working_days.iter().enumerate() {
            if !seen_days.insert(*day) {
                push(format!("calendar.working_days[{i}]"), format!("{day:?} is listed twice"));
            }
        }
        if cal.work_end <= cal.work_start {
            push(
                "calendar.work_end".into(),
                format!("the working day must end after it starts ({} to {} is empty)", cal.work_start, cal.work_end),
            );
        }

        let t = &self.targets;
        for (name, target) in [("mtta", &t.mtta), ("mttd", &t.mttd), ("mttr", &t.mttr)] {
            if target.is_business() {
                push(
                    format!("targets.{name}"),
                    format!(
                        "\"{target}\" is a business-time target; a mean time is wall-clock time (use e.g. 15m or 2h)"
                    ),
                );
            }
        }
        if !(0.0..=100.0).contains(&t.pir_completion_rate) {
            push(
                "targets.pir_completion_rate".into(),
                format!("{} is not a percentage between 0 and 100", t.pir_completion_rate),
            );
        }
        for (i, f) in t.team_defaults.iter().enumerate() {
            if !METRIC_FIGURES.contains(&f.as_str()) {
                push(
                    format!("targets.team_defaults[{i}]"),
                    format!("{f:?} is not a metric target (use one of: {})", METRIC_FIGURES.join(", ")),
                );
            }
        }

        if self.levels.is_empty() {
            push("levels".into(), "the policy needs at least one severity level".into());
        }
        let mut level_ids: Vec<&str> = Vec::new();
        let mut last_rank = 0u32;
        for (i, level) in self.levels.iter().enumerate() {
            let at = |field: &str| format!("levels[{i}].{field}");
            let rank = self.rank_of(level);
            if rank == 0 || rank <= last_rank {
                push(
                    at("rank"),
                    format!(
                        "rank {rank} must be at least 1 and above the rank of the level before ({last_rank}): levels are listed most severe first"
                    ),
                );
            }
            last_rank = last_rank.max(rank);
            if level.id.trim().is_empty() {
                push(at("id"), "a level needs an id (e.g. SEV1)".into());
            } else if let Some(first) = level_ids.iter().position(|id| *id == level.id) {
                push(at("id"), format!("duplicate level id {:?} (already used by levels[{first}])", level.id));
            }
            level_ids.push(&level.id);
            if level.name.trim().is_empty() {
                push(at("name"), "a level needs a name (e.g. Critical)".into());
            }
            if level.requirements.pir_required && level.requirements.pir_due.is_none() {
                push(
                    at("requirements.pir_due"),
                    "pir_required is true, so give the time the PIR is due after resolution (e.g. 48h)".into(),
                );
            }
            for (j, f) in level.team_defaults.iter().enumerate() {
                if !LEVEL_FIGURES.contains(&f.as_str()) {
                    push(
                        format!("levels[{i}].team_defaults[{j}]"),
                        format!("{f:?} is not a level figure (use one of: {})", LEVEL_FIGURES.join(", ")),
                    );
                }
            }
        }

        let mut tier_ids: Vec<&str> = Vec::new();
        for (i, tier) in self.tiers.iter().enumerate() {
            if tier.id.trim().is_empty() {
                push(format!("tiers[{i}].id"), "a tier needs an id (e.g. core-api)".into());
            } else if let Some(first) = tier_ids.iter().position(|id| *id == tier.id) {
                push(
                    format!("tiers[{i}].id"),
                    format!("duplicate tier id {:?} (already used by tiers[{first}])", tier.id),
                );
            }
            tier_ids.push(&tier.id);
            for level in tier.rto.keys().chain(tier.team_defaults.iter()) {
                if !self.levels.iter().any(|l| &l.id == level) {
                    let field = if tier.rto.contains_key(level) {
                        format!("tiers[{i}].rto.{level}")
                    } else {
                        format!("tiers[{i}].team_defaults")
                    };
                    push(field, format!("unknown level {level:?} (levels are: {})", level_ids.join(", ")));
                }
            }
        }

        let mut service_names: Vec<&str> = Vec::new();
        for (i, service) in self.services.iter().enumerate() {
            if service.name.trim().is_empty() {
                push(format!("services[{i}].name"), "a service needs a name".into());
            } else if service_names.contains(&service.name.as_str()) {
                push(format!("services[{i}].name"), format!("service {:?} is listed twice", service.name));
            }
            service_names.push(&service.name);
            if self.tier(&service.tier).is_none() {
                push(
                    format!("services[{i}].tier"),
                    format!("unknown tier {:?} (tiers are: {})", service.tier, tier_ids.join(", ")),
                );
            }
        }
        out
    }
}
