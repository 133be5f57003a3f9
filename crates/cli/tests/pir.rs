//! Post-incident reviews through the real binary: the reference's own INC-001 imports
//! and exports, YAML round trip, refusals with line and reason, states, ics, Markdown.
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
const CLI: common::Cli = common::Cli { now: "2025-10-06T09:00:00Z", user: "manager" };

fn fb(dir: &Path, args: &[&str]) -> Output {
    CLI.run(dir, args)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    CLI.ok(dir, args)
}

fn json(dir: &Path, args: &[&str]) -> Value {
    CLI.json(dir, args)
}

fn reference() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/INC-001.yaml")
}

fn yaml(path: &Path) -> Value {
    parse_yaml(&std::fs::read_to_string(path).unwrap())
}

fn parse_yaml(text: &str) -> Value {
    firebreak_yaml::from_str(text, "a test file", firebreak_yaml::Limits::FILE).unwrap()
}

#[test]
fn the_reference_example_imports_and_exports_losslessly() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["policy", "use", "matrix"]);
    assert_eq!(ok(dir, &["pir", "import", reference().to_str().unwrap()]).trim(), "imported INC-001");
    let p = json(dir, &["pir", "show", "INC-001"]);
    assert_eq!(p["incident"]["severity"], "P1");
    assert_eq!(p["incident"]["status"], "resolved");
    assert_eq!(p["figures"]["duration"], 45 * 60);
    assert_eq!(p["action_items"].as_array().unwrap().len(), 2);
    let out = dir.join("out.yaml");
    ok(dir, &["pir", "export", "INC-001", "--format", "yaml", "-o", out.to_str().unwrap()]);
    assert_eq!(yaml(&out), yaml(&reference()), "export of the import equals the reference, field for field");

    // Import of the export, into another laptop, gives the same export again.
    let d2 = tempfile::tempdir().unwrap();
    ok(d2.path(), &["policy", "use", "matrix"]);
    ok(d2.path(), &["pir", "import", out.to_str().unwrap()]);
    let again = d2.path().join("again.yaml");
    ok(d2.path(), &["pir", "export", "INC-001", "--format", "yaml", "-o", again.to_str().unwrap()]);
    assert_eq!(yaml(&again), yaml(&out));

    // Importing the same file again updates, and adds nothing twice; `--json` answers with
    // the whole review (as `pir show`), the text only with its id.
    let p2 = json(dir, &["pir", "import", reference().to_str().unwrap()]);
    assert_eq!(p2, json(dir, &["pir", "show", "INC-001"]));
    assert_eq!(p2["action_items"].as_array().unwrap().len(), 2);
    assert_eq!(
        p2["incident"]["timeline"].as_array().unwrap().len(),
        p["incident"]["timeline"].as_array().unwrap().len()
    );
}

#[test]
fn a_changed_export_round_trips_every_template_field() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["policy", "use", "matrix"]);
    let text = std::fs::read_to_string(reference())
        .unwrap()
        .replace("INC-001", "INC-777")
        .replace("45m", "2h5m")
        .replace("\"15:15\"", "\"01:10\"")
        .replace("Always monitor database connection pools", "Ελέγχετε τα pools — 监控连接池");
    let src = dir.join("in.yaml");
    std::fs::write(&src, &text).unwrap();
    ok(dir, &["pir", "import", src.to_str().unwrap()]);
    let out = dir.join("out.yaml");
    ok(dir, &["pir", "export", "INC-777", "--format", "yaml", "-o", out.to_str().unwrap()]);
    let mut want = parse_yaml(&text);
    // The export writes the duration the timeline implies; the rest must equal.
    want["duration"] = "2h5m".into();
    assert_eq!(yaml(&out), want);
}

