//! A bad policy file is rejected with an error naming the line and the field.

use firebreak_policy::{Policy, PolicyError};

fn protocol_text() -> String {
    Policy::preset_toml("protocol").unwrap().to_string()
}

/// Replace the `nth` (0-based) occurrence of `from` and return the text and that line (1-based).
fn edit(text: &str, from: &str, to: &str, nth: usize) -> (String, usize) {
    let (pos, _) = text.match_indices(from).nth(nth).unwrap_or_else(|| panic!("{from:?} #{nth} not found"));
    let line = 1 + text[..pos].matches('\n').count();
    let mut out = text.to_string();
    out.replace_range(pos..pos + from.len(), to);
    (out, line)
}

fn error(text: &str) -> PolicyError {
    match Policy::from_toml_str(text) {
        Ok(_) => panic!("accepted a bad policy"),
        Err(e) => e,
    }
}

#[test]
fn bad_duration_names_line_and_field() {
    let (text, line) = edit(&protocol_text(), "respond = \"1h\"", "respond = \"15 minutes\"", 0);
    let e = error(&text);
    assert_eq!(e.line, Some(line));
    assert_eq!(e.field, "levels[1].respond");
    assert_eq!(
        e.to_string(),
        format!("line {line}: levels[1].respond: \"15 minutes\" is not a duration (use e.g. 15m, 2h, 1 business day)")
    );
}

#[test]
fn bad_duration_inside_an_inline_rto_table() {
    let (text, line) = edit(&protocol_text(), "SEV2 = \"4h\"", "SEV2 = \"4 hrs\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "tiers[1].rto.SEV2"), "{e}");
}

#[test]
fn unknown_time_zone() {
    let (text, line) = edit(&protocol_text(), "time_zone = \"UTC\"", "time_zone = \"Europe/Berln\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "calendar.time_zone"), "{e}");
    assert!(e.message.contains("\"Europe/Berln\" is not a known time zone"), "{e}");
}

#[test]
fn duplicate_level_id() {
    let (text, line) = edit(&protocol_text(), "id = \"SEV3\"", "id = \"SEV2\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "levels[2].id"), "{e}");
    assert!(e.message.contains("duplicate level id \"SEV2\""), "{e}");
}

#[test]
fn unknown_tier_in_a_service() {
    let (text, line) = edit(&protocol_text(), "tier = \"database\"", "tier = \"databse\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "services[2].tier"), "{e}");
    assert!(e.message.contains("unknown tier \"databse\""), "{e}");
}

#[test]
fn rto_for_an_unknown_level() {
    let (text, line) = edit(&protocol_text(), "SEV3 = \"2 business days\"", "SEV5 = \"2 business days\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "tiers[2].rto.SEV5"), "{e}");
}

#[test]
fn missing_and_unknown_fields() {
    // A level without `respond`: the error points at the level's table.
    let (text, _) = edit(&protocol_text(), "respond = \"1h\"\n", "", 0);
    let header = 1 + text[..text.match_indices("[[levels]]").nth(1).unwrap().0].matches('\n').count();
    let e = error(&text);
    assert_eq!(e.field, "levels[1]", "{e}");
    assert!(e.message.contains("missing field `respond`"), "{e}");
    assert!(e.line.is_some_and(|l| l >= header), "{e}");

    let (text, line) = edit(&protocol_text(), "update_cadence = \"2h\"", "update_cadense = \"2h\"", 0);
    let e = error(&text);
    assert_eq!(e.field, "levels[1].update_cadense", "{e}");
    assert!(e.message.contains("unknown field `update_cadense`"), "{e}");
    assert_eq!(e.line, Some(line), "{e}");
}

#[test]
fn wrong_value_type() {
    let (text, line) = edit(&protocol_text(), "all_hands = true", "all_hands = \"yes\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "levels[0].requirements.all_hands"), "{e}");
}

#[test]
fn pir_required_needs_a_due_time() {
    let (text, _) = edit(&protocol_text(), "pir_due = \"48h\"\n", "", 1);
    let e = error(&text);
    assert_eq!(e.field, "levels[1].requirements.pir_due", "{e}");
    // Not in the file: the error points at the requirements table.
    let req = 1 + text[..text.match_indices("[levels.requirements]").nth(1).unwrap().0].matches('\n').count();
    assert_eq!(e.line, Some(req), "{e}");
}

#[test]
fn working_hours_and_days() {
    let (text, line) = edit(&protocol_text(), "work_end = \"17:00\"", "work_end = \"08:00\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "calendar.work_end"), "{e}");

    let (text, line) = edit(&protocol_text(), "work_start = \"09:00\"", "work_start = \"9am\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "calendar.work_start"), "{e}");

    let (text, line) = edit(&protocol_text(), "\"fri\"]", "\"fry\"]", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "calendar.working_days[4]"), "{e}");

    let (text, line) = edit(&protocol_text(), "holidays = []", "holidays = [2025-12-25, \"2025-13-01\"]", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "calendar.holidays[1]"), "{e}");
}

#[test]
fn toml_dates_and_strings_both_work_as_holidays() {
    let (text, _) = edit(&protocol_text(), "holidays = []", "holidays = [2025-12-25, \"2025-12-26\"]", 0);
    let p = Policy::from_toml_str(&text).unwrap();
    assert_eq!(p.calendar.holidays.len(), 2);
    assert_eq!(Policy::from_toml_str(&p.to_toml_string()).unwrap(), p);
}

#[test]
fn unknown_team_default_name_and_business_metric() {
    let (text, line) = edit(&protocol_text(), "\"resolve\", \"incident_commander_required\",", "\"resolution\",", 0);
    let e = error(&text);
    assert_eq!(e.line, Some(line), "{e}");
    assert_eq!(e.field, "levels[0].team_defaults[2]", "{e}");

    let (text, line) = edit(&protocol_text(), "mttr = \"2h\"", "mttr = \"1 business day\"", 0);
    let e = error(&text);
    assert_eq!((e.line, e.field.as_str()), (Some(line), "targets.mttr"), "{e}");
}

#[test]
fn syntax_error_names_the_line() {
    let (text, line) = edit(&protocol_text(), "name = \"High\"", "name = \"High", 0);
    let e = error(&text);
    assert_eq!(e.line, Some(line), "{e}");
    assert!(e.to_string().starts_with(&format!("line {line}: not valid TOML")), "{e}");
}

#[test]
fn minimal_policy_file() {
    let text = r#"
name = "Tiny"

[[levels]]
id = "S1"
name = "Bad"
acknowledge = "5m"
respond = "15m"
update_cadence = "30m"
"#;
    let p = Policy::from_toml_str(text).unwrap();
    assert_eq!(p.levels.len(), 1);
    assert_eq!(p.calendar, Default::default());
    assert!(p.tiers.is_empty() && p.services.is_empty());
    assert_eq!(Policy::from_toml_str(&p.to_toml_string()).unwrap(), p);

    let e = error("name = \"Empty\"\nlevels = []\n");
    assert_eq!((e.line, e.field.as_str()), (Some(2), "levels"), "{e}");
}
