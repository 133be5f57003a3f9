//! The scenario file's shape and its checks. `firebreak-yaml` reads the file into loose
//! "raw" structs (rejecting unknown fields and files over its limits, reporting line,
//! column and field path); this module then checks meaning field by field, so every
//! error names its path, e.g.
//! `success_criteria[2].within: "5 minutes" is not a duration (use e.g. 5m, 1h30m)`.
//! Lists are bounded ([`MAX_INJECTS`], [`MAX_CRITERIA`], [`MAX_NAMES`]) so a scenario
//! file can never make a drill run or its report unbounded.
use crate::offset::{format_compact, parse_duration, DURATION_HINT};
use crate::scenario::{Check, Criterion, Inject, InjectKind, Scenario, Status};
use crate::{Error, Result};
use chrono::Duration;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    title: String,
    #[serde(default)]
    description: String,
    severity: String,
    #[serde(default)]
    expected_severity: Option<String>,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    participants: Vec<String>,
    #[serde(default)]
    commander_rotation: Vec<String>,
    #[serde(default)]
    rotate_every: Option<Scalar>,
    duration: Scalar,
    success_criteria: Vec<RawCriterion>,
    #[serde(default)]
    injects: Vec<RawInject>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: Option<String>,
    description: Option<String>,
    acknowledged_within: Option<Scalar>,
    first_update_within: Option<Scalar>,
    severity_set: Option<String>,
    by: Option<Scalar>,
    #[serde(default, deserialize_with = "present")]
    mitigation_logged: Option<Option<bool>>,
    within: Option<Scalar>,
    status_reached: Option<RawStatusReached>,
    #[serde(default, deserialize_with = "present")]
    review_drafted: Option<Option<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatusReached {
    status: String,
    within: Option<Scalar>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInject {
    at: Scalar,
    kind: InjectKind,
    text: String,
    service: Option<String>,
}

/// A YAML scalar kept as text (`5m`, `60`, `1.5`), so a bad duration gets our message
/// with its field path rather than a type error.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as 5m or 1h30m")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(ScalarVisitor)
    }
}

/// For flag-like kinds (`review_drafted: true`, or the key with no value): present
/// means `Some`, even when the value is null.
fn present<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<Option<bool>>, D::Error> {
    Ok(Some(Option::<bool>::deserialize(d)?))
}

/// Most injects one scenario may have.
pub const MAX_INJECTS: usize = 1_000;
/// Most success criteria one scenario may have.
pub const MAX_CRITERIA: usize = 100;
/// Most entries in `services`, `participants` or `commander_rotation`.
pub const MAX_NAMES: usize = 1_000;

pub(crate) fn scenario_from_yaml(text: &str) -> Result<Scenario> {
    let raw: RawScenario = firebreak_yaml::from_str(text, "a scenario file", firebreak_yaml::Limits::FILE)
        .map_err(|e| Error::Syntax { message: e.to_string(), line: e.line, column: e.column })?;
    check(raw)
}

fn at_most<T>(field: &str, list: &[T], max: usize) -> Result<()> {
    if list.len() > max {
        return Err(Error::invalid(field, format!("{} entries; a scenario has at most {max}", list.len())));
    }
    Ok(())
}

/// A value the criterion's kind says is there (checked by the caller; an error, not a
/// panic, if that ever changes).
fn kind_value<'a, T>(field: &str, value: &'a Option<T>) -> Result<&'a T> {
    value.as_ref().ok_or_else(|| Error::invalid(field, "is missing"))
}

fn duration(field: &str, value: &Scalar) -> Result<Duration> {
    parse_duration(&value.0)
        .ok_or_else(|| Error::invalid(field, format!("{:?} is not a duration ({DURATION_HINT})", value.0)))
}

fn positive(field: &str, value: &Scalar) -> Result<Duration> {
    let d = duration(field, value)?;
    if d <= Duration::zero() {
        return Err(Error::invalid(field, "must be longer than 0"));
    }
    Ok(d)
}

fn names(field: &str, list: &[String]) -> Result<()> {
    let mut seen = HashSet::new();
    for (i, name) in list.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(Error::invalid(format!("{field}[{i}]"), "must not be empty"));
        }
        if !seen.insert(name.trim()) {
            return Err(Error::invalid(format!("{field}[{i}]"), format!("{name:?} is listed twice")));
        }
    }
    Ok(())
}

