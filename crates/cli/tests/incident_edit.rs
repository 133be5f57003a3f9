//! `firebreak incident edit` through the real binary: each change on the timeline, the
//! clocks and metrics that follow from it, and refusals (one line, nothing written).
use serde_json::Value;
use std::path::Path;

mod common;
const CLI: common::Cli = common::Cli { now: "2026-11-23T15:00:00Z", user: "ana" };

fn ok(dir: &Path, args: &[&str]) -> String {
    CLI.ok(dir, args)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    CLI.json(dir, args)
}

/// Every op in the log and every setting: what a command could have written.
fn written(dir: &Path) -> (Vec<String>, Vec<(String, String)>) {
    let db = rusqlite::Connection::open(dir.join("firebreak.db")).unwrap();
    let ops = db.prepare("SELECT body FROM ops ORDER BY body").unwrap();
    let ops = collect(ops, |r| r.get(0));
    let settings = db.prepare("SELECT key, value FROM settings ORDER BY key").unwrap();
    (ops, collect(settings, |r| Ok((r.get(0)?, r.get(1)?))))
}

fn collect<T>(mut st: rusqlite::Statement<'_>, f: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>) -> Vec<T> {
    st.query_map([], |r| f(r)).unwrap().map(Result::unwrap).collect()
}

/// Fails with exactly one line on stderr that contains `why`, and writes nothing.
fn refused(dir: &Path, args: &[&str], why: &str) {
    let before = written(dir);
    let o = CLI.run(dir, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{args:?} should fail");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: ") && err.contains(why), "{args:?}: {err}");
    assert_eq!(written(dir), before, "{args:?} wrote nothing");
}

fn declare(dir: &Path, at: &str) -> String {
    let args = ["incident", "declare", "--title", "Checkout failing", "--severity", "SEV2", "--service", "api"];
    let mut args = args.to_vec();
    args.extend(["--at", at]);
    ok(dir, &args).trim().to_string()
}

fn edits(inc: &Value) -> Vec<(String, String, String)> {
    inc["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["change"]["type"] == "edited")
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_string();
            (s("event_time"), s("author"), s("text"))
        })
        .collect()
}

#[test]
fn an_edit_changes_each_field_with_its_author_and_time_on_the_timeline() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let id = declare(dir, "2026-11-23T14:30:00Z");
    let before = written(dir).0.len();
    let text = ok(
        dir,
        &[
            "incident",
            "edit",
            &id,
            "--title",
            "Checkout 5xx",
            "--summary",
            "5xx on /checkout",
            "--service",
            "api",
            "--service",
            "database",
            "--impact-start",
            "2026-11-23T14:20:00Z",
            "--detected-at",
            "2026-11-23T14:28:00+00:00",
        ],
    );
    assert!(text.starts_with(&format!("{id} edited\n")), "{text}");
    assert!(text.contains("  Impact started at 2026-11-23T14:20:00Z\n"), "{text}");
    assert_eq!(written(dir).0.len() - before, 5, "one op per changed field");

    let inc = json(dir, &["incident", "show", &id]);
    assert_eq!(inc["title"], "Checkout 5xx");
    assert_eq!(inc["summary"], "5xx on /checkout");
    assert_eq!(inc["services"], serde_json::json!(["api", "database"]));
    assert_eq!(inc["impact_started_at"], "2026-11-23T14:20:00Z");
    assert_eq!(inc["detected_at"], "2026-11-23T14:28:00Z");
    let at = |t: &str, text: &str| (t.to_string(), "ana".to_string(), text.to_string());
    assert_eq!(
        edits(&inc),
        [
            at("2026-11-23T14:20:00Z", "Impact started at 2026-11-23T14:20:00Z"),
            at("2026-11-23T14:28:00Z", "Detected at corrected to 2026-11-23T14:28:00Z"),
            at("2026-11-23T15:00:00Z", "Title: Checkout 5xx"),
            at("2026-11-23T15:00:00Z", "Summary: 5xx on /checkout"),
            at("2026-11-23T15:00:00Z", "Services: api, database"),
        ]
    );
    let shown = ok(dir, &["incident", "show", &id]);
    assert!(shown.contains("impact:   since 2026-11-23 14:20:00"), "{shown}");

    // The service added later has its RTO clock at once, from the corrected detection
    // (Database tier, SEV2: 4 h).
    let timers = json(dir, &["timers", &id]);
    let restore = timers["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"]["type"] == "rto" && x["kind"]["service"] == "database")
        .cloned();
    assert_eq!(restore.map(|x| x["due"].clone()), Some(Value::from("2026-11-23T18:28:00Z")));

    // Emptying the services drops their clocks.
    ok(dir, &["incident", "edit", &id, "--no-services"]);
    let timers = json(dir, &["timers", &id]);
    assert!(!timers["deadlines"].as_array().unwrap().iter().any(|x| x["kind"]["type"] == "rto"), "{timers}");
}

