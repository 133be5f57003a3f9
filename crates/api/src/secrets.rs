//! Where this laptop keeps its secrets — the team server token, the GitHub token and
//! the webhook address status updates are posted to:
//! the OS keyring where there is one (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows), else a file in the data directory that only its
//! owner can read (`secrets/<name>`, mode 0600 in a 0700 folder). Never in the
//! database, which people copy into backups and bug reports, and never in a log line.
//!
//! Which store holds a secret is recorded in the local settings when it is saved, so a
//! read goes to that one store and a keyring that has become unreachable (an SSH
//! session, a locked keyring) is reported as such instead of silently reading nothing.
//!
//! `FIREBREAK_SECRETS=keyring|file|auto` (default `auto`: the keyring when the session
//! has one, else the file) chooses where new secrets go.
use crate::{ApiError, ErrorCode, Result};
use firebreak_store::Store;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The keyring "service" every Firebreak secret is filed under.
const KEYRING_SERVICE: &str = "firebreak";
/// The local setting that records where the secret `name` is kept.
fn where_key(name: &str) -> String {
    format!("secret.where.{name}")
}

/// Names of the secrets Firebreak keeps.
pub const SYNC_TOKEN: &str = "sync-token";
pub const GITHUB_TOKEN: &str = "github-token";
/// The Slack-style webhook's address: whoever has it can post into the channel.
pub const WEBHOOK_URL: &str = "webhook-url";

/// Where one secret is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretStore {
    Keyring,
    File,
    /// Kept in this process only (in-memory instances, for tests).
    Memory,
}

impl SecretStore {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretStore::Keyring => "keyring",
            SecretStore::File => "file",
            SecretStore::Memory => "memory",
        }
    }

    /// For people: "OS keyring", "owner-only file …".
    pub fn describe(self) -> &'static str {
        match self {
            SecretStore::Keyring => "OS keyring",
            SecretStore::File => "data directory's owner-only secrets file",
            SecretStore::Memory => "memory of this process",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "keyring" => Some(SecretStore::Keyring),
            "file" => Some(SecretStore::File),
            "memory" => Some(SecretStore::Memory),
            _ => None,
        }
    }
}

/// What new secrets should go into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    /// The keyring when one answers, else the file.
    Auto,
    Keyring,
    File,
}

impl Preference {
    /// `FIREBREAK_SECRETS`, or [`Preference::Auto`]; an unknown value is an error.
    pub fn from_env() -> Result<Self> {
        match std::env::var("FIREBREAK_SECRETS").ok().as_deref().map(str::trim) {
            None | Some("") | Some("auto") => Ok(Preference::Auto),
            Some("keyring") => Ok(Preference::Keyring),
            Some("file") => Ok(Preference::File),
            Some(other) => {
                Err(ApiError::invalid(format!("FIREBREAK_SECRETS={other:?} is not one of keyring, file, auto")))
            }
        }
    }
}

/// The secrets of one data directory.
#[derive(Debug)]
pub struct Vault {
    /// `None` for an in-memory instance.
    dir: Option<PathBuf>,
    preference: Preference,
    memory: Mutex<HashMap<String, String>>,
}

impl Vault {
    pub fn for_data_dir(data_dir: &Path, preference: Preference) -> Self {
        Vault { dir: Some(data_dir.join("secrets")), preference, memory: Mutex::default() }
    }

    pub fn in_memory() -> Self {
        Vault { dir: None, preference: Preference::File, memory: Mutex::default() }
    }

    /// The keyring account of a secret: its name and this replica, so two data
    /// directories of one OS user (two windows, a test) never share a token.
    fn account(store: &Store, name: &str) -> Result<String> {
        Ok(format!("{name}@{}", store.replica_id()?))
    }

    /// Saves a secret and records where; returns where it went. An empty value deletes.
    pub fn save(&self, store: &Store, name: &str, value: &str) -> Result<Option<SecretStore>> {
        let value = value.trim();
        if value.is_empty() {
            self.delete(store, name)?;
            return Ok(None);
        }
        let target = match (&self.dir, self.preference) {
            (None, _) => {
                self.memory.lock().unwrap_or_else(|e| e.into_inner()).insert(name.to_string(), value.to_string());
                SecretStore::Memory
            }
            (Some(_), Preference::File) => {
                self.write_file(name, value)?;
                SecretStore::File
            }
            (Some(_), Preference::Keyring) => {
                keyring_set(&Self::account(store, name)?, value)?;
                SecretStore::Keyring
            }
            (Some(_), Preference::Auto) => {
                match keyring_available().then(|| keyring_set(&Self::account(store, name)?, value)) {
                    Some(Ok(())) => SecretStore::Keyring,
                    _ => {
                        self.write_file(name, value)?;
                        SecretStore::File
                    }
                }
            }
        };
        // A secret lives in one place: drop a copy another store may hold from before.
        let previous = self.location(store, name)?;
        store.set_setting(&where_key(name), target.as_str())?;
        if let Some(prev) = previous.filter(|p| *p != target) {
            let _ = self.remove_from(store, name, prev);
        }
        Ok(Some(target))
    }

