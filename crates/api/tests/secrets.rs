//! The member's token and the GitHub token are kept in the OS keyring or an owner-only
//! file, never in the database; older databases hand theirs over on open; a token is
//! reused only for the same server and team.
//!
//! The keyring case needs a Secret Service on the session bus: `scripts/test.sh`
//! starts gnome-keyring in a private D-Bus session and sets `FIREBREAK_TEST_KEYRING=1`
//! (elsewhere that one test says it was not run and passes without asserting).
use chrono::{TimeZone, Utc};
use firebreak_api::secrets::{Preference, SecretStore, GITHUB_TOKEN, SYNC_TOKEN};
use firebreak_api::Firebreak;
use firebreak_core::clock::FixedClock;
use std::path::Path;

fn open(dir: &Path, pref: Preference) -> Firebreak {
    let clock = FixedClock(Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap());
    Firebreak::open_with_secrets(dir, Box::new(clock), pref).unwrap()
}

/// Every byte the database has on disk (main file and write-ahead log).
fn database_bytes(dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for name in ["firebreak.db", "firebreak.db-wal"] {
        if let Ok(b) = std::fs::read(dir.join(name)) {
            all.extend(b);
        }
    }
    assert!(!all.is_empty(), "the database exists");
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn without_a_keyring_the_token_is_an_owner_only_file_and_never_in_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let token = "fbt_file_case_7c1d0e9a2b";
    {
        let mut fb = open(tmp.path(), Preference::File);
        let kept = fb.set_remote("https://fb.example:8443/", "sre", token).unwrap();
        assert_eq!(kept, SecretStore::File);
    }
    let file = tmp.path().join("secrets").join(SYNC_TOKEN);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), token);
    #[cfg(unix)]
    {
        assert_eq!(mode(&file), 0o600, "the token file is the owner's alone");
        assert_eq!(mode(file.parent().unwrap()), 0o700);
    }
    assert!(!contains(&database_bytes(tmp.path()), token), "the token is not in the database");

    // After a restart the remote comes back whole; clearing it forgets the token.
    let mut fb = open(tmp.path(), Preference::File);
    let remote = fb.remote().unwrap().unwrap();
    assert_eq!(
        (remote.url.as_str(), remote.team.as_str(), remote.token.as_str()),
        ("https://fb.example:8443", "sre", token)
    );
    assert!(!format!("{remote:?}").contains(token), "Debug never shows the token");
    fb.clear_remote().unwrap();
    assert_eq!(fb.remote().unwrap(), None);
    assert!(!file.exists(), "the token file is deleted with the remote");
}

#[test]
fn auto_without_a_session_bus_falls_back_to_the_file() {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        // Auto would rightly pick the keyring here; the keyring test covers that case.
        eprintln!("auto_without_a_session_bus_falls_back_to_the_file: a session bus is present; see the keyring test");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut fb = open(tmp.path(), Preference::Auto);
    assert_eq!(fb.set_remote("https://fb.example", "sre", "fbt_auto").unwrap(), SecretStore::File);
    assert_eq!(fb.remote().unwrap().unwrap().token, "fbt_auto");
}

#[test]
fn an_empty_token_keeps_the_one_kept_for_the_same_server_and_never_moves_it_to_another() {
    let tmp = tempfile::tempdir().unwrap();
    let mut fb = open(tmp.path(), Preference::File);
    fb.set_remote("https://fb.example", "sre", "fbt_same").unwrap();
    fb.set_remote("https://fb.example/", "sre", "  ").unwrap();
    assert_eq!(fb.remote().unwrap().unwrap().token, "fbt_same", "unchanged");
    let err = fb.set_remote("https://evil.example", "sre", "").unwrap_err();
    assert!(err.message.contains("token"), "{err}");
    let err = fb.set_remote("https://fb.example", "other", "").unwrap_err();
    assert!(err.message.contains("token"), "{err}");
    let r = fb.remote().unwrap().unwrap();
    assert_eq!((r.url.as_str(), r.team.as_str()), ("https://fb.example", "sre"), "a refused change changes nothing");
    for (url, team) in
        [("fb.example", "sre"), ("https://", "sre"), ("https://fb.example", "a team"), ("https://fb.example", "")]
    {
        assert!(fb.set_remote(url, team, "t").is_err(), "{url:?} {team:?} is refused");
    }
}

