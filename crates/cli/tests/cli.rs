//! Runs the real `firebreak` binary against a temporary data directory.
use serde_json::Value;
use std::path::Path;
use std::process::Output;

const NOW: &str = "2026-11-23T15:00:00Z";

mod common;
const CLI: common::Cli = common::Cli { now: NOW, user: "tester" };

fn fb(dir: &Path, args: &[&str]) -> Output {
    CLI.run(dir, args)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    CLI.ok(dir, args)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    CLI.json(dir, args)
}

/// Fails with exactly one line on stderr that contains `why`, and writes nothing.
fn refused(dir: &Path, args: &[&str], why: &str) {
    let before = snapshot(dir);
    let o = fb(dir, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{args:?} should fail");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: ") && err.contains(why), "{args:?}: {err}");
    assert_eq!(snapshot(dir), before, "nothing written");
}

/// The list and every incident with its timeline, as JSON text.
fn snapshot(dir: &Path) -> String {
    let list = json(dir, &["incident", "list"]);
    let mut out = list.to_string();
    for i in list.as_array().unwrap() {
        out.push_str(&json(dir, &["incident", "show", i["id"].as_str().unwrap()]).to_string());
    }
    out
}

#[test]
fn declare_log_move_and_show_through_the_binary() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["whoami", "--set", "Ana Ops"]);
    let human = ok(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "Checkout failing",
            "--severity",
            "SEV2",
            "--service",
            "api",
            "--summary",
            "5xx on /checkout",
            "--at",
            "2026-11-23T14:30:00Z",
        ],
    );
    let human = human.trim();
    assert!(human.starts_with("INC-") && human.ends_with("-1"), "{human}");
    ok(
        dir,
        &["timeline", "add", human, "--kind", "note", "--text", "rolled back 1.42", "--at", "2026-11-23T14:40:00Z"],
    );
    ok(dir, &["incident", "status", human, "acknowledged", "--at", "2026-11-23T14:35:00Z"]);
    ok(dir, &["incident", "status", human, "investigating"]);
    ok(dir, &["incident", "severity", &human.to_lowercase(), "SEV1", "--at", "2026-11-23T14:50:00Z"]);

    let inc = json(dir, &["incident", "show", human]);
    assert_eq!(inc["title"], "Checkout failing");
    assert_eq!(inc["severity"], "SEV1");
    assert_eq!(inc["status"], "investigating");
    assert_eq!(inc["declared_by"], "Ana Ops");
    assert_eq!(inc["services"], serde_json::json!(["api"]));
    assert_eq!(inc["milestones"]["acknowledged_at"], "2026-11-23T14:35:00Z");
    let timeline: Vec<(String, String, String)> = inc["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["event_time"].as_str().unwrap().into(),
                e["kind"].as_str().unwrap().into(),
                e["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        timeline,
        vec![
            ("2026-11-23T14:30:00Z".into(), "status-change".into(), "Declared SEV2: Checkout failing".into()),
            ("2026-11-23T14:35:00Z".into(), "status-change".into(), "Status: detected → acknowledged".into()),
            ("2026-11-23T14:40:00Z".into(), "note".into(), "rolled back 1.42".into()),
            ("2026-11-23T14:50:00Z".into(), "severity-change".into(), "Severity: SEV2 → SEV1".into()),
            ("2026-11-23T15:00:00Z".into(), "status-change".into(), "Status: acknowledged → investigating".into()),
        ]
    );
    assert!(inc["timeline"].as_array().unwrap().iter().all(|e| e["author"] == "Ana Ops"));

    let text = ok(dir, &["incident", "show", human]);
    assert!(text.contains("[SEV1] Checkout failing") && text.contains("rolled back 1.42"), "{text}");
    let list = ok(dir, &["incident", "list"]);
    assert!(list.contains(human) && list.contains("investigating") && list.contains("30m"), "{list}");
}

