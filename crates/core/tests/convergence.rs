//! Property tests of the fold: the same ops in any order, with duplicates, give the
//! same incident; and a negative control shows the check can fail.
use chrono::{DateTime, Duration, Utc};
use firebreak_core::hlc::Hlc;
use firebreak_core::ids::{OpId, ReplicaId};
use firebreak_core::incident::{Incident, Status};
use firebreak_core::op::{Declare, Op, OpPayload};
use firebreak_core::timeline::EntryKind;
use proptest::prelude::*;

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-05-04T12:00:00Z").unwrap().with_timezone(&Utc)
}

fn incident_id() -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001)
}

/// A random op payload; `n` seeds the contents.
fn payload(choice: u8, n: u64, entries: &[OpId]) -> OpPayload {
    let pick = || entries.get(n as usize % entries.len().max(1)).copied().unwrap_or(OpId(1));
    let at0 = t0() + Duration::seconds(n as i64 % 10_000);
    match choice % 12 {
        6 => {
            return OpPayload::AssignRole {
                role: ["incident-commander", "scribe"][(n % 2) as usize].into(),
                from: String::new(),
                to: format!("p{}", n % 4),
                at: at0,
            }
        }
        7 => return OpPayload::PinEntry { entry: pick(), pinned: n.is_multiple_of(2) },
        8 => {
            return OpPayload::AddTask {
                owner: format!("p{}", n % 3),
                text: format!("task {n}"),
                check_back_at: at0 + Duration::minutes(10),
                at: at0,
            }
        }
        9 => return OpPayload::CompleteTask { task: pick(), text: "t".into(), at: at0 },
        10 => {
            return OpPayload::CheckItem {
                list: "SEV1".into(),
                item: format!("item {}", n % 3),
                checked: !n.is_multiple_of(3),
                at: at0,
            }
        }
        11 => {
            return OpPayload::Handoff {
                from: "a".into(),
                to: format!("p{}", n % 4),
                note: format!("note {n}"),
                at: at0,
            }
        }
        12 => {
            return OpPayload::SetReviewState {
                state: firebreak_core::review::ReviewState::ALL[(n % 4) as usize],
                at: at0,
            }
        }
        13 => {
            return OpPayload::EditReviewText {
                field: ["summary", "root_cause"][(n % 2) as usize].into(),
                text: format!("text {n}"),
                parents: if n.is_multiple_of(3) { vec![] } else { vec![pick()] },
            }
        }
        14 => {
            return OpPayload::SetActionItem {
                key: n.is_multiple_of(2).then(pick),
                item: firebreak_core::review::ActionItem {
                    id: format!("AI-00{}", n % 3),
                    action: format!("a{n}"),
                    ..Default::default()
                },
            }
        }
        15 => return OpPayload::ScheduleReview { at: n.is_multiple_of(2).then_some(at0), attendees: names(n) },
        _ => {}
    }
    let at = t0() + Duration::seconds(n as i64 % 10_000);
    let st = Status::ALL[(n % 6) as usize];
    match choice % 6 {
        0 => OpPayload::Declare(Declare {
            human_id: format!("INC-AAAAA-{}", n % 3),
            title: format!("title {n}"),
            summary: format!("summary {n}"),
            severity: format!("SEV{}", 1 + n % 4),
            services: vec![format!("svc{}", n % 5)],
            drill: n.is_multiple_of(2),
            detected_at: at,
            suggested: None,
        }),
        1 => OpPayload::SetStatus { from: Status::Detected, to: st, at },
        2 => OpPayload::SetSeverity { from: "SEV3".into(), to: format!("SEV{}", 1 + n % 4), at },
        3 => OpPayload::AddEntry {
            kind: EntryKind::ALL[(n % 9) as usize],
            at,
            text: format!("entry {n}"),
            decision: n
                .is_multiple_of(7)
                .then(|| firebreak_core::op::DecisionInfo { decided_by: "ic".into(), objections: format!("o{n}") }),
        },
        4 => OpPayload::ReviseEntry {
            entry: entries.get(n as usize % entries.len().max(1)).copied().unwrap_or(OpId(1)),
            text: format!("rev {n}"),
        },
        _ => OpPayload::EditIncident {
            title: n.is_multiple_of(2).then(|| format!("edited {n}")),
            summary: n.is_multiple_of(3).then(|| format!("sum {n}")),
            services: n.is_multiple_of(5).then(|| vec!["db".to_string()]),
            impact_started_at: n.is_multiple_of(4).then_some(at0),
            detected_at: n.is_multiple_of(6).then_some(at0),
        },
    }
}