#[test]
fn tokens_written_into_the_database_by_an_older_version_move_out_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    let (sync_token, gh_token) = ("fbt_legacy_4f1a", "ghp_legacy_9d2e");
    {
        let mut fb = open(tmp.path(), Preference::File);
        fb.set_remote("https://fb.example", "sre", "placeholder").unwrap();
        fb.clear_remote().unwrap();
    }
    // What an older version left behind: the token in sync_remote, the GitHub token
    // in the settings.
    {
        let conn = rusqlite::Connection::open(tmp.path().join("firebreak.db")).unwrap();
        conn.execute(
            "INSERT INTO sync_remote(id, url, team, token) VALUES (1, 'https://fb.example', 'sre', ?1)",
            [sync_token],
        )
        .unwrap();
        conn.execute("INSERT INTO settings(key, value) VALUES ('github.token', ?1)", [gh_token]).unwrap();
    }
    let fb = open(tmp.path(), Preference::File);
    assert_eq!(fb.remote().unwrap().unwrap().token, sync_token);
    assert_eq!(fb.github_token().unwrap().as_deref(), Some(gh_token));
    let conn = rusqlite::Connection::open(tmp.path().join("firebreak.db")).unwrap();
    let left: String = conn.query_row("SELECT token FROM sync_remote", [], |r| r.get(0)).unwrap();
    assert_eq!(left, "", "the old column is emptied");
    let gh: i64 = conn.query_row("SELECT count(*) FROM settings WHERE key = 'github.token'", [], |r| r.get(0)).unwrap();
    assert_eq!(gh, 0, "the old setting is gone");
    assert_eq!(std::fs::read_to_string(tmp.path().join("secrets").join(GITHUB_TOKEN)).unwrap(), gh_token);
}

#[test]
fn the_member_named_by_the_server_becomes_the_author_of_new_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let mut fb = open(tmp.path(), Preference::File);
    fb.set_author("root").unwrap();
    fb.set_remote("https://fb.example", "sre", "fbt").unwrap();
    assert_eq!(fb.adopt_member("ana").unwrap().as_deref(), Some("root"));
    assert_eq!(fb.author().unwrap(), "ana");
    assert_eq!(fb.remote().unwrap().unwrap().member.as_deref(), Some("ana"));
    assert_eq!(fb.adopt_member("ana").unwrap(), None, "already so: nothing changes");
}

#[cfg(target_os = "linux")]
#[test]
fn with_a_secret_service_the_token_is_in_the_os_keyring_only() {
    if std::env::var("FIREBREAK_TEST_KEYRING").as_deref() != Ok("1") {
        eprintln!("with_a_secret_service_the_token_is_in_the_os_keyring_only: not run (FIREBREAK_TEST_KEYRING=1 is set by scripts/test.sh)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let token = "fbt_keyring_case_51b7e2";
    let account = {
        let mut fb = open(tmp.path(), Preference::Keyring);
        assert_eq!(fb.set_remote("https://fb.example", "sre", token).unwrap(), SecretStore::Keyring);
        assert_eq!(fb.set_github_token("ghp_keyring_case").unwrap(), Some(SecretStore::Keyring));
        format!("{SYNC_TOKEN}@{}", fb.store().replica_id().unwrap())
    };
    let entry = keyring::Entry::new("firebreak", &account).unwrap();
    assert_eq!(entry.get_password().unwrap(), token, "the keyring itself holds the token");
    assert!(!tmp.path().join("secrets").join(SYNC_TOKEN).exists(), "no file copy");
    assert!(!contains(&database_bytes(tmp.path()), token), "not in the database");

    // Auto picks the keyring in this session too, and a restart reads it back.
    let mut fb = open(tmp.path(), Preference::Auto);
    assert_eq!(fb.remote().unwrap().unwrap().token, token);
    assert_eq!(fb.github_token().unwrap().as_deref(), Some("ghp_keyring_case"));
    assert_eq!(fb.set_remote("https://fb.example", "sre", "fbt_second").unwrap(), SecretStore::Keyring);
    assert_eq!(entry.get_password().unwrap(), "fbt_second");

    // Moving to the file store leaves no copy in the keyring.
    let mut fb = open(tmp.path(), Preference::File);
    assert_eq!(fb.set_remote("https://fb.example", "sre", "fbt_third").unwrap(), SecretStore::File);
    assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)), "the keyring copy is removed");
    fb.set_github_token("").unwrap();
    let gh = keyring::Entry::new("firebreak", &account.replace(SYNC_TOKEN, GITHUB_TOKEN)).unwrap();
    assert!(matches!(gh.get_password(), Err(keyring::Error::NoEntry)), "an empty token forgets it");
}