#[test]
fn bad_input_is_one_line_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let human = ok(dir, &["incident", "declare", "--title", "x", "--severity", "SEV2"]).trim().to_string();
    refused(dir, &["incident", "show", "INC-ZZZZZ-99"], "no incident \"INC-ZZZZZ-99\"");
    refused(dir, &["incident", "declare", "--title", "y", "--severity", "SEV9"], "unknown severity \"SEV9\"");
    refused(dir, &["incident", "declare", "--title", "   ", "--severity", "SEV1"], "title must not be empty");
    refused(
        dir,
        &["incident", "declare", "--title", "y", "--severity", "SEV1", "--at", "noon"],
        "not an RFC 3339 time",
    );
    refused(
        dir,
        &["incident", "declare", "--title", "y", "--severity", "SEV1", "--at", "2027-01-01T00:00:00Z"],
        "in the future",
    );
    refused(dir, &["timeline", "add", &human, "--kind", "gossip", "--text", "t"], "unknown entry kind \"gossip\"");
    refused(dir, &["timeline", "add", &human, "--kind", "status-change", "--text", "t"], "written by the program");
    refused(dir, &["incident", "status", &human, "closed"], "only a resolved incident can be closed");
    refused(dir, &["incident", "status", &human, "done"], "unknown status \"done\"");
    refused(dir, &["incident", "status", &human, "acknowledged", "--at", "2026-11-22T00:00:00Z"], "before");
    refused(dir, &["incident", "severity", &human, "sev2"], "already SEV2");
    refused(dir, &["incident", "severity", &human, "P2"], "unknown severity \"P2\" for the policy in force");
    let o = fb(dir, &["--json", "incident", "show", "nope"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["code"], "not_found");
}

#[test]
fn list_is_newest_first_and_marks_drills() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["incident", "declare", "--title", "older", "--severity", "SEV3", "--at", "2026-11-23T10:00:00Z"]);
    ok(dir, &["incident", "declare", "--title", "drill run", "--severity", "SEV1", "--drill"]);
    let list = json(dir, &["incident", "list"]);
    let titles: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, vec!["drill run", "older"]);
    assert_eq!(list[0]["drill"], true);
    assert!(ok(dir, &["incident", "list"]).contains("[DRILL] drill run"));
    let who = json(dir, &["whoami"]);
    assert_eq!(who["name"], "tester", "defaults to the OS user");
}

#[test]
fn policy_show_check_and_use() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let shown = ok(dir, &["policy", "show"]);
    assert!(shown.contains("id = \"SEV1\"") && shown.contains("30m"), "protocol preset is the default: {shown}");
    let matrix = ok(dir, &["policy", "show", "--preset", "matrix"]);
    assert!(matrix.contains("id = \"P1\""));
    refused(dir, &["policy", "show", "--preset", "nope"], "unknown preset \"nope\"");

    // A bad file names the line and the field, and the policy in force stays.
    let bad = dir.join("bad.toml");
    let good_text = matrix.replace("respond = \"15m\"", "respond = \"15 minutes\"");
    std::fs::write(&bad, &good_text).unwrap();
    let line = good_text.lines().position(|l| l.trim() == "respond = \"15 minutes\"").unwrap() + 1;
    let o = fb(dir, &["policy", "check", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains(&format!("line {line}:")) && err.contains("respond"), "{err}");
    let o = fb(dir, &["policy", "use", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("line {line}:")), "{err}");
    assert_eq!(
        json(dir, &["policy", "show"])["name"],
        json(dir, &["policy", "show", "--preset", "protocol"])["name"],
        "the policy in force stays"
    );

    // A good file is taken; P-levels become valid and SEV-levels not.
    let good = dir.join("ours.toml");
    std::fs::write(&good, &matrix).unwrap();
    ok(dir, &["policy", "check", good.to_str().unwrap()]);
    ok(dir, &["policy", "use", good.to_str().unwrap()]);
    ok(dir, &["incident", "declare", "--title", "t", "--severity", "p2"]);
    refused(dir, &["incident", "declare", "--title", "t", "--severity", "SEV2"], "expected one of: P1, P2, P3, P4");
    ok(dir, &["policy", "use", "protocol"]);
    ok(dir, &["incident", "declare", "--title", "t", "--severity", "SEV2"]);
}

