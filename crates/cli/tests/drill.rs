//! Drills through the real binary: built-ins listed with the next quarterly drill, a
//! scripted run that evaluates identically at 1× and 60×, and the reports.
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures").join(name).display().to_string()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(args)
        .env("FIREBREAK_DATA_DIR", dir)
        .env("USER", "facilitator")
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn run(dir: &Path, speed: &str) -> Value {
    let out = ok(
        dir,
        &[
            "--json",
            "drill",
            "run",
            &fixture("drill-short.yaml"),
            "--speed",
            speed,
            "--responses",
            &fixture("drill-short-responses.yaml"),
        ],
    );
    serde_json::from_str(&out).unwrap()
}

/// What must not depend on the speed: results, offsets, details, the timeline.
fn invariant(v: &Value) -> Value {
    let e = &v["evaluation"];
    let criteria: Vec<Value> = e["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| serde_json::json!([c["id"], c["met"], c["elapsed_seconds"], c["detail"]]))
        .collect();
    let timeline: Vec<Value> = e["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| serde_json::json!([l["offset"], l["kind"], l["text"]]))
        .collect();
    serde_json::json!({"criteria": criteria, "timeline": timeline, "met": e["met_count"], "ran_for": e["ran_for"], "areas": e["improvement_areas"]})
}

#[test]
fn a_scripted_run_evaluates_identically_at_1x_and_60x() {
    let d = tempfile::tempdir().unwrap();
    let fast = run(d.path(), "60");
    let slow = run(d.path(), "1");
    assert_eq!(invariant(&fast), invariant(&slow));
    let e = &fast["evaluation"];
    assert_eq!(e["met_count"], 5);
    assert_eq!(e["total"], 6);
    let missed: Vec<&Value> = e["criteria"].as_array().unwrap().iter().filter(|c| c["met"] == false).collect();
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0]["id"], "res");
    assert!(e["improvement_areas"].as_array().unwrap().iter().any(|a| a == "Practise failover more often."));
    // Injects arrived at their offsets, and the commander rotated as scripted.
    let tl = invariant(&fast)["timeline"].to_string();
    assert!(tl.contains(r#"["T+4s","customer-report","T+4s customer-report: EU customers cannot pay"]"#), "{tl}");
    assert!(tl.contains(r#"["T+10s","role-change","Command transferred: Ana → Bo"]"#), "{tl}");

    // Drills are marked everywhere and never count in metrics.
    let list: Value = serde_json::from_str(&ok(d.path(), &["--json", "incident", "list"])).unwrap();
    assert!(list.as_array().unwrap().iter().all(|i| i["drill"] == true));
    let m: Value = serde_json::from_str(&ok(d.path(), &["--json", "metrics"])).unwrap();
    assert_eq!(m["overall"]["incidents"], 0);
    assert_eq!(m["excluded_drills"], 2);

    let human = fast["run"].as_str().unwrap();
    let md = d.path().join("r.md");
    ok(d.path(), &["drill", "report", human, "--format", "md", "-o", md.to_str().unwrap()]);
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("**5 of 6 criteria met**") && md.contains("DRILL"), "{md}");
    let pdf = d.path().join("r.pdf");
    ok(d.path(), &["drill", "report", human, "--format", "pdf", "-o", pdf.to_str().unwrap()]);
    let text = Command::new("pdftotext")
        .args(["-raw", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (scripts/setup.sh)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("DRILL")
            && text.contains("5 of 6 criteria met")
            && text.contains("Acknowledged within 5 seconds"),
        "{text}"
    );
}

#[test]
fn builtin_scenarios_and_the_quarterly_schedule() {
    let d = tempfile::tempdir().unwrap();
    let v: Value = serde_json::from_str(&ok(d.path(), &["--json", "drill", "list"])).unwrap();
    let names: Vec<&str> = v["scenarios"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["api-outage", "database-degradation", "security-vulnerability"]);
    assert_eq!(v["overdue"], true, "no drill yet: one is due now");
    let o = Command::new(env!("CARGO_BIN_EXE_firebreak"))
        .args(["drill", "run", "no-such-scenario"])
        .env("FIREBREAK_DATA_DIR", d.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
}
