//! The webhook address is a secret: kept in the vault, never in the database (not in
//! the settings, not in queued posts, not after a failed send), never repeated in an
//! error; an older database hands its address over on open and keeps no copy. A created
//! GitHub issue's address is written into its action item, which is then never filed
//! again; a message refused for good is listed with its reason until retried.
// Outbound claims and backoff are tested against the real time a sender would read.
#![allow(clippy::disallowed_methods)]
use chrono::{TimeZone, Utc};
use firebreak_api::dto::{CommsInput, DeclareInput};
use firebreak_api::pir::ActionItemInput;
use firebreak_api::secrets::{Preference, SecretStore, WEBHOOK_URL};
use firebreak_api::Firebreak;
use firebreak_core::clock::FixedClock;
use firebreak_core::review::ActionItem;
use firebreak_store::Attempt;
use std::path::Path;

const SECRET_PART: &str = "Kx7webhookSecretPath";

fn secret_url() -> String {
    format!("https://hooks.example/services/T0/B0/{SECRET_PART}")
}

fn open(dir: &Path) -> Firebreak {
    let clock = FixedClock(Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap());
    Firebreak::open_with_secrets(dir, Box::new(clock), Preference::File).unwrap()
}

/// Every byte the database has on disk (main file and write-ahead log).
fn database_bytes(dir: &Path) -> Vec<u8> {
    let all: Vec<u8> = ["firebreak.db", "firebreak.db-wal"]
        .iter()
        .flat_map(|name| std::fs::read(dir.join(name)).unwrap_or_default())
        .collect();
    assert!(!all.is_empty(), "the database exists");
    all
}

fn in_database(dir: &Path) -> bool {
    database_bytes(dir).windows(SECRET_PART.len()).any(|w| w == SECRET_PART.as_bytes())
}

fn declare(fb: &mut Firebreak) -> String {
    fb.declare(DeclareInput { title: "API down".into(), severity: "SEV2".into(), ..Default::default() }).unwrap().id
}

#[test]
fn the_webhook_address_lives_in_the_vault_and_never_in_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let mut fb = open(tmp.path());
    let id = declare(&mut fb);
    for bad in ["hooks.example/services/x", "https://", "https:// hooks.example/x"] {
        let err = fb.set_webhook(bad).unwrap_err();
        assert!(!err.message.contains("hooks.example"), "the error does not repeat the address: {err}");
    }
    assert_eq!(fb.set_webhook(&secret_url()).unwrap(), Some(SecretStore::File));
    assert_eq!(fb.webhook_url().unwrap(), Some(secret_url()));
    let file = tmp.path().join("secrets").join(WEBHOOK_URL);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), secret_url());
    fb.comms_sent(CommsInput {
        incident: id.clone(),
        text: "Investigating".into(),
        at: None,
        post: true,
        template: None,
    })
    .unwrap();
    // A failed attempt, as the deliverer records it.
    let store = fb.store_mut();
    let m = store.claim_outbound("t", Utc::now(), chrono::Duration::seconds(60), 0, false).unwrap().unwrap();
    assert_eq!(m.url, "", "the queued post carries no address");
    let refused = Attempt::GiveUp { error: "HTTP 404 Not Found: no_service" };
    store.finish_outbound(m.id, "t", Utc::now(), &refused).unwrap();
    let view = fb.outbound_view().unwrap();
    assert_eq!(view.failed.len(), 1);
    assert_eq!(view.failed[0].about, "status update “Investigating”");
    assert_eq!(view.failed[0].reason, "HTTP 404 Not Found: no_service");
    drop(fb);
    assert!(!in_database(tmp.path()), "neither the setting nor the queue nor the failure holds the address");
    // Clearing forgets it; posting then needs a webhook again.
    let mut fb = open(tmp.path());
    assert_eq!(fb.set_webhook("").unwrap(), None);
    assert!(!file.exists());
    let err =
        fb.comms_sent(CommsInput { incident: id, text: "x".into(), at: None, post: true, template: None }).unwrap_err();
    assert!(err.message.contains("no webhook is set"), "{err}");
}

