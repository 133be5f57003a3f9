//! A drill on its own clock beside the system clock: events in drill time, pause,
//! and the facilitator's rotation.
use chrono::{DateTime, Duration, Utc};
use firebreak_api::drill::Script;
use firebreak_api::Firebreak;
use firebreak_core::clock::{Clock, ScaledClock, SteppingClock};
use std::sync::Arc;

const SCENARIO: &str = include_str!("../../../tests/fixtures/drill-short.yaml");

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z").unwrap().with_timezone(&Utc)
}

#[test]
fn a_drill_runs_on_its_clock_pauses_and_rotates_on_the_facilitators_word() {
    let real = Arc::new(SteppingClock::new(t0()));
    let mut fb = Firebreak::in_memory(Box::new(real.clone())).unwrap();
    let drill_clock = Arc::new(ScaledClock::new(real.clone(), t0() - Duration::seconds(18), 10));
    let run = fb.drill_start(SCENARIO, 10, &Script::default(), Some(drill_clock.clone() as Arc<dyn Clock>)).unwrap();
    let mut applied = 0;
    assert!(!fb.drill_tick(&run.incident, &Script::default(), &mut applied).unwrap());
    // 0.5 s real at 10x = 5 s of drill: the T+4s inject has arrived.
    real.advance(Duration::milliseconds(500));
    fb.drill_tick(&run.incident, &Script::default(), &mut applied).unwrap();
    let inc = fb.show(&run.incident).unwrap();
    let inject = inc.timeline.iter().find(|e| e.text.contains("EU customers cannot pay")).expect("inject delivered");
    assert_eq!(inject.event_time, run.started_at + Duration::seconds(4), "stamped in drill time");
    // Paused: real time passes, drill time does not, nothing new arrives.
    drill_clock.pause();
    real.advance(Duration::seconds(30));
    fb.drill_tick(&run.incident, &Script::default(), &mut applied).unwrap();
    assert!(!fb.show(&run.incident).unwrap().timeline.iter().any(|e| e.text.contains("Do we fail over?")));
    assert_eq!(fb.now_for(run.incident.parse().unwrap()), run.started_at + Duration::seconds(5));
    drill_clock.resume();
    // The facilitator rotates the commander now: Ana → Bo.
    let inc = fb.drill_rotate(&run.incident).unwrap();
    assert!(inc.roles.iter().any(|r| r.role == "incident-commander" && r.person == "Bo"));
    assert!(inc.timeline.iter().any(|e| e.text == "Command transferred: Ana → Bo"));
}

#[test]
fn the_drill_clock_runs_on_the_clock_the_edge_supplies() {
    // 60 drill-minutes at 60×: the drill starts 59 drill-minutes before the supplied
    // clock's now and ends with the real minute the run takes.
    let real = Arc::new(SteppingClock::new(t0()));
    let clock = firebreak_api::drill::drill_clock(real.clone(), Duration::minutes(60), 60);
    assert_eq!(clock.now(), t0() - Duration::minutes(59));
    real.advance(Duration::minutes(1));
    assert_eq!(clock.now(), t0() + Duration::minutes(1), "60× the real minute: the end of the run, now");
}

#[test]
fn a_script_with_an_unknown_act_is_refused_when_read_not_mid_run() {
    let e = Script::from_yaml("responses:\n  - at: 1m\n    do: acknowledge\n  - at: 2m\n    do: dance\n").unwrap_err();
    assert!(e.message.contains("line 5") && e.message.contains("dance"), "{}", e.message);
    let s = Script::from_yaml("responses:\n  - at: 1m\n    do: mitigate\n    text: failover\n").unwrap();
    assert_eq!(s.responses[0].act, firebreak_api::drill::Act::Mitigate);
}