    /// Where a secret was saved, if it was.
    pub fn location(&self, store: &Store, name: &str) -> Result<Option<SecretStore>> {
        Ok(store.setting(&where_key(name))?.as_deref().and_then(SecretStore::parse))
    }

    /// Reads a secret from where it was saved.
    pub fn load(&self, store: &Store, name: &str) -> Result<Option<String>> {
        let Some(place) = self.location(store, name)? else {
            return Ok(None);
        };
        match place {
            SecretStore::Memory => Ok(self.memory.lock().unwrap_or_else(|e| e.into_inner()).get(name).cloned()),
            SecretStore::File => {
                let path = self.file_path(name)?;
                match std::fs::read_to_string(&path) {
                    Ok(s) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(storage(format!("cannot read {}: {e}", path.display()))),
                }
            }
            SecretStore::Keyring => keyring_get(&Self::account(store, name)?),
        }
    }

    pub fn delete(&self, store: &Store, name: &str) -> Result<()> {
        if let Some(place) = self.location(store, name)? {
            self.remove_from(store, name, place)?;
        }
        store.delete_setting(&where_key(name))?;
        Ok(())
    }

    fn remove_from(&self, store: &Store, name: &str, place: SecretStore) -> Result<()> {
        match place {
            SecretStore::Memory => {
                self.memory.lock().unwrap_or_else(|e| e.into_inner()).remove(name);
                Ok(())
            }
            SecretStore::File => match std::fs::remove_file(self.file_path(name)?) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(storage(format!("cannot delete {name}: {e}")))
                }
                _ => Ok(()),
            },
            SecretStore::Keyring => keyring_delete(&Self::account(store, name)?),
        }
    }

    fn file_path(&self, name: &str) -> Result<PathBuf> {
        let dir = self.dir.as_ref().ok_or_else(|| ApiError::new(ErrorCode::Internal, "no data directory"))?;
        Ok(dir.join(name))
    }

    /// Writes `secrets/<name>` whole or not at all (temporary file, fsync, rename),
    /// readable by the owner only.
    fn write_file(&self, name: &str, value: &str) -> Result<()> {
        let path = self.file_path(name)?;
        let dir = path.parent().expect("a secret file has a folder");
        std::fs::create_dir_all(dir).map_err(|e| storage(format!("cannot create {}: {e}", dir.display())))?;
        owner_only(dir, 0o700)?;
        // The one atomic write (temporary file, fsync, rename, folder fsync), owner-only.
        firebreak_store::atomic::write_atomically(&path, value.as_bytes(), 0o600)
            .map_err(|e| storage(format!("cannot write {}: {e}", path.display())))
    }
}

fn storage(message: String) -> ApiError {
    ApiError::new(ErrorCode::Storage, message)
}

#[cfg(unix)]
fn owner_only(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| storage(format!("cannot restrict {} to its owner: {e}", path.display())))
}

#[cfg(not(unix))]
fn owner_only(_path: &Path, _mode: u32) -> Result<()> {
    // The user's profile folder is already private on Windows.
    Ok(())
}

/// Whether a keyring is worth asking: on Linux and the BSDs, only inside a D-Bus
/// session (without one, libdbus would try to launch a bus of its own).
fn keyring_available() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
}

fn keyring_error(e: keyring::Error) -> ApiError {
    // The keyring's messages name the platform failure, never the secret.
    storage(format!("the OS keyring refused: {e}"))
}

fn keyring_set(account: &str, value: &str) -> Result<()> {
    keyring::Entry::new(KEYRING_SERVICE, account).and_then(|e| e.set_password(value)).map_err(keyring_error)
}

fn keyring_get(account: &str) -> Result<Option<String>> {
    match keyring::Entry::new(KEYRING_SERVICE, account).and_then(|e| e.get_password()) {
        Ok(v) => Ok(Some(v)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(e)),
    }
}

fn keyring_delete(account: &str) -> Result<()> {
    match keyring::Entry::new(KEYRING_SERVICE, account).and_then(|e| e.delete_credential()) {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}
