//! Severity levels accepted until the policy in force is wired in.
use crate::{ApiError, Result};

const LEVELS: [&str; 8] = ["SEV1", "SEV2", "SEV3", "SEV4", "P1", "P2", "P3", "P4"];

pub fn check(level: &str) -> Result<String> {
    let want = level.trim().to_ascii_uppercase();
    LEVELS
        .iter()
        .find(|l| **l == want)
        .map(|l| l.to_string())
        .ok_or_else(|| {
            ApiError::invalid(format!(
                "unknown severity {level:?}; expected one of: {}",
                LEVELS.join(", ")
            ))
        })
}

pub fn all() -> Vec<crate::dto::LevelInfo> {
    LEVELS
        .iter()
        .map(|l| crate::dto::LevelInfo {
            id: l.to_string(),
            name: l.to_string(),
            description: String::new(),
        })
        .collect()
}