#[test]
fn timers_list_every_clock_at_an_instant() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let human = ok(
        dir,
        &[
            "incident",
            "declare",
            "--title",
            "api down",
            "--severity",
            "SEV1",
            "--service",
            "api",
            "--at",
            "2026-11-23T14:30:00Z",
        ],
    );
    let human = human.trim();
    ok(dir, &["incident", "status", human, "acknowledged", "--at", "2026-11-23T14:33:00Z"]);
    let t = json(dir, &["timers", human, "--at", "2026-11-23T14:38:00Z"]);
    let by_kind = |k: &str| {
        t["deadlines"].as_array().unwrap().iter().find(|d| d["kind"]["type"] == k || d["kind"] == k).cloned().unwrap()
    };
    // Protocol SEV1: respond within 15 minutes (reference), RTO of Core API services 30 minutes.
    let respond = by_kind("respond");
    assert_eq!(respond["due"], "2026-11-23T14:45:00Z");
    assert_eq!(respond["state"]["type"], "pending");
    let rto = by_kind("rto");
    assert_eq!(rto["due"], "2026-11-23T15:00:00Z");
    let ack = by_kind("acknowledge");
    assert_eq!(ack["state"]["type"], "met");
    // Asked about an instant before the acknowledgement, the clock was still running.
    let before = json(dir, &["timers", human, "--at", "2026-11-23T14:31:00Z"]);
    let ack_then = before["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "acknowledge" || d["kind"]["type"] == "acknowledge")
        .unwrap();
    assert_eq!(ack_then["state"]["type"], "due_soon");
    // After the respond-by time passes unmet, it is breached, with when.
    let later = json(dir, &["timers", human, "--at", "2026-11-23T14:50:00Z"]);
    let respond_later = later["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "respond" || d["kind"]["type"] == "respond")
        .unwrap();
    assert_eq!(respond_later["state"], serde_json::json!({"type": "breached", "at": "2026-11-23T14:45:00Z"}));
    let text = ok(dir, &["timers", human, "--at", "2026-11-23T14:50:00Z"]);
    assert!(text.contains("Respond by") && text.contains("BREACHED") && text.contains("-5m"), "{text}");
    refused(dir, &["timers", human, "--at", "later"], "not an RFC 3339 time");
}

#[test]
fn running_the_response_roles_tasks_runbook_comms_checklist_handoff() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let human = ok(
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
            "--summary",
            "API requests failing for ~30% of users",
            "--at",
            "2026-11-23T14:30:00Z",
        ],
    );
    let human = human.trim();

    // Roles: assigning the commander twice is an explicit, logged transfer of command.
    ok(dir, &["role", "assign", human, "incident-commander", "Ana"]);
    let out = ok(dir, &["role", "assign", human, "ic", "Bo"]);
    assert_eq!(out.trim(), "Command transferred: Ana → Bo");
    ok(dir, &["role", "assign", human, "comms", "Cy"]);
    refused(dir, &["role", "assign", human, "ic", "Bo"], "Bo already holds incident-commander");
    let inc = json(dir, &["incident", "show", human]);
    assert_eq!(
        inc["roles"],
        serde_json::json!([
        {"role": "communications", "person": "Cy"}, {"role": "incident-commander", "person": "Bo"}])
    );
    let role_entries: Vec<&str> = inc["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "role-change")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(role_entries, vec!["incident-commander: Ana", "Command transferred: Ana → Bo", "communications: Cy"]);

    // Status updates: the initial template as in the reference, and "sent" restarts the cadence.
    let draft = ok(dir, &["comms", "draft", human, "--template", "initial"]);
    assert!(draft.starts_with(&format!("[Incident: {human}] [SEV1] API down\n\nStatus: Detected\nImpact: API requests failing for ~30% of users\nStarted: 2026-11-23 14:30 UTC\n")), "{draft}");
    assert!(draft.contains("Next update in 30 minutes."), "{draft}");
    let before = json(dir, &["timers", human]);
    let next = |t: &Value| {
        t["deadlines"].as_array().unwrap().iter().find(|d| d["kind"]["type"] == "next_update").unwrap()["due"].clone()
    };
    assert_eq!(next(&before), "2026-11-23T15:00:00Z", "before any update the cadence runs from declaration");
    let f = dir.join("update.txt");
    std::fs::write(&f, "We are rolling back.").unwrap();
    ok(dir, &["comms", "sent", human, "--file", f.to_str().unwrap(), "--at", "2026-11-23T14:50:00Z"]);
    assert_eq!(
        next(&json(dir, &["timers", human])),
        "2026-11-23T15:20:00Z",
        "the cadence restarts from the update sent"
    );
    refused(dir, &["comms", "draft", human, "--template", "weekly"], "unknown template \"weekly\"");

    // Runbook: the filled command is logged exactly; nothing is run.
    let list = json(dir, &["runbook", "list", human]);
    assert!(list.as_array().unwrap().iter().any(|a| a["command"] == "kubectl rollout undo deployment/api-gateway"));
    let taken = ok(dir, &["runbook", "take", human, "scale-up", "--param", "replicas=300"]);
    assert_eq!(taken.trim(), "Runbook: Scale up — `kubectl scale deployment/workers --replicas=300`");
    refused(dir, &["runbook", "take", human, "reboot-everything"], "no runbook action \"reboot-everything\"");

    // Check-back task with its own deadline.
    ok(dir, &["task", "add", human, "--owner", "Dee", "--text", "check the DB pool", "--check-back", "10"]);
    let t = json(dir, &["timers", human, "--at", "2026-11-23T15:09:00Z"]);
    let cb = t["deadlines"].as_array().unwrap().iter().find(|d| d["kind"]["type"] == "check_back").unwrap().clone();
    assert_eq!(cb["due"], "2026-11-23T15:10:00Z");
    assert_eq!(cb["state"]["type"], "due_soon");
    let task_id = json(dir, &["incident", "show", human])["tasks"][0]["id"].as_str().unwrap().to_string();
    ok(dir, &["task", "done", human, &task_id[..8]]);
    let t = json(dir, &["timers", human]);
    let cb = t["deadlines"].as_array().unwrap().iter().find(|d| d["kind"]["type"] == "check_back").unwrap().clone();
    assert_eq!(cb["state"]["type"], "met");

    // Checklist: SEV1's requirements from the policy, checked with who and when.
    let lists = json(dir, &["checklist", human]);
    let first = &lists[0];
    assert_eq!(first["name"], "SEV1 requirements");
    assert!(first["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["item"].as_str().unwrap().contains("Executive notification")));
    let checked = json(dir, &["checklist", human, "--check", "3"]);
    assert_eq!(checked[0]["items"][2]["checked_by"], "tester");
    assert_eq!(checked[0]["items"][2]["checked_at"], NOW);
    refused(dir, &["checklist", human, "--check", "99"], "no checklist item 99");

    // Decisions with objections; pin and correct an entry with visible history.
    ok(
        dir,
        &["timeline", "decide", human, "--text", "Fail over to EU-2", "--by", "Bo", "--objections", "Cy: stale reads"],
    );
    let inc = json(dir, &["incident", "show", human]);
    let decision = inc["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "decision").unwrap().clone();
    assert_eq!(
        decision["change"],
        serde_json::json!({"type": "decision", "decided_by": "Bo", "objections": "Cy: stale reads"})
    );
    let id = decision["id"].as_str().unwrap().to_string();
    ok(dir, &["timeline", "pin", human, &id[..8]]);
    ok(dir, &["timeline", "revise", human, &id[..8], "--text", "Fail over to EU-3"]);
    let inc = json(dir, &["incident", "show", human]);
    let e = inc["timeline"].as_array().unwrap().iter().find(|e| e["id"] == id.as_str()).unwrap().clone();
    assert_eq!(e["text"], "Fail over to EU-3");
    assert_eq!(e["history"], serde_json::json!(["Fail over to EU-2"]));
    assert_eq!(e["pinned"], true);
    assert_eq!(e["event_time"], NOW, "a correction keeps the event time");

    // Handoff: generated from the state, logged, and command passes to the next commander.
    let note = ok(dir, &["handoff", human]);
    assert!(
        note.contains("Roles:") && note.contains("incident commander: Bo") && note.contains("Next deadlines:"),
        "{note}"
    );
    assert!(note.contains("Last update sent") && note.contains("We are rolling back."), "{note}");
    ok(dir, &["handoff", human, "--to", "Eve"]);
    let inc = json(dir, &["incident", "show", human]);
    assert_eq!(inc["last_handoff"]["to"], "Eve");
    assert!(inc["last_handoff"]["note"].as_str().unwrap().contains("Open actions:"));
    assert!(inc["roles"].as_array().unwrap().iter().any(|r| r["role"] == "incident-commander" && r["person"] == "Eve"));
}

#[test]
fn metrics_over_a_period_per_severity_without_drills() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let a = ok(dir, &["incident", "declare", "--title", "a", "--severity", "SEV1", "--at", "2026-11-23T10:00:00Z"]);
    ok(dir, &["incident", "status", a.trim(), "acknowledged", "--at", "2026-11-23T10:10:00Z"]);
    ok(dir, &["incident", "status", a.trim(), "resolved", "--at", "2026-11-23T11:00:00Z"]);
    let b = ok(dir, &["incident", "declare", "--title", "b", "--severity", "SEV2", "--at", "2026-11-23T12:00:00Z"]);
    ok(dir, &["incident", "status", b.trim(), "acknowledged", "--at", "2026-11-23T12:20:00Z"]);
    let drill = ok(
        dir,
        &["incident", "declare", "--title", "drill", "--severity", "SEV1", "--drill", "--at", "2026-11-23T13:00:00Z"],
    );
    ok(dir, &["incident", "status", drill.trim(), "acknowledged", "--at", "2026-11-23T14:30:00Z"]);
    ok(dir, &["incident", "declare", "--title", "old", "--severity", "SEV1", "--at", "2026-10-01T00:00:00Z"]);

    let m = json(dir, &["metrics", "--from", "2026-11-01", "--to", "2026-12-01"]);
    assert_eq!(m["overall"]["incidents"], 2);
    assert_eq!(m["overall"]["mtta_seconds"], 15.0 * 60.0, "mean of 10 and 20 minutes");
    assert_eq!(m["overall"]["mttr_seconds"], 3600.0);
    assert_eq!(m["overall"]["mttr_count"], 1);
    assert_eq!(m["excluded_drills"], 1);
    assert_eq!(m["overall"]["mtta_met"], false, "15 min is not below the 15 min target");
    let sev1 = m["per_severity"].as_array().unwrap().iter().find(|p| p[0] == "SEV1").unwrap()[1].clone();
    assert_eq!(sev1["mtta_seconds"], 600.0);
    assert_eq!(sev1["pir_required"], 1, "a resolved SEV1 needs a review");
    let only = json(dir, &["metrics", "--severity", "sev2"]);
    assert_eq!(only["overall"]["incidents"], 1);
    let csv = ok(dir, &["metrics", "--csv", "--from", "2026-11-01"]);
    assert!(csv.starts_with("scope,key,incidents,mtta_seconds"), "{csv}");
    assert!(csv.contains("overall,,2,900"), "{csv}");
    refused(dir, &["metrics", "--from", "last week"], "--from \"last week\" is not a date");
}

#[test]
fn the_notification_lead_is_configurable() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let human = ok(dir, &["incident", "declare", "--title", "x", "--severity", "SEV1", "--at", "2026-11-23T14:30:00Z"]);
    let state = |at: &str| -> Value {
        let t = json(dir, &["timers", human.trim(), "--at", at]);
        t["deadlines"].as_array().unwrap().iter().find(|d| d["kind"]["type"] == "respond").unwrap()["state"]["type"]
            .clone()
    };
    assert_eq!(state("2026-11-23T14:35:00Z"), "pending", "10 minutes before, with the default 5-minute lead");
    ok(dir, &["policy", "lead", "12"]);
    assert_eq!(state("2026-11-23T14:35:00Z"), "due_soon");
    refused(dir, &["policy", "lead", "5000"], "0–1440 minutes");
}