fn check(raw: RawScenario) -> Result<Scenario> {
    for (field, value) in [("title", &raw.title), ("severity", &raw.severity)] {
        if value.trim().is_empty() {
            return Err(Error::invalid(field, "must not be empty"));
        }
    }
    let drill_length = positive("duration", &raw.duration)?;
    at_most("services", &raw.services, MAX_NAMES)?;
    at_most("participants", &raw.participants, MAX_NAMES)?;
    at_most("commander_rotation", &raw.commander_rotation, MAX_NAMES)?;
    at_most("success_criteria", &raw.success_criteria, MAX_CRITERIA)?;
    at_most("injects", &raw.injects, MAX_INJECTS)?;
    names("services", &raw.services)?;
    names("participants", &raw.participants)?;
    for (i, name) in raw.commander_rotation.iter().enumerate() {
        if !raw.participants.iter().any(|p| p.trim() == name.trim()) {
            return Err(Error::invalid(
                format!("commander_rotation[{i}]"),
                format!("{name:?} is not one of the participants"),
            ));
        }
    }
    let rotate_every = match &raw.rotate_every {
        Some(_) if raw.commander_rotation.is_empty() => {
            return Err(Error::invalid("rotate_every", "needs a commander_rotation to rotate"));
        }
        Some(value) => Some(positive("rotate_every", value)?),
        None => None,
    };
    if raw.success_criteria.is_empty() {
        return Err(Error::invalid("success_criteria", "list at least one criterion"));
    }
    let mut ids = HashSet::new();
    let mut criteria = Vec::with_capacity(raw.success_criteria.len());
    for (i, rc) in raw.success_criteria.into_iter().enumerate() {
        let path = format!("success_criteria[{i}]");
        let criterion = criterion(&path, rc, drill_length)?;
        if !ids.insert(criterion.id.clone()) {
            return Err(Error::invalid(
                format!("{path}.id"),
                format!("{:?} is used by an earlier criterion", criterion.id),
            ));
        }
        criteria.push(criterion);
    }
    let mut injects = Vec::with_capacity(raw.injects.len());
    for (i, ri) in raw.injects.into_iter().enumerate() {
        injects.push(inject(&format!("injects[{i}]"), ri, drill_length, &raw.services)?);
    }
    injects.sort_by_key(|inject| inject.at);
    let expected = match raw.expected_severity.as_deref().map(str::trim) {
        Some("") => {
            return Err(Error::invalid(
                "expected_severity",
                "must not be empty (leave it out to expect the starting severity)",
            ))
        }
        Some(level) => level.to_owned(),
        None => raw.severity.trim().to_owned(),
    };
    Ok(Scenario {
        title: raw.title.trim().to_owned(),
        description: raw.description.trim().to_owned(),
        severity: raw.severity.trim().to_owned(),
        expected_severity: expected,
        services: raw.services,
        participants: raw.participants,
        commander_rotation: raw.commander_rotation,
        rotate_every,
        duration: drill_length,
        success_criteria: criteria,
        injects,
    })
}

/// A limit must be positive and not past the drill's end.
fn limit(field: &str, value: &Scalar, drill_length: Duration) -> Result<Duration> {
    let d = positive(field, value)?;
    if d > drill_length {
        return Err(Error::invalid(
            field,
            format!("{} is after the drill ends (duration {})", format_compact(d), format_compact(drill_length)),
        ));
    }
    Ok(d)
}

const KINDS: &str = "acknowledged_within, first_update_within, severity_set, \
                     mitigation_logged, status_reached, review_drafted";