#[test]
fn bad_files_are_refused_with_line_and_reason_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["policy", "use", "matrix"]);
    let good = std::fs::read_to_string(reference()).unwrap();
    let cases = [
        (good.replace("severity: P1\n", ""), "missing field `severity`"),
        (good.replace("duration: 45m", "duration: soon"), "line 5: duration \"soon\" is not a duration"),
        (good.replace("\"14:45\"", "\"25:99\""), "is not a time (write HH:MM)"),
        (good.replace("due: \"2025-10-12\"", "due: \"next week\""), "action_items[0].due"),
        (good.replace("severity: P1", "severity: P9"), "line 3: severity \"P9\" is not a level"),
        (good.replace("lessons_learned:", "lesons_learned:"), "unknown field `lesons_learned`"),
        (format!("{good}\n  - : :\n"), "line"),
    ];
    for (text, why) in cases {
        let f = dir.join("bad.yaml");
        std::fs::write(&f, &text).unwrap();
        let o = fb(dir, &["pir", "import", f.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "should refuse: {why}");
        assert!(err.contains(why), "{why}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    assert_eq!(json(dir, &["incident", "list"]), serde_json::json!([]), "nothing half-imported");
}

#[test]
fn review_states_close_the_incident_and_exports_work() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let human = ok(
        dir,
        &["incident", "declare", "--title", "DB pool exhausted", "--severity", "SEV2", "--at", "2025-10-05T14:30:00Z"],
    );
    let human = human.trim();
    let o = fb(dir, &["pir", "status", human, "in_review"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("once the incident is resolved"));
    ok(dir, &["incident", "status", human, "resolved", "--at", "2025-10-05T15:15:00Z"]);
    ok(dir, &["pir", "edit", human, "--field", "root_cause", "--text", "Slow query exhausted the pool."]);
    ok(dir, &["pir", "item", human, "--action", "Add pool metrics", "--owner", "@platform", "--due", "2025-10-12"]);
    let o = fb(dir, &["pir", "status", human, "reviewed"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("one step at a time"));
    ok(dir, &["pir", "status", human, "in_review"]);
    ok(dir, &["pir", "status", human, "reviewed"]);
    assert_eq!(json(dir, &["incident", "show", human])["status"], "resolved");
    ok(dir, &["pir", "status", human, "closed"]);
    assert_eq!(json(dir, &["incident", "show", human])["status"], "closed", "closing the review closes the incident");

    let md = dir.join("r.md");
    ok(dir, &["pir", "export", human, "--format", "md", "-o", md.to_str().unwrap()]);
    let md = std::fs::read_to_string(md).unwrap();
    assert!(
        md.contains("# Post-incident review: ")
            && md.contains("Slow query exhausted the pool.")
            && md.contains("| AI-001 | Add pool metrics | @platform | 2025-10-12 |"),
        "{md}"
    );

    let ics = dir.join("r.ics");
    ok(
        dir,
        &["pir", "export", human, "--format", "ics", "-o", ics.to_str().unwrap(), "--start", "2025-10-06T10:00:00Z"],
    );
    let text = std::fs::read_to_string(&ics).unwrap();
    let cal: icalendar::Calendar = text.parse().expect("a standard parser accepts the invite");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1);
    use icalendar::Component;
    let desc = events[0].get_description().unwrap();
    for line in [
        "10:00 UTC  Timeline review (5 min)",
        "10:05 UTC  Root cause analysis (15 min)",
        "10:20 UTC  Contributing factors (10 min)",
        "10:30 UTC  Action items (15 min)",
        "10:45 UTC  Lessons learned (5 min)",
    ] {
        assert!(desc.contains(line), "{line} in {desc}");
    }
    assert!(text.contains("DTSTART:20251006T100000Z") && text.contains("DTEND:20251006T105000Z"), "{text}");
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let o =
        Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd} is installed by scripts/setup.sh: {e}"));
    assert!(o.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_pdf_reads_back_exactly_and_embeds_every_font() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["policy", "use", "matrix"]);
    let text = std::fs::read_to_string(reference()).unwrap().replace(
        "Always monitor database connection pools",
        "Ελέγχετε τα pools · Следите за пулами · 监控连接池 · 接続プール",
    );
    let src = dir.join("in.yaml");
    std::fs::write(&src, text).unwrap();
    ok(dir, &["pir", "import", src.to_str().unwrap()]);
    ok(
        dir,
        &[
            "pir",
            "item",
            "INC-001",
            "--action",
            "Runbook für Failover überarbeiten",
            "--owner",
            "@sre",
            "--due",
            "2025-10-20",
        ],
    );
    let pdf = dir.join("INC-001.pdf");
    ok(dir, &["pir", "export", "INC-001", "--format", "pdf", "-o", pdf.to_str().unwrap()]);
    let p = pdf.to_str().unwrap();
    let raw = tool("pdftotext", &["-raw", p, "-"]);
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let all = norm(&raw);
    for want in [
        "Post-incident review · INC-001",
        "30% of API requests failed",
        "Alert triggered for API errors",
        "Database connection pool exhausted due to slow query introduced in recent deployment.",
        "No connection pool monitoring",
        "Add connection pool metrics",
        "@platform",
        "2025-10-12",
        "Ελέγχετε τα pools · Следите за пулами · 监控连接池 · 接続プール",
        "Runbook für Failover überarbeiten",
        "Page 1 of",
    ] {
        assert!(all.contains(want), "pdftotext lacks {want:?}:\n{raw}");
    }
    tool("qpdf", &["--check", p]);
    let fonts = tool("pdffonts", &[p]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID: "emb" is the 4th column from the end but 3.
        assert!(cols.len() >= 7 && cols[cols.len() - 5] == "yes", "font not embedded: {row}");
    }
    let info = tool("pdfinfo", &[p]);
    assert!(info.contains("Title:") && info.contains("INC-001") && info.contains("Author:          manager"), "{info}");
}

/// The reference file gives no acknowledge or mitigate time (its timeline is free text):
/// after the import they are unknown everywhere — null in `incident show --json` and
/// `pir show --json`, "unknown" in the Markdown and the PDF's figures, "(time unknown)"
/// in `incident show` — never the resolution time; the resolution is the file's 15:15.
#[test]
fn an_imported_review_without_acknowledge_or_mitigate_times_says_unknown() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    ok(dir, &["pir", "import", reference().to_str().unwrap()]);
    let inc = json(dir, &["incident", "show", "INC-001"]);
    let m = &inc["milestones"];
    for step in ["acknowledged_at", "investigating_at", "mitigated_at"] {
        assert_eq!(m[step], Value::Null, "{step}: {m}");
    }
    assert_eq!(m["resolved_at"], "2025-10-05T15:15:00Z", "{m}");
    let text = ok(dir, &["incident", "show", "INC-001"]);
    let reached = text.lines().find(|l| l.starts_with("reached:")).unwrap_or_else(|| panic!("{text}"));
    assert!(
        reached.contains("acknowledged (time unknown)") && reached.contains("mitigated (time unknown)"),
        "{reached}"
    );
    assert!(reached.contains("resolved 2025-10-0") && !reached.contains("resolved (time"), "{reached}");

    let p = json(dir, &["pir", "show", "INC-001"]);
    let f = &p["figures"];
    assert_eq!((&f["time_to_acknowledge"], &f["time_to_mitigate"]), (&Value::Null, &Value::Null), "{f}");
    assert_eq!(f["time_to_resolve"], 45 * 60, "{f}");
    let md = ok(dir, &["pir", "show", "INC-001"]);
    let row = md.lines().skip_while(|l| !l.starts_with("| Time to detect")).nth(2).unwrap_or_else(|| panic!("{md}"));
    assert_eq!(row, "| unknown | unknown | unknown | 45m |", "{md}");

    let pdf = dir.join("review.pdf");
    ok(dir, &["pir", "export", "INC-001", "--format", "pdf", "-o", pdf.to_str().unwrap()]);
    let raw = tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]);
    let all = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(all.contains("unknown unknown unknown 45m"), "{raw}");
}