fn ops_strategy() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec((0u8..16, any::<u64>(), 0u8..4, 0u64..50, 0u32..3), 1..40).prop_map(|raw| {
        let mut ops: Vec<Op> = Vec::new();
        let mut entries: Vec<OpId> = Vec::new();
        for (i, (choice, n, replica, wall, counter)) in raw.into_iter().enumerate() {
            let op_id = OpId(((i as u128) << 64) | n as u128);
            let p = payload(choice, n, &entries);
            if matches!(p, OpPayload::AddEntry { .. } | OpPayload::SetStatus { .. } | OpPayload::SetSeverity { .. }) {
                entries.push(op_id);
            }
            ops.push(Op {
                op_id,
                replica: ReplicaId(replica as u128 + 1),
                // Equal HLCs across replicas on purpose: ties must break by replica/op id.
                hlc: Hlc { wall_ms: 1_700_000_000_000 + wall, counter },
                author: format!("person{replica}"),
                target: incident_id(),
                v: 1,
                payload: p,
            });
        }
        ops
    })
}

fn state_json(inc: &Incident) -> String {
    serde_json::to_string(inc).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_order_with_duplicates_gives_the_same_state(
        ops in ops_strategy(),
        seed in any::<u64>(),
        dup_mask in any::<u64>(),
    ) {
        let reference = Incident::from_ops(incident_id(), ops.iter());
        // Shuffle deterministically from the seed and add duplicates.
        let mut shuffled: Vec<&Op> = ops.iter().collect();
        for (i, op) in ops.iter().enumerate() {
            if dup_mask >> (i % 64) & 1 == 1 {
                shuffled.push(op);
            }
        }
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let other = Incident::from_ops(incident_id(), shuffled.into_iter());
        prop_assert_eq!(state_json(&reference), state_json(&other));
        // Every entry-creating op is present exactly once.
        let created = ops.iter().filter(|o| matches!(o.payload,
            OpPayload::Declare(_) | OpPayload::AddEntry { .. } | OpPayload::SetStatus { .. } | OpPayload::SetSeverity { .. }
            | OpPayload::AssignRole { .. } | OpPayload::AddTask { .. } | OpPayload::CompleteTask { .. }
            | OpPayload::CheckItem { .. } | OpPayload::Handoff { .. } | OpPayload::SetReviewState { .. })
            || edits_something(&o.payload)).count();
        prop_assert_eq!(other.timeline.len(), created);
    }
}

/// The incident without the pieces a store keeps as rows of their own.
fn head_json(inc: &Incident) -> String {
    let mut head = inc.clone();
    head.timeline.clear();
    head.revisions.clear();
    head.response.pins.clear();
    state_json(&head)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// An op that `Incident::changes_head` says leaves the head alone does so on any
    /// state the other ops build (in any order: the ops come shuffled by kind).
    #[test]
    fn ops_said_to_leave_the_head_alone_do(ops in ops_strategy()) {
        let mut inc = Incident::new(incident_id());
        for op in &ops {
            let before = head_json(&inc);
            inc.apply(op);
            if !Incident::changes_head(&op.payload) {
                prop_assert_eq!(&before, &head_json(&inc), "{} changed the head", op.payload.name());
            }
        }
    }
}

