//! The policy data model: what a team's policy file holds.
//!
//! Severity levels with their criteria, examples, clocks and requirements; service tiers with
//! the RTO table; services mapped to tiers; the business calendar; metric targets. Every
//! figure can be marked as a *team default* (a number the team chose because the reference
//! document gives none) so the interface can tell reference figures from local choices.
//! Loading and saving the TOML form lives in [`crate::toml_io`], checks in
//! [`crate::validate`], the built-in presets in [`crate::presets`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::BusinessCalendar;
use crate::target::Target;

/// Fields of a [`SeverityLevel`] that `team_defaults` may name.
pub const LEVEL_FIGURES: &[&str] = &[
    "acknowledge",
    "respond",
    "update_cadence",
    "customer_update_cadence",
    "resolve",
    "all_hands",
    "executive_notification",
    "dedicated_team",
    "incident_commander_required",
    "continuous_work",
    "pir_required",
    "pir_due",
    "required_roles",
    "role_alert_minutes",
];

/// Fields of [`MetricTargets`] that its `team_defaults` may name.
pub const METRIC_FIGURES: &[&str] = &["mtta", "mttd", "mttr", "pir_completion_rate"];

/// A team's incident policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Display name, e.g. "Incident Management Protocol".
    pub name: String,
    /// What this policy is and where its figures come from.
    #[serde(default)]
    pub description: String,
    /// The document the reference figures were transcribed from, if any.
    #[serde(default)]
    pub source: Option<String>,
    /// When business-day targets run.
    #[serde(default)]
    pub calendar: BusinessCalendar,
    /// Targets for the incident metrics (MTTA, MTTD, MTTR, PIR completion).
    #[serde(default)]
    pub targets: MetricTargets,
    /// Severity levels, most severe first.
    pub levels: Vec<SeverityLevel>,
    /// Service tiers and their RTO per level (the RTO table).
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// Known services and their tier. A service not listed has no RTO.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Mitigation runbook: actions with command templates. Firebreak shows and copies
    /// the filled command and logs it when taken; it never runs it.
    #[serde(default)]
    pub runbook: Vec<RunbookAction>,
}

/// One mitigation action, e.g. a rollback, with its command template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RunbookAction {
    /// Short id, e.g. "rollback".
    pub id: String,
    /// Display name, e.g. "Rollback".
    pub name: String,
    /// Services it applies to; empty means every service.
    #[serde(default)]
    pub services: Vec<String>,
    /// The command, with `{param}` placeholders.
    pub command: String,
    #[serde(default)]
    pub params: Vec<RunbookParam>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RunbookParam {
    pub name: String,
    #[serde(default)]
    pub default: String,
    #[serde(default)]
    pub description: String,
}

impl RunbookAction {
    /// The `{name}` placeholders of the template, in order of appearance.
    pub fn placeholders(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = self.command.as_str();
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start + 1..].find('}') else { break };
            let name = &rest[start + 1..start + 1 + len];
            if !name.is_empty() && !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
            rest = &rest[start + 1 + len + 1..];
        }
        out
    }

    /// The command with every placeholder replaced: a value given, else the default.
    /// Errors name a parameter with neither.
    pub fn fill(&self, values: &std::collections::BTreeMap<String, String>) -> Result<String, String> {
        let mut cmd = self.command.clone();
        for name in self.placeholders() {
            let value = values
                .get(&name)
                .filter(|v| !v.trim().is_empty())
                .cloned()
                .or_else(|| {
                    self.params.iter().find(|p| p.name == name).map(|p| p.default.clone()).filter(|d| !d.is_empty())
                })
                .ok_or_else(|| format!("the {} action needs a value for {{{name}}}", self.name))?;
            cmd = cmd.replace(&format!("{{{name}}}"), value.trim());
        }
        Ok(cmd)
    }
}

/// One severity level (SEV1, P2, …) and what it demands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SeverityLevel {
    /// Short id shown everywhere, e.g. "SEV1" or "P1". Unique within the policy.
    pub id: String,
    /// One-word name, e.g. "Critical".
    pub name: String,
    /// How severe the level is across policies: 1 is the most severe. Levels of two
    /// policies with the same rank mean the same (SEV1 and P1 are both rank 1), which is how
    /// a level named by another built-in preset is read under this one. Default: the
    /// level's position in the list (1 for the first).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub rank: Option<u32>,
    /// Headline, e.g. "Complete System Outage" (may be empty).
    #[serde(default)]
    pub title: String,
    /// Longer explanation, including where its figures come from.
    #[serde(default)]
    pub description: String,
    /// Conditions that make an incident this severe; offered by the severity helper.
    #[serde(default)]
    pub criteria: Vec<String>,
    /// Example scenarios of this severity; offered by the severity helper.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Time from declaration until someone must have acknowledged the incident.
    pub acknowledge: Target,
    /// Time from declaration until the response must have started (investigating).
    pub respond: Target,
    /// Time between status updates (from declaration until the first one).
    pub update_cadence: Target,
    /// Time between customer notices and status-page posts, when the team sets one
    /// (neither reference document gives a figure).
    #[serde(default)]
    pub customer_update_cadence: Option<Target>,
    /// Time from declaration until the incident must be resolved; none when the level has no
    /// resolution target.
    #[serde(default)]
    pub resolve: Option<Target>,
    /// What the level requires of the team.
    #[serde(default)]
    pub requirements: Requirements,
    /// Names of the figures above that are team defaults rather than reference figures
    /// (see [`LEVEL_FIGURES`]).
    #[serde(default)]
    pub team_defaults: Vec<String>,
}