fn criterion(path: &str, rc: RawCriterion, drill_length: Duration) -> Result<Criterion> {
    let id = match rc.id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => id.to_owned(),
        _ => return Err(Error::invalid(format!("{path}.id"), "every criterion needs an id")),
    };
    let given: Vec<&str> = [
        ("acknowledged_within", rc.acknowledged_within.is_some()),
        ("first_update_within", rc.first_update_within.is_some()),
        ("severity_set", rc.severity_set.is_some()),
        ("mitigation_logged", rc.mitigation_logged.is_some()),
        ("status_reached", rc.status_reached.is_some()),
        ("review_drafted", rc.review_drafted.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, is_given)| is_given.then_some(name))
    .collect();
    let kind = match given.as_slice() {
        [kind] => *kind,
        [] => return Err(Error::invalid(path, format!("give one kind of criterion: {KINDS}"))),
        several => {
            return Err(Error::invalid(
                path,
                format!("give one kind of criterion per entry, not {}", several.join(" and ")),
            ))
        }
    };
    if rc.by.is_some() && kind != "severity_set" {
        return Err(Error::invalid(format!("{path}.by"), "only goes with severity_set"));
    }
    if rc.within.is_some() && kind != "mitigation_logged" {
        let hint = match kind {
            "status_reached" => "put it inside status_reached: {status: ..., within: ...}",
            "acknowledged_within" | "first_update_within" => "the limit is the kind's value",
            _ => "only goes with mitigation_logged",
        };
        return Err(Error::invalid(format!("{path}.within"), hint));
    }
    let field = |name: &str| format!("{path}.{name}");
    let optional_limit =
        |name: &str, value: &Option<Scalar>| value.as_ref().map(|v| limit(&field(name), v, drill_length)).transpose();
    let check = match kind {
        "acknowledged_within" => Check::AcknowledgedWithin {
            within: limit(&field(kind), kind_value(&field(kind), &rc.acknowledged_within)?, drill_length)?,
        },
        "first_update_within" => Check::FirstUpdateWithin {
            within: limit(&field(kind), kind_value(&field(kind), &rc.first_update_within)?, drill_length)?,
        },
        "severity_set" => {
            let level = rc.severity_set.unwrap_or_default().trim().to_owned();
            if level.is_empty() {
                return Err(Error::invalid(field(kind), "name a severity level, e.g. SEV1"));
            }
            Check::SeveritySet { level, by: optional_limit("by", &rc.by)? }
        }
        "mitigation_logged" => {
            flag(&field(kind), rc.mitigation_logged)?;
            Check::MitigationLogged { within: optional_limit("within", &rc.within)? }
        }
        "status_reached" => {
            let reached = kind_value(&field(kind), &rc.status_reached)?;
            let status: Status = reached.status.parse().map_err(|_| {
                let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                let message = format!("{:?} is not a status (one of {})", reached.status, names.join(", "));
                Error::invalid(field("status_reached.status"), message)
            })?;
            Check::StatusReached { status, within: optional_limit("status_reached.within", &reached.within)? }
        }
        _ => {
            flag(&field(kind), rc.review_drafted)?;
            Check::ReviewDrafted
        }
    };
    let description = match rc.description.map(|d| d.trim().to_owned()) {
        Some(d) if !d.is_empty() => d,
        _ => check.describe(),
    };
    Ok(Criterion { id, description, check })
}

fn flag(field: &str, value: Option<Option<bool>>) -> Result<()> {
    match value {
        Some(Some(false)) => Err(Error::invalid(field, "must be true (remove the criterion to drop it)")),
        _ => Ok(()),
    }
}

fn inject(path: &str, ri: RawInject, drill_length: Duration, services: &[String]) -> Result<Inject> {
    let at = duration(&format!("{path}.at"), &ri.at)?;
    if at > drill_length {
        return Err(Error::invalid(
            format!("{path}.at"),
            format!("{} is after the drill ends (duration {})", format_compact(at), format_compact(drill_length)),
        ));
    }
    if ri.text.trim().is_empty() {
        return Err(Error::invalid(format!("{path}.text"), "must not be empty"));
    }
    if let Some(service) = &ri.service {
        if !services.iter().any(|s| s == service) {
            let listed = if services.is_empty() {
                "the scenario lists no services".to_owned()
            } else {
                format!("one of: {}", services.join(", "))
            };
            return Err(Error::invalid(
                format!("{path}.service"),
                format!("{service:?} is not one of the scenario's services ({listed})"),
            ));
        }
    }
    Ok(Inject { at, kind: ri.kind, text: ri.text.trim().to_owned(), service: ri.service })
}