/// MTTD by hand. A: detected 14:30, impact 14:22 → 8 min. B: detected 10:00, impact
/// 09:58 → 2 min. C: no impact start, not counted. MTTD = (8 + 2) / 2 = 5 min = 300 s.
/// MTTR: A resolved 14:50, from 14:22 = 28 min; B resolved 10:40, from 09:58 = 42 min;
/// C detected 12:00, resolved 12:35, from detection = 35 min → (28 + 42 + 35) / 3 = 35 min.
#[test]
fn metrics_over_incidents_with_impact_starts_match_a_hand_calculation() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let a = declare(dir, "2026-11-23T14:30:00Z");
    let b = declare(dir, "2026-11-23T10:00:00Z");
    let c = declare(dir, "2026-11-23T12:00:00Z");
    let before = json(dir, &["metrics"]);
    assert_eq!(before["overall"]["mttd_seconds"], Value::Null, "no impact start known yet");
    ok(dir, &["incident", "edit", &a, "--impact-start", "2026-11-23T14:22:00Z"]);
    ok(dir, &["incident", "edit", &b, "--impact-start", "2026-11-23T09:58:00Z"]);
    for (id, t) in [(&a, "2026-11-23T14:50:00Z"), (&b, "2026-11-23T10:40:00Z"), (&c, "2026-11-23T12:35:00Z")] {
        ok(dir, &["incident", "status", id, "resolved", "--at", t]);
    }
    let m = json(dir, &["metrics"]);
    assert_eq!(m["overall"]["mttd_count"], 2);
    assert_eq!(m["overall"]["mttd_seconds"], 300.0);
    assert_eq!(m["overall"]["mttd_met"], false, "the reference's target is under 5 minutes");
    assert_eq!(m["overall"]["mttr_count"], 3);
    assert_eq!(m["overall"]["mttr_seconds"], 35.0 * 60.0);
    // The review of A shows the same figures.
    let pir = json(dir, &["pir", "show", &a]);
    assert_eq!(pir["figures"]["time_to_detect"], 8 * 60);
    assert_eq!(pir["figures"]["time_to_resolve"], 28 * 60);
}

#[test]
fn bad_edits_are_refused_with_one_line_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let id = declare(dir, "2026-11-23T14:30:00Z");
    ok(dir, &["incident", "status", &id, "acknowledged", "--at", "2026-11-23T14:40:00Z"]);
    let e = |extra: &[&'static str]| -> Vec<String> {
        let mut v = vec!["incident".to_string(), "edit".into(), id.clone()];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (e(&[]), "nothing to change: give"),
        (e(&["--title", "Checkout failing"]), "already has these values"),
        (e(&["--title", " "]), "the title must not be empty"),
        (e(&["--service", ""]), "a service name must not be empty"),
        (e(&["--impact-start", "14:20"]), "is not an RFC 3339 time"),
        (e(&["--impact-start", "2026-11-23T14:31:00Z"]), "impact starts at or before detection"),
        (e(&["--detected-at", "2026-11-24T14:00:00Z"]), "in the future"),
        (e(&["--detected-at", "2026-11-23T14:41:00Z"]), "after the incident's first status or severity change"),
        // A good title beside a bad time: the title is not written either.
        (e(&["--title", "New", "--impact-start", "2026-11-23T14:35:00Z"]), "impact starts at or before"),
        (vec!["incident".into(), "edit".into(), "INC-NOPE-1".into(), "--title".into(), "x".into()], "INC-NOPE-1"),
    ];
    for (args, why) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(dir, &args, why);
    }
    // Contradictory flags are caught by the argument parser (its usage text follows).
    let before = written(dir);
    let o = CLI.run(dir, &["incident", "edit", &id, "--service", "db", "--no-services"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("cannot be used with"));
    assert_eq!(written(dir), before);
    assert_eq!(json(dir, &["incident", "show", &id])["title"], "Checkout failing");
}

/// SEV1 and SEV2 require a review (the protocol preset); SEV3 does not.
#[test]
fn closing_without_the_required_review_is_refused_unless_forced_and_the_forcing_is_logged() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let id = declare(dir, "2026-11-23T14:30:00Z");
    ok(dir, &["incident", "status", &id, "resolved", "--at", "2026-11-23T14:50:00Z"]);
    refused(
        dir,
        &["incident", "status", &id, "closed"],
        "cannot be closed yet: SEV2 requires a post-incident review and its review is draft",
    );
    let text = ok(dir, &["incident", "status", &id, "closed", "--force"]);
    assert_eq!(text.trim(), format!("{id} is now closed"));
    let inc = json(dir, &["incident", "show", &id]);
    assert_eq!(inc["status"], "closed");
    let forced: Vec<&Value> = inc["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["text"] == "Closed without its required review (forced): SEV2 requires a post-incident review and its review is draft")
        .collect();
    assert_eq!(forced.len(), 1, "{inc}");
    assert_eq!(forced[0]["author"], "ana");

    // Closing the review closes the incident without forcing; a SEV3 needs no review.
    let b = declare(dir, "2026-11-23T14:30:00Z");
    ok(dir, &["incident", "status", &b, "resolved"]);
    ok(dir, &["pir", "status", &b, "in_review"]);
    ok(dir, &["pir", "status", &b, "reviewed"]);
    ok(dir, &["pir", "status", &b, "closed"]);
    assert_eq!(json(dir, &["incident", "show", &b])["status"], "closed");
    let c = declare(dir, "2026-11-23T14:30:00Z");
    ok(dir, &["incident", "severity", &c, "SEV3"]);
    ok(dir, &["incident", "status", &c, "resolved"]);
    ok(dir, &["incident", "status", &c, "closed"]);
    let c = json(dir, &["incident", "show", &c]);
    assert!(!c["timeline"].to_string().contains("forced"), "{c}");
}