impl SeverityLevel {
    /// True when `field` (e.g. "respond") is a figure from the reference document, false when
    /// it is a team default.
    pub fn is_reference(&self, field: &str) -> bool {
        !self.team_defaults.iter().any(|f| f == field)
    }

    /// "SEV1 (Critical)".
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.id.clone()
        } else {
            format!("{} ({})", self.id, self.name)
        }
    }
}

/// What a severity level requires; the checklist the incident commander follows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// All hands until resolution or mitigation.
    #[serde(default)]
    pub all_hands: bool,
    /// Executives must be notified.
    #[serde(default)]
    pub executive_notification: bool,
    /// A dedicated incident team is assigned.
    #[serde(default)]
    pub dedicated_team: bool,
    /// An incident commander must be assigned.
    #[serde(default)]
    pub incident_commander_required: bool,
    /// Work continues around the clock (24/7) until resolved.
    #[serde(default)]
    pub continuous_work: bool,
    /// A post-incident review (post-mortem) is required.
    #[serde(default)]
    pub pir_required: bool,
    /// Time from resolution until the PIR is due; required when `pir_required`.
    #[serde(default)]
    pub pir_due: Option<Target>,
    /// The level's requirements in the reference's own words, as checklist items.
    #[serde(default)]
    pub checklist: Vec<String>,
    /// Roles someone must hold (e.g. "communications"), besides the incident commander
    /// that `incident_commander_required` asks for.
    #[serde(default)]
    pub required_roles: Vec<String>,
    /// Minutes after declaration after which a required role still empty raises a
    /// notification; none: shown on the incident, never notified.
    #[serde(default)]
    pub role_alert_minutes: Option<u32>,
}

impl Requirements {
    /// Every role the level requires: the incident commander when required, then
    /// `required_roles`, without repeats.
    pub fn roles(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if self.incident_commander_required {
            out.push("incident-commander".into());
        }
        for role in &self.required_roles {
            let role = role.trim();
            if !role.is_empty() && !out.iter().any(|r| r == role) {
                out.push(role.to_string());
            }
        }
        out
    }
}

/// A service tier and its recovery time objective per severity level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Short id used by services, e.g. "core-api".
    pub id: String,
    /// Display name, e.g. "Core API Services".
    pub name: String,
    /// RTO per level id; a level without an entry has no RTO for this tier.
    #[serde(default)]
    pub rto: BTreeMap<String, Target>,
    /// Level ids whose RTO here is a team default rather than a reference figure.
    #[serde(default)]
    pub team_defaults: Vec<String>,
}

/// A service and the tier it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Name as used on incidents, e.g. "api".
    pub name: String,
    /// The tier id.
    pub tier: String,
}

/// Targets for the incident metrics. The mean must stay below each duration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct MetricTargets {
    /// Mean time to acknowledge.
    pub mtta: Target,
    /// Mean time to detect.
    pub mttd: Target,
    /// Mean time to resolve.
    pub mttr: Target,
    /// Share of incidents needing a PIR that got one, in percent (0–100).
    pub pir_completion_rate: f64,
    /// Names of the figures above that are team defaults (see [`METRIC_FIGURES`]).
    #[serde(default)]
    pub team_defaults: Vec<String>,
}

impl MetricTargets {
    /// True when `field` (e.g. "mtta") is a reference figure, false for a team default.
    pub fn is_reference(&self, field: &str) -> bool {
        !self.team_defaults.iter().any(|f| f == field)
    }
}