/// Negative control for the check above: a note does change the whole state, and a
/// status change does change the head.
#[test]
fn head_check_sees_head_changes() {
    let mk = |id: u128, payload: OpPayload| Op {
        op_id: OpId(id),
        replica: ReplicaId(1),
        hlc: Hlc { wall_ms: 1_000 + id as u64, counter: 0 },
        author: "x".into(),
        target: incident_id(),
        v: 1,
        payload,
    };
    let mut inc = Incident::new(incident_id());
    let (head, whole) = (head_json(&inc), state_json(&inc));
    inc.apply(&mk(1, OpPayload::AddEntry { kind: EntryKind::Note, at: t0(), text: "n".into(), decision: None }));
    assert_eq!(head, head_json(&inc));
    assert_ne!(whole, state_json(&inc));
    inc.apply(&mk(2, OpPayload::SetStatus { from: Status::Detected, to: Status::Mitigated, at: t0() }));
    assert_ne!(head, head_json(&inc));
}

/// An edit that changes at least one field puts one entry on the timeline.
fn edits_something(p: &OpPayload) -> bool {
    matches!(p, OpPayload::EditIncident { title, summary, services, impact_started_at, detected_at }
        if title.is_some() || summary.is_some() || services.is_some() || impact_started_at.is_some() || detected_at.is_some())
}

/// Negative control: arrival-order last-writer-wins (ignoring stamps) must make the
/// same check fail, or the property above proves nothing.
#[test]
fn arrival_order_lww_would_diverge() {
    let mk = |id: u128, replica: u128, wall: u64, title: &str| Op {
        op_id: OpId(id),
        replica: ReplicaId(replica),
        hlc: Hlc { wall_ms: wall, counter: 0 },
        author: "x".into(),
        target: incident_id(),
        v: 1,
        payload: OpPayload::EditIncident {
            title: Some(title.into()),
            summary: None,
            services: None,
            impact_started_at: None,
            detected_at: None,
        },
    };
    let a = mk(1, 1, 10, "older");
    let b = mk(2, 2, 20, "newer");
    let naive = |ops: &[&Op]| {
        let mut title = String::new();
        for o in ops {
            if let OpPayload::EditIncident { title: Some(t), .. } = &o.payload {
                title = t.clone();
            }
        }
        title
    };
    assert_ne!(naive(&[&a, &b]), naive(&[&b, &a]), "arrival order must matter for the naive rule");
    let x = Incident::from_ops(incident_id(), [&a, &b]);
    let y = Incident::from_ops(incident_id(), [&b, &a]);
    assert_eq!(x.title.value, "newer");
    assert_eq!(state_json(&x), state_json(&y));
}

#[test]
fn milestones_follow_the_status_changes_and_reset_on_reopen() {
    let mut n = 0u128;
    let mut mk = |from: Status, to: Status, mins: i64| {
        n += 1;
        Op {
            op_id: OpId(n),
            replica: ReplicaId(1),
            hlc: Hlc { wall_ms: 1_000 + n as u64, counter: 0 },
            author: "ic".into(),
            target: incident_id(),
            v: 1,
            payload: OpPayload::SetStatus { from, to, at: t0() + Duration::minutes(mins) },
        }
    };
    use Status::*;
    let ops = [
        mk(Detected, Acknowledged, 2),
        mk(Acknowledged, Mitigated, 10),
        mk(Mitigated, Resolved, 20),
        mk(Resolved, Investigating, 30),
        mk(Investigating, Mitigated, 40),
        mk(Mitigated, Resolved, 45),
    ];
    let inc = Incident::from_ops(incident_id(), ops.iter());
    let m = inc.milestones();
    assert_eq!(m.acknowledged_at, Some(t0() + Duration::minutes(2)));
    assert_eq!(m.investigating_at, Some(t0() + Duration::minutes(10)), "skipping a step reaches it");
    assert_eq!(m.mitigated_at, Some(t0() + Duration::minutes(40)), "a reopen forgets the old mitigation");
    assert_eq!(m.resolved_at, Some(t0() + Duration::minutes(45)));
    assert_eq!(inc.status.value, Resolved);
}

