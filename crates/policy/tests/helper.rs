//! The severity helper: criteria and examples as questions; "if unsure, take the higher".

use firebreak_policy::*;

fn answer(policy: &Policy, text: &str, reply: Reply) -> Answer {
    questionnaire(policy)
        .into_iter()
        .find(|q| q.criterion == text)
        .unwrap_or_else(|| panic!("no question {text:?}"))
        .answer(reply)
}

#[test]
fn questionnaire_lists_criteria_then_examples_most_severe_first() {
    let m = Policy::preset("matrix").unwrap();
    let q = questionnaire(&m);
    assert_eq!(q.len(), 8 + 7);
    assert_eq!(q[0], Question { level: "P1".into(), criterion: "Complete service outage".into(), is_example: false });
    assert_eq!(q[2], Question { level: "P1".into(), criterion: "API completely down".into(), is_example: true });
    assert_eq!(q.last().unwrap().criterion, "Minor UI bug");
    let levels: Vec<&str> = q.iter().map(|q| q.level.as_str()).collect();
    let mut sorted = levels.clone();
    sorted.sort_by_key(|l| m.level_rank(l));
    assert_eq!(levels, sorted);

    let p = Policy::preset("protocol").unwrap();
    let q = questionnaire(&p);
    assert_eq!(q.len(), 16);
    assert!(q.iter().all(|q| !q.is_example));
}

#[test]
fn most_severe_yes_wins() {
    let m = Policy::preset("matrix").unwrap();
    let answers = [
        answer(&m, "Dashboard unavailable", Reply::Yes),
        answer(&m, "Minor UI bug", Reply::Yes),
        answer(&m, "API completely down", Reply::No),
    ];
    let s = suggest_level(&m, &answers).unwrap();
    assert_eq!(s.level, "P3");
    assert!(!s.lifted_by_unsure);
    assert!(s.reason.contains("Dashboard unavailable"), "{}", s.reason);
}

#[test]
fn unsure_on_a_higher_level_lifts_the_suggestion() {
    let m = Policy::preset("matrix").unwrap();
    let answers = [
        answer(&m, "Dashboard unavailable", Reply::Yes),
        answer(&m, ">50% users affected", Reply::Unsure),
        answer(&m, "Minor UI bug", Reply::Unsure),
    ];
    let s = suggest_level(&m, &answers).unwrap();
    assert_eq!(s.level, "P2");
    assert!(s.lifted_by_unsure);
    assert!(s.reason.contains(TIE_RULE), "{}", s.reason);

    // An unsure below the best yes changes nothing.
    let answers =
        [answer(&m, "Single region degraded", Reply::Yes), answer(&m, "Dashboard unavailable", Reply::Unsure)];
    assert_eq!(suggest_level(&m, &answers).unwrap().level, "P2");
}

#[test]
fn only_unsure_or_nothing() {
    let p = Policy::preset("protocol").unwrap();
    let answers = [answer(&p, "Documentation issues", Reply::Unsure), answer(&p, "Partial system outage", Reply::No)];
    let s = suggest_level(&p, &answers).unwrap();
    assert_eq!(s.level, "SEV4");
    assert!(s.lifted_by_unsure);

    let none = [answer(&p, "Partial system outage", Reply::No)];
    assert_eq!(suggest_level(&p, &none), None);
    assert_eq!(suggest_level(&p, &[]), None);
    // Answers for levels the policy does not have are ignored.
    let stray = Answer { level: "P1".into(), criterion: "x".into(), reply: Reply::Yes };
    assert_eq!(suggest_level(&p, &[stray]), None);
}

#[test]
fn protocol_yes_on_sev1_criterion() {
    let p = Policy::preset("protocol").unwrap();
    let answers = [
        answer(&p, "Security breach with significant impact", Reply::Yes),
        answer(&p, "Partial system outage", Reply::Yes),
    ];
    let s = suggest_level(&p, &answers).unwrap();
    assert_eq!(s.level, "SEV1");
    assert!(s.reason.contains("SEV1 (Critical)"), "{}", s.reason);
}