#[test]
fn a_new_webhook_address_or_a_retry_queues_a_refused_post_again() {
    let mut fb = Firebreak::in_memory(Box::new(FixedClock(Utc::now()))).unwrap();
    let id = declare(&mut fb);
    fb.set_webhook("https://hooks.example/a").unwrap();
    fb.comms_sent(CommsInput { incident: id, text: "Update".into(), at: None, post: true, template: None }).unwrap();
    let give_up = |fb: &mut Firebreak| {
        let s = fb.store_mut();
        let m = s.claim_outbound("t", Utc::now(), chrono::Duration::seconds(60), 0, false).unwrap().unwrap();
        s.finish_outbound(m.id, "t", Utc::now(), &Attempt::GiveUp { error: "HTTP 410 Gone" }).unwrap();
        m.id
    };
    let m = give_up(&mut fb);
    assert_eq!((fb.outbound_view().unwrap().waiting, fb.outbound_view().unwrap().failed.len()), (0, 1));
    let after = fb.retry_outbound(m).unwrap();
    assert_eq!((after.waiting, after.failed.len()), (1, 0));
    let err = fb.retry_outbound(m).unwrap_err();
    assert!(err.message.contains("is waiting, not failed"), "{err}");
    assert!(fb.retry_outbound(999).unwrap_err().message.contains("no message #999"));
    give_up(&mut fb);
    fb.set_webhook("https://hooks.example/b").unwrap();
    assert_eq!(fb.outbound_view().unwrap().waiting, 1, "the new address may be the fix");
}

#[test]
fn an_address_an_older_version_kept_in_the_database_moves_to_the_vault_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    {
        let mut fb = open(tmp.path());
        declare(&mut fb);
    }
    // What an older version left: the address in the settings and in a queued post.
    {
        let conn = rusqlite::Connection::open(tmp.path().join("firebreak.db")).unwrap();
        conn.execute("INSERT INTO settings(key, value) VALUES ('comms.webhook', ?1)", [secret_url()]).unwrap();
        conn.execute(
            "INSERT INTO outbound(op_id, kind, url, body, created_at) VALUES ('op', 'webhook', ?1, '{}', 'then')",
            [secret_url()],
        )
        .unwrap();
    }
    assert!(in_database(tmp.path()), "control: the old version's copy is on disk");
    let fb = open(tmp.path());
    assert_eq!(fb.webhook_url().unwrap(), Some(secret_url()));
    assert_eq!(fb.webhook_kept_in().unwrap(), Some(SecretStore::File));
    assert_eq!(fb.outbound_view().unwrap().waiting, 1, "the queued post still goes out");
    drop(fb);
    assert!(!in_database(tmp.path()), "no copy left in the database files");
}

#[test]
fn a_created_issue_is_linked_into_its_item_and_never_filed_again() {
    let mut fb = Firebreak::in_memory(Box::new(FixedClock(Utc::now()))).unwrap();
    let id = declare(&mut fb);
    for action in ["Add pool metrics", "Load test"] {
        let item = ActionItem { action: action.into(), status: "open".into(), ..Default::default() };
        fb.pir_set_item(ActionItemInput { incident: id.clone(), key: String::new(), item }).unwrap();
    }
    assert_eq!(fb.export_items_to_github(&id, "acme/platform", Some("http://127.0.0.1:9")).unwrap(), 2);
    let err = fb.export_items_to_github(&id, "acme/platform", None).unwrap_err();
    assert!(err.message.contains("already filed"), "queued items are not queued twice: {err}");
    // The first is created (the deliverer keeps its address), the second refused for good.
    let url = "https://github.example/acme/platform/issues/41";
    let s = fb.store_mut();
    let first = s.claim_outbound("t", Utc::now(), chrono::Duration::seconds(60), 0, false).unwrap().unwrap();
    s.finish_outbound(first.id, "t", Utc::now(), &Attempt::Sent { result_url: Some(url) }).unwrap();
    let second = s.claim_outbound("t", Utc::now(), chrono::Duration::seconds(60), 0, false).unwrap().unwrap();
    s.finish_outbound(second.id, "t", Utc::now(), &Attempt::GiveUp { error: "HTTP 422" }).unwrap();
    assert_eq!(fb.link_created_issues().unwrap(), 1);
    assert_eq!(fb.link_created_issues().unwrap(), 0, "linked once");
    let items = fb.pir(&id).unwrap().action_items;
    let links: Vec<(&str, &str)> = items.iter().map(|a| (a.item.action.as_str(), a.item.link.as_str())).collect();
    assert_eq!(links, vec![("Add pool metrics", url), ("Load test", "")]);
    // Filing again re-queues only the refused one, in the same row.
    assert_eq!(fb.export_items_to_github(&id, "acme/platform", None).unwrap(), 1);
    let uid: uuid::Uuid = id.parse().unwrap();
    let rows = fb.store().outbound_for_items(uid).unwrap();
    assert_eq!(rows.len(), 2, "one message per item, ever");
    assert_eq!(fb.outbound_view().unwrap().waiting, 1);
}