/// A jump to resolved says nothing of when the steps it skipped happened: they are
/// unknown, not the resolution time (an imported review, a false alarm), in any order of
/// arrival; a step landed on at or before the jump keeps its time, also from a teammate.
#[test]
fn milestones_passed_by_a_jump_to_resolved_are_unknown() {
    use Status::*;
    let mk = |n: u128, replica: u128, from: Status, to: Status, mins: i64| Op {
        op_id: OpId(n),
        replica: ReplicaId(replica),
        hlc: Hlc { wall_ms: 1_000 + n as u64, counter: 0 },
        author: "ic".into(),
        target: incident_id(),
        v: 1,
        payload: OpPayload::SetStatus { from, to, at: t0() + Duration::minutes(mins) },
    };
    let at = |mins: i64| Some(t0() + Duration::minutes(mins));
    let jump = [mk(1, 1, Detected, Resolved, 45)];
    let m = Incident::from_ops(incident_id(), jump.iter()).milestones();
    assert_eq!((m.acknowledged_at, m.investigating_at, m.mitigated_at), (None, None, None));
    assert_eq!(m.resolved_at, at(45));

    // Acknowledged, then straight to resolved: only mitigation (and investigating) unknown.
    let ops = [mk(1, 1, Detected, Acknowledged, 5), mk(2, 1, Acknowledged, Resolved, 45)];
    let m = Incident::from_ops(incident_id(), ops.iter()).milestones();
    assert_eq!((m.acknowledged_at, m.investigating_at, m.mitigated_at), (at(5), None, None));

    // A reopen after the jump does not make the first acknowledgement the reopen's time.
    let ops = [
        mk(1, 1, Detected, Resolved, 45),
        mk(2, 1, Resolved, Investigating, 60),
        mk(3, 1, Investigating, Mitigated, 70),
    ];
    let m = Incident::from_ops(incident_id(), ops.iter()).milestones();
    assert_eq!((m.acknowledged_at, m.investigating_at, m.mitigated_at, m.resolved_at), (None, None, at(70), None));

    // A teammate's acknowledgement made apart, earlier than the jump, is known in any order.
    let jump = mk(1, 1, Detected, Resolved, 45);
    let ack = mk(2, 2, Detected, Acknowledged, 3);
    for order in [[&jump, &ack], [&ack, &jump]] {
        let m = Incident::from_ops(incident_id(), order).milestones();
        assert_eq!((m.acknowledged_at, m.mitigated_at, m.resolved_at), (at(3), None, at(45)));
    }
}

#[test]
fn concurrent_review_edits_keep_both_sides_until_merged() {
    use firebreak_core::review::ReviewState;
    let mk = |id: u128, replica: u128, wall: u64, text: &str, parents: Vec<OpId>| Op {
        op_id: OpId(id),
        replica: ReplicaId(replica),
        hlc: Hlc { wall_ms: wall, counter: 0 },
        author: format!("r{replica}"),
        target: incident_id(),
        v: 1,
        payload: OpPayload::EditReviewText { field: "root_cause".into(), text: text.into(), parents },
    };
    let base = mk(1, 1, 10, "Pool exhausted.", vec![]);
    // Two people extend the same paragraph while apart.
    let ana = mk(2, 1, 20, "Pool exhausted by a slow query.", vec![OpId(1)]);
    let bo = mk(3, 2, 15, "Pool exhausted; no pool metrics.", vec![OpId(1)]);
    for order in [[&base, &ana, &bo], [&bo, &base, &ana], [&ana, &bo, &base]] {
        let inc = Incident::from_ops(incident_id(), order);
        let text = inc.review.text("root_cause");
        assert!(text.contains("slow query") && text.contains("no pool metrics"), "both kept: {text}");
        assert!(inc.review.has_conflict("root_cause"));
    }
    // A merge that names both heads resolves to one text.
    let merge = mk(4, 1, 30, "Pool exhausted by a slow query; no pool metrics.", vec![OpId(2), OpId(3)]);
    let inc = Incident::from_ops(incident_id(), [&base, &ana, &bo, &merge]);
    assert_eq!(inc.review.text("root_cause"), "Pool exhausted by a slow query; no pool metrics.");
    assert!(!inc.review.has_conflict("root_cause"));
    assert_eq!(inc.review.state.value, ReviewState::Draft);
}

/// A meeting's attendees, varying with `n` so concurrent schedules differ.
fn names(n: u64) -> Vec<String> {
    (0..n % 3).map(|i| format!("p{i}")).collect()
}
