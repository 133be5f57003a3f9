//! Through the real binary: `pir schedule` and `pir slot` (the review meeting), `comms
//! draft --template customer-…`, and what `incident show` says is missing; refusals are
//! one line and write nothing.
use std::path::Path;

mod common;
/// Monday 2026-11-23, 15:00 UTC (the protocol preset's calendar: Mon–Fri 09:00–17:00).
const CLI: common::Cli = common::Cli { now: "2026-11-23T15:00:00Z", user: "ana" };

fn ok(dir: &Path, args: &[&str]) -> String {
    CLI.ok(dir, args)
}

fn refused(dir: &Path, args: &[&str], why: &str) {
    CLI.refused(dir, args, why)
}

fn resolved_sev1(dir: &Path) -> String {
    let id = ok(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "API down",
            "--severity",
            "SEV1",
            "--service",
            "api",
            "--at",
            "2026-11-23T14:00:00Z",
        ],
    )
    .trim()
    .to_string();
    ok(dir, &["incident", "status", &id, "acknowledged", "--at", "2026-11-23T14:05:00Z"]);
    ok(dir, &["incident", "status", &id, "resolved", "--at", "2026-11-23T14:45:00Z"]);
    id
}

#[test]
fn the_meeting_is_proposed_scheduled_and_carried_by_the_exports() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let id = resolved_sev1(dir);
    // 15:00 + 50 min fits before 17:00.
    let slot = ok(dir, &["pir", "slot", &id]);
    assert!(slot.starts_with("first free slot: 2026-11-23T15:00:00+00:00 (50 min"), "{slot}");
    let out =
        ok(dir, &["pir", "schedule", &id, "--at", "2026-11-24T10:00:00Z", "--attendee", "Ann", "--attendee", "Bo"]);
    assert_eq!(out.trim(), format!("review meeting of {id}: 2026-11-24 10:00 UTC with Ann, Bo"));
    let ics = tmp.path().join("pir.ics");
    ok(dir, &["pir", "export", &id, "--format", "ics", "-o", ics.to_str().unwrap()]);
    let ics = std::fs::read_to_string(ics).unwrap().replace("\r\n ", "");
    assert!(ics.contains("DTSTART:20261124T100000Z") && ics.contains("ATTENDEE;CN=Bo"), "{ics}");
    let md = tmp.path().join("pir.md");
    ok(dir, &["pir", "export", &id, "--format", "md", "-o", md.to_str().unwrap()]);
    assert!(std::fs::read_to_string(md).unwrap().contains("| 10:05 | Root cause analysis | 15 min |"));
    let draft = ok(dir, &["comms", "draft", &id, "--template", "resolution"]);
    assert!(draft.contains("PIR scheduled for 2026-11-24 10:00 UTC."), "{draft}");
    // Later than 48 hours after resolution: scheduled, with a warning.
    let late = ok(dir, &["pir", "schedule", &id, "--at", "2026-11-27T10:00:00Z"]);
    assert!(late.contains("\nwarning: the meeting at 2026-11-27 10:00 UTC is after 2026-11-25 14:45 UTC"), "{late}");
}

#[test]
fn bad_schedules_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let id = resolved_sev1(dir);
    refused(dir, &["pir", "schedule", &id, "--at", "tomorrow"], "is not an RFC 3339 time");
    refused(dir, &["pir", "schedule", &id, "--at", "2026-11-20T10:00:00Z"], "is in the past");
    refused(
        dir,
        &["pir", "schedule", &id, "--at", "2026-11-24T10:00:00Z", "--attendee", "Ann", "--attendee", "Ann"],
        "listed twice",
    );
    refused(dir, &["pir", "schedule", "INC-NOPE-9", "--at", "2026-11-24T10:00:00Z"], "INC-NOPE-9");
    refused(dir, &["comms", "draft", &id, "--template", "customer-apology"], "customer-initial");
}