impl Default for MetricTargets {
    /// Team defaults equal to the matrix reference's targets: MTTA <15 min, MTTD <5 min,
    /// MTTR <2 hours, PIR completion 100%.
    fn default() -> Self {
        MetricTargets {
            mtta: Target::minutes(15),
            mttd: Target::minutes(5),
            mttr: Target::hours(2),
            pir_completion_rate: 100.0,
            team_defaults: METRIC_FIGURES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl Policy {
    /// The level with this id, exactly as this policy spells it.
    pub fn level_exact(&self, id: &str) -> Option<&SeverityLevel> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// The level an id stands for under this policy: this policy's own level (exact, then
    /// ignoring ASCII case), else a level of another built-in preset read by rank (P1 under
    /// a SEV1–4 policy is SEV1). `None` for an id neither knows.
    pub fn level(&self, id: &str) -> Option<&SeverityLevel> {
        self.level_exact(id)
            .or_else(|| self.levels.iter().find(|l| l.id.eq_ignore_ascii_case(id)))
            .or_else(|| self.level_by_rank(builtin_rank(id)?))
    }

    /// The rank of one of this policy's levels (its `rank`, else its position from 1).
    pub fn rank_of(&self, level: &SeverityLevel) -> u32 {
        level.rank.unwrap_or_else(|| {
            let pos = self.levels.iter().position(|l| l.id == level.id).unwrap_or(self.levels.len());
            u32::try_from(pos).unwrap_or(u32::MAX - 1).saturating_add(1)
        })
    }

    /// This policy's level of a rank; a rank past the least severe level gives that level,
    /// a rank between two levels the more severe of them (never reads an incident as
    /// milder than it was declared).
    pub fn level_by_rank(&self, rank: u32) -> Option<&SeverityLevel> {
        self.levels
            .iter()
            .find(|l| self.rank_of(l) == rank)
            .or_else(|| self.levels.iter().filter(|l| self.rank_of(l) < rank).max_by_key(|l| self.rank_of(l)))
    }

    /// How an id from elsewhere (an import, a teammate's op, a scenario) is read under this
    /// policy: `None` when neither this policy nor a built-in preset knows it.
    pub fn map_level(&self, id: &str) -> Option<LevelMatch> {
        let id = id.trim();
        if let Some(own) = self.level_exact(id).or_else(|| self.levels.iter().find(|l| l.id.eq_ignore_ascii_case(id))) {
            return Some(LevelMatch { id: own.id.clone(), mapped_from: None });
        }
        let rank = builtin_rank(id)?;
        let level = self.level_by_rank(rank)?;
        Some(LevelMatch { id: level.id.clone(), mapped_from: Some((builtin_id(id)?.to_string(), rank)) })
    }

    /// Position of a level, 0 being the most severe (levels of another built-in preset are
    /// read by rank).
    pub fn level_rank(&self, id: &str) -> Option<usize> {
        let level = self.level(id)?;
        self.levels.iter().position(|l| l.id == level.id)
    }

    /// True when level `a` is more severe than level `b` (unknown levels are never more
    /// severe).
    pub fn is_more_severe(&self, a: &str, b: &str) -> bool {
        match (self.level_rank(a), self.level_rank(b)) {
            (Some(x), Some(y)) => x < y,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// The tier with this id.
    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }

    /// The RTO of a tier at a level (read as [`Policy::level`] does), if the table has one.
    pub fn rto_for(&self, tier: &str, level: &str) -> Option<Target> {
        let level = self.level(level)?;
        self.tier(tier)?.rto.get(&level.id).copied()
    }

    /// The tier of a named service; `None` for services the policy does not list.
    pub fn tier_of_service(&self, name: &str) -> Option<&Tier> {
        let service = self.services.iter().find(|s| s.name == name)?;
        self.tier(&service.tier)
    }
}

/// How a level id is read under a policy: the policy's own id, and, when the id came from
/// another built-in preset, that id and its rank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelMatch {
    /// The id of this policy's level.
    pub id: String,
    /// The other preset's id and the rank both share, when the id was mapped.
    pub mapped_from: Option<(String, u32)>,
}

impl LevelMatch {
    /// The note for the timeline when the level was mapped, e.g. "Severity P1 (rank 1 in the
    /// other built-in policy) is read as SEV1, the level of the same rank in this policy".
    pub fn note(&self) -> Option<String> {
        self.mapped_from.as_ref().map(|(from, rank)| {
            format!(
                "Severity {from} is not a level of the policy in force; read as {}, its level of rank {rank} (same rank as {from})",
                self.id
            )
        })
    }
}

/// The level ids of both built-in presets with their rank (checked against the preset files
/// by a test). Kept as a table so reading a level never parses a preset.
const BUILTIN_LEVELS: &[(&str, u32)] =
    &[("SEV1", 1), ("SEV2", 2), ("SEV3", 3), ("SEV4", 4), ("P1", 1), ("P2", 2), ("P3", 3), ("P4", 4)];

fn builtin_id(id: &str) -> Option<&'static str> {
    BUILTIN_LEVELS.iter().find(|(l, _)| l.eq_ignore_ascii_case(id.trim())).map(|(l, _)| *l)
}

fn builtin_rank(id: &str) -> Option<u32> {
    BUILTIN_LEVELS.iter().find(|(l, _)| l.eq_ignore_ascii_case(id.trim())).map(|(_, r)| *r)
}

/// Every built-in preset level id with its rank.
pub fn builtin_levels() -> &'static [(&'static str, u32)] {
    BUILTIN_LEVELS
}
