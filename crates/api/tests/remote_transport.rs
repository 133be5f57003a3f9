//! How a remote is reached: plain HTTP to a host off this machine is refused unless
//! allowed, and then remembered and warned about; a team CA is kept in the local
//! settings with the remote (not a secret) and given to the sync client; what is not
//! given again is kept for the same server and team, and forgotten for another.
use chrono::{TimeZone, Utc};
use firebreak_api::secrets::Preference;
use firebreak_api::{Firebreak, RemoteTransport};
use firebreak_core::clock::FixedClock;
use std::path::Path;

fn open(dir: &Path) -> Firebreak {
    let clock = FixedClock(Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap());
    Firebreak::open_with_secrets(dir, Box::new(clock), Preference::File).unwrap()
}

const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

fn allow() -> RemoteTransport {
    RemoteTransport { ca_pem: None, allow_http: true }
}

#[test]
fn plain_http_off_this_machine_is_refused_unless_allowed_then_remembered_and_warned() {
    let tmp = tempfile::tempdir().unwrap();
    let mut fb = open(tmp.path());
    for url in ["http://10.1.2.3:8787", "http://fb.example", "http://[2001:db8::5]:8787"] {
        let err = fb.remote_candidate(url, "sre", "fbt_t").unwrap_err();
        assert!(err.message.contains("plain HTTP") && err.message.contains("--allow-http"), "{url}: {}", err.message);
    }
    assert!(fb.remote().unwrap().is_none(), "nothing was saved");
    // Loopback and https need no allowance, and carry no warning.
    for url in ["http://127.0.0.1:8787", "http://localhost:9", "http://[::1]:1", "https://fb.example"] {
        let c = fb.remote_candidate(url, "sre", "fbt_t").unwrap();
        assert!(!c.transport.allow_http && c.insecure_warning().is_none(), "{url}");
    }
    // Allowed: saved, remembered, warned about.
    let c = fb.remote_candidate_with("http://10.1.2.3:8787", "sre", "fbt_t", allow()).unwrap();
    fb.save_remote(&c, None).unwrap();
    let warning = fb.remote_warning().unwrap().expect("a warning");
    assert!(warning.contains("plain HTTP to 10.1.2.3"), "{warning}");
    drop(fb);
    let mut fb = open(tmp.path());
    let remote = fb.remote().unwrap().unwrap();
    assert!(remote.config().allow_http, "the allowance reaches the sync client");
    assert_eq!(fb.remote_warning().unwrap(), Some(warning));
    // Setting the same place again (the window's dialog) keeps the allowance.
    assert!(fb.remote_candidate("http://10.1.2.3:8787", "sre", "").unwrap().transport.allow_http);
    // Moving to https forgets it.
    let c = fb.remote_candidate("https://fb.example", "sre", "fbt_t").unwrap();
    fb.save_remote(&c, None).unwrap();
    assert_eq!(fb.remote_warning().unwrap(), None);
    assert!(!fb.remote().unwrap().unwrap().config().allow_http);
    // An allowance asked for a loopback or https address is not remembered.
    let c = fb.remote_candidate_with("https://fb.example", "sre", "fbt_t", allow()).unwrap();
    assert!(!c.transport.allow_http);
}

#[test]
fn a_team_ca_is_kept_with_the_remote_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let mut fb = open(tmp.path());
    let with_ca = RemoteTransport { ca_pem: Some(CA.into()), allow_http: false };
    let c = fb.remote_candidate_with("https://fb.internal:8443", "sre", "fbt_t", with_ca).unwrap();
    fb.save_remote(&c, None).unwrap();
    assert_eq!(fb.remote().unwrap().unwrap().config().ca_pem.as_deref(), Some(CA));
    // Kept for the same place when not given again (a new token, say).
    let again = fb.remote_candidate("https://fb.internal:8443", "sre", "fbt_new").unwrap();
    assert_eq!(again.transport.ca_pem.as_deref(), Some(CA));
    // Not carried to another server.
    let other = fb.remote_candidate("https://elsewhere.example", "sre", "fbt_new").unwrap();
    assert_eq!(other.transport.ca_pem, None);
    // Cleared with the remote.
    fb.clear_remote().unwrap();
    let c = fb.remote_candidate("https://fb.internal:8443", "sre", "fbt_t").unwrap();
    assert_eq!(c.transport.ca_pem, None);
    // Not a certificate, or too large: refused with what is wrong.
    for (pem, expected) in [("hello".to_string(), "no PEM certificate"), (CA.repeat(10_000), "at most")] {
        let t = RemoteTransport { ca_pem: Some(pem), allow_http: false };
        let err = fb.remote_candidate_with("https://fb.internal", "sre", "fbt_t", t).unwrap_err();
        assert!(err.message.contains(expected), "{}", err.message);
    }
}
