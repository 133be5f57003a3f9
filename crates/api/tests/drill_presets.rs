//! The built-in drills under both built-in presets, run scripted: each is declared at the
//! level where its situation starts (SEV2/SEV3, or P2/P3 under the matrix), and its
//! classification or escalation criterion is met only when the script changes the
//! severity — an idle run misses it.
use chrono::{DateTime, Utc};
use firebreak_api::drill::{builtin_names, Act, Response, Script};
use firebreak_api::Firebreak;
use firebreak_core::clock::SteppingClock;
use firebreak_drill::Check;
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z").unwrap().with_timezone(&Utc)
}

fn respond(at: &str, act: Act) -> Response {
    Response { at: at.into(), act, text: format!("{act:?} at {at}"), status: None, level: None }
}

/// A team that acknowledges, updates, mitigates, resolves and drafts the review, and
/// (when `level` is given) sets that severity at T+6m.
fn script(level: Option<&str>) -> Script {
    let mut responses = vec![respond("2m", Act::Acknowledge)];
    if let Some(level) = level {
        responses.push(Response { level: Some(level.into()), ..respond("6m", Act::Severity) });
    }
    responses.extend([
        respond("8m", Act::Update),
        respond("20m", Act::Mitigate),
        Response { status: Some("resolved".into()), ..respond("40m", Act::Status) },
        respond("45m", Act::Review),
    ]);
    Script { responses, ..Script::default() }
}

/// Runs a built-in to its end under `preset`; the evaluation and the declared level.
fn run(name: &str, preset: &str, script: &Script) -> (firebreak_drill::Evaluation, String) {
    let clock = Arc::new(SteppingClock::new(t0()));
    let mut fb = Firebreak::in_memory(Box::new(clock.clone())).unwrap();
    fb.use_policy(preset).unwrap();
    let run = fb.drill_start(name, 1, script, None).unwrap();
    let declared = fb.show(&run.incident).unwrap().severity;
    let (scenario, _) = fb.scenario_in_force(name).unwrap();
    let mut applied = 0;
    clock.advance(scenario.duration);
    assert!(fb.drill_tick(&run.incident, script, &mut applied).unwrap(), "{name}: the drill ended");
    assert_eq!(applied, script.responses.len(), "{name}: every scripted response applied");
    (fb.drill_evaluation(&run.incident).unwrap(), declared)
}

#[test]
fn every_builtin_runs_under_both_presets_and_classification_is_earned() {
    let builtins = builtin_names();
    assert_eq!(builtins.len(), 3);
    for (name, scenario) in &builtins {
        for (preset, prefix) in [("protocol", "SEV"), ("matrix", "P")] {
            let expected = scenario.expected_severity.replace("SEV", prefix);
            let start = scenario.severity.replace("SEV", prefix);
            assert_ne!(start, expected, "{name} starts below what it expects");
            let severity_ids: Vec<String> = scenario
                .success_criteria
                .iter()
                .filter(
                    |c| matches!(&c.check, Check::SeveritySet { level, .. } if *level == scenario.expected_severity),
                )
                .map(|c| c.id.clone())
                .collect();
            assert!(!severity_ids.is_empty(), "{name}: a criterion asks for {expected}");

            // The team classifies (the script names the SEV level; the matrix reads it by rank).
            let (good, declared) = run(name, preset, &script(Some(&scenario.expected_severity)));
            assert_eq!(declared, start, "{name} under {preset}: declared where the situation starts");
            assert_eq!(good.severity, start);
            assert_eq!(good.expected_severity, expected);
            assert_eq!(good.met_count, good.total, "{name} under {preset}: {:#?}", good.criteria);
            for id in &severity_ids {
                let c = good.criteria.iter().find(|c| &c.id == id).unwrap();
                assert_eq!(c.elapsed_seconds, Some(360), "{name} under {preset}: {id} met by the change at T+6m");
                assert!(c.description.contains(&expected), "{}", c.description);
            }

            // The same run without the severity change: the classification is not given.
            let (idle, _) = run(name, preset, &script(None));
            for id in &severity_ids {
                let c = idle.criteria.iter().find(|c| &c.id == id).unwrap();
                assert!(!c.met, "{name} under {preset}: {id} given without a change: {}", c.detail);
            }
            assert_eq!(idle.met_count, idle.total - severity_ids.len(), "{name} under {preset}: only that is missed");
        }
    }
}
