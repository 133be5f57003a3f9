//! The policy in force on this laptop: a built-in preset or a team's TOML file, kept as
//! text in the local settings so it survives the file being moved. A bad file is
//! rejected with its line and field, and the policy in force stays.
use crate::{ApiError, ErrorCode, Result};
use firebreak_policy::Policy;
use firebreak_store::Store;
use std::path::Path;

const SETTING_POLICY_TOML: &str = "policy.toml";
const SETTING_POLICY_SOURCE: &str = "policy.source";
pub const DEFAULT_PRESET: &str = "protocol";

/// Where the policy in force came from: `preset:NAME` or `file:PATH`.
pub fn source(store: &Store) -> Result<String> {
    Ok(store.setting(SETTING_POLICY_SOURCE)?.unwrap_or_else(|| format!("preset:{DEFAULT_PRESET}")))
}

pub fn load(store: &Store) -> Result<Policy> {
    match store.setting(SETTING_POLICY_TOML)? {
        None => preset(DEFAULT_PRESET),
        Some(text) => Policy::from_toml_str(&text).map_err(|e| {
            ApiError::new(ErrorCode::Storage, format!("the stored policy no longer parses ({e}); run `firebreak policy use protocol` or load a fixed file"))
        }),
    }
}

pub fn preset(name: &str) -> Result<Policy> {
    Policy::preset(name).ok_or_else(|| {
        ApiError::invalid(format!("unknown preset {name:?}; built-in presets: {}", Policy::preset_names().join(", ")))
    })
}

/// Parses a policy file, naming the file, line and field on error.
pub fn check_file(path: &Path) -> Result<(Policy, String)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ApiError::invalid(format!("cannot read policy file {}: {e}", path.display())))?;
    let policy = Policy::from_toml_str(&text).map_err(|e| ApiError::invalid(format!("{}: {e}", path.display())))?;
    Ok((policy, text))
}

/// Puts a preset (by name) or a file (by path) in force. Nothing changes on error.
pub fn use_policy(store: &Store, name_or_file: &str) -> Result<Policy> {
    let (policy, text, source) = if Policy::preset_names().contains(&name_or_file) {
        let p = preset(name_or_file)?;
        let text = p.to_toml_string();
        (p, text, format!("preset:{name_or_file}"))
    } else {
        let path = Path::new(name_or_file);
        if !path.exists() {
            return Err(ApiError::invalid(format!(
                "{name_or_file:?} is neither a built-in preset ({}) nor an existing file",
                Policy::preset_names().join(", ")
            )));
        }
        let (p, text) = check_file(path)?;
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        (p, text, format!("file:{}", abs.display()))
    };
    store.set_setting(SETTING_POLICY_TOML, &text)?;
    store.set_setting(SETTING_POLICY_SOURCE, &source)?;
    Ok(policy)
}