#[test]
fn customer_drafts_and_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let id = ok(dir, &["incident", "declare", "--title", "API down", "--severity", "SEV1", "--service", "api"])
        .trim()
        .to_string();
    let show = ok(dir, &["incident", "show", &id]);
    assert!(
        show.contains("missing:  SEV1 requires the incident commander role: nobody holds it (notified at 15:15 UTC)"),
        "{show}"
    );
    assert!(show.contains("missing:  SEV1 checklist: Executive notification required"), "{show}");
    assert!(show.contains("missing:  SEV1 requires a post-incident review before closing"), "{show}");
    for (template, words) in [
        ("customer-initial", "Investigating: api"),
        ("customer-update", "Update: api"),
        ("customer-resolution", "Resolved: api"),
    ] {
        let text = ok(dir, &["comms", "draft", &id, "--template", template]);
        assert!(text.contains(words) && text.contains("Status page post"), "{template}: {text}");
    }
}

/// `comms sent --template customer-update` records a customer update: `timers` shows
/// "Next customer update by" restarted from it while "Next update by" stays; an internal
/// update moves only the internal clock. Under a level without a customer cadence there
/// is no such clock. Refusals are one line and write nothing.
#[test]
fn a_customer_update_sent_restarts_only_the_customer_clock() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let file = dir.join("policy.toml");
    let policy = firebreak_policy::Policy::preset_toml("protocol").unwrap().replacen(
        "update_cadence = \"30m\"\n",
        "update_cadence = \"30m\"\ncustomer_update_cadence = \"1h\"\n",
        1,
    );
    std::fs::write(&file, policy).unwrap();
    ok(dir, &["policy", "use", file.to_str().unwrap()]);
    let declare = |severity: &str| {
        let args =
            ["incident", "declare", "--title", "API down", "--severity", severity, "--at", "2026-11-23T14:50:00Z"];
        ok(dir, &args).trim().to_string()
    };
    let id = declare("SEV1");
    let due = |kind: &str| -> Option<String> {
        let t = CLI.json(dir, &["timers", &id]);
        let found = t["deadlines"].as_array().unwrap().iter().find(|d| d["kind"]["type"] == kind).cloned();
        found.map(|d| d["due"].as_str().unwrap().to_string())
    };
    assert_eq!(due("next_customer_update").as_deref(), Some("2026-11-23T15:50:00Z"));
    assert_eq!(due("next_update").as_deref(), Some("2026-11-23T15:20:00Z"));
    assert!(ok(dir, &["timers", &id]).contains("Next customer update by"));

    let said = ok(dir, &["comms", "sent", &id, "--template", "customer-update", "--at", "2026-11-23T14:55:00Z"]);
    assert!(said.contains("customer update logged") && said.contains("customer-update clock restarts"), "{said}");
    assert_eq!(due("next_customer_update").as_deref(), Some("2026-11-23T15:55:00Z"));
    assert_eq!(due("next_update").as_deref(), Some("2026-11-23T15:20:00Z"), "the internal clock stays");
    let shown = CLI.json(dir, &["incident", "show", &id]);
    let entry = shown["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "customer-update").cloned();
    assert!(entry.unwrap()["text"].as_str().unwrap().contains("Update: "), "the customer-update draft was logged");

    ok(dir, &["comms", "sent", &id, "--at", "2026-11-23T14:58:00Z"]);
    assert_eq!(due("next_update").as_deref(), Some("2026-11-23T15:28:00Z"));
    assert_eq!(due("next_customer_update").as_deref(), Some("2026-11-23T15:55:00Z"), "the customer clock stays");

    refused(dir, &["comms", "sent", &id, "--template", "customer-update", "--post"], "status page");
    refused(dir, &["comms", "sent", &id, "--template", "customer-apology"], "customer-update");
    refused(dir, &["timeline", "add", &id, "--kind", "customer-update", "--text", "x"], "--template customer-update");

    let minor = declare("SEV3");
    let t = CLI.json(dir, &["timers", &minor]);
    assert!(t["deadlines"].as_array().unwrap().iter().all(|d| d["kind"]["type"] != "next_customer_update"), "{t}");
}
